#!/usr/bin/env bash
# The front door, and what CI runs (.ci/run): installs what is missing, builds everything,
# runs ctest, the benchmarks in short mode, pytest, then the sanitizer and fuzzing jobs
# (scripts/sanitize.sh: the C++ suite under ASan+UBSan, the concurrency test under TSan, each
# fuzz target for a few seconds). Ends with ctest's summary line.
#
#   scripts/test.sh                                   everything (what CI runs)
#   SPECGATE_SANITIZERS=0 scripts/test.sh             without the sanitizer and fuzzing jobs
#   SPECGATE_SHARED=/path/to/shared scripts/test.sh   reference data elsewhere than ../shared
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

specgate_install_dependencies

build_dir="${SPECGATE_ROOT}/build"
specgate_configure "${build_dir}"
specgate_build "${build_dir}"

specgate_log "ctest"
ctest_log="${build_dir}/ctest.log"
status=0
ctest --test-dir "${build_dir}" --output-on-failure -j"$(nproc)" 2>&1 | tee "${ctest_log}" ||
  status=$?

# ctest's summary ("N% tests passed, M tests failed out of T") is repeated as the last line.
print_ctest_summary() {
  specgate_log "ctest summary"
  grep -E 'Total Test time' "${ctest_log}" || true
  grep -E 'tests passed' "${ctest_log}" || echo "ctest printed no summary"
}

if [[ ${status} -ne 0 ]]; then
  print_ctest_summary
  exit "${status}"
fi

for benchmark in "${build_dir}"/benchmarks/*_benchmark; do
  specgate_log "$(basename "${benchmark}") (short mode)"
  "${benchmark}" --benchmark_min_time=0.01
done

# The Python package, the Flask extension, the WSGI middleware and the gateway, against real
# gunicorn servers and TLS on loopback.
specgate_setup_python
specgate_log "pytest"
# Two runs: each folder's tests import helpers from its own conftest module.
pytest_status=0
for suite in tests/python tests/gateway; do
  (cd "${SPECGATE_ROOT}" && .venv/bin/python -m pytest -q -p no:cacheprovider "${suite}") ||
    pytest_status=$?
done

sanitize_status=0
if [[ "${SPECGATE_SANITIZERS:-1}" != 0 ]]; then
  "${SPECGATE_ROOT}/scripts/sanitize.sh" || sanitize_status=$?
else
  specgate_log "sanitizer and fuzzing jobs skipped (SPECGATE_SANITIZERS=0)"
fi

print_ctest_summary
if [[ ${pytest_status} -ne 0 ]]; then
  specgate_log "pytest failed"
  exit "${pytest_status}"
fi
if [[ ${sanitize_status} -ne 0 ]]; then
  specgate_log "sanitizer or fuzzing job failed"
  exit "${sanitize_status}"
fi
