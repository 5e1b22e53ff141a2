#!/bin/bash
# healthd.sh: healthd's HTTP side with a real client (curl, from the
# node's namespace), driven through state changes by the real kube-proxy
# and the test apiserver:
#   - /healthz and /livez: codes, headers, Go-formatted bodies; a node
#     being deleted (KubeProxyDrainingTerminatingNodes on) fails /healthz
#     only; restores that keep failing past 2 x --iptables-sync-period
#     fail both, with lastUpdated left at the last good sync; 404s;
#   - the metrics server: /metrics (every kubeproxy_* family, syncs and
#     changes counted, promtool's lint when promtool is installed),
#     /healthz, /healthz?verbose, /proxyMode, 404;
#   - the health-check node port of an eTP=Local LoadBalancer Service:
#     200 and its weight with a local endpoint, 503 without, 503 while the
#     proxy is unhealthy, closed when the Service is deleted;
#   - 1 MB of garbage, 2,000 idle connections and slow clients: /healthz
#     still answers at once and healthd does not restart;
#   - --bind-address-hard-fail: a taken port stops kube-proxy (exit 78);
#     without it the bind is retried until the port is free.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

HC_PORT=30300
ep() {	# ep IP NODE
	printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"%s"}' "$1" "$2"
}
lb_slice() {	# lb_slice ENDPOINT...
	local eps="" e
	for e in "$@"; do eps="$eps${eps:+,}$e"; done
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"lb-1","labels":{"kubernetes.io/service-name":"lb"}},"addressType":"IPv4","endpoints":[%s],"ports":[{"name":"http","protocol":"TCP","port":8080}]}' "$eps"
}
web_slice() {	# web_slice IP...
	local eps="" ip
	for ip in "$@"; do eps="$eps${eps:+,}$(ep "$ip" test-node)"; done
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[%s],"ports":[{"name":"http","protocol":"TCP","port":8080}]}' "$eps"
}
node() {	# node [DELETION-TIMESTAMP]
	if [ -n "${1:-}" ]; then
		printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node","deletionTimestamp":"%s","finalizers":["test/keep"]}}' "$1"
	else
		printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}'
	fi
}
LB_SVC='{"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"lb"},
  "spec":{"type":"LoadBalancer","clusterIP":"10.96.3.1","clusterIPs":["10.96.3.1"],"ipFamilies":["IPv4"],
   "externalTrafficPolicy":"Local","healthCheckNodePort":'$HC_PORT',
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]},
  "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.80"}]}}}'
cat >"$WORK/cluster.json" <<JSON
[
 $LB_SVC,
 $(lb_slice "$(ep 10.244.0.21 test-node)" "$(ep 10.244.0.22 other-node)"),
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.3.2","clusterIPs":["10.96.3.2"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 $(web_slice 10.244.0.61 10.244.0.62),
 $(node)
]
JSON

