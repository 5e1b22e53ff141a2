# netlib.sh: a small network for the end-to-end tests of the rules
# (sourced after lib.sh, and after need_root and make_netns).
#
#   outside (192.168.77.2) --- node ($NS) --- pods   (10.244.0.x, endpoints)
#                                        \--- client (10.244.0.100, a pod)
#
# The node is the test's $NS, where kube-proxy runs: it forwards, and
# holds 192.168.77.1 towards outside and 10.244.0.1 towards the pods.
# The endpoints live in one "pods" namespace, each address added by
# start_backend.  The client pod has a namespace of its own: were it in
# "pods", an endpoint's reply to it would be delivered inside that
# namespace, never crossing the node, and the node's conntrack could not
# undo the DNAT.  Outside and the pods route to each other through the
# node, so a probe from outside sees no NAT unless the rules add it.
#
# Every namespace made here is deleted, and every server started here
# killed, on any exit (net_cleanup runs before lib.sh's cleanup).  All
# traffic stays between these namespaces.  Waits are bounded.

NET_NODE=""
NET_PODS=""
NET_CLIENT=""
NET_OUT=""
NET_PIDS=""
NET_MADE=""

# For the tests that source this (clusterCIDR and the like).
# shellcheck disable=SC2034
POD_CIDR=10.244.0.0/24
NODE_POD_IP=10.244.0.1
CLIENT_IP=10.244.0.100
NODE_OUT_IP=192.168.77.1
OUT_IP=192.168.77.2
BACKEND_PY="$top_srcdir/tests/integration/backend.py"
# Debian's interpreter, not a version-manager shim that takes a second
# to start (and would eat into the probe's bound).
NET_PYTHON=/usr/bin/python3
[ -x "$NET_PYTHON" ] || NET_PYTHON=python3
# Whole-probe bound (seconds); the probe gives up at this, timeout(1)
# kills it a little later in case python itself hangs.
PROBE_TIMEOUT=2

net_cleanup() {
	local pid ns
	for pid in $NET_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $NET_PIDS; do
		wait "$pid" 2>/dev/null
	done
	NET_PIDS=""
	for ns in $NET_MADE; do
		ip netns del "$ns" 2>/dev/null
	done
	NET_MADE=""
}

# Runs before lib.sh's cleanup, which reads $? first: keep it.
net_exit() {
	local rc=$?
	net_cleanup
	(exit $rc)
	cleanup
}

# net_ns NAME: make a namespace, with lo up, deleted on exit.
net_ns() {
	ip netns add "$1" || fail "cannot create namespace $1"
	NET_MADE="$NET_MADE $1"
	ip -n "$1" link set lo up
}

# net_sysctl NS KEY VALUE: through /proc, so procps is not needed.
net_sysctl() {
	ip netns exec "$1" sh -c "echo $3 > /proc/sys/$(echo "$2" | tr . /)" ||
		fail "sysctl $2=$3 in $1"
}

# net_link NS IFNAME PEERNS: a veth IFNAME in NS (the node), eth0 in PEERNS.
net_link() {
	ip -n "$1" link add "$2" type veth peer name eth0 netns "$3" ||
		fail "veth $2 to $3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set eth0 up
}

# net_test_start: what an end-to-end test of the rules begins with: root,
# the test apiserver, the node namespace and the network around it.
net_test_start() {
	need_root
	need_apiserver
	make_netns
	net_setup
}

