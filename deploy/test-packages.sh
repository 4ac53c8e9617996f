#!/usr/bin/env bash
# Installs, upgrades, removes and purges the Debian packages in a fresh Debian 12 root, and
# checks each step: files, the system user, conffiles, and that /var/lib/gatewayd (passage
# events still in the outbox, the cache) survives an upgrade and a remove and is gone after a
# purge. Prints PASS/FAIL per step and a summary; exit 0 only if every step passed.
#
#   deploy/test-packages.sh [BUILD_DIR]        (default: build; run as root)
#
# Needs: debootstrap, network access to deb.debian.org (or DEBIAN_MIRROR), a configured
# BUILD_DIR (cmake --preset default). Builds gatewayd, registryd, passctl and lanesim there
# (-j2), packages them twice (an older version and the current one), and makes the passage
# events by running lanesim once. The clean minbase root is made once and kept in
# $GW_DEPLOY_CACHE (default /var/cache/gw-deploy); each run works on a copy.
# Not in ctest: 1-2 minutes with the root cached (measured 54 s idle, 125 s under load), about
# 3.5 minutes the first time (debootstrap with systemd: 198 s measured).
set -uo pipefail

. "$(dirname "$0")/test-root.sh" "$@"
trap 'unmount_root; rm -rf "$work"' EXIT
require_root_tools

# --- build the packages: an older build and the current one --------------------------------
upstream=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
old_version="${upstream}-0~older1"
new_version="${upstream}-1"
echo "test-packages: packaging $old_version and $new_version from $build"
build_debs "$old_version" "$new_version"
old=$work/debs-$old_version
new=$work/debs-$new_version
pass "build: packages $old_version and $new_version"

if command -v lintian >/dev/null; then
    check "lintian: no errors in gatewayd, registryd, checkpoint-tools" \
        sh -c "! lintian --suppress-tags no-manual-page,initial-upload-closes-no-bugs '$new'/*.deb 2>&1 | grep -E '^E:'"
fi

