// The `specgate` command line as a function, so the executable and the Python package
// (`python -m specgate`) run the same code and print the same output.
//
//   std::vector<std::string> args = {"lint", "hospital.yaml"};
//   int status = specgate::run_cli(args, std::cout, std::cerr);
#ifndef SPECGATE_CLI_H_
#define SPECGATE_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace specgate {

// args: the command and its arguments (without the program name). Returns the exit status:
// 0 success/valid, 1 problems found/invalid, 2 bad usage or unusable spec.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace specgate

#endif  // SPECGATE_CLI_H_
