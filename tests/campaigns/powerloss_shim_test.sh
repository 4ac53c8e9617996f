#!/bin/sh
# The power-loss shim keeps exactly what was made durable: a file's content as of its last
# fdatasync, renames and unlinks only once their directory was fsynced; SIGUSR2 kills the
# process. Usage: powerloss_shim_test.sh SHIM.so
set -u
shim=$(realpath "$1")
work=$(mktemp -d /tmp/powerloss-shim-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/state" "$work/shadow"
LD_PRELOAD=$shim GW_POWERLOSS_DIR=$work/state GW_POWERLOSS_SHADOW=$work/shadow python3 - "$work/state" <<'PY'
import os, signal, sys, time
d = sys.argv[1]
def put(name, data, sync):
    fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.write(fd, data)
    if sync:
        os.fdatasync(fd)
    os.close(fd)
put("a", b"synced", True)
put("a", b"+lost", False)                 # written after the sync: lost
put("b", b"never synced", False)          # never synced: gone
put("c", b"renamed", True)
os.rename(os.path.join(d, "c"), os.path.join(d, "c2"))
dfd = os.open(d, os.O_RDONLY)
os.fsync(dfd)                             # the rename is durable now
put("e", b"kept", True)
os.rename(os.path.join(d, "e"), os.path.join(d, "e2"))   # not durable: e stays e
os.unlink(os.path.join(d, "a"))                          # not durable: a stays
os.kill(os.getpid(), signal.SIGUSR2)
time.sleep(5)
sys.exit(3)                               # the cut did not come
PY
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
