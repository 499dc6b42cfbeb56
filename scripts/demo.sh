#!/usr/bin/env bash
# Installs what is missing, builds Release into build/, and validates a valid and an invalid
# veterinary patient record with the example program examples/validate_file.cc.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

specgate_install_dependencies
build_dir="${SPECGATE_ROOT}/build"
specgate_configure "${build_dir}"
specgate_build "${build_dir}" validate_file

cd "${SPECGATE_ROOT}"
program="build/examples/validate_file"
schema="examples/data/patient.schema.json"

specgate_log "a valid record"
echo "\$ ${program} ${schema} examples/data/patient.valid.json"
"${program}" "${schema}" examples/data/patient.valid.json

specgate_log "an invalid record (--all lists every error, one JSON line each)"
echo "\$ ${program} ${schema} examples/data/patient.invalid.json --all"
status=0
"${program}" "${schema}" examples/data/patient.invalid.json --all || status=$?
echo "exit status ${status} (0 valid, 1 invalid, 2 usage or schema error)"
if [[ ${status} -ne 1 ]]; then
  echo "error: expected exit status 1 for the invalid record" >&2
  exit 1
fi
