#!/bin/bash
# rules.sh: the first end-to-end test of the rules.  kube-proxy runs in
# the node namespace against the test apiserver; real TCP connections
# from a client pod and from outside go through the rules it wrote and
# are answered by the endpoints, which say who they are and what source
# they saw.  Asserts the chains upstream v1.28 would write, that both
# endpoints of a ClusterIP are reached, that a NodePort works from
# outside (masqueraded, as eTP=Cluster), and that a Service without
# endpoints is refused.  (Every other feature gets its own test as the
# syncer's issue goes on.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start

# as on a real node, service IPs are routable (via the default route):
# else a Service without endpoints would be unreachable before our REJECT
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
start_backend web-1 10.244.0.5 8080
start_backend web-2 10.244.0.6 8080
start_backend dns-1 10.244.0.7 5353 udp
start_backend dns-2 10.244.0.8 5353 udp

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"NodePort","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true},"nodeName":"test-node"},
               {"addresses":["10.244.0.6"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"empty"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"dns"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.53","clusterIPs":["10.96.0.53"],"ipFamilies":["IPv4"],
   "ports":[{"name":"dns","protocol":"UDP","port":53,"targetPort":5353}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"dns-1","labels":{"kubernetes.io/service-name":"dns"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.7"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"dns","protocol":"UDP","port":5353}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
# a new namespace inherits the host's IPv4 settings: start from 0
net_sysctl "$NS" net.ipv4.conf.all.route_localnet 0
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"
wait_until 5 log_has "supervisor: first sync done" || fail "no first-sync report"
pass "first full sync in the kernel; the supervisor told"

if iptables_mode; then
save=$(ip netns exec "$NS" iptables-nft-save)
for want in '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' \
	'-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' \
	'-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING' \
	'-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-' \
	'-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-EXT-' \
	'-A KUBE-SERVICES -d 10.96.0.11/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT'; do
	echo "$save" | grep -qF -- "$want" || { echo "$save" >&2; fail "missing: $want"; }
done
case "$save" in *"legacy tables present"*) fail "legacy tables were made by the backend probe" ;; esac
pass "upstream's chains, jumps and comments are in the kernel (nft, no legacy table made)"
else
table=$(ip netns exec "$NS" nft list table ip kube-proxy) || fail "no table ip kube-proxy"
for want in '10.96.0.10 . tcp . 80 : goto service-[A-Z2-7]\{8\}-default/web/tcp/http' \
	'tcp . 30080 : goto external-[A-Z2-7]\{8\}-default/web/tcp/http' \
	'10.96.0.11 . tcp . 80 : goto reject-chain' \
	'10.96.0.53 . udp . 53 : goto service-[A-Z2-7]\{8\}-default/dns/udp/dns'; do
	echo "$table" | grep -q -- "$want" || { echo "$table" >&2; fail "missing: $want"; }
done
pass "the service IP and node port elements are in table ip kube-proxy"
fi

seen=""
for _ in $(seq 20); do
	seen="$seen $(probe "$NET_CLIENT" 10.96.0.10 80 | cut -d' ' -f1)"
done
case "$seen" in *web-1*) ;; *) fail "web-1 never reached: $seen" ;; esac
case "$seen" in *web-2*) ;; *) fail "web-2 never reached: $seen" ;; esac
expect_probe "web-[12] $CLIENT_IP" "$NET_CLIENT" 10.96.0.10 80
pass "ClusterIP from a pod: both endpoints reached, the pod's own source seen"

expect_probe "web-[12] $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30080
pass "NodePort from outside: answered, masqueraded to the node"

expect_probe refused "$NET_CLIENT" 10.96.0.11 80
pass "a Service without endpoints: refused"

if iptables_mode; then
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 1 ] ||
	fail "route_localnet not set"
log_has "audit: CAP_NET_ADMIN: sysctl .*route_localnet = 1" || fail "no audit line for the sysctl"
expect_probe "web-[12] *" "$NET_NODE" 127.0.0.1 30080
pass "NodePort on 127.0.0.1 from the node itself (route_localnet set, audited)"
else
# upstream's nftables mode has no localhost NodePorts (DESIGN.md)
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 0 ] ||
	fail "route_localnet set in nftables mode"
expect_probe refused "$NET_NODE" 127.0.0.1 30080
pass "no NodePort on 127.0.0.1 (route_localnet left at 0), as upstream's nftables mode"
fi
expect_probe "web-[12] $NODE_POD_IP" "$NET_NODE" "$NODE_OUT_IP" 30080
pass "NodePort on the node's own address from the node itself: answered, masqueraded"

# an endpoint goes away: only the other one answers
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.6"],"conditions":{"ready":true},"nodeName":"test-node"}],"ports":[{"name":"http","protocol":"TCP","port":8080}]}'
wait_until 10 log_count_gt "$SYNC4" 1 || fail "no sync after the change"
for _ in $(seq 10); do
	expect_probe "web-2 $CLIENT_IP" "$NET_CLIENT" 10.96.0.10 80
done
if iptables_mode; then
log_has "partial sync: .* 1 stale chains deleted" ||
	fail "the change was not a partial sync deleting the endpoint's chain"
chains=$(ip netns exec "$NS" iptables-nft-save -t nat | grep -c '^-A KUBE-SEP-.* -s 10.244.0.5/32 ')
[ "$chains" -eq 0 ] || fail "the removed endpoint's KUBE-SEP chain is still there"
pass "an endpoint removed: a partial sync, its chain deleted, only the other one answers"
else
log_has "partial sync: $SYNC4" || fail "the change was not a partial sync"
ip netns exec "$NS" nft list table ip kube-proxy | grep -q 'dnat to 10.244.0.5:' &&
	fail "the removed endpoint is still in the table"
pass "an endpoint removed: a partial sync, no DNAT to it left, only the other one answers"
fi

# UDP: a flow to the one endpoint; the endpoint is replaced; the stale
# conntrack entry (which would keep sending there) is deleted
expect_probe "dns-1 $CLIENT_IP" "$NET_CLIENT" 10.96.0.53 53 udp
flows_to() { ip netns exec "$NS" conntrack -L -p udp --orig-dst 10.96.0.53 2>/dev/null | grep -c "src=$1 "; }
[ "$(flows_to 10.244.0.7)" -ge 1 ] || fail "no conntrack entry for the UDP flow (test broken)"
n=$(log_count "$SYNC4")
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"dns-1","labels":{"kubernetes.io/service-name":"dns"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.8"],"conditions":{"ready":true},"nodeName":"test-node"}],"ports":[{"name":"dns","protocol":"UDP","port":5353}]}'
wait_until 10 log_count_gt "$SYNC4" "$n" || fail "no sync after the UDP change"
no_flows() { [ "$(flows_to 10.244.0.7)" -eq 0 ]; }
wait_until 5 no_flows || fail "stale UDP flow to the removed endpoint still there"
log_has "audit: CAP_NET_ADMIN: conntrack: [0-9]* stale UDP/SCTP flows deleted" || fail "no audit line for conntrack"
expect_probe "dns-2 $CLIENT_IP" "$NET_CLIENT" 10.96.0.53 53 udp
pass "UDP: the stale flow to a removed endpoint deleted over netlink (audited); the new one answers"

stop_kp
if iptables_mode; then
ip netns exec "$NS" iptables-nft-save -t nat | grep -q "KUBE-SVC-" ||
	fail "the rules did not stay after kube-proxy stopped"
else
ip netns exec "$NS" nft list table ip kube-proxy | grep -q "chain service-" ||
	fail "the rules did not stay after kube-proxy stopped"
fi
pass "rules stay after SIGTERM, as upstream"
