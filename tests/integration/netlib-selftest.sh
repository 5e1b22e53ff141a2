#!/bin/bash
# netlib-selftest.sh: the test network of netlib.sh on its own, without
# kube-proxy: endpoints answer from the pods namespace, with the source
# address they saw, to the client pod, to outside and to the node; a
# closed port is refused; a UDP backend answers; and teardown leaves no
# namespace and no server behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
need_root
make_netns
net_setup

start_backend web-1 10.244.0.5 8080
start_backend web-2 10.244.0.6 8080
start_backend dns-1 10.244.0.7 5353 udp
pass "three backends up in $NET_PODS"

expect_probe "web-1 $OUT_IP" "$NET_OUT" 10.244.0.5 8080
expect_probe "web-2 $OUT_IP" "$NET_OUT" 10.244.0.6 8080
pass "outside reaches both endpoints through the node, source kept"

expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.244.0.5 8080
expect_probe "web-2 $CLIENT_IP" "$NET_CLIENT" 10.244.0.6 8080
pass "the client pod reaches both endpoints, source kept"

expect_probe "web-1 $NODE_POD_IP" "$NET_NODE" 10.244.0.5 8080
pass "the node reaches an endpoint from 10.244.0.1"

expect_probe "dns-1 $CLIENT_IP" "$NET_CLIENT" 10.244.0.7 5353 udp
expect_probe "dns-1 $OUT_IP" "$NET_OUT" 10.244.0.7 5353 udp
pass "UDP backend answers"

expect_probe refused "$NET_OUT" 10.244.0.5 9999
expect_probe refused "$NET_CLIENT" 10.244.0.7 9999 udp
pass "closed ports: refused (TCP and UDP)"

# A DROP on the node: the probe gives up within its bound.
ip netns exec "$NET_NODE" iptables-nft -I FORWARD -d 10.244.0.6 -j DROP ||
	fail "cannot add a DROP rule in the node namespace"
start=$(date +%s%N)
expect_probe timeout "$NET_OUT" 10.244.0.6 8080
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $ms -lt 4000 ] || fail "a timed-out probe took $ms ms"
ip netns exec "$NET_NODE" iptables-nft -D FORWARD -d 10.244.0.6 -j DROP
expect_probe "web-2 $OUT_IP" "$NET_OUT" 10.244.0.6 8080
pass "dropped traffic: timeout after $ms ms"

# Tear down by hand, then check nothing is left; the EXIT trap then has
# nothing more to do.
pids=$NET_PIDS
made=$NET_MADE
net_cleanup
for pid in $pids; do
	kill -0 "$pid" 2>/dev/null && fail "backend $pid still running"
done
for ns in $made; do
	ip netns list | grep -qw -- "$ns" && fail "namespace $ns left behind"
done
pass "teardown: no namespace, no backend left"
exit 0
