#!/bin/bash
# rules-endpoints.sh: which endpoints a Service's traffic may reach
# (spec 2.6 CategorizeEndpoints, 2.12 traffic policies), with real TCP
# from the client pod and from outside, and the rules upstream v1.28
# would write for each case:
#   - internalTrafficPolicy Local: the cluster IP reaches only this
#     node's endpoints (KUBE-SVL); none here: DROP "has no local endpoints";
#   - readiness: not-ready endpoints get nothing; a ready one beats a
#     serving-terminating one; no serving endpoint at all: REJECT;
#   - the terminating fallback: with no ready endpoint, the serving
#     terminating ones (Cluster policy: cluster-wide; Local policy: the
#     local ones, even when a remote one is ready);
#   - topology hints (topology-mode, and the older topology-aware-hints
#     that v1.28 prefers): only this zone's endpoints, unless the hints
#     are incomplete or none is for this zone; a Node relabelled to
#     another zone moves the traffic (a full sync).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
# service IPs are routable, as on a real node (see rules.sh)
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"

# the endpoints: ep-N answers at 10.244.0.N:8080
for n in 31 32 33 34; do
	start_backend "ep-$n" "10.244.0.$n" 8080
done

# ep N NODE READY SERVING TERMINATING [ZONE...]: an endpoint of the slice
ep() {
	local n=$1 node=$2 r=$3 s=$4 t=$5 hints="" z
	shift 5
	for z in "$@"; do hints="$hints${hints:+,}{\"name\":\"$z\"}"; done
	printf '{"addresses":["10.244.0.%s"],"nodeName":"%s","conditions":{"ready":%s,"serving":%s,"terminating":%s}%s}' \
		"$n" "$node" "$r" "$s" "$t" "${hints:+,\"hints\":{\"forZones\":[$hints]\}}"
}
# svc NAME IP 'EXTRA-SPEC' 'ANNOTATIONS' ENDPOINT...: a ClusterIP Service
# (port http 80 -> 8080, unless EXTRA-SPEC says more) and its one slice.
svc() {
	local name=$1 ip=$2 extra=$3 ann=$4 eps
	shift 4
	eps=$(IFS=,; echo "$*")
	cat <<JSON
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"$name","annotations":{$ann}},
  "spec":{"type":"ClusterIP","clusterIP":"$ip","clusterIPs":["$ip"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]$extra}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"$name-1","labels":{"kubernetes.io/service-name":"$name"}},
  "addressType":"IPv4","endpoints":[$eps],"ports":[{"name":"http","protocol":"TCP","port":8080}]},
JSON
}
node() {
	printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node","labels":{"topology.kubernetes.io/zone":"%s"}}}' "$1"
}
H=test-node O=other-node
ITP=',"internalTrafficPolicy":"Local"'
MODE='"service.kubernetes.io/topology-mode":"Auto"'
HINTS='"service.kubernetes.io/topology-aware-hints":"auto"'
{
	echo "["
	svc itp 10.96.2.1 "$ITP" "" "$(ep 31 $H true true false)" "$(ep 32 $O true true false)"
	svc itp-none 10.96.2.2 "$ITP" "" "$(ep 32 $O true true false)"
	svc ready 10.96.2.3 "" "" "$(ep 31 $H true true false)" \
		"$(ep 32 $H false false false)" "$(ep 33 $H false false true)"
	svc mixed 10.96.2.4 "" "" "$(ep 31 $H true true false)" "$(ep 32 $H false true true)"
	svc term 10.96.2.5 "" "" "$(ep 31 $H false true true)" \
		"$(ep 32 $O false true true)" "$(ep 33 $H false false true)"
	svc term-local 10.96.2.6 "$ITP" "" "$(ep 31 $H false true true)" "$(ep 34 $O true true false)"
	svc term-etp 10.96.2.7 ',"externalTrafficPolicy":"Local"' "" \
		"$(ep 31 $H false true true)" "$(ep 34 $O true true false)" |
		sed 's/"type":"ClusterIP"/"type":"NodePort"/; s/"targetPort":8080}/"targetPort":8080,"nodePort":30100}/'
	svc noserve 10.96.2.8 "" "" "$(ep 32 $H false false true)"
	# a not-ready endpoint needs no hint (ep-34)
	svc topo 10.96.2.9 "" "$MODE" "$(ep 31 $H true true false zone-a)" \
		"$(ep 32 $O true true false zone-b)" "$(ep 33 $O true true false zone-a)" \
		"$(ep 34 $O false false false)"
	svc topo-old 10.96.2.10 "" "$HINTS" "$(ep 31 $H true true false zone-b)" \
		"$(ep 32 $O true true false zone-a)"
	svc topo-partial 10.96.2.11 "" "$MODE" "$(ep 31 $H true true false zone-a)" \
		"$(ep 32 $O true true false)"
	svc topo-elsewhere 10.96.2.12 "" "$MODE" "$(ep 31 $H true true false zone-b)" \
		"$(ep 32 $O true true false zone-c)"
	svc topo-off 10.96.2.13 "" "\"service.kubernetes.io/topology-aware-hints\":\"Disabled\",$MODE" \
		"$(ep 31 $H true true false zone-a)" "$(ep 32 $O true true false zone-b)"
	svc topo-local 10.96.2.14 "$ITP" "$MODE" "$(ep 31 $H true true false zone-b)" \
		"$(ep 32 $H true true false zone-a)" "$(ep 33 $O true true false zone-a)"
	node zone-a
	echo "]"
} >"$WORK/cluster.json"
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"
log_has 'node test-node: zone "zone-a"' || fail "the syncer did not hear the node's zone"

