#!/bin/bash
# rules-churn.sh: the rules under change, with real traffic (rules.sh
# has the basics):
#   - SCTP Services: the rules upstream v1.28 writes (-p sctp -m sctp,
#     chain names hashed with "sctp", comments); no SCTP traffic, since
#     this kernel has no sctp module;
#   - a UDP NodePort from outside, masqueraded (eTP=Cluster);
#   - a Service deleted: its chains leave the kernel in a partial sync,
#     its cluster IP is no longer captured (no DNAT, no REJECT), other
#     Services keep their rules and traffic;
#   - endpoint churn: 10 rounds of changes (endpoints added, removed,
#     replaced, a slice added and deleted, one turned not ready, a slice
#     emptied), each a partial sync after which traffic reaches exactly
#     the current endpoints;
#   - the syncer killed with SIGKILL while changes flow: restarted, it
#     converges on the current endpoints with a full sync, and the rules
#     were never flushed (an unchanged Service answers every probe, and
#     its rule never leaves the kernel).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
# service IPs are routable, as on a real node (see rules.sh): traffic to
# an IP that no rule captures goes to "outside", which does not forward
# it, so it dies there without an answer
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"

start_backend keep-1 10.244.0.51 8080
start_backend keep-2 10.244.0.52 8080
start_backend gone-1 10.244.0.53 8080
start_backend dns-1 10.244.0.54 5353 udp
for n in 61 62 63 64 65; do
	start_backend "c-$n" "10.244.0.$n" 8080
done

