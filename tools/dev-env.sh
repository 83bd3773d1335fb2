# Shared by scripts/run, scripts/test and bench/run: Debian packages and the CMake build.
# Sourced, not executed.

# Everything the build and the tests need, as Debian 12 packages.
JUNCTION_BUILD_PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  libboost1.74-dev libboost-filesystem1.74-dev
  libyaml-cpp-dev liblua5.4-dev libsqlite3-dev libsofia-sip-ua-dev libssl-dev libspandsp-dev libopus-dev libopusenc-dev
  libsndfile1-dev libsamplerate0-dev libespeak-ng-dev libcurl4-openssl-dev
)
JUNCTION_TEST_PACKAGES=(libgtest-dev libgmock-dev python3 curl sip-tester openssl baresip-core python3-aiosmtpd)
JUNCTION_BENCH_PACKAGES=(libbenchmark-dev)

# Installs the packages that are missing; quiet and quick when all are present.
junction_install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# junction_configure <build-dir> [cmake args...]: configures once, reconfigures when asked.
junction_configure() {
  local dir="$1"
  shift
  cmake -S "$JUNCTION_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
}

JUNCTION_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUNCTION_ROOT
