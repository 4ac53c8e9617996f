# Sourced by the console's shell tests: start_demo_console GATEWAYD OUT_DIR starts gatewayd's
# demo with its console (state in OUT_DIR/console, log OUT_DIR/gatewayd.log) on a free port,
# sets $pid and $port once the console's address is printed, or fails the test.
# stop_demo_console ends it (also from an EXIT trap).
start_demo_console() {
  "$1" --console-dir "$2/console" --console-listen 127.0.0.1:0 >"$2/gatewayd.log" 2>&1 &
  pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's/^console 控制台: https:\/\/127.0.0.1:\([0-9]*\)\/ .*/\1/p' "$2/gatewayd.log" | head -1)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "FAIL: no console address"; cat "$2/gatewayd.log"; exit 1
}
stop_demo_console() { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
