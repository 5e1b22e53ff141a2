#!/bin/bash
# rules-features.sh: packet fates of some Service features, with real
# traffic (see rules.sh for the basics):
#   - sessionAffinity ClientIP: one client keeps its endpoint;
#   - externalTrafficPolicy Local on a NodePort: from outside only the
#     node's own endpoint answers, and it sees the client's own address
#     (no masquerade); a Local Service with no local endpoint drops.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"

start_backend aff-1 10.244.0.11 8080
start_backend aff-2 10.244.0.12 8080
start_backend local-1 10.244.0.21 8080
start_backend remote-1 10.244.0.22 8080

ep() {	# ep IP NODE
	printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"%s"}' "$1" "$2"
}
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"sticky"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.1.1","clusterIPs":["10.96.1.1"],"ipFamilies":["IPv4"],
   "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"sticky-1","labels":{"kubernetes.io/service-name":"sticky"}},
  "addressType":"IPv4","endpoints":[$(ep 10.244.0.11 test-node),$(ep 10.244.0.12 test-node)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"local"},
  "spec":{"type":"NodePort","clusterIP":"10.96.1.2","clusterIPs":["10.96.1.2"],"ipFamilies":["IPv4"],
   "externalTrafficPolicy":"Local",
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30090}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"local-1","labels":{"kubernetes.io/service-name":"local"}},
  "addressType":"IPv4","endpoints":[$(ep 10.244.0.21 test-node),$(ep 10.244.0.22 other-node)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"nolocal"},
  "spec":{"type":"NodePort","clusterIP":"10.96.1.3","clusterIPs":["10.96.1.3"],"ipFamilies":["IPv4"],
   "externalTrafficPolicy":"Local",
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30091}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"nolocal-1","labels":{"kubernetes.io/service-name":"nolocal"}},
  "addressType":"IPv4","endpoints":[$(ep 10.244.0.22 other-node)],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"

first=$(probe "$NET_CLIENT" 10.96.1.1 80 | cut -d' ' -f1)
case "$first" in aff-1|aff-2) ;; *) fail "sticky: got '$first'" ;; esac
for _ in $(seq 12); do
	expect_probe "$first $CLIENT_IP" "$NET_CLIENT" 10.96.1.1 80
done
pass "sessionAffinity ClientIP: 13 connections, all to $first"

for _ in $(seq 8); do
	expect_probe "local-1 $OUT_IP" "$NET_OUT" "$NODE_OUT_IP" 30090
done
pass "eTP=Local NodePort from outside: only the local endpoint, client address kept"

seen=""
for _ in $(seq 16); do
	seen="$seen $(probe "$NET_CLIENT" 10.96.1.2 80 | cut -d' ' -f1)"
done
case "$seen" in *remote-1*) ;; *) fail "eTP=Local: the cluster IP should reach every endpoint: $seen" ;; esac
pass "eTP=Local: the cluster IP still reaches every endpoint"

expect_probe timeout "$NET_OUT" "$NODE_OUT_IP" 30091
pass "eTP=Local without a local endpoint: dropped"
stop_kp
