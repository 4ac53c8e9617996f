#!/bin/sh
# The power-loss shim keeps exactly what was made durable: a file's content as of its last
# fdatasync, renames and unlinks only once their directory was fsynced; SIGUSR2 kills the
# process. Usage: powerloss_shim_test.sh SHIM.so PROBE (powerloss_probe.c: the writes, then the cut)
set -u
shim=$(realpath "$1") probe=$(realpath "$2")
work=$(mktemp -d /tmp/powerloss-shim-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/state" "$work/shadow"
LD_PRELOAD=$shim GW_POWERLOSS_DIR=$work/state GW_POWERLOSS_SHADOW=$work/shadow "$probe" "$work/state"
rc=$?
fail=0
check() { if [ "$1" != "$2" ]; then echo "FAIL: $3: got '$1', want '$2'"; fail=1; else echo "ok: $3"; fi; }
check "$rc" 137 "the process is killed by the cut (SIGKILL)"
check "$(cat "$work/shadow/a" 2>/dev/null)" "synced" "a file holds what its last fdatasync covered"
check "$(test -e "$work/shadow/b" && echo present || echo absent)" "absent" "a file never synced is gone"
check "$(cat "$work/shadow/c2" 2>/dev/null)" "renamed" "a rename whose directory was fsynced is there"
check "$(test -e "$work/shadow/c" && echo present || echo absent)" "absent" "its old name is gone"
check "$(cat "$work/shadow/e" 2>/dev/null)" "kept" "a rename never made durable did not happen"
check "$(test -e "$work/shadow/e2" && echo present || echo absent)" "absent" "its new name is not there"
check "$(cat "$work/state/b" 2>/dev/null)" "never synced" "(the page cache had it: SIGKILL alone would keep it)"
exit $fail
