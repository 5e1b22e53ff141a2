#!/bin/bash
# rules-ipv6.sh: IPv6 and dual-stack (spec 1.13).  With both iptables and
# ip6tables working, kube-proxy programs one rule set per family:
# ip6tables holds the IPv6 cluster IPs, endpoints and NodePorts, with the
# same chain layout and comments; a dual-stack Service answers on both
# cluster IPs, each from the endpoints of its family; a NodePort answers
# from outside over IPv6, masqueraded; an IPv6 Service without endpoints
# is refused; IPv6 never takes localhost NodePorts (the tail rule
# excludes ::1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
net_setup_v6
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
ip -n "$NS" -6 route add default via "$OUT_IP6" || fail "default route (IPv6)"

start_backend v4-1 10.244.0.31 8080
start_backend v6-1 fd00:244::31 8080
start_backend v6-2 fd00:244::32 8080
start_backend dns6-1 fd00:244::33 5353 udp

ep() {	# ep IP
	printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"test-node"}' "$1"
}
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"dual"},
  "spec":{"type":"NodePort","clusterIP":"10.96.6.1","clusterIPs":["10.96.6.1","fd00:96::1"],
   "ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"PreferDualStack",
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30086}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"dual-v4","labels":{"kubernetes.io/service-name":"dual"}},
  "addressType":"IPv4","endpoints":[$(ep 10.244.0.31)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"dual-v6","labels":{"kubernetes.io/service-name":"dual"}},
  "addressType":"IPv6","endpoints":[$(ep fd00:244::31),$(ep fd00:244::32)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"empty6"},
  "spec":{"type":"ClusterIP","clusterIP":"fd00:96::2","clusterIPs":["fd00:96::2"],"ipFamilies":["IPv6"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"dns6"},
  "spec":{"type":"ClusterIP","clusterIP":"fd00:96::53","clusterIPs":["fd00:96::53"],"ipFamilies":["IPv6"],
   "ports":[{"name":"dns","protocol":"UDP","port":53,"targetPort":5353}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"dns6-1","labels":{"kubernetes.io/service-name":"dns6"}},
  "addressType":"IPv6","endpoints":[$(ep fd00:244::33)],
  "ports":[{"name":"dns","protocol":"UDP","port":5353}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16,fd00:244::/48
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: $SYNC6" ||
	fail "no IPv6 sync"
log_has "IP families: IPv4 and IPv6 (dual-stack)" || fail "not dual-stack"
log_has "audit: CAP_NET_ADMIN: full sync: $SYNC4" || fail "no IPv4 sync"
pass "dual-stack: one sync per family ($KP_TEST_PROXY_MODE)"

if iptables_mode; then
save6=$(ip netns exec "$NS" ip6tables-nft-save)
for want in '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' \
	'-A KUBE-SERVICES -d fd00:96::1/128 -p tcp -m comment --comment "default/dual:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-' \
	'-A KUBE-SERVICES -d fd00:96::2/128 -p tcp -m comment --comment "default/empty6:http has no endpoints" -m tcp --dport 80 -j REJECT' \
	'-A KUBE-SERVICES ! -d ::1/128 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS' \
	'-s fd00:244::31/128 -m comment --comment "default/dual:http" -j KUBE-MARK-MASQ' \
	'-p tcp -m comment --comment "default/dual:http" -m tcp -j DNAT --to-destination [fd00:244::31]:8080' \
	'-A KUBE-SVC-' ; do
	echo "$save6" | grep -qF -- "$want" || { echo "$save6" >&2; fail "ip6tables: missing: $want"; }
done
echo "$save6" | grep -q -- "10\.96\.\|10\.244\." && fail "IPv4 addresses in ip6tables"
save4=$(ip netns exec "$NS" iptables-nft-save)
echo "$save4" | grep -q -- "fd00:" && fail "IPv6 addresses in iptables"
echo "$save4" | grep -qF -- '-A KUBE-SERVICES -d 10.96.6.1/32 -p tcp -m comment --comment "default/dual:http cluster IP"' ||
	fail "iptables: the dual-stack Service's IPv4 cluster IP is missing"
pass "each family's rules hold only that family's addresses, with upstream's layout"
else
table6=$(ip netns exec "$NS" nft list table ip6 kube-proxy) || fail "no table ip6 kube-proxy"
for want in 'fd00:96::1 . tcp . 80 : goto service-[A-Z2-7]\{8\}-default/dual/tcp/http' \
	'fd00:96::2 . tcp . 80 : goto reject-chain' \
	'fib daddr type local ip6 daddr != ::1 meta l4proto . th dport vmap @service-nodeports' \
	'tcp . 30086 : goto external-[A-Z2-7]\{8\}-default/dual/tcp/http' \
	'dnat to \[fd00:244::31\]:8080'; do
	echo "$table6" | grep -q -- "$want" || { echo "$table6" >&2; fail "ip6 kube-proxy: missing: $want"; }
done
echo "$table6" | grep -q -- "10\.96\.\|10\.244\." && fail "IPv4 addresses in table ip6 kube-proxy"
table4=$(ip netns exec "$NS" nft list table ip kube-proxy) || fail "no table ip kube-proxy"
echo "$table4" | grep -q -- "fd00:" && fail "IPv6 addresses in table ip kube-proxy"
echo "$table4" | grep -q -- '10.96.6.1 . tcp . 80 : goto service-[A-Z2-7]\{8\}-default/dual/tcp/http' ||
	fail "ip kube-proxy: the dual-stack Service's IPv4 cluster IP is missing"
pass "each family's table holds only that family's addresses; no localhost NodePort on ::1"
fi

seen=""
for _ in $(seq 16); do
	seen="$seen $(probe "$NET_CLIENT" fd00:96::1 80 | cut -d' ' -f1)"
done
case "$seen" in *v6-1*) ;; *) fail "v6-1 never reached: $seen" ;; esac
case "$seen" in *v6-2*) ;; *) fail "v6-2 never reached: $seen" ;; esac
expect_probe "v6-[12] $CLIENT_IP6" "$NET_CLIENT" fd00:96::1 80
expect_probe "v4-1 $CLIENT_IP" "$NET_CLIENT" 10.96.6.1 80
pass "dual-stack ClusterIP: the IPv6 one reaches both IPv6 endpoints, the IPv4 one its IPv4 endpoint"

