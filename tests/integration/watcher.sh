#!/bin/bash
# watcher.sh: the watcher against the test apiserver over HTTPS, through
# the supervisor, asserting the exact deltas the syncer receives (the
# syncer logs each message it takes at -v=3): the first snapshot only
# once all three kinds are listed; one delta per relevant change and none
# for irrelevant ones; 410 relists, broken streams and apiserver restarts
# that send only what differs; bad objects and bad stream lines skipped;
# paging; token and client-certificate auth.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns

svc() {	# svc NAME CLUSTERIP PORT [extra spec json]
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"%s","labels":{"app":"%s"}},"spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],"ipFamilies":["IPv4"],"ports":[{"name":"http","protocol":"TCP","port":%s,"targetPort":8080}]%s}}' \
		"$1" "$1" "$2" "$2" "$3" "${4:-}"
}
slice() {	# slice NAME SERVICE IP...
	local name=$1 service=$2 eps="" ip
	shift 2
	for ip in "$@"; do
		eps="$eps${eps:+,}{\"addresses\":[\"$ip\"],\"conditions\":{\"ready\":true},\"nodeName\":\"test-node\",\"zone\":\"zone-a\"}"
	done
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"%s","labels":{"kubernetes.io/service-name":"%s"}},"addressType":"IPv4","endpoints":[%s],"ports":[{"name":"http","protocol":"TCP","port":8080}]}' \
		"$name" "$service" "$eps"
}
node() {
	printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node","labels":{"topology.kubernetes.io/zone":"%s"}},"spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"]}}' "$1"
}

printf '[%s,%s,%s,%s,%s]' "$(svc web 10.96.0.10 80)" "$(svc db 10.96.0.11 5432)" \
	"$(slice web-abc web 10.244.0.5 10.244.0.6)" "$(slice db-abc db 10.244.0.7)" \
	"$(node zone-a)" >"$WORK/initial.json"
start_apiserver --load "$WORK/initial.json" --bookmark-interval 1

# ---- delta assertions ----------------------------------------------------
SEEN=0
deltas() {
	sed -n 's/.* syncer: received //p' "$WORK/kube-proxy.log"
}
ndeltas_gt() {
	[ "$(deltas | wc -l)" -gt "$1" ]
}
# expect_next "what" ...: the next deltas, in this order.
expect_next() {
	local want got
	for want in "$@"; do
		wait_until 10 ndeltas_gt "$SEEN" ||
			fail "no delta; wanted '$want' (after $SEEN)"
		SEEN=$((SEEN + 1))
		got=$(deltas | sed -n "${SEEN}p")
		case "$got" in
		$want) ;;
		*) fail "delta $SEEN is '$got', wanted '$want'" ;;
		esac
	done
}
# expect_set N "what"...: the next N deltas, in any order.
expect_set() {
	local n=$1 got want
	shift
	wait_until 10 ndeltas_gt $((SEEN + n - 1)) ||
		fail "wanted $n deltas after $SEEN, got $(( $(deltas | wc -l) - SEEN ))"
	got=$(deltas | sed -n "$((SEEN + 1)),$((SEEN + n))p" | sort)
	want=$(printf '%s\n' "$@" | sort)
	[ "$got" = "$want" ] || fail "deltas $((SEEN + 1))-$((SEEN + n)): got
$got
wanted
$want"
	SEEN=$((SEEN + n))
}
expect_quiet() {
	sleep "$1"
	[ "$(deltas | wc -l)" -eq "$SEEN" ] ||
		fail "unexpected delta(s): $(deltas | sed -n "$((SEEN + 1)),\$p" | tr '\n' ';')"
}

# ---- token auth: first snapshot ------------------------------------------
write_kubeconfig token
start_kp --v=3 --kubeconfig="$WORK/kubeconfig"
expect_next "snapshot-begin 1"
expect_set 5 "service default/web" "service default/db" \
	"slice default/web-abc (2 endpoints)" "slice default/db-abc (1 endpoints)" \
	"node test-node"