# --- the root: a clean Debian 12 minbase with systemd (as on a checkpoint box) --------------
make_root
mkdir -p "$root/debs/old" "$root/debs/new"
cp "$old"/*.deb "$root/debs/old/" && cp "$new"/*.deb "$root/debs/new/"
pass "root: clean bookworm minbase at $root"

# --- install the older build -----------------------------------------------------------------
check "install: gatewayd, registryd, checkpoint-tools $old_version with their Depends from the archive" \
    in_root sh -c 'apt-get install -y -qq --no-install-recommends /debs/old/*.deb' || die "install $old_version"

check "files: binaries, units, /etc, examples in place" sh -c "
    for f in usr/bin/gatewayd usr/bin/registryd usr/bin/passctl lib/systemd/system/gatewayd.service \
             lib/systemd/system/registryd.service etc/gatewayd/gatewayd.conf etc/gatewayd/trust.conf \
             etc/registryd/registryd.conf usr/share/doc/gatewayd/examples/jinshan-pinghu.conf \
             usr/share/doc/gatewayd/README.md usr/share/doc/gatewayd/copyright; do
        [ -e '$root'/\$f ] || { echo \"missing /\$f\"; exit 1; }
    done"
check "binaries: every shared library found (Depends complete)" sh -c "
    ! chroot '$root' ldd /usr/bin/gatewayd /usr/bin/registryd /usr/bin/passctl | grep 'not found'"
check "binaries: gatewayd, registryd and passctl run in the root" sh -c "
    chroot '$root' gatewayd --help >/dev/null && chroot '$root' registryd --help >/dev/null &&
    chroot '$root' passctl --help >/dev/null"
for u in gatewayd registryd; do
    check "user: $u is a system user with no shell, home /var/lib/$u" sh -c "
        line=\$(chroot '$root' getent passwd $u) || { echo 'no user $u'; exit 1; }
        uid=\$(echo \"\$line\" | cut -d: -f3); home=\$(echo \"\$line\" | cut -d: -f6); sh=\$(echo \"\$line\" | cut -d: -f7)
        [ \"\$uid\" -lt 1000 ] && [ \"\$home\" = /var/lib/$u ] && [ \"\$sh\" = /usr/sbin/nologin ] || { echo \"\$line\"; exit 1; }"
    check "directories: /var/lib/$u $u:$u 0750, /etc/$u/tls root:$u 0750" sh -c "
        [ \"\$(chroot '$root' stat -c '%U:%G %a' /var/lib/$u)\" = '$u:$u 750' ] &&
        [ \"\$(chroot '$root' stat -c '%U:%G %a' /etc/$u/tls)\" = 'root:$u 750' ] ||
        chroot '$root' stat -c '%n %U:%G %a' /var/lib/$u /etc/$u/tls"
done
check "conffiles: /etc/gatewayd/gatewayd.conf and trust.conf, /etc/registryd/registryd.conf" sh -c "
    c=\$(chroot '$root' dpkg-query -W -f='\${Conffiles}' gatewayd registryd)
    for f in /etc/gatewayd/gatewayd.conf /etc/gatewayd/trust.conf /etc/registryd/registryd.conf; do
        echo \"\$c\" | grep -q \" \$f \" || { echo \"not a conffile: \$f\"; echo \"\$c\"; exit 1; }
    done"
check "units: a first install leaves gatewayd and registryd disabled until provisioned" sh -c "
    for u in gatewayd registryd; do
        state=\$(systemctl --root='$root' is-enabled \$u.service 2>&1); [ \"\$state\" = disabled ] || { echo \"\$u: \$state\"; exit 1; }
    done"
check "config: the shipped gatewayd.conf is refused until provisioned (no trusted root)" sh -c "
    out=\$(chroot '$root' gatewayd --check-config /etc/gatewayd/gatewayd.conf 2>&1); rc=\$?
    [ \$rc -eq 1 ] && echo \"\$out\" | grep -q 'this checkpoint would trust nobody' || { echo \"rc=\$rc \$out\"; exit 1; }"
if command -v systemd-analyze >/dev/null; then
    check "units: systemd-analyze verify gatewayd.service and registryd.service is clean" sh -c "
        out=\$(systemd-analyze verify --root='$root' /lib/systemd/system/gatewayd.service \
              /lib/systemd/system/registryd.service 2>&1); [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }"
fi

# --- state that must survive: real passage events in the outbox, the cache -------------------
sim=$work/sim
mkdir -p "$sim"
# lanesim's own verdict on the scenarios is not this test's business (a busy machine can make a
# timing-sensitive round fail): what counts is that the lanes decided and recorded events.
"$build/bin/lanesim" --rounds 1 --dir "$sim" >"$work/lanesim.log" 2>&1
if [ -d "$sim/state/outbox" ]; then
    cp -a "$sim/state/." "$root/var/lib/gatewayd/"
    in_root chown -R gatewayd:gatewayd /var/lib/gatewayd
    events=$(find "$root/var/lib/gatewayd/outbox" -name '*.log' -size +0 | wc -l)
    if [ "$events" -gt 0 ]; then
        pass "state: passage events from lanesim in /var/lib/gatewayd/outbox, the cache in /var/lib/gatewayd/cache"
    else
        fail "state: lanesim wrote no passage events"
    fi
else
    tail "$work/lanesim.log" | sed 's/^/      /'
    die "state: lanesim --rounds 1 made no state directory"
fi
# A deployer's edit to a conffile must survive the upgrade as well.
sed -i 's/^name = checkpoint-1$/name = upgrade-test-checkpoint/' "$root/etc/gatewayd/gatewayd.conf"
manifest() { (cd "$root/var/lib/gatewayd" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
manifest >"$work/state.before"

# --- upgrade: older build -> current build ---------------------------------------------------
check "upgrade: $old_version -> $new_version" \
    in_root sh -c 'apt-get install -y -qq -o Dpkg::Options::=--force-confold /debs/new/*.deb'
check "upgrade: every package at $new_version" sh -c "
    v=\$(chroot '$root' dpkg-query -W -f='\${Version} ' gatewayd registryd checkpoint-tools)
    [ \"\$v\" = '$new_version $new_version $new_version ' ] || { echo \"\$v\"; exit 1; }"
check "upgrade: /var/lib/gatewayd byte for byte as before (outbox events, cache)" sh -c "
    manifest_now=\$(cd '$root/var/lib/gatewayd' && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    [ \"\$manifest_now\" = \"\$(cat '$work/state.before')\" ] || { echo \"\$manifest_now\" | diff '$work/state.before' - ; exit 1; }"
check "upgrade: the deployer's edit to gatewayd.conf is kept, no .dpkg-new" sh -c "
    grep -q '^name = upgrade-test-checkpoint\$' '$root/etc/gatewayd/gatewayd.conf' &&
    [ ! -e '$root/etc/gatewayd/gatewayd.conf.dpkg-new' ] && [ ! -e '$root/etc/gatewayd/gatewayd.conf.dpkg-dist' ]"

# --- remove: the state and the configuration stay --------------------------------------------
check "remove: gatewayd and registryd" in_root apt-get remove -y -qq gatewayd registryd
check "remove: binaries gone, packages in state config-files (rc)" sh -c "
    [ ! -e '$root/usr/bin/gatewayd' ] && [ ! -e '$root/usr/bin/registryd' ] &&
    [ \"\$(chroot '$root' dpkg-query -W -f='\${db:Status-Abbrev}' gatewayd registryd)\" = 'rc rc ' ]"
check "remove: /var/lib/gatewayd byte for byte as before, conffiles and user still there" sh -c "
    manifest_now=\$(cd '$root/var/lib/gatewayd' && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    [ \"\$manifest_now\" = \"\$(cat '$work/state.before')\" ] &&
    grep -q '^name = upgrade-test-checkpoint\$' '$root/etc/gatewayd/gatewayd.conf' &&
    chroot '$root' getent passwd gatewayd >/dev/null"

# --- purge: the state goes -------------------------------------------------------------------
check "purge: gatewayd and registryd" in_root apt-get purge -y -qq gatewayd registryd
check "purge: /var/lib/gatewayd, /var/lib/registryd, /etc/gatewayd, /etc/registryd gone" sh -c "
    for d in var/lib/gatewayd var/lib/registryd etc/gatewayd etc/registryd; do
        [ ! -e '$root'/\$d ] || { echo \"still there: /\$d\"; ls -la '$root'/\$d; exit 1; }
    done"
check "purge: checkpoint-tools still installed (passctl stays for the operator)" \
    sh -c "chroot '$root' passctl --help >/dev/null"

finish
