#!/bin/bash
# rules-nodeport-addresses.sh: --nodeport-addresses (spec 1.11, 2.14)
# with real traffic.  The node has two addresses, 192.168.77.1 (towards
# outside) and 10.244.0.1 (towards the pods), both reached from outside.
# By default a NodePort answers on both (the "--dst-type LOCAL" capture
# rule); with --nodeport-addresses=192.168.77.0/24 the capture rule names
# 192.168.77.1 alone, the NodePort answers there, and on 10.244.0.1 the
# node's own stack refuses it.
# The syncer reads the node's addresses in the CIDRs from its interfaces
# on every sync (syncer/nodeips.c), as upstream.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
start_backend np-1 10.244.0.51 8080

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"np"},
  "spec":{"type":"NodePort","clusterIP":"10.96.4.1","clusterIPs":["10.96.4.1"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30301}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"np-1","labels":{"kubernetes.io/service-name":"np"}},
  "addressType":"IPv4","endpoints":[{"addresses":["10.244.0.51"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token

TAIL='-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"'
# captures: the NodePort capture rules in the kernel (nftables mode: the
# services chain's rules that look up the service-nodeports map)
captures() {
	if iptables_mode; then
		ip netns exec "$NS" iptables-nft-save -t nat | grep -- "^-A KUBE-SERVICES .*-j KUBE-NODEPORTS\$"
	else
		ip netns exec "$NS" nft list chain ip kube-proxy services |
			sed -n 's/^[[:space:]]*\(.*vmap @service-nodeports\)$/\1/p'
	fi
}
NFT_NP='meta l4proto . th dport vmap @service-nodeports'

start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"
got=$(captures)
if iptables_mode; then want="-A KUBE-SERVICES $TAIL -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
else want="fib daddr type local ip daddr != 127.0.0.0/8 $NFT_NP"; fi
[ "$got" = "$want" ] || fail "default capture rule: got '$got'"
expect_probe "np-1 $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30301
expect_probe "np-1 $NODE_POD_IP" "$NET_OUT" "$NODE_POD_IP" 30301
pass "default: one capture rule for every local address; the NodePort answers on both node addresses"
stop_kp

start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16 \
	--nodeport-addresses=192.168.77.0/24
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync with --nodeport-addresses"
got=$(captures)
if iptables_mode; then want="-A KUBE-SERVICES -d $NODE_OUT_IP/32 $TAIL -j KUBE-NODEPORTS"
else want="ip daddr $NODE_OUT_IP $NFT_NP"; fi
[ "$got" = "$want" ] ||
	fail "--nodeport-addresses=192.168.77.0/24: capture rules '$got', wanted one for $NODE_OUT_IP only"
pass "--nodeport-addresses=192.168.77.0/24: one capture rule, for $NODE_OUT_IP"
expect_probe "np-1 $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30301
expect_probe refused "$NET_OUT" "$NODE_POD_IP" 30301
pass "--nodeport-addresses: the NodePort answers on $NODE_OUT_IP and not on $NODE_POD_IP"
stop_kp