expect_next "snapshot-end 1"
pass "first snapshot: 2 services, 2 slices, the node, in one snapshot"

# ---- changes ----------------------------------------------------------------
ctl apply "$(svc web 10.96.0.10 8080)"
expect_next "service default/web"
pass "a port change: one service delta"

ctl apply "$(slice web-abc web 10.244.0.5 10.244.0.6 10.244.0.9)"
expect_next "slice default/web-abc (3 endpoints)"
pass "an endpoint added: one slice delta"

# a label change means nothing to the proxy: no delta
ctl apply "$(svc web 10.96.0.10 8080 | sed 's/"app":"web"/"app":"web2"/')"
ctl bookmark '{"force":true}'
expect_quiet 1.5
pass "label change and bookmarks: no delta"

ctl delete '{"kind":"EndpointSlice","namespace":"default","name":"db-abc"}'
expect_next "slice-delete default/db-abc"
ctl delete '{"kind":"Service","namespace":"default","name":"db"}'
expect_next "service-delete default/db"
pass "deletes"

ctl apply "$(node zone-b)"
expect_next "node test-node"
pass "node zone change"

# headless now: no longer proxied, so deleted for the syncer
ctl apply "$(svc web 10.96.0.10 8080 | sed 's/"clusterIP":"10.96.0.10","clusterIPs":\["10.96.0.10"\]/"clusterIP":"None","clusterIPs":["None"]/')"
expect_next "service-delete default/web"
ctl apply "$(svc web 10.96.0.10 8080)"
expect_next "service default/web"
pass "a service turned headless and back"

# ---- bad input ----------------------------------------------------------------
ctl apply "$(svc bad not-an-ip 80)"
wait_until 5 log_has "services: skipping default/bad" || fail "bad service not logged"
ctl apply "$(svc web 10.96.0.10 81)"
expect_next "service default/web"
[ "$(log_count 'services: skipping default/bad')" -eq 1 ] || fail "bad object logged more than once"
pass "an invalid clusterIP: logged once, skipped, the stream goes on"

lists=$(log_count "services: listed at")
ctl malformed '{"line":"this is not JSON","resource":"services"}'
wait_until 5 log_has "unreadable watch stream" || fail "malformed line not noticed"
wait_until 10 log_count_gt 'services: listed at' "$lists" || fail "no relist after a malformed line"
expect_quiet 1.5
lists=$(log_count "services: listed at")
ctl malformed '{"line":"{\"type\":\"MODIFIED\",\"object\":{\"metadata\":","resource":"services"}'
ctl expire '{"mode":"close"}'
wait_until 10 log_count_gt 'services: listed at' "$lists" || fail "no relist after a cut event"
expect_quiet 1.5
pass "a malformed watch line, an event cut short: relist, no delta"

# ---- 410 and relists -------------------------------------------------------------
lists=$(log_count "services: listed at")
ctl expire '{"mode":"error","history":true}'
wait_until 10 log_count_gt 'services: listed at' "$lists" || fail "no relist after 410"
expect_quiet 1.5
pass "410 Expired: relisted, nothing resent"

# changes made while the watcher cannot watch show up after the relist
ctl fail-next '{"count":4,"code":500}'
ctl expire '{"mode":"close","history":true}'
ctl delete '{"kind":"Service","namespace":"default","name":"bad"}'
ctl apply "$(svc api 10.96.0.12 443)"
expect_next "service default/api"
pass "broken streams and 500s: back-off, relist, only the difference sent"

# ---- apiserver restart -----------------------------------------------------------
printf '[%s,%s,%s,%s]' "$(svc web 10.96.0.10 81)" "$(svc api 10.96.0.12 443)" \
	"$(slice web-abc web 10.244.0.5 10.244.0.6 10.244.0.9)" "$(node zone-b)" >"$WORK/after.json"
