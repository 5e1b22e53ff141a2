#!/bin/bash
# apiserver.sh: the stand-in kube-apiserver (tests/apiserver/) behaves like
# a real one, as judged by real kubectl: discovery, lists (also in pages),
# watch, 401 without credentials, token and client-certificate auth; the
# protocol details kubectl cannot show are checked by selftest.py; a list of
# 10,000 Services (100,000 endpoints) is fast enough to build tests on.
# Other tests and benchmarks trust the stand-in, so it is tested first.
# Needs no root and no network namespace: everything is on 127.0.0.1.
. "$(dirname "$0")/lib.sh"

for tool in kubectl openssl; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done
[ -x /usr/bin/python3 ] || { echo "SKIP: no /usr/bin/python3"; exit 77; }

APIDIR="$top_srcdir/tests/apiserver"
API_PID=""
on_exit() {
	local rc=$?
	if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
		kill "$API_PID" 2>/dev/null
		wait "$API_PID" 2>/dev/null
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -f "$WORK/apiserver.log" ]; then
		echo "--- apiserver log (last 30 lines) ---" >&2
		tail -n 30 "$WORK/apiserver.log" >&2
	fi
	(exit $rc)
	cleanup
}
trap on_exit EXIT

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

"$APIDIR/mkcerts.sh" "$WORK/certs" || fail "mkcerts.sh failed"
echo "file-token,file-user" > "$WORK/tokens"
TOKEN="static-$$-token"
"$APIDIR/kp-test-apiserver" --listen 127.0.0.1 --port 0 \
	--tls-cert "$WORK/certs/server.crt" --tls-key "$WORK/certs/server.key" \
	--client-ca "$WORK/certs/ca.crt" --token "$TOKEN" \
	--token-file "$WORK/tokens" --port-file "$WORK/port" \
	--control-port-file "$WORK/cport" --watch-queue-limit 1000 \
	--generate 20 --endpoints-per-service 3 --nodes 3 \
	>"$WORK/apiserver.log" 2>&1 &
API_PID=$!
wait_until 30 test -s "$WORK/port" || fail "stand-in did not start"
PORT=$(cat "$WORK/port")
CPORT=$(cat "$WORK/cport")
pass "stand-in listening on 127.0.0.1:$PORT (control $CPORT)"

cat >"$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority: $WORK/certs/ca.crt
users:
- name: token
  user:
    token: $TOKEN
- name: cert
  user:
    client-certificate: $WORK/certs/client.crt
    client-key: $WORK/certs/client.key
- name: nobody
  user: {}
contexts:
- name: token
  context: {cluster: test, user: token}
- name: cert
  context: {cluster: test, user: cert}
- name: nobody
  context: {cluster: test, user: nobody}
