#!/bin/bash
# nft.sh: --proxy-mode=nftables end to end, as rules.sh for iptables.
# kube-proxy runs in the node namespace against the test apiserver and
# writes table "ip kube-proxy" as netlink batches; real connections
# from a client pod, from outside and from an endpoint to itself go
# through it.  Asserts the table's maps and chains, that both endpoints
# of a ClusterIP are reached, a NodePort from outside (masqueraded), a
# Service without endpoints refused, ClientIP affinity, the hairpin
# masquerade, an endpoint removed by a partial sync, a stale UDP flow
# deleted, and the table kept after SIGTERM; and that nothing of
# iptables' is written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
need_root
need_apiserver
command -v nft >/dev/null || { echo "SKIP: no nft"; exit 77; }
make_netns
net_setup

ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
start_backend web-1 10.244.0.5 8080
start_backend web-2 10.244.0.6 8080
start_backend dns-1 10.244.0.7 5353 udp
start_backend dns-2 10.244.0.8 5353 udp

ready_ep() { printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"test-node"}' "$1"; }
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"NodePort","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4","endpoints":[$(ready_ep 10.244.0.5),$(ready_ep 10.244.0.6)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"sticky"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.12","clusterIPs":["10.96.0.12"],"ipFamilies":["IPv4"],
   "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"sticky-1","labels":{"kubernetes.io/service-name":"sticky"}},
  "addressType":"IPv4","endpoints":[$(ready_ep 10.244.0.5),$(ready_ep 10.244.0.6)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"self"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.13","clusterIPs":["10.96.0.13"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"self-1","labels":{"kubernetes.io/service-name":"self"}},
  "addressType":"IPv4","endpoints":[$(ready_ep 10.244.0.5)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"empty"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"dns"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.53","clusterIPs":["10.96.0.53"],"ipFamilies":["IPv4"],
   "ports":[{"name":"dns","protocol":"UDP","port":53,"targetPort":5353}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"dns-1","labels":{"kubernetes.io/service-name":"dns"}},
  "addressType":"IPv4","endpoints":[$(ready_ep 10.244.0.7)],
  "ports":[{"name":"dns","protocol":"UDP","port":5353}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
net_sysctl "$NS" net.ipv4.conf.all.route_localnet 0
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --proxy-mode=nftables --kubeconfig="$WORK/kubeconfig" \
	--cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: nftables table ip kube-proxy" ||
	fail "no nftables sync: $(tail -n 5 "$WORK/kube-proxy.log")"
wait_until 5 log_has "supervisor: first sync done" || fail "no first-sync report"
pass "first full sync as one netlink batch; the supervisor told"

# what the syncer built by hand lists as nft itself would have written
# it: the listing loads with nft -f into a fresh namespace and lists the
# same again (a key type, verdict or expression nft cannot read back
# would show here)
ip netns exec "$NS" nft list table ip kube-proxy >"$WORK/listed.nft" ||
	fail "cannot list table ip kube-proxy"
rt_ns="kpt-rt-$$"
ip netns add "$rt_ns" || fail "cannot make $rt_ns"
ip netns exec "$rt_ns" nft -f "$WORK/listed.nft" || { ip netns del "$rt_ns"; fail "nft -f of our own table's listing failed"; }
ip netns exec "$rt_ns" nft list table ip kube-proxy >"$WORK/relisted.nft"
ip netns del "$rt_ns"
diff -u "$WORK/listed.nft" "$WORK/relisted.nft" >&2 ||
	fail "the table does not list the same after nft -f of its listing"
grep -q 'type ipv4_addr . inet_proto . inet_service : verdict' "$WORK/listed.nft" ||
	fail "service-ips' key type does not list as nft's own"
pass "the table lists, reloads with nft -f and lists the same"

table=$(ip netns exec "$NS" nft list table ip kube-proxy) || fail "no table ip kube-proxy"
for want in 'comment "rules for kube-proxy"' \
	'type nat hook prerouting priority dstnat; policy accept;' \
	'type nat hook postrouting priority srcnat; policy accept;' \
	'ip daddr . meta l4proto . th dport vmap @service-ips' \
	'10.96.0.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http' \
	'tcp . 30080 : goto external-SUSTUHLJ-default/web/tcp/http' \
	'10.96.0.11 . tcp . 80 : goto reject-chain' \
	'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports' \
	'numgen random mod 2 0 meta l4proto tcp dnat to 10.244.0.5:8080' \
	'meta mark set meta mark | 0x00004000' \
	'masquerade fully-random'; do
	echo "$table" | grep -qF -- "$want" || { echo "$table" >&2; fail "missing: $want"; }
done
pass "the table: upstream's base chains and priorities, the service verdict map, per-service chains"

save=$(ip netns exec "$NS" iptables-nft-save 2>/dev/null)
case "$save" in *KUBE-*) echo "$save" >&2; fail "iptables chains written in nftables mode" ;; esac
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 0 ] ||
	fail "route_localnet set in nftables mode"
log_has "KUBE-PROXY-CANARY" && fail "the iptables canary ran in nftables mode"
pass "nothing of iptables' written: no KUBE- chain, no canary, no route_localnet"

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

first=$(probe "$NET_CLIENT" 10.96.0.12 80 | cut -d' ' -f1)
case "$first" in web-[12]) ;; *) fail "sticky: got '$first'" ;; esac
for _ in $(seq 10); do
	expect_probe "$first $CLIENT_IP" "$NET_CLIENT" 10.96.0.12 80
