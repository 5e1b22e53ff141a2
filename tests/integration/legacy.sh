#!/bin/bash
# legacy.sh: the iptables-legacy backend.  Chosen with
# --iptables-backend=legacy, or found by auto on a node whose legacy
# tables already hold kube-proxy's or kubelet's chains (upstream's
# iptables-wrapper rule).  Either way the supervisor gives the syncer
# CAP_NET_RAW (legacy needs it) and says so; the rules land in the legacy
# tables, not in nft, and real traffic goes through them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
need_root
need_apiserver
command -v iptables-legacy-save >/dev/null || { echo "SKIP: no iptables-legacy"; exit 77; }
make_netns
net_setup
start_backend web-1 10.244.0.51 8080

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.5.1","clusterIPs":["10.96.5.1"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.51"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token

in_legacy() {
	ip netns exec "$NS" iptables-legacy-save -t nat 2>/dev/null |
		grep -qF -- '-A KUBE-SERVICES -d 10.96.5.1/32 -p tcp -m comment --comment "default/web:http cluster IP"'
}
in_nft() {
	ip netns exec "$NS" iptables-nft-save -t nat 2>/dev/null | grep -q -- "-A KUBE-SERVICES -d 10.96.5.1/32"
}
check_legacy_run() {	# check_legacy_run WHAT
	wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: iptables-restore" || fail "$1: no sync"
	log_has "the syncer also gets CAP_NET_RAW" || fail "$1: no CAP_NET_RAW notice"
	pid=$(helper_pid syncer)
	[ -n "$pid" ] || fail "$1: no syncer"
	eff=$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")
	[ "$eff" = 0000000000003000 ] || fail "$1: syncer CapEff $eff, wanted NET_ADMIN|NET_RAW (3000)"
	in_legacy || fail "$1: the Service's rule is not in the legacy nat table"
	in_nft && fail "$1: the Service's rule is in nft too"
	expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.96.5.1 80
}

start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --iptables-backend=legacy
check_legacy_run "--iptables-backend=legacy"
stop_kp
pass "--iptables-backend=legacy: rules in the legacy tables, the syncer has CAP_NET_ADMIN and CAP_NET_RAW, traffic flows"

# auto on a node whose legacy tables hold our chains: legacy again
in_legacy || fail "the rules did not stay (test broken)"
start_kp --v=1 --kubeconfig="$WORK/kubeconfig"
check_legacy_run "auto"
log_has "iptables backend legacy: it holds KUBE-SERVICES" || fail "auto: no reason logged"
log_has "chains of an earlier run stay" && fail "auto: the new syncer could not read its chains back"
stop_kp
pass "--iptables-backend=auto on a legacy node: legacy found (it holds nat KUBE-SERVICES), and used"

# --cleanup on the legacy backend: the syncer (not root) names its tables
ip netns exec "$NS" "$KP" --cleanup --iptables-backend=legacy >"$WORK/cleanup.log" 2>&1 ||
	{ cat "$WORK/cleanup.log" >&2; fail "--cleanup --iptables-backend=legacy failed"; }
ip netns exec "$NS" iptables-legacy-save -t nat | grep -q -- "KUBE-SVC-\|KUBE-SERVICES" &&
	fail "--cleanup left our chains in the legacy nat table"
pass "--cleanup --iptables-backend=legacy: our chains gone from the legacy tables"

# and auto on a clean node: nft, no CAP_NET_RAW
ip netns exec "$NS" iptables-legacy -t nat -F
ip netns exec "$NS" iptables-legacy -t nat -X
ip netns exec "$NS" iptables-legacy -t filter -F
ip netns exec "$NS" iptables-legacy -t filter -X
ip netns exec "$NS" iptables-legacy -t mangle -F
ip netns exec "$NS" iptables-legacy -t mangle -X
start_kp --v=1 --kubeconfig="$WORK/kubeconfig"
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync: iptables-restore" || fail "clean: no sync"
log_has "the syncer also gets CAP_NET_RAW" && fail "clean node: CAP_NET_RAW given"
in_nft || fail "clean node: the rules are not in nft"
expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.96.5.1 80
pass "--iptables-backend=auto on a clean node: nft, without CAP_NET_RAW"
stop_kp
