#!/bin/bash
# rules-affinity-restart.sh: sessionAffinity ClientIP survives a restart
# of the syncer (SIGKILL; the new one's first sync is a full one): the
# kernel keeps which client goes to which endpoint, and a client keeps
# its endpoint, as upstream's iptables mode (xt_recent lists live as
# long as a rule names them).  Checked on the state (the client in the
# recent list, or in nftables mode the affinity set, of its endpoint)
# and on the wire (12 connections after the restart, all to it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
start_backend aff-1 10.244.0.11 8080
start_backend aff-2 10.244.0.12 8080

ep() { printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"test-node"}' "$1"; }
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"sticky"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.1.1","clusterIPs":["10.96.1.1"],"ipFamilies":["IPv4"],
   "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"sticky-1","labels":{"kubernetes.io/service-name":"sticky"}},
  "addressType":"IPv4","endpoints":[$(ep 10.244.0.11),$(ep 10.244.0.12)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"

# remembered IP: the endpoint ("10.244.0.N") whose affinity state holds
# the client: its KUBE-SEP recent list, or its nftables affinity set
remembered() {
	local ip
	for ip in 10.244.0.11 10.244.0.12; do
		if iptables_mode; then
			ip netns exec "$NS" sh -c "grep -l 'src=$CLIENT_IP ' /proc/net/xt_recent/KUBE-SEP-* 2>/dev/null" |
				while read -r f; do
					node_save nat | grep -q -- "^-A ${f##*/} .*--to-destination $ip:8080" && echo "$ip"
				done
		else
			ip netns exec "$NS" nft list table ip kube-proxy |
				grep -A6 "set affinity-.*default/sticky/tcp/http__$ip/8080 " |
				grep -qF "$CLIENT_IP" && echo "$ip"
		fi
	done
}

first=$(probe "$NET_CLIENT" 10.96.1.1 80 | cut -d' ' -f1)
case "$first" in aff-1) want=10.244.0.11 ;; aff-2) want=10.244.0.12 ;; *) fail "sticky: got '$first'" ;; esac
for _ in $(seq 6); do
	expect_probe "$first $CLIENT_IP" "$NET_CLIENT" 10.96.1.1 80
done
got=$(remembered)
[ "$got" = "$want" ] || fail "before the restart: the client is remembered for '$got', wanted $want"
pass "ClientIP affinity: 7 connections to $first, the client remembered for $want"

old=$(helper_pid syncer) || fail "no syncer"
full=$(log_count "full sync: $SYNC4")
kill -9 "$old"
new_syncer() { p=$(helper_pid syncer) && [ "$p" != "$old" ]; }
wait_until 10 new_syncer || fail "the syncer was not restarted"
wait_until 10 log_count_gt "full sync: $SYNC4" "$full" || fail "the new syncer made no full sync"
got=$(remembered)
[ "$got" = "$want" ] || fail "after the restart: the client is remembered for '$got', wanted $want"
for _ in $(seq 12); do
	expect_probe "$first $CLIENT_IP" "$NET_CLIENT" 10.96.1.1 80
done
pass "syncer restarted (a full sync): the client still remembered for $want, 12 connections all to $first"
stop_kp
