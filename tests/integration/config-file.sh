#!/bin/bash
# config-file.sh: --config in a running kube-proxy (spec 1.1).  A
# KubeProxyConfiguration file sets the kubeconfig, clusterCIDR and
# iptables.masqueradeBit; the rules the syncer writes show the file's
# values, not those of the config flags also given (ignored, with a
# warning naming them, as upstream), while -v and --hostname-override
# from the command line still apply.  The same file as JSON gives the
# same configuration.  A bad file stops startup, exit 1, before any
# helper runs, naming the file, the line and the field.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns

CIP=10.96.7.1
cat >"$WORK/cluster.json" <<JSON
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"$CIP","clusterIPs":["$CIP"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4","endpoints":[{"addresses":["10.244.0.41"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token

cat >"$WORK/kp.yaml" <<YAML
# a comment, as in a ConfigMap
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $WORK/kubeconfig
clusterCIDR: 10.244.0.0/16
iptables:
  masqueradeBit: 9
  syncPeriod: 1m
YAML
cat >"$WORK/kp.json" <<JSON
{"apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
 "clientConnection": {"kubeconfig": "$WORK/kubeconfig"}, "clusterCIDR": "10.244.0.0/16",
 "iptables": {"masqueradeBit": 9, "syncPeriod": "1m"}}
JSON
"$KP" --config="$WORK/kp.yaml" --write-config-to="$WORK/from-yaml" 2>/dev/null &&
	"$KP" --config="$WORK/kp.json" --write-config-to="$WORK/from-json" 2>/dev/null ||
	fail "--write-config-to with --config failed"
cmp -s "$WORK/from-yaml" "$WORK/from-json" || { diff "$WORK/from-yaml" "$WORK/from-json" >&2; fail "the JSON file reads differently"; }
grep -qx '  masqueradeBit: 9' "$WORK/from-yaml" || fail "masqueradeBit not read"
pass "the YAML and JSON forms give the same configuration"

start_kp --config="$WORK/kp.yaml" --iptables-backend=nft -v=1 \
	--iptables-masquerade-bit=3 --cluster-cidr=10.99.0.0/16 --masquerade-all
wait_until 20 log_has "audit: CAP_NET_ADMIN: full sync" || fail "no sync with --config"
for f in --iptables-masquerade-bit --cluster-cidr --masquerade-all; do
	log_has "flags are ignored.*$f" || fail "the warning does not name $f"
done
NAT=$(ip netns exec "$NS" iptables-nft-save -t nat)
has_rule() {
	echo "$NAT" | grep -qxF -- "$1" || { echo "$NAT" >&2; fail "missing: $1"; }
}
has_rule "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x200/0x200"
has_rule "-A KUBE-POSTROUTING -m mark ! --mark 0x200/0x200 -j RETURN"
echo "$NAT" | grep -q -- "^-A KUBE-SVC-.* ! -s 10.244.0.0/16 -d $CIP/32 .*-j KUBE-MARK-MASQ\$" ||
	{ echo "$NAT" >&2; fail "no clusterCIDR masquerade rule from the file"; }
if echo "$NAT" | grep -q -e 0x8/0x8 -e 10.99.0.0/16; then
	echo "$NAT" >&2; fail "a flag ignored under --config reached the rules"
fi
# --masquerade-all would masquerade every source: not applied
if echo "$NAT" | grep -- "^-A KUBE-SVC-.*-j KUBE-MARK-MASQ\$" | grep -vq -- "! -s 10.244.0.0/16"; then
	echo "$NAT" >&2; fail "--masquerade-all applied under --config"
fi
# -v=1 from the command line still applies (a V(1) line of the supervisor)
log_has "supervisor: syncer: /.*/kube-proxy-syncer$" || fail "-v=1 lost under --config"
pass "the file's masqueradeBit (0x200) and clusterCIDR are in the rules; ignored flags are not"
stop_kp

# bad files: exit 1 before any helper, naming the file, line and field
bad_file() {
	local out rc
	printf '%s' "$2" >"$WORK/bad.yaml"
	out=$(timeout 10 ip netns exec "$NS" "$KP" --config="$WORK/bad.yaml" 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "$1: exit $rc, want 1: $out"
	echo "$out" | grep -qF -- "$WORK/bad.yaml:$3" ||
		fail "$1: the message does not say \"bad.yaml:$3\": $out"
	echo "$out" | grep -q 'started \(watcher\|syncer\|healthd\)' &&
		fail "$1: a helper was started: $out"
	pass "$1 -> $(echo "$out" | grep -F "bad.yaml" | head -n1)"
}
HEAD='apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
'
bad_file "out of range" "${HEAD}mode: iptables
iptables:
  masqueradeBit: 40
" "5: iptables.masqueradeBit: must be within [0, 31], got 40"
bad_file "unknown field" "${HEAD}iptables:
  masqueradeBitt: 4
" "4: iptables.masqueradeBitt: unknown field"
bad_file "wrong type" "${HEAD}iptables:
  syncPeriod: 30
" "4: iptables.syncPeriod: expected a duration string"
bad_file "wrong apiVersion" "apiVersion: kubeproxy.config.k8s.io/v1beta1
kind: KubeProxyConfiguration
" "1: apiVersion: must be"
bad_file "wrong kind" "apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeletConfiguration
" "2: kind: must be"
bad_file "not YAML" "${HEAD}iptables: [
" "4: invalid YAML"