# want WHAT GOT EXPECTED: one rule-level expectation
want() {
	[ "$2" = "$3" ] || { node_rules >&2; fail "$1: '$2', wanted '$3'"; }
}
# rule_packets TABLE TEXT: the packet counter of the one rule holding TEXT
rule_packets() {
	node_save "$1" -c | grep -F -- "$2" | sed -n 's/^\[\([0-9]*\):.*/\1/p'
}

# nft_element MAP KEY VERDICT: (nftables mode) the map of table ip
# kube-proxy has exactly KEY : VERDICT (an ERE) for KEY
nft_element() {
	local got
	got=$(ip netns exec "$NS" nft list map ip kube-proxy "$1" | tr '{},' '\n\n\n' |
		sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -F -- "$2 : ")
	echo "$got" | grep -qxE -- "$2 : $3" || fail "map $1: '$got', wanted '$2 : $3'"
}

# ---- internalTrafficPolicy Local -----------------------------------------
if iptables_mode; then
nat=$(node_save nat)
echo "$nat" | grep -qE -- '^-A KUBE-SERVICES -d 10.96.2.1/32 -p tcp -m comment --comment "default/itp:http cluster IP" -m tcp --dport 80 -j KUBE-SVL-[A-Z2-7]{16}$' ||
	{ echo "$nat" >&2; fail "iTP=Local: the cluster IP does not jump to a KUBE-SVL chain"; }
else
nft_element service-ips "10.96.2.1 . tcp . 80" "goto local-[A-Z2-7]{8}-default/itp/tcp/http"
fi
want "iTP=Local: KUBE-SVL sends to" "$(dispatch SVL default/itp:http)" 10.244.0.31:8080
want "iTP=Local: KUBE-SVC sends to" "$(dispatch SVC default/itp:http)" ""
want "iTP=Local: KUBE-SEP chains" "$(seps default/itp:http)" 10.244.0.31:8080
expect_reach ep-31 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.1 80
pass "iTP=Local: KUBE-SVL with the local endpoint only; the cluster IP reaches only it, source kept"

if iptables_mode; then
drop='-A KUBE-SERVICES -d 10.96.2.2/32 -p tcp -m comment --comment "default/itp-none:http has no local endpoints" -m tcp --dport 80 -j DROP'
node_save filter | grep -qxF -- "$drop" || { node_save filter >&2; fail "missing filter rule: $drop"; }
node_save nat | grep -q -- '-d 10.96.2.2/32' && fail "iTP=Local without a local endpoint: a nat rule for 10.96.2.2 is left"
before=$(rule_packets filter "$drop")
expect_probe timeout "$NET_CLIENT" 10.96.2.2 80
after=$(rule_packets filter "$drop")
else
nft_element no-endpoint-services "10.96.2.2 . tcp . 80" drop
ip netns exec "$NS" nft list map ip kube-proxy service-ips | grep -q -- '10.96.2.2 ' &&
	fail "iTP=Local without a local endpoint: a service-ips element for 10.96.2.2 is left"
nft_count_drops forward 10.96.2.2 80
before=$(nft_dropped forward)
expect_probe timeout "$NET_CLIENT" 10.96.2.2 80
after=$(nft_dropped forward)
fi
[ "${after:-0}" -gt "${before:-0}" ] || fail "the probe timed out, but not in the DROP rule (counter $before -> $after)"
pass "iTP=Local without a local endpoint: upstream's DROP \"has no local endpoints\", and the probe died there"