# get PORT PATH: a request from the node; sets CODE, $WORK/hdr, $WORK/body
get() {
	CODE=$(ip netns exec "$NS" curl -s -m 5 -D "$WORK/hdr" -o "$WORK/body" \
		-w '%{http_code}' "http://127.0.0.1:$1$2") || CODE="curl-failed"
	tr -d '\r' <"$WORK/hdr" >"$WORK/hdr.txt" 2>/dev/null
}
header() {	# header NAME: its value in the last answer
	sed -n "s/^$1: //Ip" "$WORK/hdr.txt" | head -n1
}
body() { cat "$WORK/body"; }
expect() {	# expect WHAT CODE PORT PATH
	get "$3" "$4"
	[ "$CODE" = "$2" ] || fail "$1: $4 on $3 answered $CODE, want $2: $(body)"
}
# Go's time.Time.String() with its monotonic reading
GOTIME='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*[1-9])? [+-][0-9]{4} [A-Za-z0-9+-]+ m=\+[0-9]+\.[0-9]{9}'
healthz_body() {	# healthz_body true|false [livez]: check the body's shape
	local re
	if [ "${2:-}" = livez ]; then
		re="^\\{\"lastUpdated\": \"($GOTIME)\",\"currentTime\": \"($GOTIME)\"\\}\$"
	else
		re="^\\{\"lastUpdated\": \"($GOTIME)\",\"currentTime\": \"($GOTIME)\", \"nodeEligible\": $1\\}\$"
	fi
	[ "$(wc -l <"$WORK/body")" = 0 ] || fail "body has a newline: $(body)"
	[[ "$(body)" =~ $re ]] || fail "body not as upstream's: $(body)"
	T1=${BASH_REMATCH[1]}
	T2=${BASH_REMATCH[3]}
	[ "$(header Content-Type)" = application/json ] || fail "Content-Type: $(header Content-Type)"
	[ "$(header X-Content-Type-Options)" = nosniff ] || fail "no nosniff"
}
metric() {	# metric NAME{LABELS}: its value in the last /metrics
	awk -v m="$1" '$1 == m { print $2 }' "$WORK/body"
}
hc_body() {	# hc_body COUNT HEALTHY: upstream's tab-indented answer
	printf '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "lb"\n\t},\n\t"localEndpoints": %s,\n\t"serviceProxyHealthy": %s\n}' "$1" "$2"
}
expect_hc() {	# expect_hc CODE COUNT HEALTHY
	get $HC_PORT /anything
	[ "$CODE" = "$1" ] || return 1
	hc_body "$2" "$3" | cmp -s - "$WORK/body" || return 1
	[ "$(header X-Load-Balancing-Endpoint-Weight)" = "$2" ] &&
		[ "$(header Content-Type)" = application/json ] &&
		[ "$(header X-Content-Type-Options)" = nosniff ]
}
syncs() {	# the number of syncs /metrics has counted
	get 10249 /metrics
	metric kubeproxy_sync_proxy_rules_duration_seconds_count
}
syncs_gt() { [ "$(syncs)" -gt "$1" ]; }

start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=2 --kubeconfig="$WORK/kubeconfig" --iptables-sync-period=2s \
	--feature-gates=KubeProxyDrainingTerminatingNodes=true
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"
HD_PID=$(helper_pid healthd) || fail "no healthd"

