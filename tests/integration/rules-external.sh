#!/bin/bash
# rules-external.sh: Service addresses reached from outside the cluster,
# with real traffic (see rules.sh for the basics; spec 2.5, 2.10, 2.11):
#   - an externalIP, routed to the node from outside: answered by the
#     endpoint, masqueraded to the node (eTP=Cluster's EXT chain);
#   - a LoadBalancer ingress IP with loadBalancerSourceRanges: a source in
#     the ranges reaches the endpoint, one outside them is dropped by
#     KUBE-PROXY-FIREWALL (its counter says so), and the Service's
#     NodePort does not care about the ranges;
#   - a LoadBalancer ingress IP without ranges: answered from outside;
#   - source ranges holding the node's IP (the Node's InternalIP): the
#     LB IP is accepted as a source too (the VIP-bound-locally hairpin).
# --nodeport-addresses is in rules-nodeport-addresses.sh.
# The service addresses are in TEST-NET-3, routed to the node by the
# outside namespace's default route: kube-proxy binds none of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
need_root
need_apiserver
command -v base32 >/dev/null || { echo "SKIP: no base32"; exit 77; }
make_netns
net_setup
# as on a real node: what kube-proxy does not DNAT is routed on
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"

EIP=203.0.113.10
LB_FW=203.0.113.20
LB_OPEN=203.0.113.30
LB_NODE=203.0.113.40
# a second outside address, for a source outside the ranges
OUT_IP2=192.168.77.3
ip -n "$NET_OUT" addr add "$OUT_IP2/24" dev eth0 || fail "second outside address"

start_backend ext-1 10.244.0.31 8080
start_backend lbfw-1 10.244.0.32 8080
start_backend lbopen-1 10.244.0.33 8080

# upstream's chain suffix (spec 2.3), computed here independently
hash16() { printf '%s' "$1" | openssl dgst -sha256 -binary | base32 | cut -c1-16; }
H_EIP=$(hash16 "default/eip:httptcp")
H_FW=$(hash16 "default/lb-fw:httptcp")
H_OPEN=$(hash16 "default/lb-open:httptcp")
H_NODE=$(hash16 "default/lb-node:httptcp")
# the nftables mode's chain names (netlib.sh)
N_EIP=$(nft_port default/eip:http tcp)
N_FW=$(nft_port default/lb-fw:http tcp)
N_OPEN=$(nft_port default/lb-open:http tcp)
N_NODE=$(nft_port default/lb-node:http tcp)