current-context: token
EOF
kc() { kubectl --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/kcache" "$@"; }

# --- kubectl get, human output (server-side Tables) ------------------------
kc get services -A >"$WORK/svc.txt" 2>&1 || { cat "$WORK/svc.txt"; fail "kubectl get services -A"; }
head -n 1 "$WORK/svc.txt" | grep -q 'NAMESPACE *NAME *TYPE *CLUSTER-IP *EXTERNAL-IP *PORT(S) *AGE' ||
	fail "kubectl get services: unexpected columns: $(head -n 1 "$WORK/svc.txt")"
[ "$(grep -c '^ns-0 *svc-000' "$WORK/svc.txt")" = 20 ] || fail "kubectl get services: not the 20 generated ones"
grep -q '^ns-0 *svc-00000 *LoadBalancer *10\.96\.0\.16 *198\.18\.0\.1 *80:30000/TCP' "$WORK/svc.txt" ||
	fail "kubectl get services: svc-00000 row: $(grep svc-00000 "$WORK/svc.txt")"
pass "kubectl get services -A: 20 generated Services, upstream's columns"

kc get endpointslices -A --no-headers >"$WORK/eps.txt" 2>&1 || fail "kubectl get endpointslices -A"
[ "$(grep -c ' IPv4 ' "$WORK/eps.txt")" = 20 ] || fail "kubectl get endpointslices: $(head -3 "$WORK/eps.txt")"
kc get nodes -o wide --no-headers >"$WORK/nodes.txt" 2>&1 || fail "kubectl get nodes"
[ "$(grep -c '^node-[0-2] *Ready ' "$WORK/nodes.txt")" = 3 ] || fail "kubectl get nodes: $(cat "$WORK/nodes.txt")"
kc get service -n ns-0 svc-00003 -o json | grep -q '"clusterIP": "10.96.0.19"' || fail "kubectl get service NAME -o json"
pass "kubectl get endpointslices -A (20), get nodes -o wide (3 Ready), get service NAME -o json"

# --- paging ------------------------------------------------------------------
kc get services -A --chunk-size=7 --no-headers -v=6 >"$WORK/chunk.txt" 2>"$WORK/chunk.log" ||
	fail "kubectl get --chunk-size=7"
[ "$(grep -c 'svc-000' "$WORK/chunk.txt")" = 20 ] || fail "--chunk-size=7: not 20 rows"
pages=$(grep -c 'https://[^ "]*/api/v1/services?[^ "]*limit=7' "$WORK/chunk.log")
conts=$(grep -c 'https://[^ "]*/api/v1/services?[^ "]*continue=' "$WORK/chunk.log")
[ "$pages" = 3 ] && [ "$conts" = 2 ] || fail "--chunk-size=7: $pages pages, $conts continued (want 3, 2)"
pass "kubectl get services -A --chunk-size=7: 20 rows in 3 pages (2 continue tokens)"

# --- watch through kubectl -----------------------------------------------------
t0=$(date +%s%N)
kc get --raw '/api/v1/services?watch=true&timeoutSeconds=1' >"$WORK/watch.txt" 2>&1 ||
	fail "kubectl get --raw watch: $(head -c 300 "$WORK/watch.txt")"
took=$(ms "$t0")
[ "$(grep -c '^{"type":"ADDED","object":{"kind":"Service","apiVersion":"v1",' "$WORK/watch.txt")" = 20 ] ||
	fail "watch: not 20 ADDED events: $(head -c 300 "$WORK/watch.txt")"
[ "$took" -lt 20000 ] || fail "watch with timeoutSeconds=1 did not end (took $took ms)"
rv=$(kc get --raw '/api/v1/services?limit=1' | /usr/bin/python3 -c \
	'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
kc get --raw "/apis/discovery.k8s.io/v1/endpointslices?watch=1&allowWatchBookmarks=true&timeoutSeconds=6&resourceVersion=$rv" \
	>"$WORK/watch2.txt" 2>&1 &
wpid=$!
curl_ctl() { /usr/bin/python3 -c '
import sys, urllib.request
r = urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"), timeout=60)
sys.stdout.write(r.read().decode())' "http://127.0.0.1:$CPORT/$1" "$2"; }
watch_open() {
	/usr/bin/python3 -c 'import sys, urllib.request
sys.exit(0 if b"endpointslices" in urllib.request.urlopen(sys.argv[1], timeout=5).read() else 1)' \
		"http://127.0.0.1:$CPORT/watches"
}
# the bookmark must find the stream open: wait for it (kubectl may be slow
# to start), and the stream must outlive a slow control call: 6 s
wait_until 10 watch_open || fail "kubectl's watch never opened"
curl_ctl bookmark '{}' >/dev/null || fail "control bookmark"
wait $wpid || fail "kubectl get --raw endpointslices watch failed"
grep -q '^{"type":"BOOKMARK","object":{"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"resourceVersion":"[0-9]*"' "$WORK/watch2.txt" ||
	fail "no BOOKMARK on the endpointslices watch: $(cat "$WORK/watch2.txt")"
pass "kubectl get --raw watch: 20 ADDED events, ends after timeoutSeconds=1 ($took ms); BOOKMARK on demand"

# --- authentication --------------------------------------------------------------
# kubectl asks for a user name when it has no credentials at all, so the
# request without any is made directly; kubectl gets a token it lacks.
status=$(/usr/bin/python3 -c '
import http.client, ssl, sys
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]),
    context=ssl.create_default_context(cafile=sys.argv[2]))
c.request("GET", "/api/v1/services")
r = c.getresponse()
print(r.status, r.read().decode())' "$PORT" "$WORK/certs/ca.crt")
[ "$status" = '401 {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}' ] ||
	fail "no credentials: $status"
if kc --context nobody --token wrong-token get services -A </dev/null >"$WORK/anon.txt" 2>&1; then
	fail "wrong token: kubectl succeeded"
fi
grep -q 'error: You must be logged in to the server (Unauthorized)' "$WORK/anon.txt" ||
	fail "wrong token: $(cat "$WORK/anon.txt")"
kc --context cert get nodes --no-headers 2>&1 | grep -c '^node-' | grep -qx 3 || fail "client certificate auth"
kc --context nobody --token file-token get nodes --no-headers 2>&1 | grep -q '^node-0' || fail "--token-file token"
user=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["user"])' <<<"$(
	/usr/bin/python3 -c 'import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
		"http://127.0.0.1:$CPORT/requests?n=1")")