# ---- the healthz server ------------------------------------------------
expect "healthz" 200 10256 /healthz
healthz_body true
[ "$T1" = "$T2" ] || fail "healthy, but lastUpdated $T1 != currentTime $T2"
expect "livez" 200 10256 /livez
healthz_body true livez
[ "$T1" = "$T2" ] || fail "livez: lastUpdated $T1 != currentTime $T2"
pass "/healthz and /livez: 200, JSON headers, upstream's body with Go times"
for p in / /metrics /healthz/ /livez/x; do
	expect "healthz server 404" 404 10256 "$p"
	[ "$(body)" = "404 page not found" ] && [ "$(tail -c1 "$WORK/body" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "404 body: $(body)"
	[ "$(header Content-Type)" = "text/plain; charset=utf-8" ] || fail "404 Content-Type"
done
get 10256 /healthz?x=1
[ "$CODE" = 200 ] || fail "/healthz with a query: $CODE"
CODE=$(ip netns exec "$NS" curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:10256/healthz)
[ "$CODE" = 200 ] || fail "POST /healthz: $CODE"
pass "healthz server: 404 \"404 page not found\" elsewhere, any method"

# ---- the metrics server --------------------------------------------------
expect "metrics" 200 10249 /metrics
[ "$(header Content-Type)" = "text/plain; version=0.0.4; charset=utf-8" ] ||
	fail "/metrics Content-Type: $(header Content-Type)"
for f in network_programming_duration_seconds proxy_healthz_total proxy_livez_total \
	sync_full_proxy_rules_duration_seconds sync_partial_proxy_rules_duration_seconds \
	sync_proxy_rules_duration_seconds sync_proxy_rules_endpoint_changes_pending \
	sync_proxy_rules_endpoint_changes_total sync_proxy_rules_iptables_last \
	sync_proxy_rules_iptables_partial_restore_failures_total \
	sync_proxy_rules_iptables_restore_failures_total sync_proxy_rules_iptables_total \
	sync_proxy_rules_last_queued_timestamp_seconds sync_proxy_rules_last_timestamp_seconds \
	sync_proxy_rules_no_local_endpoints_total sync_proxy_rules_service_changes_pending \
	sync_proxy_rules_service_changes_total; do
	grep -q "^# HELP kubeproxy_$f \[ALPHA\] " "$WORK/body" || fail "no HELP for kubeproxy_$f"
done
for f in process_cpu_seconds_total process_max_fds process_open_fds \
	process_resident_memory_bytes process_start_time_seconds \
	process_virtual_memory_bytes process_virtual_memory_max_bytes; do
	grep -q "^$f [0-9]" "$WORK/body" || fail "no $f"
done
[ "$(metric kubeproxy_proxy_healthz_total{code=\"200\"})" -ge 2 ] || fail "healthz not counted"
[ "$(metric kubeproxy_proxy_livez_total{code=\"200\"})" = 1 ] || fail "livez not counted"
n=$(metric kubeproxy_sync_proxy_rules_duration_seconds_count)
[ "$n" -ge 1 ] || fail "no sync counted: $n"
[ "$(metric kubeproxy_sync_full_proxy_rules_duration_seconds_count)" -ge 1 ] || fail "no full sync counted"
# dual-stack: the IPv4 and IPv6 syncs overwrite these, as upstream
[ "$(metric kubeproxy_sync_proxy_rules_iptables_total{table=\"nat\"})" -ge 1 ] || fail "no nat rules counted"
[ "$(metric kubeproxy_sync_proxy_rules_iptables_total{table=\"filter\"})" -ge 1 ] || fail "no filter rules counted"
last=$(metric kubeproxy_sync_proxy_rules_last_timestamp_seconds)
[ "$(printf '%.0f' "$last")" -gt 1600000000 ] || fail "last sync time $last"
[ "$(metric kubeproxy_sync_proxy_rules_service_changes_total)" -ge 2 ] || fail "service changes not counted"
if command -v promtool >/dev/null; then
	# upstream's own names break two lint rules; anything else fails
	ip netns exec "$NS" curl -s http://127.0.0.1:10249/metrics >"$WORK/m.txt"
	promtool check metrics <"$WORK/m.txt" >"$WORK/lint" 2>&1
	grep -v -e 'non-counter metrics should not have "_total" suffix' \
		-e '^$' "$WORK/lint" >"$WORK/lint.other"
	if [ -s "$WORK/lint.other" ]; then
		cat "$WORK/lint" >&2
		fail "promtool check metrics"
	fi
	pass "promtool check metrics: only upstream's own _total gauge named"
else
	echo "SKIP: promtool not installed (Debian: prometheus); /metrics not linted"
fi
pass "/metrics: every kubeproxy_* family, process_*, syncs counted"
expect "ping" 200 10249 /healthz
[ "$(body)" = ok ] && [ "$(header Content-Type)" = "text/plain; charset=utf-8" ] || fail "/healthz on metrics: $(body)"
expect "ping verbose" 200 10249 "/healthz?verbose"
[ "$(cat "$WORK/body"; echo _)" = "$(printf '[+]ping ok\nhealthz check passed\n_')" ] || fail "verbose: $(body)"
expect "ping path" 200 10249 /healthz/ping
[ "$(body)" = ok ] || fail "/healthz/ping: $(body)"
expect "proxyMode" 200 10249 /proxyMode
[ "$(cat "$WORK/body"; echo _)" = "iptables_" ] || fail "/proxyMode: $(body)"
[ "$(header X-Content-Type-Options)" = nosniff ] || fail "/proxyMode: no nosniff"
expect "metrics server 404" 404 10249 /nothing
[ "$(body)" = "404 page not found" ] || fail "metrics 404: $(body)"
pass "metrics server: /healthz ok (and verbose), /proxyMode iptables, 404"

# ---- the Service's health-check node port --------------------------------
wait_until 10 expect_hc 200 1 true || fail "health check with a local endpoint: $CODE $(body)"
pass "health-check port $HC_PORT: 200, weight 1, upstream's body"
before=$(syncs)
ctl apply "$(lb_slice "$(ep 10.244.0.22 other-node)")"
wait_until 10 expect_hc 503 0 true || fail "health check without a local endpoint: $CODE $(body)"
pass "health-check port: 503, weight 0, when no endpoint is local"
wait_until 10 syncs_gt "$before" || fail "the change was not counted as a sync"
get 10249 /metrics
[ "$(metric kubeproxy_sync_proxy_rules_endpoint_changes_total)" -ge 3 ] || fail "endpoint changes not counted"
last2=$(metric kubeproxy_sync_proxy_rules_last_timestamp_seconds)
awk -v a="$last" -v b="$last2" 'BEGIN { exit !(b > a) }' || fail "last sync time did not move: $last -> $last2"
[ "$(metric kubeproxy_sync_partial_proxy_rules_duration_seconds_count)" -ge 1 ] || fail "no partial sync counted"
pass "a change: one more sync counted, last sync time moved, endpoint changes counted"
ctl apply "$(lb_slice "$(ep 10.244.0.21 test-node)" "$(ep 10.244.0.23 test-node)")"
wait_until 10 expect_hc 200 2 true || fail "health check with two local endpoints: $CODE $(body)"

# network-programming latency: a slice changed "2.5 s ago" by its
# last-change-trigger-time is observed once, at about 2.5 s (spec 5); the
# slice gains an endpoint too, since a change of annotation alone is no
# change of the model
npl_count() { get 10249 /metrics; metric kubeproxy_network_programming_duration_seconds_count; }
n0=$(npl_count)
# (upstream ignores trigger times from before the proxy started: make sure
# this one is not)
sleep 3
trig=$(date -u -d '-2.5 seconds' +%Y-%m-%dT%H:%M:%S.%NZ)
ctl apply "$(web_slice 10.244.0.61 10.244.0.62 10.244.0.63 | sed 's|"metadata":{|"metadata":{"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"'"$trig"'"},|')"
npl_more() { [ "$(npl_count)" -gt "${n0:-0}" ]; }
wait_until 10 npl_more || { grep -E "network_programming_duration_seconds_(count|sum)" "$WORK/body" >&2; grep -i "annotation\|trigger" "$WORK/kube-proxy.log" >&2; fail "the trigger time was not observed as network-programming latency"; }
sum=$(metric kubeproxy_network_programming_duration_seconds_sum)
le2=$(metric 'kubeproxy_network_programming_duration_seconds_bucket{le="2"}')
le10=$(metric 'kubeproxy_network_programming_duration_seconds_bucket{le="10"}')
[ "$(npl_count)" -eq $((${n0:-0} + 1)) ] || fail "latency observed $(npl_count) times, want $((${n0:-0} + 1))"
awk -v s="$sum" 'BEGIN { exit !(s >= 2 && s < 10) }' || fail "latency sum $sum, want about 2.5 s"
[ "$le10" -gt "$le2" ] || fail "the 2.5 s sample is not in the (2, 10] buckets: le=2 $le2, le=10 $le10"
pass "last-change-trigger-time: one network-programming latency sample of about 2.5 s ($sum s)"

