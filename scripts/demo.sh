#!/usr/bin/env bash
# The main job: the veterinary hospital gateway demo. Installs what is missing (Debian
# packages, the project's .venv with the specgate package built from this tree), starts the
# stand-in hospital API (which fails some requests) and the gateway (gunicorn, TLS, several
# workers) on loopback, sends a mixed traffic sample, stops everything it started, and shows
# what happened: a summary table, gateway/out/report.html (charts) and `specgate replay` of the
# gateway's access log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

specgate_install_dependencies
specgate_setup_python

cd "${SPECGATE_ROOT}"
specgate_log "the hospital gateway demo"
.venv/bin/python gateway/demo.py "$@"
