#!/usr/bin/env bash
# The sanitizer and fuzzing jobs of CI (scripts/test.sh runs them all after the main build;
# docs/hardening.md says what each covers and what it found):
#
#   scripts/sanitize.sh           all three jobs below
#   scripts/sanitize.sh asan      the whole C++ test suite under ASan+UBSan (LeakSanitizer
#                                 on), in build-asan/
#   scripts/sanitize.sh tsan      the concurrency test (threads validating while the spec is
#                                 swapped) under TSan, in build-tsan/
#   scripts/sanitize.sh fuzz      every libFuzzer target for SPECGATE_FUZZ_SECONDS (default 15)
#                                 each, ASan+UBSan, in build-fuzz/ (fuzz/run.sh)
#
# All three use clang (Debian's clang-14): its ignorelist exempts the known RapidJSON 1.1.0
# reports (cmake/sanitizer_ignorelist.txt), and libFuzzer comes with it. Builds use -O1 with
# line tables only: the reports stay readable and the builds fit CI's time budget. Any report
# fails the job (UBSan is built not to recover; ASan, LSan and TSan stop at the first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

CLANG_CXX=clang++-14
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

# sanitizer_configure BUILD_DIR SANITIZERS [CMAKE_ARGS...]
sanitizer_configure() {
  local build_dir="$1" sanitizers="$2"
  shift 2
  specgate_configure "${build_dir}" \
    -DCMAKE_CXX_COMPILER="${CLANG_CXX}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    "-DSPECGATE_SANITIZE=${sanitizers}" \
    -DSPECGATE_BUILD_BENCHMARKS=OFF \
    -DSPECGATE_BUILD_EXAMPLES=OFF \
    -DSPECGATE_INSTALL=OFF \
    "$@"
}

job_asan() {
  local build_dir="${SPECGATE_ROOT}/build-asan"
  sanitizer_configure "${build_dir}" address,undefined -DSPECGATE_TEST_ADD_SUBDIRECTORY=OFF
  specgate_build "${build_dir}"
  specgate_log "ctest under ASan+UBSan"
  # The "package" tests (a consumer of the installed library, one using add_subdirectory) are
  # about the build system, not the code, and are off here: they run in the main build.
  ctest --test-dir "${build_dir}" --output-on-failure -j"$(nproc)"
}

job_tsan() {
  local build_dir="${SPECGATE_ROOT}/build-tsan"
  sanitizer_configure "${build_dir}" thread -DSPECGATE_BUILD_FUZZERS=OFF
  specgate_build "${build_dir}" concurrency_test
  specgate_log "concurrency_test under TSan"
  "${build_dir}/tests/concurrency_test" --gtest_brief=1
}

job_fuzz() {
  local seconds="${SPECGATE_FUZZ_SECONDS:-15}"
  specgate_log "each fuzz target for ${seconds} s"
  CLANG="${CLANG_CXX}" "${SPECGATE_ROOT}/fuzz/run.sh" all "${seconds}"
}

specgate_install_dependencies
jobs=("$@")
if ((${#jobs[@]} == 0)); then jobs=(asan tsan fuzz); fi
for job in "${jobs[@]}"; do
  case "${job}" in
    asan | tsan | fuzz) "job_${job}" ;;
    *)
      echo "sanitize.sh: unknown job '${job}' (asan, tsan or fuzz)" >&2
      exit 2
      ;;
  esac
done
specgate_log "sanitizer jobs passed: ${jobs[*]}"