# ---- a node being deleted -------------------------------------------------
ctl apply "$(node 2024-01-01T00:00:00Z)"
wait_until 10 eval 'get 10256 /healthz; [ "$CODE" = 503 ]' || fail "deleting node: /healthz $CODE"
healthz_body false
expect "livez, node deleting" 200 10256 /livez
expect_hc 200 2 true || fail "node deleting: the health check should not change: $CODE"
ctl apply "$(node)"
wait_until 10 eval 'get 10256 /healthz; [ "$CODE" = 200 ]' || fail "node back: /healthz $CODE"
healthz_body true
pass "node being deleted (gate on): /healthz 503 nodeEligible false, /livez 200; back to 200"

# ---- restores that keep failing -------------------------------------------
sep=$(ip netns exec "$NS" iptables-nft-save -t nat |
	sed -n 's/^-A \(KUBE-SEP-[A-Z0-9]*\) -s 10\.244\.0\.61\/32 .*/\1/p' | head -n1)
[ -n "$sep" ] || fail "no endpoint chain for 10.244.0.61"
ip netns exec "$NS" iptables-nft -t nat -N FOREIGN
ip netns exec "$NS" iptables-nft -t nat -A FOREIGN -d 192.0.2.1/32 -j "$sep" || fail "foreign jump"
ctl apply "$(web_slice 10.244.0.62)"
wait_until 10 log_has "iptables-restore (IPv4): failed" || fail "the restore did not fail"
wait_until 10 eval 'get 10256 /healthz; [ "$CODE" = 503 ]' || fail "failing restores: /healthz $CODE"
healthz_body true
[ "$T1" != "$T2" ] || fail "unhealthy, but lastUpdated is currentTime"
expect "livez, failing" 503 10256 /livez
healthz_body true livez
expect_hc 503 2 false || fail "unhealthy proxy: health check $CODE $(body)"
get 10249 /metrics
[ "$(metric kubeproxy_sync_proxy_rules_iptables_restore_failures_total)" -ge 2 ] || fail "restore failures not counted"
A='kubeproxy_privsep_audit_actions_total{action="restore",capability="CAP_NET_ADMIN",result='
[ "$(metric "${A}\"failed\"}")" -ge 2 ] || fail "the audit trail did not count the failed restores"
[ "$(metric "${A}\"ok\"}")" -ge 2 ] || fail "the audit trail did not count the restores"
[ "$(metric 'kubeproxy_privsep_audit_actions_total{action="jump",capability="CAP_NET_ADMIN",result="ok"}')" -ge 14 ] ||
	fail "the audit trail did not count the jump rules"