net_setup() {
	[ -n "$NS" ] || fail "net_setup before make_netns"
	command -v "$NET_PYTHON" >/dev/null || { echo "SKIP: no python3"; exit 77; }
	trap net_exit EXIT
	NET_NODE=$NS
	NET_PODS="$NS-pods"
	NET_CLIENT="$NS-client"
	NET_OUT="$NS-out"
	net_ns "$NET_PODS"
	net_ns "$NET_CLIENT"
	net_ns "$NET_OUT"

	net_sysctl "$NET_NODE" net.ipv4.ip_forward 1
	net_sysctl "$NET_NODE" net.ipv4.conf.all.rp_filter 0
	net_sysctl "$NET_NODE" net.ipv4.conf.default.rp_filter 0

	# node <-> pods: the node is 10.244.0.1/24, endpoints are added later
	net_link "$NET_NODE" kp-pods "$NET_PODS"
	ip -n "$NET_NODE" addr add "$NODE_POD_IP/24" dev kp-pods
	ip -n "$NET_PODS" route add "$NODE_POD_IP" dev eth0
	ip -n "$NET_PODS" route add default via "$NODE_POD_IP" dev eth0

	# node <-> client pod: a host route on the node beats the /24; the
	# node answers ARP for 10.244.0.1 here too (arp_ignore=0).
	net_link "$NET_NODE" kp-client "$NET_CLIENT"
	ip -n "$NET_CLIENT" addr add "$CLIENT_IP/32" dev eth0
	ip -n "$NET_CLIENT" route add "$NODE_POD_IP" dev eth0
	ip -n "$NET_CLIENT" route add default via "$NODE_POD_IP" dev eth0
	ip -n "$NET_NODE" route add "$CLIENT_IP/32" dev kp-client

	# node <-> outside
	net_link "$NET_NODE" kp-out "$NET_OUT"
	ip -n "$NET_NODE" addr add "$NODE_OUT_IP/24" dev kp-out
	ip -n "$NET_OUT" addr add "$OUT_IP/24" dev eth0
	ip -n "$NET_OUT" route add default via "$NODE_OUT_IP" dev eth0

	local ns
	for ns in "$NET_PODS" "$NET_CLIENT" "$NET_OUT"; do
		net_sysctl "$ns" net.ipv4.conf.all.rp_filter 0
	done
}

# net_pod_ip IP: add IP to the pods namespace (once).  A /32 (a /128),
# so that the pods send everything, the client pod included, through the
# node.
net_pod_ip() {
	case "$1" in
	*:*)	ip -n "$NET_PODS" -o addr show dev eth0 | grep -q " inet6 $1/" ||
			ip -n "$NET_PODS" addr add "$1/128" dev eth0 nodad ||
			fail "cannot add $1 to the pods namespace" ;;
	*)	ip -n "$NET_PODS" -o addr show dev eth0 | grep -q " inet $1/" ||
			ip -n "$NET_PODS" addr add "$1/32" dev eth0 ||
			fail "cannot add $1 to the pods namespace" ;;
	esac
}

# start_backend NAME IP PORT [udp]: a server at IP:PORT in the pods
# namespace answering "NAME <source-ip>".  Returns once it is bound.
start_backend() {
	local name=$1 ip=$2 port=$3 proto=${4:-tcp} ready pid
	[ -n "$NET_PODS" ] || fail "start_backend before net_setup"
	net_pod_ip "$ip"
	ready="$WORK/backend-$name-$ip-$port-$proto.ready"
	rm -f "$ready"
	ip netns exec "$NET_PODS" "$NET_PYTHON" "$BACKEND_PY" serve "$name" "$ip" \
		"$port" ${4:+udp} --ready "$ready" --lifetime 900 \
		>>"$WORK/backends.log" 2>&1 &
	pid=$!
	NET_PIDS="$NET_PIDS $pid"
	wait_until 5 test -s "$ready" ||
		fail "backend $name at $ip:$port/$proto did not start: $(tail -n 5 "$WORK/backends.log")"
}

# probe FROM_NS DST_IP PORT [udp]: prints the answer ("NAME SRC"), or
# refused / timeout / unreachable / error: ...; status 0 for an answer.
probe() {
	local from=$1 ip=$2 port=$3 out rc
	out=$(timeout $((PROBE_TIMEOUT + 3)) ip netns exec "$from" "$NET_PYTHON" \
		"$BACKEND_PY" probe "$ip" "$port" ${4:+udp} \
		--timeout "$PROBE_TIMEOUT" 2>&1)
	rc=$?
	[ $rc -eq 124 ] && out=timeout
	echo "$out"
	return $rc
}