# counted before the restart: the relist may come before start_apiserver returns
lists=$(log_count "services: listed at")
stop_apiserver
sleep 1
start_apiserver --load "$WORK/after.json" --initial-rv 1000
wait_until 20 log_count_gt 'services: listed at' "$lists" || fail "no relist after the restart"
expect_quiet 2
pass "apiserver restarted with the same state: nothing resent"

# ---- large lists: one resourceVersion=0 response, then paged relists ------------
ctl generate '{"services":1100,"endpointsPerService":2,"nodes":1}'
# their slices come after them: wait for both, or a slow machine's
# late slices look like deltas the relist sent again
gen_services() { [ "$(deltas | grep -c '^service ns-')" -ge 1100 ] &&
	[ "$(deltas | grep -c '^slice ns-')" -ge 1100 ]; }
wait_until 30 gen_services || fail "generated services and slices not all delivered"
SEEN=$(deltas | wc -l)
# an expired resourceVersion: the relist is a consistent read, in pages
ctl reset-stats
lists=$(log_count "services: listed at")
ctl expire '{"mode":"error","history":true}'
wait_until 20 log_count_gt 'services: listed at' "$lists" || fail "no relist"
pages=$(ctl_get 'requests?n=2000' | grep -c 'continue=')
[ "$pages" -ge 2 ] || fail "the relist was not paged ($pages continued requests)"
expect_quiet 1
pass "relist of 1102 services in pages of 500 ($pages continued requests), nothing resent"
stop_kp
# a fresh start: client-go's resourceVersion=0 list, answered in one piece
# and read an item at a time
ctl reset-stats
start_kp --v=3 --kubeconfig="$WORK/kubeconfig"
SEEN=0
expect_next "snapshot-begin 1"
wait_until 20 log_has "received snapshot-end 1" || fail "no snapshot after restart"
n=$(deltas | grep -c '^service ')
[ "$n" -eq 1102 ] || fail "snapshot has $n services, want 1102"
ctl_get 'requests?n=2000' | grep -q 'resourceVersion=0' || fail "first list did not ask for resourceVersion=0"
pass "1102 services from one resourceVersion=0 list"
stop_kp

# ---- client certificate auth -------------------------------------------------------
write_kubeconfig cert
SEEN=0
start_kp --v=3 --kubeconfig="$WORK/kubeconfig"
expect_next "snapshot-begin 1"
wait_until 20 log_has "received snapshot-end 1" || fail "no snapshot with client-cert auth"
pass "client-certificate auth"
stop_kp

# ---- a rotated token file -----------------------------------------------------------
# The apiserver takes tokens from a file it re-reads; the kubeconfig
# names a tokenFile.  Both rotate to a new token: the watcher must
# notice the new file and go on without a restart.
echo token-one >"$WORK/api-tokens"
echo token-one >"$WORK/token"
chmod 644 "$WORK/api-tokens" "$WORK/token"
stop_apiserver
start_apiserver --load "$WORK/after.json" --initial-rv 5000 --token-file "$WORK/api-tokens"
sed -i 's|^    client-certificate: certs/client.crt$|    tokenFile: token|; /client-key:/d' "$WORK/kubeconfig"
SEEN=0
start_kp --v=3 --kubeconfig="$WORK/kubeconfig"
expect_next "snapshot-begin 1"
wait_until 20 log_has "received snapshot-end 1" || fail "no snapshot with a token file"
SEEN=$(deltas | wc -l)
echo token-two >"$WORK/token.new"; chmod 644 "$WORK/token.new"
mv "$WORK/token.new" "$WORK/token"
echo token-two >"$WORK/api-tokens"
ctl expire '{"mode":"error","history":true}'
ctl apply "$(svc rotated 10.96.0.13 80)"
expect_next "service default/rotated"
pass "token file rotated: the watcher read the new token and went on"
stop_kp