[ "$user" = "file-user" ] || fail "token-file user name: $user"
pass "401 Status without credentials, kubectl with a wrong token: Unauthorized; client cert (CN=system:kube-proxy), static and file tokens accepted"

# --- several kubectl releases ------------------------------------------------------
kdir=$(dirname "$(readlink -f "$(command -v kubectl)")")
vers=""
for k in "$kdir"/kubectl.1.*; do
	[ -x "$k" ] || continue
	n=$("$k" --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/kcache-${k##*.}" \
		get endpointslices -A --no-headers 2>&1 | grep -c ' IPv4 ')
	[ "$n" = 20 ] || fail "$(basename "$k") get endpointslices -A: $n rows"
	vers="$vers ${k##*/kubectl.}"
done
if [ -n "$vers" ]; then
	pass "kubectl releases$vers list the stand-in's EndpointSlices"
fi

# --- protocol details ----------------------------------------------------------------
/usr/bin/python3 "$APIDIR/selftest.py" --api "127.0.0.1:$PORT" --control "$CPORT" \
	--ca "$WORK/certs/ca.crt" --token "$TOKEN" --cert "$WORK/certs/client.crt" \
	--key "$WORK/certs/client.key" --token-file "$WORK/tokens" --queue-limit 1000 ||
	fail "selftest.py"

# --- scale: 10,000 Services, 100,000 endpoints ------------------------------------------
t0=$(date +%s%N)
curl_ctl generate '{"services": 10000, "endpointsPerService": 10, "nodes": 10}' \
	>"$WORK/gen.json" || fail "control generate"
pass "generated 10,000 Services + 10,000 EndpointSlices (100,000 endpoints) in $(ms "$t0") ms"
count_items() { /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["items"]), sum(len(i.get("endpoints") or []) for i in d["items"]))' "$1"; }
best=999999
for i in 1 2 3; do
	t0=$(date +%s%N)
	kc get --raw /api/v1/services >"$WORK/big.json" || fail "kubectl get --raw 10k services"
	t=$(ms "$t0")
	[ "$t" -lt "$best" ] && best=$t
done
[ "$(count_items "$WORK/big.json")" = "10020 0" ] || fail "10k list: $(count_items "$WORK/big.json")"
t0=$(date +%s%N)
kc get --raw '/apis/discovery.k8s.io/v1/endpointslices?labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name&limit=500&resourceVersion=0' \
	>"$WORK/big-eps.json" || fail "kubectl get --raw endpointslices"
teps=$(ms "$t0")
[ "$(count_items "$WORK/big-eps.json")" = "10020 100060" ] || fail "eps list: $(count_items "$WORK/big-eps.json")"
pass "kubectl get --raw: 10,020 Services in $best ms, 10,020 EndpointSlices / 100,060 endpoints in $teps ms (with kubectl's start-up)"
n=$(kc get services -A --no-headers --chunk-size=500 | wc -l)
[ "$n" = 10020 ] || fail "kubectl get services -A over 21 pages: $n rows"
pass "kubectl get services -A --chunk-size=500: 10,020 rows"

# --- shutdown ------------------------------------------------------------------------------
curl_ctl shutdown '{}' >/dev/null || fail "control shutdown"
exited() { local s; s=$(ps -o stat= -p "$1"); [ -z "$s" ] || [ "${s#Z}" != "$s" ]; }
wait_until 5 exited "$API_PID" || fail "stand-in still running 5 s after shutdown"
wait "$API_PID"
rc=$?
API_PID=""
[ $rc = 0 ] || fail "stand-in exited $rc"
pass "control shutdown: the stand-in exits 0"
