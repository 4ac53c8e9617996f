#!/usr/bin/env bash
# Runs the two provisioning walkthroughs of deploy/README.md, command by command, in a fresh
# Debian 12 root, and checks what each step promises: a registry operator installs registryd,
# makes its keys, TLS and admin token, starts it, publishes an issuer and a pass, and puts nginx
# in front of the static export; then a deployer installs gatewayd on a blank box, writes the
# trust roots, the gateway's client certificate, the registry and a lane, checks the
# configuration, adds the first console admin, starts gatewayd, and sees it on the console and
# on /metrics, synced from the registry. Prints PASS/FAIL per step; exit 0 only if all passed.
#
#   deploy/test-provisioning.sh [BUILD_DIR]        (default: build; run as root)
#
# Needs what deploy/test-packages.sh needs (debootstrap, the Debian archive, a configured
# BUILD_DIR); shares its cached root ($GW_DEPLOY_CACHE). Not in ctest (a root, apt, 1-3 min).
#
# Where a chroot is not the box (read these before trusting a PASS):
# - Both walkthroughs run on one root, in a network namespace of their own (only loopback:
#   nothing here reaches or blocks the host's ports). registry.zj.example is 127.0.0.1 in the
#   root's /etc/hosts. The registry keeps the README's port 8443, so the console moves to 9443.
# - No systemd runs in a chroot: `systemctl enable` is checked (it works offline); "start" runs
#   the unit's own ExecStartPre/ExecStart lines as the unit's User= with runuser, without the
#   unit's sandbox (deploy/test-packages.sh and systemd-analyze check the units themselves).
# - No lane hardware: car-1's controller address has nothing behind it and its scanner and
#   plate feed are not plugged in, so the lane is up, closed, and reports CONTROLLER_UNREACHABLE
#   and SCANNER_LOST, as a box does before its devices are wired.
# - curl is the test's own client (installed beside the packages): the registry operator's
#   walkthrough does not need it.
# - Validity dates are today and a year on (the README's examples are of 2020).
set -uo pipefail

. "$(dirname "$0")/test-root.sh" "$@"
require_root_tools
command -v nsenter >/dev/null && command -v unshare >/dev/null || die "nsenter/unshare missing (util-linux)"

netns=$work/netns
# Every process running in the box (root directory $root): the daemons under runuser, nginx's
# master and workers. Killing runuser alone leaves its child running.
box_pids() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
    done
}
stop_all() {
    local pids
    pids=$(box_pids)
    [ -n "$pids" ] && kill $pids 2>/dev/null && sleep 1
    pids=$(box_pids)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null && sleep 0.2
    mountpoint -q "$netns" 2>/dev/null && umount "$netns"
    unmount_root
    rm -rf "$work"
}
trap stop_all EXIT