# expect_probe WANT FROM_NS DST_IP PORT [udp]: fail unless the answer is
# WANT (a case pattern, e.g. "web-? 192.168.77.2" or "refused").
expect_probe() {
	local want=$1 got
	shift
	got=$(probe "$@")
	# shellcheck disable=SC2254 # a pattern on purpose
	case "$got" in
	$want) ;;
	*) fail "probe $* from $1: got '$got', wanted '$want'" ;;
	esac
}

# net_setup_v6: IPv6 beside the IPv4 of net_setup, for dual-stack tests.
# The client pod is in a /64 of its own inside the pods' /48, so that
# the node is its on-link router without proxy NDP.  No DAD: addresses
# are usable at once.
NODE_POD_IP6=fd00:244::1
CLIENT_IP6=fd00:244:0:1::100
NODE_CLIENT_IP6=fd00:244:0:1::1
NODE_OUT_IP6=fd00:77::1
OUT_IP6=fd00:77::2
net_setup_v6() {
	[ -n "$NET_PODS" ] || fail "net_setup_v6 before net_setup"
	net_sysctl "$NET_NODE" net.ipv6.conf.all.forwarding 1
	ip -n "$NET_NODE" addr add "$NODE_POD_IP6/64" dev kp-pods nodad
	ip -n "$NET_PODS" route add "$NODE_POD_IP6" dev eth0
	ip -n "$NET_PODS" route add default via "$NODE_POD_IP6" dev eth0
	ip -n "$NET_NODE" addr add "$NODE_CLIENT_IP6/64" dev kp-client nodad
	ip -n "$NET_CLIENT" addr add "$CLIENT_IP6/64" dev eth0 nodad
	ip -n "$NET_CLIENT" route add default via "$NODE_CLIENT_IP6" dev eth0
	ip -n "$NET_NODE" addr add "$NODE_OUT_IP6/64" dev kp-out nodad
	ip -n "$NET_OUT" addr add "$OUT_IP6/64" dev eth0 nodad
	ip -n "$NET_OUT" route add default via "$NODE_OUT_IP6" dev eth0
}

# expect_reach WANT SRC FROM_NS DST_IP PORT [udp]: the set of endpoints
# that answer is exactly WANT (names, space-separated, e.g. "web-1
# web-2"), each seeing source SRC (a case pattern).  Probes at least 8
# times and until every wanted endpoint has answered, at most 40 times
# (with 3 endpoints chosen at random, all are seen within 40 probes but
# with odds of 3 x (2/3)^40, under 1e-6).  Fails on anything else: another
# endpoint, a timeout or refusal, or a wanted endpoint never reached.
expect_reach() {
	local want=$1 src=$2 got name seen="" missing i=0 w
	shift 2
	while [ $i -lt 40 ]; do
		i=$((i + 1))
		got=$(probe "$@")
		name=${got%% *}
		case " $want " in
		*" $name "*) ;;
		*) fail "probe $* from $1 (#$i): got '$got', wanted one of: $want" ;;
		esac
		# shellcheck disable=SC2254 # a pattern on purpose
		case "${got#* }" in
		$src) ;;
		*) fail "probe $* from $1: $name saw source '${got#* }', wanted '$src'" ;;
		esac
		case " $seen " in *" $name "*) ;; *) seen="$seen $name" ;; esac
		missing=""
		for w in $want; do
			case " $seen " in *" $w "*) ;; *) missing="$missing $w" ;; esac
		done
		[ $i -ge 8 ] && [ -z "$missing" ] && return 0
	done
	fail "probe $* from $1: $i probes never reached$missing (saw:$seen)"
}

# node_save TABLE [-c]: the node's table as iptables-nft-save prints it.
node_save() {
	ip netns exec "$NET_NODE" iptables-nft-save -t "$1" ${2:+"$2"}
}

# node_rules: the rules a failed assertion shows: the nat table, or in
# nftables mode the table ip kube-proxy
node_rules() {
	if nft_mode; then ip netns exec "$NET_NODE" nft list table ip kube-proxy
	else node_save nat; fi
}