# the first failure is partial unless the change came while a full sync
# (the node's label change) was still pending
if log_has "partial sync: iptables-restore (IPv4): failed"; then
	[ "$(metric kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total)" -ge 1 ] ||
		fail "partial restore failures not counted"
fi
[ "$(metric kubeproxy_proxy_healthz_total{code=\"503\"})" -ge 1 ] || fail "503s not counted"
pass "restores failing past 2 x sync period: /healthz, /livez 503 with the last good time, health check 503, the audit trail counting them"
ip netns exec "$NS" iptables-nft -t nat -F FOREIGN
ip netns exec "$NS" iptables-nft -t nat -X FOREIGN
wait_until 10 eval 'get 10256 /healthz; [ "$CODE" = 200 ]' || fail "recovered: /healthz $CODE"
expect_hc 200 2 true || fail "recovered: health check $CODE"
pass "a successful sync again: 200 everywhere"

# ---- robustness -----------------------------------------------------------
quick() {	# quick: /healthz answers 200 within a second
	local t
	t=$(ip netns exec "$NS" curl -s -m 3 -o /dev/null -w '%{http_code} %{time_total}' http://127.0.0.1:10256/healthz)
	[ "${t% *}" = 200 ] || fail "/healthz: $t"
	awk -v t="${t#* }" 'BEGIN { exit !(t < 1.0) }' || fail "/healthz took ${t#* } s"
}
ip netns exec "$NS" "$PY" - <<'PY' || fail "garbage client"
import os, socket
s = socket.create_connection(("127.0.0.1", 10256))
try:
    s.sendall(os.urandom(1 << 20))
    s.settimeout(5)
    s.recv(4096)
except OSError:
    pass
s = socket.create_connection(("127.0.0.1", 10256))
try:	# a megabyte of request line and header, well formed
    s.sendall(b"GET /healthz HTTP/1.1\r\nX: " + b"a" * (1 << 20) + b"\r\n\r\n")
    s.settimeout(5)
    r = s.recv(4096)
    assert not r.startswith(b"HTTP/1.1 200"), r[:40]
except OSError:
    pass
PY
quick
pass "1 MB of garbage, and a 1 MB header: refused, /healthz still quick"

ip netns exec "$NS" "$PY" - "$WORK/idle.ready" <<'PY' &
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
conns = [socket.create_connection(("127.0.0.1", 10256)) for _ in range(2000)]
open(sys.argv[1], "w").write("ready")
time.sleep(8)
PY
IDLE=$!
wait_until 20 test -s "$WORK/idle.ready" || fail "2,000 connections not opened"
sleep 0.5
quick
get 10249 /metrics
fds=$(metric process_open_fds)
[ "${fds%.*}" -ge 2000 ] || fail "healthd holds $fds descriptors: the idle connections were not accepted"
pass "2,000 idle connections held ($fds descriptors): /healthz still quick"
kill "$IDLE" 2>/dev/null; wait "$IDLE" 2>/dev/null

ip netns exec "$NS" "$PY" - <<'PY' &
import socket, time
s = socket.create_connection(("127.0.0.1", 10256))
for b in b"GET /healthz HTTP/1.1\r\nHost: slow\r\n":
    s.send(bytes([b])); time.sleep(0.2)
time.sleep(2)
PY
SLOW=$!
ip netns exec "$NS" "$PY" - <<'PY' &
import socket, time
s = socket.create_connection(("127.0.0.1", 10249))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 200)	# never read
time.sleep(6)
PY
SLOWR=$!
sleep 1
quick; sleep 1; quick
kill "$SLOW" "$SLOWR" 2>/dev/null; wait "$SLOW" "$SLOWR" 2>/dev/null
[ "$(helper_pid healthd)" = "$HD_PID" ] || fail "healthd restarted"
pass "a slow writer and a reader that never reads: /healthz still quick; healthd never restarted"

