// A plain stand-in for libFuzzer's main(), linked into every fuzz target in builds without
// -DSPECGATE_FUZZ=ON (g++, or clang without libFuzzer), so the targets compile in every build
// and ctest can replay their seed corpora and past findings.
//
//   schema_compile_fuzzer fuzz/corpus/schema_compile            # every file in the directory
//   schema_compile_fuzzer crash-1234 another-input.json         # single files
//
// Arguments starting with '-' (libFuzzer flags such as -runs=0) are ignored, so a command
// line written for a libFuzzer binary also works here. Files are run in name order, each
// once, through LLVMFuzzerTestOneInput. Exits 1 when no input was found (a missing corpus
// must not pass silently) or an argument cannot be read; a crash is the input's finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

bool run_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "driver: cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // A copy in an exactly sized heap block, as libFuzzer passes it: ASan then catches reads
  // one past the end.
  std::unique_ptr<std::uint8_t[]> input(new std::uint8_t[bytes.size() ? bytes.size() : 1]);
  std::copy(bytes.begin(), bytes.end(), input.get());
  LLVMFuzzerTestOneInput(input.get(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t runs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;
    std::error_code ec;
    std::filesystem::path path(arg);
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        ok = run_file(file) && ok;
        ++runs;
      }
    } else if (std::filesystem::is_regular_file(path, ec)) {
      ok = run_file(path) && ok;
      ++runs;
    } else {
      std::fprintf(stderr, "driver: %s is neither a file nor a directory\n", arg.c_str());
      ok = false;
    }
  }
  std::printf("driver: ran %zu inputs\n", runs);
  if (runs == 0) {
    std::fprintf(stderr, "driver: no inputs given\n");
    return 1;
  }
  return ok ? 0 : 1;
}
