#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan, in build-fuzz/) and fuzzes one of them
# for a number of seconds, then prints executions, coverage and findings.
#
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER_FLAGS...]
#   fuzz/run.sh request_validate 60
#   fuzz/run.sh all 30                 each target in turn, SECONDS each
#
# TARGET is one of: schema_compile instance_validate spec_load route_match request_validate
# access_log
# (or "all").
# The corpus grows in build-fuzz/corpus/TARGET (seeded by fuzz/make_corpus.py from the
# committed seeds and ../shared); crashes, leaks and timeouts are written to
# build-fuzz/findings/TARGET/ and make the script exit 1. A finding is kept as a regression
# test by copying it to fuzz/corpus/TARGET/regression-<what>, which ctest replays.
#
# Environment: CLANG (default clang++-14, else clang++), SPECGATE_FUZZ_JOBS (default 1: one
# fuzzing process), SPECGATE_FUZZ_BUILD_DIR (default build-fuzz).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets_all=(schema_compile instance_validate spec_load route_match request_validate access_log)

if [[ $# -lt 2 ]]; then
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi
target="$1"
seconds="$2"
shift 2
if [[ "${target}" == all ]]; then
  status=0
  for t in "${targets_all[@]}"; do "${BASH_SOURCE[0]}" "${t}" "${seconds}" "$@" || status=1; done
  exit "${status}"
fi
if [[ ! " ${targets_all[*]} " =~ " ${target} " ]]; then
  echo "run.sh: unknown target '${target}' (one of: ${targets_all[*]} all)" >&2
  exit 2
fi

clang="${CLANG:-}"
if [[ -z "${clang}" ]]; then
  for candidate in clang++-14 clang++; do
    if command -v "${candidate}" >/dev/null 2>&1; then
      clang="${candidate}"
      break
    fi
  done
fi
if [[ -z "${clang}" ]]; then
  echo "run.sh: clang not found: apt-get install -y clang-14 libclang-rt-14-dev" >&2
  exit 2
fi

build="${SPECGATE_FUZZ_BUILD_DIR:-${root}/build-fuzz}"
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [[ ! -f "${build}/CMakeCache.txt" ]]; then
  cmake -S "${root}" -B "${build}" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="${clang}" \
    -DSPECGATE_FUZZ=ON \
    -DSPECGATE_BUILD_TESTS=OFF -DSPECGATE_BUILD_BENCHMARKS=OFF \
    -DSPECGATE_BUILD_EXAMPLES=OFF -DSPECGATE_INSTALL=OFF >/dev/null
fi
cmake --build "${build}" -j"$(nproc)" --target "${target}_fuzzer"

corpus="${build}/corpus/${target}"
findings="${build}/findings/${target}"
mkdir -p "${corpus}" "${findings}"
python3 "${root}/fuzz/make_corpus.py" "${build}/corpus" >/dev/null
log="${build}/${target}.log"

# -max_len: big enough for the spec seeds, small enough to keep executions fast.
# -timeout: an input slower than this is a finding (the library promises linear-time
# validation). -rss_limit_mb: a hostile input must not need gigabytes.
jobs=()
if [[ "${SPECGATE_FUZZ_JOBS:-1}" -gt 1 ]]; then
  jobs=(-jobs="${SPECGATE_FUZZ_JOBS}" -workers="${SPECGATE_FUZZ_JOBS}")
fi
status=0
# From the build directory: with -jobs libFuzzer writes fuzz-N.log files into the working one.
cd "${build}"
rm -f fuzz-*.log
"${build}/fuzz/${target}_fuzzer" "${corpus}" \
  -max_total_time="${seconds}" \
  -max_len=8192 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  "${jobs[@]}" \
  -artifact_prefix="${findings}/" \
  "$@" >"${log}" 2>&1 || status=$?

# With -jobs libFuzzer writes fuzz-N.log files; fold them in.
if compgen -G "fuzz-*.log" >/dev/null; then cat fuzz-*.log >>"${log}"; rm -f fuzz-*.log; fi

last_status="$(grep -E '^#[0-9]+' "${log}" | tail -1 || true)"
echo "== ${target}: ${seconds}s"
echo "last status: ${last_status:-none}"
grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' "${log}" || true
echo "corpus: $(find "${corpus}" -type f | wc -l) inputs in ${corpus}"
found="$(find "${findings}" -type f | wc -l)"
echo "findings: ${found} in ${findings}"
if [[ ${status} -ne 0 || ${found} -ne 0 ]]; then
  grep -E 'ERROR: |SUMMARY: |invariant violated|runtime error' "${log}" | head -20 || true
  echo "log: ${log}"
  exit 1
fi