svc() {	# svc NAME TYPE CLUSTERIP EXTRA-SPEC [STATUS]
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"%s"},
  "spec":{"type":"%s","clusterIP":"%s","clusterIPs":["%s"],"ipFamilies":["IPv4"]%s},"status":{%s}}' \
		"$1" "$2" "$3" "$3" "$4" "${5:-}"
}
slice() {	# slice SERVICE IP
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"%s-1","labels":{"kubernetes.io/service-name":"%s"}},
  "addressType":"IPv4","endpoints":[{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]}' "$1" "$1" "$2"
}
port() {	# port NODEPORT
	printf ',"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080%s}]' \
		"${1:+,\"nodePort\":$1}"
}
cat >"$WORK/cluster.json" <<JSON
[
 $(svc eip ClusterIP 10.96.2.1 "$(port),\"externalIPs\":[\"$EIP\"]"),
 $(slice eip 10.244.0.31),
 $(svc lb-fw LoadBalancer 10.96.2.2 "$(port 30201),\"loadBalancerSourceRanges\":[\"$OUT_IP/32\"]" \
	"\"loadBalancer\":{\"ingress\":[{\"ip\":\"$LB_FW\"}]}"),
 $(slice lb-fw 10.244.0.32),
 $(svc lb-open LoadBalancer 10.96.2.3 "$(port 30202)" \
	"\"loadBalancer\":{\"ingress\":[{\"ip\":\"$LB_OPEN\"}]}"),
 $(slice lb-open 10.244.0.33),
 $(svc lb-node LoadBalancer 10.96.2.4 "$(port 30203),\"loadBalancerSourceRanges\":[\"192.168.77.0/30\"]" \
	"\"loadBalancer\":{\"ingress\":[{\"ip\":\"$LB_NODE\"}]}"),
 $(slice lb-node 10.244.0.33),
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"},
  "status":{"addresses":[{"type":"Hostname","address":"test-node"},{"type":"InternalIP","address":"$NODE_OUT_IP"}]}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"

# expect_rules TABLE LINE...: each LINE is in iptables-nft-save's output
expect_rules() {
	local table=$1 save want
	shift
	save=$(ip netns exec "$NS" iptables-nft-save -t "$table")
	for want in "$@"; do
		echo "$save" | grep -qxF -- "$want" ||
			{ echo "$save" >&2; fail "missing in $table: $want"; }
	done
}
if iptables_mode; then
expect_rules nat \
	"-A KUBE-SERVICES -d $EIP/32 -p tcp -m comment --comment \"default/eip:http external IP\" -m tcp --dport 80 -j KUBE-EXT-$H_EIP" \
	"-A KUBE-EXT-$H_EIP -m comment --comment \"masquerade traffic for default/eip:http external destinations\" -j KUBE-MARK-MASQ" \
	"-A KUBE-EXT-$H_EIP -j KUBE-SVC-$H_EIP" \
	"-A KUBE-SERVICES -d $LB_FW/32 -p tcp -m comment --comment \"default/lb-fw:http loadbalancer IP\" -m tcp --dport 80 -j KUBE-FW-$H_FW" \
	"-A KUBE-FW-$H_FW -s $OUT_IP/32 -m comment --comment \"default/lb-fw:http loadbalancer IP\" -j KUBE-EXT-$H_FW" \
	"-A KUBE-FW-$H_FW -m comment --comment \"other traffic to default/lb-fw:http will be dropped by KUBE-PROXY-FIREWALL\"" \
	"-A KUBE-SERVICES -d $LB_OPEN/32 -p tcp -m comment --comment \"default/lb-open:http loadbalancer IP\" -m tcp --dport 80 -j KUBE-EXT-$H_OPEN" \
	"-A KUBE-FW-$H_NODE -s 192.168.77.0/30 -m comment --comment \"default/lb-node:http loadbalancer IP\" -j KUBE-EXT-$H_NODE" \
	"-A KUBE-FW-$H_NODE -s $LB_NODE/32 -m comment --comment \"default/lb-node:http loadbalancer IP\" -j KUBE-EXT-$H_NODE"
ip netns exec "$NS" iptables-nft-save -t nat | grep -q -- "-A KUBE-FW-$H_FW -s $LB_FW/32" &&
	fail "lb-fw: its ranges do not hold the node IP, yet the LB IP is accepted as a source"
log_has "node test-node: zone \"\", IP $NODE_OUT_IP" || fail "the Node's InternalIP was not taken as the node IP"
expect_rules filter \
	"-A KUBE-PROXY-FIREWALL -d $LB_FW/32 -p tcp -m comment --comment \"default/lb-fw:http traffic not accepted by KUBE-FW-$H_FW\" -m tcp --dport 80 -j DROP"
pass "external IP, LB IPs, KUBE-FW- (with the node-IP hairpin source) and KUBE-PROXY-FIREWALL rules in the kernel, upstream's names and comments"
else
nft_have "" \
	"$EIP . tcp . 80 : goto external-$N_EIP" \
	"$LB_FW . tcp . 80 : goto external-$N_FW" \
	"$LB_FW . tcp . 80 : goto firewall-$N_FW" \
	"$LB_OPEN . tcp . 80 : goto external-$N_OPEN" \
	"$LB_NODE . tcp . 80 : goto firewall-$N_NODE" \
	"ct state new jump firewall-check" \
	"ip daddr . meta l4proto . th dport vmap @firewall-ips"
nft_have "external-$N_EIP" "jump mark-for-masquerade" "goto service-$N_EIP"
nft_have "firewall-$N_FW" "ip saddr $OUT_IP return" "drop"
nft_have "firewall-$N_NODE" "ip saddr 192.168.77.0/30 return" "ip saddr $LB_NODE return" "drop"
ip netns exec "$NS" nft list chain ip kube-proxy "firewall-$N_FW" | grep -q -- "saddr $LB_FW" &&
	fail "lb-fw: its ranges do not hold the node IP, yet the LB IP is accepted as a source"
ip netns exec "$NS" nft list map ip kube-proxy firewall-ips | grep -qF -- "$LB_OPEN" &&
	fail "lb-open has no source ranges, yet a firewall-ips element"
log_has "node test-node: zone \"\", IP $NODE_OUT_IP" || fail "the Node's InternalIP was not taken as the node IP"
pass "external IP and LB IP elements, firewall chains (with the node-IP hairpin source) in table ip kube-proxy"
fi

expect_probe "ext-1 $NODE_POD_IP" "$NET_OUT" "$EIP" 80
expect_probe "ext-1 $NODE_POD_IP" "$NET_OUT" "$EIP" 80
pass "externalIP from outside: answered by the endpoint, masqueraded to the node"

expect_probe "lbfw-1 $NODE_POD_IP" "$NET_OUT" "$LB_FW" 80
pass "LB IP from a source in loadBalancerSourceRanges: answered by the endpoint"

# the outside namespace now sends from its second address
out_src() {
	ip -n "$NET_OUT" route replace default via "$NODE_OUT_IP" dev eth0 src "$1" &&
		ip -n "$NET_OUT" route replace "$NODE_OUT_IP/32" dev eth0 src "$1" ||
		fail "outside source $1"
}
fw_drops() {
	if iptables_mode; then
		ip netns exec "$NS" iptables-nft-save -c -t filter |
			sed -n "s/^\[\([0-9]*\):[0-9]*\] -A KUBE-PROXY-FIREWALL -d $LB_FW\/32 .*-j DROP\$/\1/p"
		return
	fi
	nft_dropped prerouting
}
nft_mode && nft_count_drops prerouting "$LB_FW" 80
n0=$(fw_drops)
out_src "$OUT_IP2"
expect_probe timeout "$NET_OUT" "$LB_FW" 80
n=$(fw_drops)
[ "${n:-0}" -gt "${n0:-0}" ] ||
	fail "the probe was not dropped by the firewall rules (counted: '$n0' before, '$n' after)"
pass "LB IP from a source outside the ranges: dropped by the firewall rules ($((n - n0)) packets)"

expect_probe "lbfw-1 $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30201
ip netns exec "$NS" conntrack -L -p tcp --orig-src "$OUT_IP2" --orig-port-dst 30201 2>/dev/null |
	grep -q "dport=30201" || fail "no flow from $OUT_IP2 to the NodePort: the probe did not use that source"
pass "the same Service's NodePort from that source: answered (ranges apply to LB IPs only)"

expect_probe "lbopen-1 $NODE_POD_IP" "$NET_OUT" "$LB_OPEN" 80
pass "LB IP without source ranges, from outside ($OUT_IP2): answered, masqueraded"
stop_kp