# eps N[!]...: endpoints 10.244.0.N on this node; "N!" is not ready
eps() {
	local n r out=""
	for n in "$@"; do
		r=true
		case $n in *!) n=${n%!}; r=false ;; esac
		out="$out${out:+,}{\"addresses\":[\"10.244.0.$n\"],\"conditions\":{\"ready\":$r},\"nodeName\":\"test-node\"}"
	done
	echo "$out"
}
# slice SVC NAME PORTNAME PROTO PORT N[!]...: an EndpointSlice
slice() {
	local svc=$1 name=$2 pn=$3 proto=$4 port=$5
	shift 5
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"%s","labels":{"kubernetes.io/service-name":"%s"}},"addressType":"IPv4","endpoints":[%s],"ports":[{"name":"%s","protocol":"%s","port":%s}]}' \
		"$name" "$svc" "$(eps "$@")" "$pn" "$proto" "$port"
}
# service NAME IP TYPE PORTNAME PROTO PORT TARGET [NODEPORT]
service() {
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"%s"},"spec":{"type":"%s","clusterIP":"%s","clusterIPs":["%s"],"ipFamilies":["IPv4"],"ports":[{"name":"%s","protocol":"%s","port":%s,"targetPort":%s%s}]}}' \
		"$1" "$3" "$2" "$2" "$4" "$5" "$6" "$7" "${8:+,\"nodePort\":$8}"
}
cat >"$WORK/cluster.json" <<JSON
[
 $(service keep 10.96.3.1 ClusterIP http TCP 80 8080),
 $(slice keep keep-1 http TCP 8080 51 52),
 $(service churn 10.96.3.2 ClusterIP http TCP 80 8080),
 $(slice churn churn-a http TCP 8080 61 62),
 $(service gone 10.96.3.3 ClusterIP http TCP 80 8080),
 $(slice gone gone-1 http TCP 8080 53),
 $(service dns 10.96.3.4 NodePort dns UDP 53 5353 30053),
 $(slice dns dns-1 dns UDP 5353 54),
 $(service sctp 10.96.3.5 NodePort sctp SCTP 7777 7777 30777),
 $(slice sctp sctp-1 sctp SCTP 7777 55),
 $(service sctp-empty 10.96.3.6 ClusterIP sctp SCTP 7777 7777),
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"

# chain_hash SPN PROTO [IP:PORT]: upstream's chain-name suffix (spec 2.3),
# recomputed here, so the names are checked against the spec, not
# against the syncer's own code
chain_hash() {
	"$NET_PYTHON" -c 'import base64, hashlib, sys
print(base64.b32encode(hashlib.sha256("".join(sys.argv[1:]).encode()).digest()).decode()[:16])' "$@"
}
want() {
	[ "$2" = "$3" ] || { node_rules >&2; fail "$1: '$2', wanted '$3'"; }
}
# have TABLE LINE...: each LINE is in TABLE, whole
have() {
	local t=$1 save
	shift
	save=$(node_save "$t")
	for l in "$@"; do
		echo "$save" | grep -qxF -- "$l" || { echo "$save" >&2; fail "missing in $t: $l"; }
	done
}

# ---- SCTP: rules only ----------------------------------------------------
if iptables_mode; then
h=$(chain_hash default/sctp:sctp sctp)
sep=$(chain_hash default/sctp:sctp sctp 10.244.0.55:7777)
have nat \
	"-A KUBE-SERVICES -d 10.96.3.5/32 -p sctp -m comment --comment \"default/sctp:sctp cluster IP\" -m sctp --dport 7777 -j KUBE-SVC-$h" \
	"-A KUBE-NODEPORTS -p sctp -m comment --comment \"default/sctp:sctp\" -m sctp --dport 30777 -j KUBE-EXT-$h" \
	"-A KUBE-EXT-$h -m comment --comment \"masquerade traffic for default/sctp:sctp external destinations\" -j KUBE-MARK-MASQ" \
	"-A KUBE-EXT-$h -j KUBE-SVC-$h" \
	"-A KUBE-SVC-$h ! -s 10.244.0.0/16 -d 10.96.3.5/32 -p sctp -m comment --comment \"default/sctp:sctp cluster IP\" -m sctp --dport 7777 -j KUBE-MARK-MASQ" \
	"-A KUBE-SVC-$h -m comment --comment \"default/sctp:sctp -> 10.244.0.55:7777\" -j KUBE-SEP-$sep" \
	"-A KUBE-SEP-$sep -s 10.244.0.55/32 -m comment --comment \"default/sctp:sctp\" -j KUBE-MARK-MASQ" \
	"-A KUBE-SEP-$sep -p sctp -m comment --comment \"default/sctp:sctp\" -m sctp -j DNAT --to-destination 10.244.0.55:7777"
have filter \
	'-A KUBE-SERVICES -d 10.96.3.6/32 -p sctp -m comment --comment "default/sctp-empty:sctp has no endpoints" -m sctp --dport 7777 -j REJECT --reject-with icmp-port-unreachable'
else
h=$(nft_port default/sctp:sctp sctp)
nft_have "" "10.96.3.5 . sctp . 7777 : goto service-$h" \
	"sctp . 30777 : goto external-$h" \
	"10.244.0.55 . 10.244.0.55" \
	"10.96.3.6 . sctp . 7777 : goto reject-chain"
nft_have "external-$h" "jump mark-for-masquerade" "goto service-$h"
nft_have "service-$h" \
	"ip daddr 10.96.3.5 sctp dport 7777 ip saddr != 10.244.0.0/16 jump mark-for-masquerade" \
	"meta l4proto sctp dnat to 10.244.0.55:7777"
fi
pass "SCTP: upstream's rules for $KP_TEST_PROXY_MODE (cluster IP, NodePort, external, service, DNAT) and the reject, named with \"sctp\" (no SCTP traffic: no sctp module here)"

# ---- UDP NodePort from outside -----------------------------------------
if iptables_mode; then
have nat "-A KUBE-NODEPORTS -p udp -m comment --comment \"default/dns:dns\" -m udp --dport 30053 -j KUBE-EXT-$(chain_hash default/dns:dns udp)"
else
nft_have "" "udp . 30053 : goto external-$(nft_port default/dns:dns udp)"
fi
expect_reach dns-1 "$NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30053 udp
expect_reach dns-1 "$CLIENT_IP" "$NET_CLIENT" 10.96.3.4 53 udp
pass "UDP NodePort from outside: answered, masqueraded to the node; its cluster IP from a pod keeps the source"

# ---- a Service deleted ----------------------------------------------------
# keep_rules: the rules that name Service "keep" (nftables mode: its
# elements and its chain's rules)
keep_rules() {
	if iptables_mode; then
		node_save nat | grep -F 'default/keep:http'
	else
		ip netns exec "$NET_NODE" nft list table ip kube-proxy |
			awk '/^\tchain / { c = ($2 ~ /default\/keep\//) } c || /default\/keep\//'
	fi
}
keep_rules=$(keep_rules)
[ -n "$keep_rules" ] || fail "test broken: no rule names Service keep"
gh=$(chain_hash default/gone:http tcp)
gsep=$(chain_hash default/gone:http tcp 10.244.0.53:8080)
if iptables_mode; then
node_save nat | grep -q "^:KUBE-SVC-$gh " || fail "test broken: no KUBE-SVC-$gh for default/gone before the deletion"
else
gh=$(nft_port default/gone:http tcp)
ip netns exec "$NS" nft list chain ip kube-proxy "service-$gh" >/dev/null ||
	fail "test broken: no service-$gh before the deletion"
fi
expect_reach gone-1 "$CLIENT_IP" "$NET_CLIENT" 10.96.3.3 80
n=$(log_count "$SYNC4")
ctl delete '{"kind":"Service","namespace":"default","name":"gone"}'
wait_until 10 log_count_gt "$SYNC4" "$n" || fail "no sync after the Service was deleted"
last=$(grep "$SYNC4" "$WORK/kube-proxy.log" | tail -n1)
if iptables_mode; then
case "$last" in
*"partial sync:"*" 2 stale chains deleted"*) ;;
*) fail "the deletion was not a partial sync deleting 2 chains: $last" ;;
esac
for t in nat filter; do
	left=$(node_save $t | grep -E -- "KUBE-(SVC|SEP)-($gh|$gsep)|10\.96\.3\.3/|default/gone:" )
	[ -z "$left" ] || fail "the deleted Service is still in $t: $left"
