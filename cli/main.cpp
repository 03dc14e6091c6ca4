#include "deploy_main.hpp"

int main(int argc, char** argv) {
  return cutover::cli::deploy_main(argc, argv);
}
