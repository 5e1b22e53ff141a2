#!/bin/bash
# ctlimits.sh: the supervisor's conntrack limits (spec 1.6), in a network
# namespace.  The two TCP timeouts are per namespace: set lower first,
# they are raised by kube-proxy at start with an audit line each, and a
# value already higher is left alone.  nf_conntrack_max is the whole
# kernel's and read-only in a namespace: asked to raise it, kube-proxy
# warns, naming the file and the values, and starts anyway.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns

CT=/proc/sys/net/netfilter
EST=$CT/nf_conntrack_tcp_timeout_established
CW=$CT/nf_conntrack_tcp_timeout_close_wait

nsget() { ip netns exec "$NS" cat "$1"; }
nsset() { ip netns exec "$NS" sh -c "echo $2 > $1" || fail "cannot set $1 in the namespace"; }

# The conntrack sysctls appear in a namespace only once nf_conntrack is
# loaded; a conntrack rule in our namespace loads it.
if ! ip netns exec "$NS" test -e "$EST"; then
	ip netns exec "$NS" iptables-nft -A INPUT -m conntrack --ctstate INVALID -j DROP 2>/dev/null
	ip netns exec "$NS" test -e "$EST" ||
		{ echo "SKIP: no nf_conntrack sysctls in a network namespace"; exit 77; }
fi

HOST_MAX=$(cat $CT/nf_conntrack_max)
HOST_EST=$(cat $EST)
HOST_CW=$(cat $CW)
# Were the kernel ever to let a namespace write nf_conntrack_max, the
# test fails, and the host gets its value back.
restore_host() {
	local rc=$?
	[ "$(cat $CT/nf_conntrack_max)" = "$HOST_MAX" ] || echo "$HOST_MAX" >$CT/nf_conntrack_max
	(exit $rc)
	cleanup
}
trap restore_host EXIT

start_apiserver --generate 2 --nodes 1
write_kubeconfig token

# 1. Lower than wanted: raised, each with its audit line.  A minimum
# above the kernel's nf_conntrack_max: refused here, a warning, going on.
nsset "$EST" 1000
nsset "$CW" 50
WANT_MAX=$((HOST_MAX + 1024))
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" \
	--conntrack-tcp-timeout-established=2h --conntrack-tcp-timeout-close-wait=30m \
	--conntrack-max-per-core=1 --conntrack-min=$WANT_MAX
wait_until 20 helpers_up || fail "helpers did not come up"
[ "$(nsget $EST)" = 7200 ] || fail "established timeout $(nsget $EST), want 7200"
[ "$(nsget $CW)" = 1800 ] || fail "close-wait timeout $(nsget $CW), want 1800"
pass "timeouts raised in the namespace: established 7200, close-wait 1800"
log_has "audit: root: sysctl $EST = 7200 (was 1000)" || fail "no audit line for $EST"
log_has "audit: root: sysctl $CW = 1800 (was 50)" || fail "no audit line for $CW"
pass "an audit line for each"
log_has "W.*$CT/nf_conntrack_max: cannot raise it from $HOST_MAX to $WANT_MAX" ||
	fail "no warning naming nf_conntrack_max and its values"
[ "$(cat $CT/nf_conntrack_max)" = "$HOST_MAX" ] || fail "the host's nf_conntrack_max changed"
log_has "audit: root: sysctl $CT/nf_conntrack_max" && fail "nf_conntrack_max write logged as done"
pass "nf_conntrack_max refused in a namespace: a warning, start-up went on"
[ "$(cat $EST)" = "$HOST_EST" ] && [ "$(cat $CW)" = "$HOST_CW" ] ||
	fail "the host's timeouts changed"
pass "the host's timeouts untouched ($HOST_EST, $HOST_CW)"
stop_kp

# 2. The defaults (24h, 1h, 32768 per core, at least 131072): a timeout
# already higher is left alone, a lower one raised, and nf_conntrack_max
# (already at least the default on a node) not written.
nsset "$EST" 500000
nsset "$CW" 100
start_kp --v=1 --kubeconfig="$WORK/kubeconfig"
wait_until 20 helpers_up || fail "helpers did not come up (defaults)"
[ "$(nsget $EST)" = 500000 ] || fail "established timeout lowered to $(nsget $EST)"
log_has "sysctl $EST" && fail "established timeout written"
pass "established timeout 500000 above the default 86400: left alone"
[ "$(nsget $CW)" = 3600 ] || fail "close-wait timeout $(nsget $CW), want 3600"
log_has "audit: root: sysctl $CW = 3600 (was 100)" || fail "no audit line for $CW"
pass "close-wait timeout raised to the default 3600"
if [ "$HOST_MAX" -ge 131072 ]; then
	log_has "nf_conntrack_max: cannot raise" && fail "a warning for nf_conntrack_max"
	log_has "sysctl $CT/nf_conntrack_max" && fail "nf_conntrack_max written"
	pass "nf_conntrack_max $HOST_MAX already above the default: not written"
fi
stop_kp

# 3. 0 leaves everything alone.
nsset "$CW" 100
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --conntrack-max-per-core=0 \
	--conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0s
wait_until 20 helpers_up || fail "helpers did not come up (zeros)"
[ "$(nsget $CW)" = 100 ] || fail "close-wait timeout changed to $(nsget $CW) with 0"
log_has "audit: root:" && fail "a write with every limit 0"
log_has "nf_conntrack_max at least" && fail "nf_conntrack_max considered with --conntrack-max-per-core=0"
pass "0: nothing read or written"
stop_kp
