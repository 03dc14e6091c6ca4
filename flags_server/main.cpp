#include "flags_main.hpp"

int main(int argc, char** argv) {
  return cutover::flag_server::flags_main(argc, argv);
}
