#!/usr/bin/env bash
# The console in a real browser: starts gatewayd's simulated checkpoint with its console on a
# free port (two accounts made with gatewayd --add-user), then browser_test.mjs drives
# Debian's chromium through playwright-core. Screenshots land in OUT_DIR.
#   run_browser_test.sh GATEWAYD SOURCE_DIR OUT_DIR
# Exit 77 (ctest: skipped) only when chromium cannot start at all.
set -uo pipefail
gatewayd=$1 src=$2 out=$3
rm -rf "$out" && mkdir -p "$out/screenshots"

chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium is not installed (tools/setup.sh installs Debian's chromium)"; exit 77
fi
if ! timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
     --disable-component-update --disable-sync --user-data-dir="$out/probe-profile" --dump-dom about:blank >/dev/null 2>"$out/chromium-probe.log"; then
  echo "SKIP: chromium cannot run here:"; tail -5 "$out/chromium-probe.log"; exit 77
fi
if [ ! -d "$src/node_modules/playwright-core" ]; then
  echo "FAIL: $src/node_modules/playwright-core missing: run tools/setup.sh (npm ci in tests/console)"; exit 1
fi

console_dir="$out/console"
printf 'admin password 2020\n' | "$gatewayd" --console-dir "$console_dir" --add-user admin1 --role admin || exit 1
printf 'operator password 2020\n' | "$gatewayd" --console-dir "$console_dir" --add-user op1 --role operator || exit 1

"$gatewayd" --console-dir "$console_dir" --console-listen 127.0.0.1:0 >"$out/gatewayd.log" 2>&1 &
pid=$!
cleanup() { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
trap cleanup EXIT

url=
for _ in $(seq 1 200); do
  url=$(sed -n 's/^console 控制台: \(https:[^ ]*\) .*/\1/p' "$out/gatewayd.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then echo "FAIL: gatewayd printed no console address"; cat "$out/gatewayd.log"; exit 1; fi
echo "console at $url"

node "$src/browser_test.mjs" "$url" "$out/screenshots" "$out/profile"
rc=$?
echo "screenshots: $out/screenshots"; ls "$out/screenshots"
if [ $rc -ne 0 ]; then echo "--- gatewayd log (tail)"; tail -40 "$out/gatewayd.log"; fi
exit $rc
