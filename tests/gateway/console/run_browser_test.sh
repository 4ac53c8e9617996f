#!/usr/bin/env bash
# The console in a real browser: lanesim runs the simulated checkpoint against a gatewayd
# process with its console on a free port (two accounts made beforehand with gatewayd
# --add-user), then a browser script drives Debian's chromium through playwright-core.
#   run_browser_test.sh GATEWAYD LANESIM SOURCE_DIR OUT_DIR [main|expiry]
# main:   browser_test.mjs; lanesim holds its scenarios until the browser is logged in and
#         watching (--start-when), runs one round, then keeps gatewayd up (--hold) for the
#         rest of the steps; lanesim must then judge every outcome right and stop cleanly.
# expiry: browser_session_expiry_test.mjs with [console] session-idle = 1m (the minimum).
# Screenshots land in OUT_DIR/screenshots, logs in OUT_DIR (lanesim.log, lanesim/gatewayd.log).
# Exit 77 (ctest: skipped) only when chromium cannot start at all.
set -uo pipefail
gatewayd=$1 lanesim=$2 src=$3 out=$4 mode=${5:-main}
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
  echo "FAIL: $src/node_modules/playwright-core missing: run tools/setup.sh (npm ci in tests/gateway/console)"; exit 1
fi

console_dir="$out/console"
printf 'admin password 2020\n' | "$gatewayd" --console-dir "$console_dir" --add-user admin1 --role admin || exit 1
printf 'operator password 2020\n' | "$gatewayd" --console-dir "$console_dir" --add-user op1 --role operator || exit 1

case $mode in
  main)   script=browser_test.mjs; lanesim_args=(--rounds 1) ;;
  # The round's decisions and the tile updates reach the page during the idle minute:
  # watching is not activity. One round only: in a second one car-2 still sits in "manual"
  # after the first round's tailgating, and a plate read in that phase is dropped.
  expiry) script=browser_session_expiry_test.mjs; lanesim_args=(--rounds 1 --session-idle 1m) ;;
  *) echo "FAIL: unknown mode '$mode'"; exit 2 ;;
esac

start_file="$out/start"
"$lanesim" --gatewayd "$gatewayd" --dir "$out/lanesim" --console-listen 127.0.0.1:0 --console-dir "$console_dir" \
  --start-when "$start_file" --hold "${lanesim_args[@]}" >"$out/lanesim.log" 2>&1 &
pid=$!
stopped=
stop_lanesim() {
  [ -n "$stopped" ] && return "$lanesim_rc"
  stopped=1
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  lanesim_rc=$?
  return "$lanesim_rc"
}
trap 'stop_lanesim' EXIT

url=
for _ in $(seq 1 300); do
  url=$(sed -n 's/^console: \(https:[^ ]*\)$/\1/p' "$out/lanesim.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then echo "FAIL: lanesim printed no console address"; cat "$out/lanesim.log"; exit 1; fi
echo "console at $url"

started=$(date +%s)
node "$src/$script" "$url" "$out/screenshots" "$out/profile" "$start_file" "$out/lanesim.log"
rc=$?
echo "browser: exit $rc after $(( $(date +%s) - started )) s"
echo "screenshots: $out/screenshots"; ls "$out/screenshots"

# The browser's steps take their own time (the expiry test a fixed idle minute), lanesim's
# round its own (the scenarios, then the registries' round with Shanghai down and back): let
# the round end ("holding:") before SIGTERM, or a slow round is cut short and judged
# incomplete. lanesim gives up on each step by itself, so this wait is bounded.
for _ in $(seq 1 1200); do
  grep -q '^holding: ' "$out/lanesim.log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^holding: ' "$out/lanesim.log" || echo "lanesim's round had not ended 120 s after the browser"

stop_lanesim
echo "--- lanesim (exit $lanesim_rc)"; cat "$out/lanesim.log"
if [ "$lanesim_rc" -ne 0 ]; then
  echo "FAIL: lanesim did not judge every outcome right or gatewayd did not stop cleanly"
  rc=1
fi
if [ $rc -ne 0 ]; then echo "--- gatewayd log (tail)"; tail -60 "$out/lanesim/gatewayd.log"; fi
exit $rc
