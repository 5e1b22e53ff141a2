#!/bin/bash
# nft-rebuild.sh: --proxy-mode=nftables and a table kube-proxy found at
# start.  The syncer reads its chain and set names back once and
# flushes and refills it (affinity sets keep their clients, see
# rules-affinity-restart.sh): junk it does not own (a chain, an
# affinity set, a map naming that chain) is deleted by name.  A table
# that cannot be refilled (a map of ours with another type, as an older
# layout might have left) is refused: the refusal is logged with its
# statement, and the retry deletes and rebuilds the table.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
command -v nft >/dev/null || { echo "SKIP: no nft"; exit 77; }
make_netns

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4","endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
nsnft() { ip netns exec "$NS" nft "$@"; }

# a table left behind, with junk in it
nsnft -f - <<'NFT' || fail "cannot make the old table (test broken)"
table ip kube-proxy {
	map service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
	set affinity-JUNKJUNK-default/gone/tcp/http__10.9.9.9/80 { type ipv4_addr ; flags dynamic,timeout ; }
	chain service-JUNKJUNK-default/gone/tcp/http { meta l4proto tcp dnat to 10.9.9.9:80 ; }
	map junk-map { type ipv4_addr : verdict ; elements = { 10.9.9.9 : goto service-JUNKJUNK-default/gone/tcp/http } ; }
}
NFT
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --proxy-mode=nftables --kubeconfig="$WORK/kubeconfig" \
	--iptables-sync-period=2s
wait_until 20 log_has "full sync: nftables table ip kube-proxy: .* ok in" ||
	fail "no first sync: $(grep -i 'sync\|refused' "$WORK/kube-proxy.log" | tail -n 3)"
log_has "IPv4: table kube-proxy is there: flushed and refilled, 3 of its chains and sets known by name" ||
	fail "the old table not read back: $(grep 'table kube-proxy' "$WORK/kube-proxy.log")"
log_has "full sync: nftables table ip kube-proxy: .* 3 stale deleted: ok" ||
	fail "the junk not counted as deleted: $(grep 'full sync' "$WORK/kube-proxy.log" | head -n 2)"
table=$(nsnft list table ip kube-proxy) || fail "no table"
for junk in JUNKJUNK junk-map; do
	echo "$table" | grep -q "$junk" && fail "$junk still there"
done
echo "$table" | grep -q 'chain service-[A-Z0-9]*-default/web/tcp/http' ||
	fail "no chain for web"
log_has "deleted and rebuilt" && fail "the table was rebuilt, not refilled"
pass "a table found at start: read back by name, refilled, the junk in it deleted"
stop_kp

# a table of ours that cannot be refilled: service-ips of another type
nsnft flush chain ip kube-proxy services || fail "flush services (test broken)"
nsnft delete map ip kube-proxy service-ips || fail "delete service-ips (test broken)"
nsnft add map ip kube-proxy service-ips '{ type ipv4_addr : verdict ; }' ||
	fail "add the odd service-ips (test broken)"
: >"$WORK/kube-proxy.log"
start_kp --v=1 --proxy-mode=nftables --kubeconfig="$WORK/kubeconfig" \
	--iptables-sync-period=2s
wait_until 20 log_has "nftables refused line [0-9]*: map service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }" ||
	fail "no refusal naming the map: $(grep -i 'refused\|sync' "$WORK/kube-proxy.log" | tail -n 3)"
wait_until 20 log_has "IPv4: table kube-proxy deleted and rebuilt" ||
	fail "no rebuild after the refusal"
wait_until 10 log_has "full sync: nftables table ip kube-proxy: .* ok in" ||
	fail "the rebuild did not take"
nsnft list map ip kube-proxy service-ips | grep -q 'type ipv4_addr . inet_proto . inet_service : verdict' ||
	fail "service-ips not rebuilt with its type"
nsnft list map ip kube-proxy service-ips | grep -q '10.96.0.10 . tcp . 80 : goto service-' ||
	fail "web's element missing after the rebuild"
pass "a table that cannot be refilled: refused with its statement, then deleted and rebuilt"
stop_kp
