#!/bin/bash
# rules-masq.sh: which traffic to a ClusterIP is masqueraded, with real
# packets (spec 1.12, 2.8, 2.12).  One Service, one endpoint that says
# what source it saw; kube-proxy is restarted with each setting:
#   - --detect-local-mode ClusterCIDR, NodeCIDR (the Node's podCIDRs),
#     BridgeInterface, InterfaceNamePrefix: the KUBE-SVC- "not local"
#     rule uses the mode's match; from outside the endpoint sees the
#     node's address, from the client pod the pod's own;
#   - --masquerade-all: the client pod is masqueraded too;
#   - --iptables-masquerade-bit: the mark is 1<<N in KUBE-MARK-MASQ,
#     KUBE-POSTROUTING and KUBE-FORWARD, and masquerading still works;
#   - ClusterCIDR mode without --cluster-cidr: upstream's no-op
#     detector, no masquerade rule, outside traffic keeps its source.
# In nftables mode (nft-rules-masq.sh) the match is in the service
# chain's rule and the mark in mark-for-masquerade and masquerading;
# there is no KUBE-FORWARD, as in upstream's nftables mode.
# The node's link to outside is renamed "uplink" and the client pod's
# link is put in a bridge "kp-br0", so that, as on a real node, the pods'
# links (kp-pods, kp-br0) share a prefix that the uplink does not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
need_root
need_apiserver
command -v base32 >/dev/null || { echo "SKIP: no base32"; exit 77; }
make_netns
net_setup

ip -n "$NS" link set kp-out down &&
	ip -n "$NS" link set kp-out name uplink &&
	ip -n "$NS" link set uplink up || fail "cannot rename the uplink"
ip -n "$NS" link add kp-br0 type bridge ||
	{ echo "SKIP: cannot make a bridge"; exit 77; }
ip -n "$NS" link set kp-client master kp-br0 &&
	ip -n "$NS" link set kp-br0 up &&
	ip -n "$NS" route replace "$CLIENT_IP/32" dev kp-br0 || fail "bridge for the client pod"
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"

start_backend masq-1 10.244.0.41 8080
CIP=10.96.3.1
H=$(printf '%s' "default/web:httptcp" | openssl dgst -sha256 -binary | base32 | cut -c1-16)
# the nftables mode's service chain (upstream's nftables name)
SVC_NFT="service-$(printf '%s' "default/web/tcp/http" | openssl dgst -sha256 -binary | base32 | cut -c1-8)-default/web/tcp/http"
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"$CIP","clusterIPs":["$CIP"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4","endpoints":[{"addresses":["10.244.0.41"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"},
  "spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"]}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token

# run_kp FLAGS...: kube-proxy with these flags, until its first sync.
# NAT: the nat table (iptables), or the table ip kube-proxy (nftables)
# with the rules' indentation taken off.
run_kp() {
	start_kp --v=1 --kubeconfig="$WORK/kubeconfig" "$@"
	wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync with $*"
	if iptables_mode; then
		NAT=$(ip netns exec "$NS" iptables-nft-save -t nat)
	else
		NAT=$(ip netns exec "$NS" nft list table ip kube-proxy | sed 's/^[[:space:]]*//') ||
			fail "no table ip kube-proxy"
		SVC_RULES=$(ip netns exec "$NS" nft list chain ip kube-proxy "$SVC_NFT") ||
			fail "no chain $SVC_NFT"
	fi
}
# has_rule LINE: the nat table has exactly this line
has_rule() {
	echo "$NAT" | grep -qxF -- "$1" || { echo "$NAT" >&2; fail "missing: $1"; }
}
# masq_rule SRC IFACE NFT: the SVC chain's one masquerade rule, with the
# detector's match where iptables-save prints it (-s before -d, -i
# after); in nftables mode the service chain's, with the match NFT
masq_rule() {
	if nft_mode; then
		has_rule "ip daddr $CIP tcp dport 80 ${3:+$3 }jump mark-for-masquerade"
		[ "$(echo "$SVC_RULES" | grep -c -- "jump mark-for-masquerade")" -eq 1 ] ||
			{ echo "$SVC_RULES" >&2; fail "not one masquerade rule in $SVC_NFT"; }
		return
	fi
	has_rule "-A KUBE-SVC-$H ${1:+$1 }-d $CIP/32 ${2:+$2 }-p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ"
	[ "$(echo "$NAT" | grep -c -- "^-A KUBE-SVC-$H .*-j KUBE-MARK-MASQ\$")" -eq 1 ] ||
		{ echo "$NAT" >&2; fail "more than one masquerade rule in KUBE-SVC-$H"; }
}
# what the endpoint saw from outside and from the client pod
masq_out() { expect_probe "masq-1 $NODE_POD_IP" "$NET_OUT" "$CIP" 80; }
kept_out() { expect_probe "masq-1 $OUT_IP" "$NET_OUT" "$CIP" 80; }
masq_pod() { expect_probe "masq-1 $NODE_POD_IP" "$NET_CLIENT" "$CIP" 80; }
kept_pod() { expect_probe "masq-1 $CLIENT_IP" "$NET_CLIENT" "$CIP" 80; }

