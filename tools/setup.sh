#!/usr/bin/env bash
# Installs what building and testing the gateway needs, from Debian 12's archive only.
# Idempotent: with everything present it only checks. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkgconf git
  # libraries (each lives behind one module; see README "Dependencies")
  libboost-dev libssl-dev libsodium-dev libprotobuf-dev protobuf-compiler
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev libopencv-dnn-dev libzxing-dev
  librocksdb-dev doctest-dev
  curl  # tools/campaigns/soak.sh reads gatewayd's /metrics
  nginx openssl  # registry sync tests: nginx serves a registry's static export; openssl makes test certificates
  # libFuzzer targets (clang-14) and sanitizers
  clang-14 libclang-rt-14-dev llvm-14
  # console tests: a real headless browser, promtool for /metrics, CJK fonts for screenshots
  chromium chromium-driver prometheus fonts-wqy-microhei
)
# node and npm drive the browser (playwright-core); a node that is already there (with npm) will do.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# playwright-core for the console's browser test, pinned by tests/gateway/console/package-lock.json.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$here/tests/gateway/console/node_modules/playwright-core" ]; then
  echo "setup: npm ci in tests/gateway/console"
  (cd "$here/tests/gateway/console" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: all build and test dependencies present"