done
else
case "$last" in
*"partial sync:"*" 1 stale deleted"*) ;;
*) fail "the deletion was not a partial sync deleting its chain: $last" ;;
esac
left=$(ip netns exec "$NS" nft list table ip kube-proxy | grep -E -- "10\.96\.3\.3 |default/gone/")
[ -z "$left" ] || fail "the deleted Service is still in table ip kube-proxy: $left"
fi
expect_probe timeout "$NET_CLIENT" 10.96.3.3 80
pass "Service deleted: a partial sync deletes its chains; no rule names its IP; the IP is not captured (timeout, no REJECT)"

# its slice goes too (the garbage collector, later): nothing changes
ctl delete '{"kind":"EndpointSlice","namespace":"default","name":"gone-1"}'
want "keep's rules after the deletion" "$(keep_rules)" "$keep_rules"
expect_reach "keep-1 keep-2" "$CLIENT_IP" "$NET_CLIENT" 10.96.3.1 80
expect_reach "c-61 c-62" "$CLIENT_IP" "$NET_CLIENT" 10.96.3.2 80
pass "the other Services keep their rules, unchanged, and their traffic"

# ---- endpoint churn -----------------------------------------------------
# names N...: the backends' names for endpoints N
names() { local n out=""; for n in "$@"; do out="$out${out:+ }c-$n"; done; echo "$out"; }
# targets N...: "10.244.0.N:8080 ..." as dispatch and seps print them
targets() { local n out=""; for n in "$@"; do out="$out${out:+ }10.244.0.$n:8080"; done; echo "$out"; }
full=$(log_count "full sync: $SYNC4")
round=0
# churn WHAT CALL BODY N...: apply one change, wait for its sync, then
# expect exactly the endpoints N in the rules and on the wire
churn() {
	local what=$1 call=$2 body=$3 lines n
	shift 3
	round=$((round + 1))
	lines=$(wc -l <"$WORK/kube-proxy.log")
	n=$(log_count "$SYNC4")
	ctl "$call" "$body"
	wait_until 10 log_count_gt "$SYNC4" "$n" || fail "round $round ($what): no sync"
	tail -n +$((lines + 1)) "$WORK/kube-proxy.log" | grep "$SYNC4" | grep -qv "partial sync:" &&
		fail "round $round ($what): not a partial sync: $(tail -n +$((lines + 1)) "$WORK/kube-proxy.log" | grep "$SYNC4")"
	want "round $round ($what): KUBE-SVC sends to" "$(dispatch SVC default/churn:http)" "$(targets "$@")"
	want "round $round ($what): KUBE-SEP chains" "$(seps default/churn:http)" "$(targets "$@")"
	expect_reach "$(names "$@")" "$CLIENT_IP" "$NET_CLIENT" 10.96.3.2 80
	echo "   round $round: $what -> $(names "$@")"
}
churn "add 63" apply "$(slice churn churn-a http TCP 8080 61 62 63)" 61 62 63
churn "remove 61" apply "$(slice churn churn-a http TCP 8080 62 63)" 62 63
churn "replace both by 64" apply "$(slice churn churn-a http TCP 8080 64)" 64
churn "a second slice with 65" apply "$(slice churn churn-b http TCP 8080 65)" 64 65
churn "add 61 to the first" apply "$(slice churn churn-a http TCP 8080 61 64)" 61 64 65
churn "delete the first slice" delete '{"kind":"EndpointSlice","namespace":"default","name":"churn-a"}' 65
churn "add 62 and 63 to the second" apply "$(slice churn churn-b http TCP 8080 62 63 65)" 62 63 65
churn "63 not ready" apply "$(slice churn churn-b http TCP 8080 62 63! 65)" 62 65
churn "the first slice back with 61" apply "$(slice churn churn-a http TCP 8080 61)" 61 62 65
churn "the second slice emptied" apply "$(slice churn churn-b http TCP 8080)" 61
[ "$(log_count "full sync: $SYNC4")" -eq "$full" ] || fail "a full sync during the churn"
pass "endpoint churn: 10 rounds, each a partial sync, after each only the current endpoints in the rules and reached"

