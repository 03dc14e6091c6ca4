#include "operator_main.hpp"

int main(int argc, char** argv) {
  return cutover::op::operator_main(argc, argv);
}
