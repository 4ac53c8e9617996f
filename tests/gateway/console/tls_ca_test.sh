#!/usr/bin/env bash
# The console with a certificate from the checkpoint's own CA: a root, an intermediate and
# the console's certificate (SAN 127.0.0.1), given as [console] cert = the certificate followed
# by the intermediate. openssl s_client, trusting only the root, must verify the chain the
# console serves; with the intermediate missing from the file it must not.
#   tls_ca_test.sh GATEWAYD OUT_DIR
set -uo pipefail
gatewayd=$1 out=$2 here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out/console" && cd "$out" || exit 1
q() { "$@" >/dev/null 2>&1 || { echo "FAIL: $*"; exit 1; }; }
q openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/O=Checkpoint/CN=Checkpoint Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout root.key -out root.pem
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Checkpoint/CN=Checkpoint Issuing CA" -keyout int.key -out int.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
q openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 1825 -extfile int.ext -out int.pem
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Checkpoint/CN=127.0.0.1" -keyout console/console.key -out leaf.csr
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\ncrlDistributionPoints=URI:http://ca.checkpoint.example/issuing.crl\n' > leaf.ext
q openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 825 -extfile leaf.ext -out leaf.pem

. "$here/demo_console.sh"
start() {  # start CERT_FILE: gatewayd's demo console with this certificate file
  cp "$1" console/console.crt
  start_demo_console "$gatewayd" "$out"
}
stop() { stop_demo_console; }
trap stop EXIT
fail=0
cat leaf.pem int.pem > chain.pem
start chain.pem
result=$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$port -CAfile root.pem -verify_return_error -verify_ip 127.0.0.1 -showcerts 2>&1)
echo "$result" | grep -q 'Verify return code: 0 (ok)' && echo "ok: the chain verifies against the root alone" || { echo "FAIL: chain not verified"; echo "$result" | tail -20; fail=1; }
n=$(echo "$result" | grep -c 'BEGIN CERTIFICATE')
[ "$n" = 2 ] && echo "ok: certificate and intermediate served" || { echo "FAIL: $n certificates served, wanted 2"; fail=1; }
fp=$(openssl x509 -in leaf.pem -noout -fingerprint -sha256 | sed 's/.*=//')
grep -q "$fp" gatewayd.log && echo "ok: the printed fingerprint is the console certificate's" || { echo "FAIL: fingerprint $fp not printed"; fail=1; }
stop
start leaf.pem
result=$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$port -CAfile root.pem -verify_return_error 2>&1)
echo "$result" | grep -q 'Verify return code: 0 (ok)' && { echo "FAIL: verified without the intermediate"; fail=1; } || echo "ok: without the intermediate the chain does not verify"
exit $fail