# ---- the syncer killed while changes flow ----------------------------------
# Probes to the unchanged Service "keep", and a watch on its rule in the
# kernel, all through the kill and the restart.  Each probe is a new
# connection, so it needs the rules, not a conntrack entry.
stop="$WORK/stop-loops"
# keep_captured: the rule that sends keep's cluster IP to its chain
keep_captured() {
	if iptables_mode; then
		node_save nat | grep -q -- '^-A KUBE-SERVICES -d 10.96.3.1/32 .*-j KUBE-SVC-'
	else
		ip netns exec "$NET_NODE" nft list map ip kube-proxy service-ips |
			grep -q -- '10\.96\.3\.1 \. tcp \. 80 : goto service-'
	fi
}
(
	while [ ! -e "$stop" ]; do
		echo "$(date +%s.%N) $(probe "$NET_CLIENT" 10.96.3.1 80)"
	done >"$WORK/keep-probes"
) &
NET_PIDS="$NET_PIDS $!"
(
	while [ ! -e "$stop" ]; do
		if keep_captured; then
			echo "$(date +%s.%N) present"
		else
			echo "$(date +%s.%N) MISSING"
		fi
		sleep 0.05
	done >"$WORK/keep-rules"
) &
NET_PIDS="$NET_PIDS $!"
sleep 1
# changes flow: one every 0.2 s, before, across and after the kill
(
	for s in "61 62" "62" "62 63" "63 64" "64" "64 65" "65" "61 65" "61 63" "63 64" "62 64" "62 64"; do
		# shellcheck disable=SC2086 # a list on purpose
		ctl apply "$(slice churn churn-a http TCP 8080 $s)"
		sleep 0.2
	done
	echo finished >"$WORK/changes-done"
) &
changes=$!
NET_PIDS="$NET_PIDS $changes"
sleep 0.9
old=$(helper_pid syncer) || fail "no syncer"
snaps=$(log_count "syncer: snapshot ")
full=$(log_count "full sync: $SYNC4")
t0=$(date +%s.%N)
kill -9 "$old"
wait_until 10 log_has "syncer killed by signal 9" || fail "the supervisor did not see the syncer die"
new_syncer() { p=$(helper_pid syncer) && [ "$p" != "$old" ]; }
wait_until 10 new_syncer || fail "the syncer was not restarted"
wait_until 10 log_count_gt "syncer: snapshot " "$snaps" || fail "the new syncer got no snapshot"
wait_until 10 log_count_gt "full sync: $SYNC4" "$full" || fail "the new syncer made no full sync"
wait $changes || fail "the change loop failed"
test -s "$WORK/changes-done" || fail "the change loop did not finish"
# the last state: churn-a {62 64}, churn-b empty
converged() { [ "$(dispatch SVC default/churn:http)" = "$(targets 62 64)" ]; }
wait_until 10 converged || fail "not converged: KUBE-SVC sends to '$(dispatch SVC default/churn:http)'"
t1=$(date +%s.%N)
sleep 0.5
touch "$stop"
expect_reach "c-62 c-64" "$CLIENT_IP" "$NET_CLIENT" 10.96.3.2 80
pass "syncer killed (pid $old -> $(helper_pid syncer)) amid changes: a new snapshot, a full sync, and traffic reaches exactly the current endpoints"

