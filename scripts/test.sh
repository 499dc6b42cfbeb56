#!/usr/bin/env bash
# The front door, and what CI runs (.ci/run): installs what is missing, builds everything,
# runs ctest, then the benchmarks in short mode. Ends with ctest's summary line.
#
#   scripts/test.sh                                   Release build in build/
#   SPECGATE_SANITIZE=address,undefined scripts/test.sh
#                                                     sanitizer build in build-sanitize/, no benchmarks
#   SPECGATE_SHARED=/path/to/shared scripts/test.sh  reference data elsewhere than ../shared
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

specgate_install_dependencies

build_dir="${SPECGATE_ROOT}/build"
cmake_args=()
if [[ -n "${SPECGATE_SANITIZE:-}" ]]; then
  build_dir="${SPECGATE_ROOT}/build-sanitize"
  cmake_args+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DSPECGATE_SANITIZE=${SPECGATE_SANITIZE}")
fi
specgate_configure "${build_dir}" "${cmake_args[@]}"
specgate_build "${build_dir}"

specgate_log "ctest"
ctest_log="${build_dir}/ctest.log"
status=0
ctest --test-dir "${build_dir}" --output-on-failure -j"$(nproc)" 2>&1 | tee "${ctest_log}" ||
  status=$?
if [[ ${status} -ne 0 ]]; then
  exit "${status}"  # ctest's summary is the last thing printed
fi

if [[ -n "${SPECGATE_SANITIZE:-}" ]]; then
  specgate_log "benchmarks skipped in a sanitizer build"
else
  specgate_log "benchmarks (short mode)"
  "${build_dir}/benchmarks/schema_benchmark" --benchmark_min_time=0.01
fi

specgate_log "ctest summary"
grep -E 'tests passed|tests failed|Total Test time' "${ctest_log}"
