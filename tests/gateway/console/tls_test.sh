#!/usr/bin/env bash
# The console's TLS from outside (openssl s_client): TLS 1.0/1.1 refused, 1.2 with ECDHE+AEAD
# and 1.3 accepted, a non-forward-secret or CBC suite refused, HSTS on the page.
#   tls_test.sh GATEWAYD OUT_DIR
set -uo pipefail
gatewayd=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
. "$(dirname "$0")/demo_console.sh"
start_demo_console "$gatewayd" "$out"
trap stop_demo_console EXIT
fail=0
hs() { echo | timeout 10 openssl s_client -connect 127.0.0.1:$port "$@" 2>&1 | sed -n 's/^New, \(.*\), Cipher is \(.*\)/\1 \2/p'; }
expect() {  # expect WANT-REGEX openssl-args...
  local want=$1; shift
  local got; got=$(hs "$@")
  if echo "$got" | grep -Eq "$want"; then echo "ok: $* -> $got"; else echo "FAIL: $* -> '$got', wanted /$want/"; fail=1; fi
}
expect '^\(NONE\) \(NONE\)$' -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
expect '^TLSv1.2 ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$' -tls1_2
expect '^TLSv1.3 TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$' -tls1_3
expect '^\(NONE\) \(NONE\)$' -tls1_2 -cipher AES128-SHA
expect '^\(NONE\) \(NONE\)$' -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256
headers=$(printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' | timeout 10 openssl s_client -quiet -connect 127.0.0.1:$port 2>/dev/null | tr -d '\r')
for h in 'Strict-Transport-Security: max-age=' 'X-Frame-Options: DENY' 'X-Content-Type-Options: nosniff' 'Referrer-Policy: no-referrer' "Content-Security-Policy: default-src 'self'"; do
  echo "$headers" | grep -qF "$h" && echo "ok: $h" || { echo "FAIL: no '$h'"; fail=1; }
done
exit $fail