# ---- readiness ----------------------------------------------------------
want "readiness: KUBE-SVC sends to" "$(dispatch SVC default/ready:http)" 10.244.0.31:8080
want "readiness: KUBE-SEP chains" "$(seps default/ready:http)" 10.244.0.31:8080
expect_reach ep-31 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.3 80
pass "not-ready endpoints (not serving, or terminated) get no chain and no traffic"

want "ready beats serving-terminating: KUBE-SVC sends to" "$(dispatch SVC default/mixed:http)" 10.244.0.31:8080
expect_reach ep-31 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.4 80
pass "a ready endpoint beside a serving-terminating one: only the ready one"

if iptables_mode; then
node_save filter | grep -qF -- '-A KUBE-SERVICES -d 10.96.2.8/32 -p tcp -m comment --comment "default/noserve:http has no endpoints" -m tcp --dport 80 -j REJECT' ||
	fail "no REJECT for a Service whose only endpoint is terminating and not serving"
else
nft_element no-endpoint-services "10.96.2.8 . tcp . 80" "goto reject-chain"
fi
expect_probe refused "$NET_CLIENT" 10.96.2.8 80
pass "only a terminating, not serving endpoint: upstream's REJECT \"has no endpoints\", refused"

# ---- the terminating fallback -------------------------------------------
want "fallback (Cluster): KUBE-SVC sends to" "$(dispatch SVC default/term:http)" "10.244.0.31:8080 10.244.0.32:8080"
expect_reach "ep-31 ep-32" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.5 80
pass "no ready endpoint (Cluster policy): both serving-terminating ones, on any node, reached; the non-serving one not"

want "fallback (iTP=Local): KUBE-SVL sends to" "$(dispatch SVL default/term-local:http)" 10.244.0.31:8080
expect_reach ep-31 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.6 80
pass "iTP=Local with a local serving-terminating endpoint only: it, not the remote ready one"

want "eTP=Local fallback: KUBE-SVC sends to" "$(dispatch SVC default/term-etp:http)" 10.244.0.34:8080
want "eTP=Local fallback: KUBE-SVL sends to" "$(dispatch SVL default/term-etp:http)" 10.244.0.31:8080
want "eTP=Local fallback: KUBE-SEP chains (the union)" "$(seps default/term-etp:http)" "10.244.0.31:8080 10.244.0.34:8080"
expect_reach ep-34 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.7 80
expect_reach ep-31 "$OUT_IP" "$NET_OUT" "$NODE_OUT_IP" 30100
pass "eTP=Local NodePort: outside reaches the local serving-terminating endpoint (client address kept), the cluster IP the remote ready one"

# ---- topology -----------------------------------------------------------
want "topology: KUBE-SVC sends to" "$(dispatch SVC default/topo:http)" "10.244.0.31:8080 10.244.0.33:8080"
want "topology: KUBE-SEP chains" "$(seps default/topo:http)" "10.244.0.31:8080 10.244.0.33:8080"
expect_reach "ep-31 ep-33" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.9 80
pass "topology-mode Auto, node in zone-a: only the zone-a endpoints (a not-ready one needs no hint)"

expect_reach ep-32 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.10 80
pass "the older topology-aware-hints annotation: only the zone-a endpoint"

expect_reach "ep-31 ep-32" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.11 80
pass "a ready endpoint without hints: topology off, every endpoint reached"

expect_reach "ep-31 ep-32" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.12 80
pass "no endpoint hinted for zone-a: topology off, every endpoint reached"

expect_reach "ep-31 ep-32" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.13 80
pass "topology-aware-hints Disabled beside topology-mode Auto: the older one wins (v1.28), every endpoint reached"

want "topology with iTP=Local: KUBE-SVL sends to" "$(dispatch SVL default/topo-local:http)" "10.244.0.31:8080 10.244.0.32:8080"
expect_reach "ep-31 ep-32" "$CLIENT_IP" "$NET_CLIENT" 10.96.2.14 80
pass "topology never filters Local-policy endpoints: both local ones reached, whatever their hints"

full=$(log_count "full sync: $SYNC4")
ctl apply "$(node zone-b)"
wait_until 10 log_has 'node test-node: zone "zone-b"' || fail "the syncer did not hear the new zone"
wait_until 10 log_count_gt "full sync: $SYNC4" "$full" || fail "a node label change did not force a full sync"
want "topology after the move: KUBE-SVC sends to" "$(dispatch SVC default/topo:http)" 10.244.0.32:8080
expect_reach ep-32 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.9 80
expect_reach ep-31 "$CLIENT_IP" "$NET_CLIENT" 10.96.2.10 80
pass "the node relabelled zone-b: a full sync, and the traffic follows the zone-b hints"

stop_kp