# nft_have CHAIN|"" LINE...: (nftables mode) each LINE is a rule of that
# chain of table ip kube-proxy, or with "" a line of the whole table (a
# map element: "key : verdict"), as nft lists it
nft_have() {
	local what=$1 got want
	shift
	if [ -n "$what" ]; then
		got=$(ip netns exec "$NET_NODE" nft list chain ip kube-proxy "$what")
	else
		got=$(ip netns exec "$NET_NODE" nft list table ip kube-proxy)
	fi
	got=$(echo "$got" | sed 's/^[[:space:]]*//; s/^elements = { //; s/ }$//; s/,$//')
	for want in "$@"; do
		echo "$got" | grep -qxF -- "$want" ||
			{ echo "$got" >&2; fail "missing in ${what:-table ip kube-proxy}: $want"; }
	done
}

# nft_port SPN PROTO: upstream's nftables name of a service port's chains
# after the "service-" (and the like): hash-ns/name/proto/port
nft_port() {
	local s="${1%%:*}/$2/${1#*:}"
	echo "$(printf '%s' "$s" | openssl dgst -sha256 -binary | base32 | cut -c1-8)-$s"
}

# dispatch KIND SPN: the endpoints ("ip:port ...", sorted) that the
# KUBE-KIND-<hash> chain (KIND: SVC or SVL) of service port SPN sends
# to, read from upstream's comments "<SPN> -> <ip:port>".  In nftables
# mode, the DNAT targets of its service- or local- chain.
dispatch() {
	if nft_mode; then
		case $1 in SVC) nft_targets service "$2" ;; SVL) nft_targets local "$2" ;;
		*) fail "dispatch: kind $1" ;; esac
		return
	fi
	node_save nat | sed -n "s|^-A KUBE-$1-[A-Z0-9]* -m comment --comment \"$2 -> \([0-9.:]*\)\".*|\1|p" |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# seps SPN: the DNAT targets of the KUBE-SEP chains of SPN ("ip:port
# ...", sorted): one per endpoint that any of its chains may reach.  In
# nftables mode, of its service- and local- chains.
seps() {
	if nft_mode; then
		nft_targets 'service|local' "$1"
		return
	fi
	node_save nat | grep -E -- "^-A KUBE-SEP-[A-Z0-9]+ .*--comment \"?$1\"? .*-j DNAT" |
		sed 's/.*--to-destination //' | sort | tr '\n' ' ' | sed 's/ $//'
}

# nft_targets KINDS SPN: the DNAT targets ("ip:port ...", sorted, once
# each) of the chains of table ip kube-proxy named KIND-<hash>-ns/name/
# <proto>/port for service port SPN ("ns/name:port"), KINDS an ERE
# alternation ("service|local").
nft_targets() {
	ip netns exec "$NET_NODE" nft list table ip kube-proxy |
		awk -v re="^($1)-[A-Z2-7]+-${2%%:*}/[a-z]+/${2#*:}\$" '
		/^\tchain / { in_chain = ($2 ~ re) }
		in_chain && / dnat to / { sub(/.* dnat to /, ""); print }' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

# nft_count_drops HOOK IP PORT: kube-proxy's nftables table has no
# counters, so a table of the test's own counts the TCP packets to
# IP:PORT at HOOK (prerouting, forward, ...) at priority -300 and -105,
# around kube-proxy's filter chains (-110).  nft_dropped HOOK: how many
# entered HOOK and did not get past -105, that is were dropped there.
nft_count_drops() {
	ip netns exec "$NET_NODE" nft -f - <<NFT || fail "cannot make the test's counting table"
table ip kpt-count {
	chain early-$1 { type filter hook $1 priority -300; ip daddr $2 tcp dport $3 counter; }
	chain late-$1 { type filter hook $1 priority -105; ip daddr $2 tcp dport $3 counter; }
}
NFT
}
nft_dropped() {
	local a b
	a=$(ip netns exec "$NET_NODE" nft list chain ip kpt-count "early-$1" | sed -n 's/.* counter packets \([0-9]*\) .*/\1/p')
	b=$(ip netns exec "$NET_NODE" nft list chain ip kpt-count "late-$1" | sed -n 's/.* counter packets \([0-9]*\) .*/\1/p')
	[ -n "$a" ] && [ -n "$b" ] || fail "no counters in table kpt-count, hook $1"
	echo $((a - b))
}
