#!/bin/bash
# restore-fail.sh: a restore the kernel refuses.  Someone else's rule
# jumps to one of our endpoint chains; the endpoint goes, so our restore
# must delete that chain, and the kernel refuses (the chain is in use).
# The failed restore is atomic: the previous rules stay and traffic keeps
# flowing; the log names the offending line; the sync is retried after
# --iptables-sync-period as a full one, and succeeds once the foreign
# rule is gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
start_backend web-1 10.244.0.61 8080
start_backend web-2 10.244.0.62 8080

slice() {	# slice IP...
	local eps="" ip
	for ip in "$@"; do
		eps="$eps${eps:+,}{\"addresses\":[\"$ip\"],\"conditions\":{\"ready\":true},\"nodeName\":\"test-node\"}"
	done
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[%s],"ports":[{"name":"http","protocol":"TCP","port":8080}]}' "$eps"
}
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.7.1","clusterIPs":["10.96.7.1"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 $(slice 10.244.0.61 10.244.0.62),
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --iptables-sync-period=3s
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: iptables-restore" || fail "no sync"

sep=$(ip netns exec "$NS" iptables-nft-save -t nat |
	sed -n 's/^-A \(KUBE-SEP-[A-Z0-9]*\) -s 10\.244\.0\.61\/32 .*/\1/p' | head -n1)
[ -n "$sep" ] || fail "no endpoint chain for 10.244.0.61"
ip netns exec "$NS" iptables-nft -t nat -N FOREIGN
ip netns exec "$NS" iptables-nft -t nat -A FOREIGN -d 192.0.2.1/32 -j "$sep" ||
	fail "cannot add the foreign jump"

ctl apply "$(slice 10.244.0.62)"
wait_until 10 log_has "partial sync: iptables-restore (IPv4): failed" || fail "the refused restore was not reported"
log_has "audit: CAP_NET_ADMIN: partial sync: iptables-restore (IPv4): failed after .*: line [0-9]*: \".*$sep" ||
	fail "the failure does not name the offending line"
ip netns exec "$NS" iptables-nft-save -t nat | grep -q -- "-A KUBE-SVC-.* -j $sep" ||
	fail "the previous rules did not stay"
for _ in $(seq 6); do
	expect_probe "web-[12] $CLIENT_IP" "$NET_CLIENT" 10.96.7.1 80
done
pass "a refused restore: reported with its line, the previous rules stay, traffic flows"

wait_until 10 log_has "full sync: iptables-restore (IPv4): failed" || fail "no full retry"
ip netns exec "$NS" iptables-nft -t nat -F FOREIGN
ip netns exec "$NS" iptables-nft -t nat -X FOREIGN
n=$(log_count "full sync: iptables-restore of")
wait_until 10 log_count_gt "full sync: iptables-restore of" "$n" || fail "the retry never succeeded"
gone() { ! ip netns exec "$NS" iptables-nft-save -t nat | grep -q "^:$sep "; }
wait_until 5 gone || fail "the removed endpoint's chain is still there"
for _ in $(seq 6); do
	expect_probe "web-2 $CLIENT_IP" "$NET_CLIENT" 10.96.7.1 80
done
pass "retried as a full sync after the sync period; once the kernel allows, the endpoint is gone"
stop_kp