expect_probe "v6-[12] $NODE_POD_IP6" "$NET_OUT" "$NODE_OUT_IP6" 30086
expect_probe "v4-1 $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30086
pass "NodePort from outside over IPv6 and IPv4: answered, masqueraded to the node"

expect_probe refused "$NET_CLIENT" fd00:96::2 80
pass "an IPv6 Service without endpoints: refused"

expect_probe "dns6-1 $CLIENT_IP6" "$NET_CLIENT" fd00:96::53 53 udp
pass "UDP over IPv6 to a cluster IP"

# an IPv6 endpoint goes: a partial sync of ip6tables; only the other answers
n=$(log_count "$SYNC6")
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"dual-v6","labels":{"kubernetes.io/service-name":"dual"}},"addressType":"IPv6","endpoints":['"$(ep fd00:244::32)"'],"ports":[{"name":"http","protocol":"TCP","port":8080}]}'
wait_until 10 log_count_gt "$SYNC6" "$n" || fail "no IPv6 sync after the change"
if iptables_mode; then
log_has "partial sync: ip6tables-restore of .* 1 stale chains deleted" ||
	fail "the change was not a partial IPv6 sync deleting the endpoint's chain"
else
log_has "partial sync: $SYNC6" || fail "the change was not a partial IPv6 sync"
ip netns exec "$NS" nft list table ip6 kube-proxy | grep -q 'dnat to \[fd00:244::31\]' &&
	fail "the removed IPv6 endpoint is still in the table"
fi
for _ in $(seq 8); do
	expect_probe "v6-2 $CLIENT_IP6" "$NET_CLIENT" fd00:96::1 80
done
expect_probe "v4-1 $CLIENT_IP" "$NET_CLIENT" 10.96.6.1 80
pass "an IPv6 endpoint removed: a partial IPv6 sync took it out, the IPv4 side untouched"

stop_kp