done
ip netns exec "$NS" nft list table ip kube-proxy | grep -A6 "set affinity-.*default/sticky/tcp/http__" |
	grep -qF "$CLIENT_IP" || fail "the client is in no affinity set"
pass "ClientIP affinity: 11 connections to one endpoint ($first), the client in its set"

# the pods namespace's first address is web-1's (10.244.0.5), the only
# endpoint of "self": without the hairpin masquerade the reply would
# stay inside the namespace and the connection would not complete
expect_probe "web-1 $NODE_POD_IP" "$NET_PODS" 10.96.0.13 80
pass "hairpin: an endpoint reaching itself through its Service is masqueraded"

# an endpoint goes away: a partial sync; only the other one answers
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.6"],"conditions":{"ready":true},"nodeName":"test-node"}],"ports":[{"name":"http","protocol":"TCP","port":8080}]}'
wait_until 10 log_has "partial sync: nftables table ip kube-proxy: 2 chains written (3 kept)" ||
	fail "no partial sync writing one service chain: $(grep 'sync' "$WORK/kube-proxy.log" | tail -n 3)"
for _ in $(seq 10); do
	expect_probe "web-2 $CLIENT_IP" "$NET_CLIENT" 10.96.0.10 80
done
ip netns exec "$NS" nft list chain ip kube-proxy service-SUSTUHLJ-default/web/tcp/http |
	grep -q 'dnat to 10.244.0.5' && fail "the removed endpoint is still in the service chain"
pass "an endpoint removed: a partial sync rewrote that chain, only the other one answers"

# UDP: the stale conntrack entry to a replaced endpoint is deleted
expect_probe "dns-1 $CLIENT_IP" "$NET_CLIENT" 10.96.0.53 53 udp
flows_to() { ip netns exec "$NS" conntrack -L -p udp --orig-dst 10.96.0.53 2>/dev/null | grep -c "src=$1 "; }
[ "$(flows_to 10.244.0.7)" -ge 1 ] || fail "no conntrack entry for the UDP flow (test broken)"
n=$(log_count "nftables table ip kube-proxy")
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"dns-1","labels":{"kubernetes.io/service-name":"dns"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.8"],"conditions":{"ready":true},"nodeName":"test-node"}],"ports":[{"name":"dns","protocol":"UDP","port":5353}]}'
wait_until 10 log_count_gt "nftables table ip kube-proxy" "$n" || fail "no sync after the UDP change"
no_flows() { [ "$(flows_to 10.244.0.7)" -eq 0 ]; }
wait_until 5 no_flows || fail "stale UDP flow to the removed endpoint still there"
expect_probe "dns-2 $CLIENT_IP" "$NET_CLIENT" 10.96.0.53 53 udp
pass "UDP: the stale flow deleted, the new endpoint answers"

# a refused transaction: a rule of somebody else's in our services
# chain jumps to sticky's service chain, so deleting that chain (sticky
# goes) is refused with EBUSY.  The syncer logs the statement, keeps
# nothing of the refused sync, and its retry rebuilds the whole table.
sticky_chain=$(ip netns exec "$NS" nft list table ip kube-proxy |
	sed -n 's/^[[:space:]]*chain \(service-[^ ]*default\/sticky\/[^ ]*\) {.*/\1/p' | head -n1)
[ -n "$sticky_chain" ] || fail "no service chain for sticky (test broken)"
ip netns exec "$NS" nft add rule ip kube-proxy services ip daddr 192.0.2.1 jump "$sticky_chain" ||
	fail "cannot add the foreign rule (test broken)"
fulls=$(log_count "full sync: nftables table ip kube-proxy: .* ok in")
ctl delete '{"kind":"Service","namespace":"default","name":"sticky"}'
wait_until 10 log_has "nftables refused line [0-9]*: delete chain ip kube-proxy $sticky_chain" ||
	fail "no refused transaction naming the chain: $(grep -i 'refused\|sync' "$WORK/kube-proxy.log" | tail -n 3)"
log_has "partial sync: nftables table ip kube-proxy (IPv4): failed" ||
	fail "the refused sync not reported as failed"
# the retry comes after the sync period (30 s), as upstream's
wait_until 45 log_count_gt "full sync: nftables table ip kube-proxy: .* ok in" "$fulls" ||
	fail "no full sync after the refusal"
ip netns exec "$NS" nft list chain ip kube-proxy services | grep -q 192.0.2.1 &&
	fail "the foreign rule survived the rebuild"
pass "a refused transaction: logged with its statement, retried as a rebuild of the table"

# a Service deleted: its chains go, by name, from the syncer's memory
wait_until 10 log_has "sync: .* [1-9][0-9]* stale deleted\|full sync: nftables table ip kube-proxy: .* ok in" ||
	fail "no stale deletion after the Service went"
ip netns exec "$NS" nft list table ip kube-proxy | grep -q 'default/sticky' &&
	fail "the deleted Service's chains or sets are still there"
pass "a Service deleted: its chain and affinity sets deleted"

stop_kp
ip netns exec "$NS" nft list table ip kube-proxy | grep -q "service-" ||
	fail "the table did not stay after kube-proxy stopped"
pass "the table stays after SIGTERM, as upstream"
