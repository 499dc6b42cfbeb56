#!/usr/bin/env bash
# The one place that knows specgate's build dependencies and how to build it.
#
# Sourced by scripts/demo.sh and scripts/test.sh; run directly it only installs what is missing:
#   scripts/setup.sh
#
# Debian 12 packages are installed with apt-get when missing (as root, or through sudo);
# `apt-get update` runs only when something has to be installed, so a second run is a no-op.

SPECGATE_APT_PACKAGES=(
  python3
  python3-venv
  python3-dev
  g++
  cmake
  ninja-build
  pkg-config
  rapidjson-dev
  libre2-dev
  libidn2-dev
  libyaml-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  zlib1g-dev
  # The sanitizer and fuzzing jobs (scripts/sanitize.sh): clang, its sanitizer and libFuzzer
  # runtimes, and llvm-symbolizer for readable reports.
  clang-14
  libclang-rt-14-dev
  llvm-14
)

SPECGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

specgate_log() {
  printf '\033[1m==> %s\033[0m\n' "$*"
}

# Installs the packages of SPECGATE_APT_PACKAGES that are not installed yet.
specgate_install_dependencies() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    specgate_log "not a Debian system: install the equivalents of ${SPECGATE_APT_PACKAGES[*]} yourself"
    return 0
  fi
  local missing=() package
  for package in "${SPECGATE_APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("${package}")
    fi
  done
  if ((${#missing[@]} == 0)); then
    specgate_log "build dependencies already installed"
    return 0
  fi
  local as_root=()
  if [[ ${EUID} -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: missing packages (${missing[*]}) and neither root nor sudo available" >&2
      return 1
    fi
    as_root=(sudo)
  fi
  specgate_log "installing ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# specgate_configure BUILD_DIR [CMAKE_ARGS...]: a Release build with Ninja unless overridden.
specgate_configure() {
  local build_dir="$1"
  shift
  specgate_log "configuring ${build_dir}"
  cmake -S "${SPECGATE_ROOT}" -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
}

# specgate_build BUILD_DIR [TARGETS...]: builds everything, or only the given targets.
specgate_build() {
  local build_dir="$1"
  shift
  local targets=()
  if (($# > 0)); then
    targets=(--target "$@")
  fi
  specgate_log "building ${build_dir} ${*:-(all targets)}"
  cmake --build "${build_dir}" -j"$(nproc)" "${targets[@]}"
}

# The project's Python virtual environment (.venv, git-ignored): the test and gateway
# dependencies from requirements-dev.txt, then specgate itself built from this tree with
# `pip install .` (scikit-build-core compiles the C++ core and the extension). Idempotent: the
# venv is reused and pip skips what is installed; the package is rebuilt incrementally.
specgate_setup_python() {
  local venv="${SPECGATE_ROOT}/.venv"
  local python="${SPECGATE_PYTHON:-python3}"
  if [[ ! -x "${venv}/bin/python" ]]; then
    specgate_log "creating ${venv}"
    "${python}" -m venv "${venv}"
  fi
  specgate_log "installing Python dependencies into .venv"
  "${venv}/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "${venv}/bin/python" -m pip install -q --disable-pip-version-check \
    -r "${SPECGATE_ROOT}/requirements-dev.txt"
  specgate_log "building and installing the specgate Python package"
  "${venv}/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation \
    "${SPECGATE_ROOT}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  specgate_install_dependencies
fi
