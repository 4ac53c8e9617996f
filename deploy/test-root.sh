# Sourced by deploy/test-packages.sh and deploy/test-provisioning.sh: the steps' PASS/FAIL
# report, the Debian packages built from a build directory, and a fresh Debian 12 root (a
# copy of a minbase root with systemd made once by debootstrap) to install them in.
#
# Sourced with the script's arguments ([BUILD_DIR]), it sets `here` (the source tree), `build`
# (BUILD_DIR, default build/), `started` (date +%s) and `work` (a scratch directory; the
# sourcing script's EXIT trap removes it with the root's mounts). Environment: GW_DEPLOY_CACHE (default /var/cache/gw-deploy) keeps the clean root between runs;
# DEBIAN_MIRROR (default http://deb.debian.org/debian).

here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
started=$(date +%s)
script_name=$(basename "$0" .sh)
work=$(mktemp -d "/tmp/gw-$script_name-XXXXXX")
cache=${GW_DEPLOY_CACHE:-/var/cache/gw-deploy}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
failures=0

pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
# check NAME COMMAND...: one step, PASS or FAIL with the command's output.
check() {
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then pass "$name"; return 0; fi
    fail "$name"
    printf '%s\n' "$out" | sed 's/^/      /' | tail -20
    return 1
}
die() {
    printf 'FAIL  %s\n' "$*"
    printf '\n%s: stopped after a failed prerequisite (%ss)\n' "$script_name" $(($(date +%s) - started))
    exit 1
}
# finish: the summary line; exit 0 only if every step passed.
finish() {
    local elapsed=$(($(date +%s) - started))
    if [ "$failures" -eq 0 ]; then
        printf '\n%s: all steps passed (%ss)\n' "$script_name" "$elapsed"
        exit 0
    fi
    printf '\n%s: %d step(s) FAILED (%ss)\n' "$script_name" "$failures" "$elapsed"
    exit 1
}

require_root_tools() {
    [ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
    command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"
    [ -f "$build/CMakeCache.txt" ] || die "$build is not a configured build directory (cmake --preset default)"
}

root=$work/root
unmount_root() {
    for m in proc dev/pts dev; do mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"; done
}
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# build_debs VERSION...: builds gatewayd, registryd, passctl and lanesim, then the .debs of each
# VERSION into $work/debs-VERSION; the build directory's own package version is left as it was.
build_debs() {
    local current_version v
    current_version=$(sed -n 's/^GW_DEB_VERSION:STRING=//p' "$build/CMakeCache.txt")
    cmake --build "$build" -j2 --target gatewayd registryd passctl lanesim >"$work/build.log" 2>&1 ||
        { tail -20 "$work/build.log"; die "build gatewayd registryd passctl lanesim"; }
    for v in "$@"; do
        cmake -S "$here" -B "$build" -DGW_DEB_VERSION="$v" >"$work/configure.log" 2>&1 || die "configure GW_DEB_VERSION=$v"
        (cd "$build" && cpack -G DEB -B "$work/debs-$v" >"$work/cpack-$v.log" 2>&1) || { tail "$work/cpack-$v.log"; die "cpack $v"; }
        ls "$work/debs-$v"/gatewayd_*.deb "$work/debs-$v"/registryd_*.deb "$work/debs-$v"/checkpoint-tools_*.deb \
            >/dev/null 2>&1 || die "cpack made no .debs for $v"
    done
    cmake -S "$here" -B "$build" -DGW_DEB_VERSION="${current_version:-${*: -1}}" >/dev/null 2>&1
}

# make_root: $root, a copy of the clean bookworm minbase root with systemd (as on a checkpoint
# box), /proc and /dev mounted, apt's lists fresh.
make_root() {
    local base=$cache/bookworm-amd64-minbase-systemd
    if [ ! -f "$base/.complete" ]; then
        echo "$script_name: debootstrap --variant=minbase --include=systemd bookworm into $base (once)"
        rm -rf "$base" && mkdir -p "$cache"
        debootstrap --variant=minbase --include=systemd bookworm "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -20 "$work/debootstrap.log"; die "debootstrap"; }
        touch "$base/.complete"
    fi
    cp -a "$base" "$root" || die "copy the clean root"
    mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts" ||
        die "mount /proc and /dev in the root"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    in_root apt-get update -qq >"$work/apt.log" 2>&1 || { tail "$work/apt.log"; die "apt-get update in the root"; }
}
