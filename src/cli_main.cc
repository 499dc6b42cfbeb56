// The `specgate` executable.
#include <iostream>

#include "specgate/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return specgate::run_cli(args, std::cout, std::cerr);
}