probes=$(awk -v a="$t0" -v b="$t1" '$1 >= a - 1 && $1 <= b' "$WORK/keep-probes" | wc -l)
bad=$(grep -v ' keep-[12] ' "$WORK/keep-probes")
[ -z "$bad" ] || fail "probes to the unchanged Service failed during the restart: $bad"
[ "$probes" -ge 3 ] || fail "too few probes across the restart ($probes): the test proves nothing"
samples=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b' "$WORK/keep-rules" | wc -l)
grep -q MISSING "$WORK/keep-rules" && fail "the unchanged Service's rule left the kernel: $(grep -m3 MISSING "$WORK/keep-rules")"
[ "$samples" -ge 3 ] || fail "too few looks at the rules across the restart ($samples)"
pass "never flushed: $(wc -l <"$WORK/keep-probes") probes to the unchanged Service all answered ($probes from the kill to convergence), its rule present in all $(wc -l <"$WORK/keep-rules") looks"

# ---- an endpoint removed while the syncer is down ------------------------
old=$(helper_pid syncer) || fail "no syncer"
full=$(log_count "full sync: $SYNC4")
kill -9 "$old"
# before the restart (its back-off is 250 ms): the new syncer's first
# snapshot no longer has 64, whose chain the killed one wrote
ctl apply "$(slice churn churn-a http TCP 8080 62)"
wait_until 10 new_syncer || fail "the syncer was not restarted"
wait_until 10 log_count_gt "full sync: $SYNC4" "$full" || fail "the new syncer made no full sync"
only62() { [ "$(dispatch SVC default/churn:http)" = "$(targets 62)" ]; }
wait_until 10 only62 || fail "not converged: KUBE-SVC sends to '$(dispatch SVC default/churn:http)'"
expect_reach c-62 "$CLIENT_IP" "$NET_CLIENT" 10.96.3.2 80
pass "an endpoint removed while the syncer was down: the new syncer sends only to the one left"

# A new syncer reads our chains back once before its first sync, so the
# KUBE-SEP chains of endpoints removed while it was down are deleted, as
# upstream's per-sync iptables-save finds them (spec 2.18).
stale=$(seps default/churn:http)
[ "$stale" = "$(targets 62)" ] ||
	fail "stale KUBE-SEP chains left after the syncer restart: DNAT to $stale"
pass "no stale DNAT to a removed endpoint left after the restart"

stop_kp
