#!/bin/sh
# curl against awaitlings_http_server: JSON, keep-alive (curl reuses the connection), a chunked
# request body, a 404 status, bad input refused. Exit 77 (ctest: skipped) without curl.
set -eu
server=$1
command -v curl >/dev/null 2>&1 || { echo "curl is not installed: skipped"; exit 77; }
out=$(mktemp)
"$server" --port 0 >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  grep -q "Serving" "$out" && break
  sleep 0.1
done
base=$(head -n 1 "$out" | sed 's/.* on //; s|/$||')
fail() { echo "FAIL: $*"; exit 1; }

body=$(curl -sS "$base/users/python")
echo "$body" | grep -q '"login":"python"' || fail "no login in $body"

verbose=$(curl -sSv "$base/users/a" "$base/users/b" 2>&1)
echo "$verbose" | grep -q "Re-using existing connection" || fail "curl did not reuse the connection"
echo "$verbose" | grep -q '"login":"b"' || fail "second answer missing"

echoed=$(curl -sS -H 'Transfer-Encoding: chunked' --data-binary 'chunked body' "$base/echo")
[ "$echoed" = "chunked body" ] || fail "echo gave: $echoed"

code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/nowhere")
[ "$code" = 404 ] || fail "status $code for an unknown path"

code=$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$base/users/a")
[ "$code" = 431 ] || fail "status $code for a 9000-byte header"

kill -INT "$pid"
wait "$pid" || fail "the server did not exit 0 on SIGINT"
grep -q "Stopped after" "$out" || fail "no clean stop: $(cat "$out")"
echo "curl interop: ok"