run_kp --cluster-cidr=10.244.0.0/16 --detect-local-mode=ClusterCIDR
masq_rule "! -s 10.244.0.0/16" "" "ip saddr != 10.244.0.0/16"
masq_out
kept_pod
pass "ClusterCIDR: '! -s 10.244.0.0/16'; outside masqueraded to the node, the pod keeps $CLIENT_IP"
stop_kp

# a --cluster-cidr that holds no pod: NodeCIDR must not use it
run_kp --cluster-cidr=10.99.0.0/16 --detect-local-mode=NodeCIDR
masq_rule "! -s 10.244.0.0/24" "" "ip saddr != 10.244.0.0/24"
masq_out
kept_pod
pass "NodeCIDR: the Node's podCIDR, '! -s 10.244.0.0/24'; outside masqueraded, the pod not"
stop_kp

run_kp --detect-local-mode=BridgeInterface --pod-bridge-interface=kp-br0
masq_rule "" "! -i kp-br0" 'iifname != "kp-br0"'
masq_out
kept_pod
pass "BridgeInterface: '! -i kp-br0'; outside masqueraded, the pod behind the bridge not"
stop_kp

run_kp --detect-local-mode=InterfaceNamePrefix --pod-interface-name-prefix=kp-
masq_rule "" "! -i kp-+" 'iifname != "kp-*"'
masq_out
kept_pod
pass "InterfaceNamePrefix: '! -i kp-+'; outside (uplink) masqueraded, the pod not"
stop_kp

run_kp --cluster-cidr=10.244.0.0/16 --masquerade-all
masq_rule "" "" ""
masq_out
masq_pod
pass "--masquerade-all: an unconditional masquerade rule; the pod is masqueraded too"
stop_kp

run_kp --cluster-cidr=10.244.0.0/16 --iptables-masquerade-bit=5
if iptables_mode; then
has_rule "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x20/0x20"
has_rule "-A KUBE-POSTROUTING -m mark ! --mark 0x20/0x20 -j RETURN"
has_rule "-A KUBE-POSTROUTING -j MARK --set-xmark 0x20/0x0"
ip netns exec "$NS" iptables-nft-save -t filter |
	grep -qxF -- '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x20/0x20 -j ACCEPT' ||
	fail "KUBE-FORWARD does not accept mark 0x20"
else
# (no KUBE-FORWARD in nftables mode, as upstream's)
has_rule "meta mark set meta mark | 0x00000020"
has_rule "meta mark & 0x00000020 == 0x00000000 return"
has_rule "meta mark set meta mark ^ 0x00000020"
fi
if echo "$NAT" | grep -q 0x4000; then echo "$NAT" >&2; fail "the default mark 0x4000 is still used"; fi
masq_out
kept_pod
pass "--iptables-masquerade-bit=5: mark 0x20 where the mark is set, tested and cleared; outside still masqueraded"
stop_kp

run_kp --detect-local-mode=ClusterCIDR
if iptables_mode; then
if echo "$NAT" | grep -q -- "^-A KUBE-SVC-$H .*-j KUBE-MARK-MASQ\$"; then
	echo "$NAT" >&2
	fail "a masquerade rule in KUBE-SVC-$H without --cluster-cidr"
fi
has_rule "-A KUBE-SVC-$H -m comment --comment \"default/web:http -> 10.244.0.41:8080\" -j KUBE-SEP-$(printf '%s' "default/web:httptcp10.244.0.41:8080" | openssl dgst -sha256 -binary | base32 | cut -c1-16)"
else
if echo "$SVC_RULES" | grep -q -- "jump mark-for-masquerade"; then
	echo "$SVC_RULES" >&2
	fail "a masquerade rule in $SVC_NFT without --cluster-cidr"
fi
echo "$SVC_RULES" | grep -q -- "meta l4proto tcp dnat to 10.244.0.41:8080\$" ||
	{ echo "$SVC_RULES" >&2; fail "no DNAT to the endpoint in $SVC_NFT"; }
fi
kept_out
kept_pod
pass "ClusterCIDR without --cluster-cidr: no-op detector, no masquerade rule; outside keeps $OUT_IP"
stop_kp
