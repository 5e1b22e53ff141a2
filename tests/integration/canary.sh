#!/bin/bash
# canary.sh: flush detection (spec 2.19).  The syncer keeps an empty
# KUBE-PROXY-CANARY chain in mangle, nat and filter; when a firewall
# reload flushes the tables, the mangle canary is gone at the next sync
# period, and a full sync puts every jump, chain and rule back, so the
# Service answers again without any change from the apiserver.  Both
# families, since ip6tables works here too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
start_backend web-1 10.244.0.41 8080

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.4.1","clusterIPs":["10.96.4.1"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.41"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --iptables-sync-period=2s
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: iptables-restore" || fail "no sync"
has_canary() {
	ip netns exec "$NS" iptables-nft -t "$1" -S KUBE-PROXY-CANARY >/dev/null 2>&1 &&
		ip netns exec "$NS" ip6tables-nft -t "$1" -S KUBE-PROXY-CANARY >/dev/null 2>&1
}
for t in mangle nat filter; do
	has_canary "$t" || fail "no KUBE-PROXY-CANARY in $t"
done
expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.96.4.1 80
pass "canary chains in mangle, nat and filter (iptables and ip6tables); the Service answers"

# a firewall reload: every table flushed, every non-built-in chain gone
for tool in iptables-nft ip6tables-nft; do
	for t in mangle nat filter; do
		ip netns exec "$NS" "$tool" -t "$t" -F
		ip netns exec "$NS" "$tool" -t "$t" -X
	done
done
n=$(log_count "full sync: iptables-restore")
wait_until 10 log_has "KUBE-PROXY-CANARY is gone from mangle: reloading after iptables flush" ||
	fail "the flush was not detected"
wait_until 10 log_count_gt "full sync: iptables-restore" "$n" || fail "no full sync after the flush"
wait_until 5 has_canary mangle || fail "the canary was not made again"
ip netns exec "$NS" iptables-nft-save -t nat | grep -qF -- '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' ||
	fail "the jump to KUBE-SERVICES is not back"
expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.96.4.1 80
pass "a flush detected within a sync period; a full sync restored jumps, chains and traffic"
stop_kp