# in_box COMMAND...: as root on the box (the chroot, in its own network namespace).
in_box() { nsenter --net="$netns" chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
# box SCRIPT: a shell snippet on the box, as the README's blocks are written.
box() { in_box bash -euo pipefail -c "$1"; }
# start_unit UNIT LOG: the unit's ExecStartPre and ExecStart as its User=, in the background.
start_unit() {
    local unit=$root/lib/systemd/system/$1.service user pre exec
    user=$(sed -n 's/^User=//p' "$unit")
    pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
    exec=$(sed -n 's/^ExecStart=//p' "$unit")
    if [ -n "$pre" ]; then in_box runuser -u "$user" -- $pre >"$2" 2>&1 || return 1; fi
    in_box runuser -u "$user" -- $exec >>"$2" 2>&1 &
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
    local deadline=$(($(date +%s) + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

today=$(date -u +%F)
next_year=$(date -u -d '+1 year' +%F)

# --- the packages and the blank box ---------------------------------------------------------
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")-1"
echo "test-provisioning: packaging $version from $build"
build_debs "$version"
make_root
# Packages' maintainer scripts must not start daemons in the host's network while we install.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 0755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/debs" && cp "$work/debs-$version"/*.deb "$root/debs/"
touch "$netns" && unshare --net="$netns" true || die "a network namespace for the box (unshare --net)"
nsenter --net="$netns" ip link set lo up || die "loopback up in the box's network namespace"
echo '127.0.0.1 registry.zj.example' >>"$root/etc/hosts"
pass "box: clean bookworm minbase at $root, own network namespace"

# ============================ Walkthrough 2: a registry operator ============================
check "W2 1. install: registryd, checkpoint-tools, nginx, openssl" \
    in_root sh -c 'apt-get install -y -qq --no-install-recommends /debs/registryd_*.deb /debs/checkpoint-tools_*.deb nginx openssl' ||
    die "install registryd"
in_root apt-get install -y -qq --no-install-recommends curl >"$work/curl.log" 2>&1 || { tail "$work/curl.log"; die "install curl (the test's client)"; }

# The province root, on its offline machine (here /root/offline): its .pub goes to every gateway.
check "W2 2. keys: registry key, certified by the province root" box "
    mkdir -p /root/offline && cd /root/offline
    passctl keygen --role root --province 33 --name zhejiang-root --out zj-root
    cd /etc/registryd
    passctl keygen --role registry --province 33 --name zhejiang-registry --out zhejiang-registry
    chgrp registryd zhejiang-registry.key && chmod 0640 zhejiang-registry.key
    cp zhejiang-registry.pub /root/offline/ && cd /root/offline
    registryd certify --root zj-root.key --key zhejiang-registry.pub --name zhejiang --provinces 33 \
      --from $today --until $next_year --out zhejiang-registry.rcert
    cp zhejiang-registry.rcert /etc/registryd/"

check "W2 3. TLS: gateway CA, server certificate, admin token (root:registryd 0640)" box "
    cd /etc/registryd/tls
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -keyout gateway-ca.key -out gateway-ca.pem -subj '/CN=Zhejiang gateway CA' 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
      -out server.csr -subj '/CN=registry.zj.example' 2>/dev/null
    openssl x509 -req -in server.csr -CA gateway-ca.pem -CAkey gateway-ca.key -set_serial 0x\$(openssl rand -hex 8) \
      -days 730 -out server.pem -extfile <(printf 'subjectAltName=DNS:registry.zj.example\nextendedKeyUsage=serverAuth\n') 2>/dev/null
    chgrp registryd server.key && chmod 0640 server.key
    openssl rand -hex 24 > ../admin.token && chgrp registryd ../admin.token && chmod 0640 ../admin.token
    [ \"\$(stat -c '%U:%G %a' ../admin.token server.key)\" = \"\$(printf 'root:registryd 640\nroot:registryd 640')\" ]"

check "W2 4. configure: registryd.conf written, unit enabled" box "
    cat > /etc/registryd/registryd.conf <<'EOF'
[registry]
key = zhejiang-registry.key
certificate = zhejiang-registry.rcert
db = /var/lib/registryd/db
export = /var/lib/registryd/export

[server]
listen = 0.0.0.0:8443
tls-cert = tls/server.pem
tls-key = tls/server.key
client-ca = tls/gateway-ca.pem
admin-token-file = admin.token
EOF
    systemctl enable registryd 2>/dev/null
    [ \"\$(systemctl is-enabled registryd)\" = enabled ]"

start_unit registryd "$work/registryd.log"
check "W2 4. start: registryd as user registryd says \"zhejiang listening on 0.0.0.0:8443\"" \
    wait_for 30 grep -q 'registryd: zhejiang listening on 0.0.0.0:8443' "$work/registryd.log" ||
    { sed 's/^/      /' "$work/registryd.log" | tail; die "registryd did not start"; }

# A gateway's client certificate, signed by the gateway CA (the same as walkthrough 1 step 3
# makes): passctl registry head needs one.
box "
    mkdir -p /root/province && cd /root/province
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout gateway.key \
      -out gateway.csr -subj '/CN=test-head' 2>/dev/null
    openssl x509 -req -in gateway.csr -CA /etc/registryd/tls/gateway-ca.pem -CAkey /etc/registryd/tls/gateway-ca.key \
      -set_serial 0x\$(openssl rand -hex 8) -days 730 -out gateway.pem -extfile <(echo extendedKeyUsage=clientAuth) 2>/dev/null" ||
    die "a test gateway certificate"
check "W2 4. passctl registry head with a gateway's client certificate" box "
    cd /root/province
    out=\$(passctl registry head --url https://registry.zj.example:8443/v1/ --ca /etc/registryd/tls/gateway-ca.pem \
      --cert gateway.pem --key gateway.key)
    echo \"\$out\"; echo \"\$out\" | grep -q zhejiang"
check "W2 4. passctl registry state with the admin token; refused without it" box "
    passctl registry state --url https://registry.zj.example:8443/v1/ --ca /etc/registryd/tls/gateway-ca.pem \
      --token-file /etc/registryd/admin.token | grep -q '\"registry\"'
    ! passctl registry state --url https://registry.zj.example:8443/v1/ --ca /etc/registryd/tls/gateway-ca.pem 2>/dev/null"

check "W2 5. issuers and passes: an issuer certified by the root, published; a pass issued by the registry" box "
    cd /root/offline
    passctl keygen --role issuer --province 33 --name pinghu-issuer --out pinghu
    passctl certify --root zj-root.key --issuer pinghu.pub --key-id 1 --scope 3304 \
      --types commuter,work-commute,freight --from $today --until $next_year --name 'Jiaxing issuer' --out pinghu.cert
    c='--url https://registry.zj.example:8443/v1/ --ca /etc/registryd/tls/gateway-ca.pem --token-file /etc/registryd/admin.token'
    passctl registry add-issuer \$c --certificate pinghu.cert --secret pinghu.key
    passctl registry issue \$c --key-id 1 --type commuter --from $today --days 30 --name 张三 --id-tail 1234 \
      --holder-token 0123456789ab --home 310116 --work 330482 --enterprise 91330482MA28A1B2C0 \
      --personal-letter 1 --enterprise-letter 55 > /root/pass.txt
    grep -q '^CP1:' /root/pass.txt"

check "W2 6. nginx in front of the static export: files for a gateway's certificate, 400 without one" box "
    adduser --quiet www-data registryd
    cat > /etc/nginx/sites-available/registry-export <<'EOF'
server {
    listen 443 ssl;
    server_name registry.zj.example;
    ssl_certificate /etc/nginx/registry/server.pem;
    ssl_certificate_key /etc/nginx/registry/server.key;
    ssl_client_certificate /etc/nginx/registry/gateway-ca.pem;
    ssl_verify_client on;                 # gateways only, by their client certificates
    default_type application/octet-stream;
    location /zhejiang/ { alias /var/lib/registryd/export/; }
}
EOF
    mkdir -p /etc/nginx/registry && cp /etc/registryd/tls/{server.pem,server.key,gateway-ca.pem} /etc/nginx/registry/
    ln -s ../sites-available/registry-export /etc/nginx/sites-enabled/
    nginx -t 2>/dev/null && nginx
    head=\$(cd /var/lib/registryd/export && ls | grep -m1 -i head)
    [ -n \"\$head\" ] || { echo 'no head file in the export'; ls /var/lib/registryd/export; exit 1; }
    cd /root/province
    for i in \$(seq 20); do curl -s -o /dev/null https://registry.zj.example/ 2>/dev/null && break || sleep 0.2; done
    code=\$(curl -s -o got --cacert /etc/registryd/tls/gateway-ca.pem --cert gateway.pem --key gateway.key \
      -w '%{http_code}' https://registry.zj.example/zhejiang/\$head)
    [ \"\$code\" = 200 ] && cmp -s got /var/lib/registryd/export/\$head || { echo \"with certificate: \$code\"; exit 1; }
    code=\$(curl -s -o /dev/null --cacert /etc/registryd/tls/gateway-ca.pem -w '%{http_code}' https://registry.zj.example/zhejiang/\$head)
    [ \"\$code\" = 400 ] || { echo \"without certificate: \$code\"; exit 1; }"

# ====================== Walkthrough 1: from a blank box to a checkpoint ======================
check "W1 1. install: gatewayd, checkpoint-tools, openssl" \
    in_root sh -c 'apt-get install -y -qq --no-install-recommends /debs/gatewayd_*.deb /debs/checkpoint-tools_*.deb openssl' ||
    die "install gatewayd"
# What the province hands over out of band.
box "mkdir -p /root/from-province && cp /root/offline/zj-root.pub /etc/registryd/tls/gateway-ca.pem /root/from-province/" ||
    die "the province's files"

check "W1 2. trust roots: trust.conf names the Zhejiang root" box "
    cd /etc/gatewayd
    for p in 'zhejiang 33 /root/from-province/zj-root.pub'; do
      set -- \$p
      printf '\n[root %s]\nprovince = %s\npublic-key = %s\npass-types = commuter, work-commute, freight, quarantine-release\n' \
        \"\$1\" \"\$2\" \"\$(sed -n 's/^public = //p' \"\$3\")\" >> trust.conf
    done
    grep -q '^\[root zhejiang\]' trust.conf"

check "W1 3. client certificate: key root:gatewayd 0640, signed by the province's gateway CA" box "
    cd /etc/gatewayd/tls
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout gateway.key \
      -out gateway.csr -subj '/CN=jinshan-pinghu-1' 2>/dev/null
    chgrp gatewayd gateway.key && chmod 0640 gateway.key
    # the province's side
    openssl x509 -req -in gateway.csr -CA /etc/registryd/tls/gateway-ca.pem -CAkey /etc/registryd/tls/gateway-ca.key \
      -set_serial 0x\$(openssl rand -hex 8) -days 730 -out /root/from-province/gateway.pem \
      -extfile <(echo extendedKeyUsage=clientAuth) 2>/dev/null
    cp /root/from-province/gateway.pem .
    cp /root/from-province/gateway-ca.pem registry-ca.pem
    [ \"\$(stat -c '%U:%G %a' gateway.key)\" = 'root:gatewayd 640' ]"

root_key=$(sed -n 's/^public = //p' "$root/root/offline/zj-root.pub")
check "W1 4. the checkpoint: [sync], [registry zhejiang], [lane car-1] appended" box "
    sed -i 's/^listen = 0.0.0.0:8443\$/listen = 0.0.0.0:9443/' /etc/gatewayd/gatewayd.conf   # the registry has 8443 here
    cat >> /etc/gatewayd/gatewayd.conf <<'EOF'

[sync]
gateway = jinshan-pinghu-1
ca-file = tls/registry-ca.pem
client-cert = tls/gateway.pem
client-key = tls/gateway.key

[registry zhejiang]
url = https://registry.zj.example:8443/v1/
events-url = https://registry.zj.example:8443/v1/
root-key = $root_key
provinces = 33

[lane car-1]
type = car
direction = to-zhejiang
controller = tcp:127.0.0.1:7001
scanners = serial:/dev/serial/by-id/usb-QR_Scanner_0001-if00@9600
plate-feed = serial:/dev/serial/by-id/usb-ANPR_0001-if00@9600
EOF
    grep -q '^listen = 0.0.0.0:9443\$' /etc/gatewayd/gatewayd.conf"

check "W1 5. check the configuration: valid" box "gatewayd --check-config /etc/gatewayd/gatewayd.conf && echo valid"
check "W1 5. check the configuration: a broken key is named with file and line" box "
    cp /etc/gatewayd/gatewayd.conf /tmp/broken.conf && cp /etc/gatewayd/trust.conf /tmp/
    sed -i 's/^type = car\$/type = bicycle/' /tmp/broken.conf
    out=\$(gatewayd --check-config /tmp/broken.conf 2>&1) && exit 1
    echo \"\$out\"; [ \$(echo \"\$out\" | wc -l) -eq 1 ] && echo \"\$out\" | grep -q 'broken.conf:[0-9]*' && echo \"\$out\" | grep -q type"

check "W1 6. the first console admin, as the service user" box "
    printf 'a long password\n' | runuser -u gatewayd -- gatewayd --add-user wang.admin --role admin \
      --config /etc/gatewayd/gatewayd.conf
    ls -l /var/lib/gatewayd/ | grep -q accounts || find /var/lib/gatewayd -name 'accounts*' -user gatewayd | grep -q ."

check "W1 7. start: unit enabled" box "systemctl enable gatewayd 2>/dev/null; [ \"\$(systemctl is-enabled gatewayd)\" = enabled ]"
start_unit gatewayd "$work/gatewayd.log" || { fail "W1 7. start: ExecStartPre (check-config) refused"; sed 's/^/      /' "$work/gatewayd.log" | tail; }
metrics() { box "curl -sk https://127.0.0.1:9443/metrics"; }
check "W1 7. start: gatewayd as user gatewayd serves /metrics" wait_for 30 metrics ||
    { sed 's/^/      /' "$work/gatewayd.log" | tail -20; }
check "W1 8. /metrics: registry zhejiang reachable, synced to its head (lag 0, version > 0)" wait_for 30 sh -c "
    m=\$(nsenter --net='$netns' chroot '$root' curl -sk https://127.0.0.1:9443/metrics)
    echo \"\$m\" | grep -q '^gw_registry_reachable{registry=\"zhejiang\"} 1' &&
    echo \"\$m\" | grep -q '^gw_registry_lag_entries{registry=\"zhejiang\"} 0' &&
    echo \"\$m\" | grep -Eq '^gw_registry_version{registry=\"zhejiang\"} [1-9]'" ||
    metrics | grep '^gw_registry' | sed 's/^/      /'
check "W1 8. /metrics: lane car-1 is there, its controller not linked (none wired)" sh -c "
    nsenter --net='$netns' chroot '$root' curl -sk https://127.0.0.1:9443/metrics | grep -q '^gw_lane_link_up{lane=\"car-1\"} 0'"
check "W1 8. the journal: CONTROLLER_UNREACHABLE and SCANNER_LOST for car-1 (nothing wired)" \
    wait_for 30 sh -c "grep -q CONTROLLER_UNREACHABLE '$work/gatewayd.log' && grep -q SCANNER_LOST '$work/gatewayd.log'" ||
    tail -20 "$work/gatewayd.log" | sed 's/^/      /'
check "W1 8. console: the admin of step 6 logs in; a wrong password is refused" box "
    cd /tmp
    code=\$(curl -sk -o /dev/null -c jar -w '%{http_code}' -H 'Content-Type: application/json' \
      --data '{\"user\":\"wang.admin\",\"password\":\"a long password\"}' https://127.0.0.1:9443/api/login)
    [ \"\$code\" = 200 ] || { echo \"login: \$code\"; exit 1; }
    code=\$(curl -sk -o /dev/null -b jar -w '%{http_code}' https://127.0.0.1:9443/api/status)
    [ \"\$code\" = 200 ] || { echo \"status with the session: \$code\"; exit 1; }
    code=\$(curl -sk -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      --data '{\"user\":\"wang.admin\",\"password\":\"wrong password\"}' https://127.0.0.1:9443/api/login)
    [ \"\$code\" = 401 ] || { echo \"wrong password: \$code\"; exit 1; }"
check "W1 8. console: the registry as the booth sees it (reachable, lag 0, no problem), the lane car-1" box "
    cd /tmp
    curl -sk -o /dev/null -c jar -H 'Content-Type: application/json' \
      --data '{\"user\":\"wang.admin\",\"password\":\"a long password\"}' https://127.0.0.1:9443/api/login
    r=\$(curl -sk -b jar https://127.0.0.1:9443/api/registries); echo \"\$r\"
    echo \"\$r\" | grep -q '\"name\":\"zhejiang\"' && echo \"\$r\" | grep -q '\"lag\":0' &&
      echo \"\$r\" | grep -q '\"reachable\":true' && echo \"\$r\" | grep -q '\"last_problem\":\"\"'
    l=\$(curl -sk -b jar https://127.0.0.1:9443/api/lanes); echo \"\$l\" | grep -q '\"car-1\"' || { echo \"\$l\"; exit 1; }"

finish