# ---- healthd killed: restarted, the health-check port back at once --------
kill -9 "$HD_PID"
new_hd() { pid=$(helper_pid healthd) && [ -n "$pid" ] && [ "$pid" != "$HD_PID" ]; }
wait_until 10 new_hd || fail "healthd was not restarted"
wait_until 5 expect_hc 200 2 true ||
	fail "restarted healthd: health-check port not served without a change: $CODE $(body)"
pass "healthd killed: restarted, and the syncer gave it the health-check ports at once"

# ---- the Service goes -------------------------------------------------------
ctl delete '{"kind":"Service","namespace":"default","name":"lb"}'
wait_until 10 eval 'get $HC_PORT /; [ "$CODE" = curl-failed ] || [ "$CODE" = 000 ]' ||
	fail "health-check port still open after the Service was deleted: $CODE"
pass "Service deleted: health-check port $HC_PORT closed"
stop_kp

# ---- --bind-address-hard-fail ---------------------------------------------
ip netns exec "$NS" "$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 10256)); s.listen(1); time.sleep(30)' &
BLOCK=$!
sleep 0.5
start_kp --kubeconfig="$WORK/kubeconfig" --bind-address-hard-fail
i=0
while kill -0 "$SUP_PID" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "hard fail: kube-proxy still running after 10 s"
	sleep 0.1
done
wait "$SUP_PID"; rc=$?
SUP_PID=""
[ $rc = 78 ] || fail "hard fail: exit $rc, want 78"
log_has "failed to start proxier healthz on 0.0.0.0:10256: bind: Address already in use" ||
	fail "hard fail: the bind failure was not logged"
pass "--bind-address-hard-fail: a taken healthz port stops kube-proxy, exit 78"
start_kp --kubeconfig="$WORK/kubeconfig"
wait_until 10 log_has "retrying every 5 s" || fail "no retry logged"
wait_until 10 eval 'get 10249 /healthz; [ "$CODE" = 200 ]' || fail "metrics server did not start"
kill "$BLOCK"; wait "$BLOCK" 2>/dev/null
wait_until 10 eval 'get 10256 /healthz; [ "$CODE" = 200 ]' || fail "healthz did not start after the port was freed"
pass "without it: logged, retried, serving once the port is free"
stop_kp
