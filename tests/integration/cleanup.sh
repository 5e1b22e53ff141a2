#!/bin/bash
# cleanup.sh: `kube-proxy --cleanup` removes every chain and rule of ours
# and nothing else, and exits 0; it needs no apiserver.  Only the syncer
# is started for it: the one process that may touch the rules.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"NodePort","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig"
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync"
stop_kp
# someone else's rules, which must survive
ip netns exec "$NS" iptables-nft -t nat -N CNI-TEST
ip netns exec "$NS" iptables-nft -t nat -A PREROUTING -j CNI-TEST
ip netns exec "$NS" iptables-nft -t nat -A CNI-TEST -s 10.9.0.0/16 -j RETURN
ip netns exec "$NS" iptables-nft-save | grep -q KUBE-SVC- || fail "no rules to clean (test broken)"
# our nftables tables (the nftables mode's), and someone else's
for fam in ip ip6; do
	ip netns exec "$NS" nft add table "$fam" kube-proxy
	ip netns exec "$NS" nft add chain "$fam" kube-proxy services
done
ip netns exec "$NS" nft add table inet other-fw
ip netns exec "$NS" nft add chain inet other-fw input

ip netns exec "$NS" "$KP" --cleanup --v=1 >"$WORK/cleanup.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$WORK/cleanup.log" >&2; fail "--cleanup exited $rc"; }
save=$(ip netns exec "$NS" iptables-nft-save)
for gone in KUBE-SERVICES KUBE-SVC- KUBE-SEP- KUBE-EXT- KUBE-NODEPORTS KUBE-POSTROUTING KUBE-EXTERNAL-SERVICES KUBE-FORWARD; do
	echo "$save" | grep -q -- "$gone" && { echo "$save" >&2; fail "$gone still there after --cleanup"; }
done
echo "$save" | grep -q -- "-A PREROUTING -j CNI-TEST" || fail "someone else's jump was removed"
echo "$save" | grep -q -- "-A CNI-TEST -s 10.9.0.0/16 -j RETURN" || fail "someone else's chain was removed"
grep -q "audit: CAP_NET_ADMIN: cleanup (IPv4)" "$WORK/cleanup.log" || fail "no audit line"
tables=$(ip netns exec "$NS" nft list tables)
case "$tables" in *"kube-proxy"*) fail "our nftables tables are still there: $tables" ;; esac
case "$tables" in *"table inet other-fw"*) ;; *) fail "someone else's nftables table went: $tables" ;; esac
grep -q "audit: CAP_NET_ADMIN: cleanup: nftables table ip6 kube-proxy deleted" "$WORK/cleanup.log" ||
	fail "no audit line for the nftables tables"
if grep -q "started watcher\|started healthd" "$WORK/cleanup.log"; then
	fail "--cleanup started more than the syncer"
fi
pass "--cleanup: our chains, jumps and nftables tables gone, others' kept, exit 0, only the syncer ran"
