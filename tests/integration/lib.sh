# lib.sh: shared by the integration tests (sourced).
#
# Every test that needs root makes its own network namespace and removes
# it, and everything it started, on any exit.  Traffic never leaves the
# namespaces a test made.  Skips (exit 77) when not root or when
# namespaces cannot be made.

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
KP="$top_builddir/kube-proxy"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/kpt-$TEST_NAME.XXXXXX")
NS=""
SUP_PID=""
FAILED=0

fail() {
	echo "FAIL: $*" >&2
	FAILED=1
	exit 1
}

pass() {
	echo "ok: $*"
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $TEST_NAME needs root"
		exit 77
	fi
	command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
}

cleanup() {
	local rc=$? pid
	[ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null
	if [ -n "$SUP_PID" ] && kill -0 "$SUP_PID" 2>/dev/null; then
		for pid in $(pgrep -P "$SUP_PID"); do kill -9 "$pid" 2>/dev/null; done
		kill -9 "$SUP_PID" 2>/dev/null
		wait "$SUP_PID" 2>/dev/null
	fi
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -f "$WORK/kube-proxy.log" ]; then
		echo "--- kube-proxy log (last 80 lines) ---" >&2
		tail -n 80 "$WORK/kube-proxy.log" >&2
		[ -f "$WORK/apiserver.log" ] && { echo "--- apiserver log ---" >&2; tail -n 30 "$WORK/apiserver.log" >&2; }
	fi
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

make_netns() {
	NS="kpt-$TEST_NAME-$$"
	ip netns add "$NS" || { echo "SKIP: cannot create a network namespace"; NS=""; exit 77; }
	ip -n "$NS" link set lo up
}

# The proxy mode of the end-to-end tests of the rules: iptables (the
# default), or nftables, which the nft-*.sh wrappers set so that the same
# packet fates are asserted against the other renderer.  Assertions on
# what one mode writes are guarded by iptables_mode / nft_mode.
KP_TEST_PROXY_MODE=${KP_TEST_PROXY_MODE:-iptables}
case $KP_TEST_PROXY_MODE in
iptables|nftables) ;;
*) echo "ERROR: KP_TEST_PROXY_MODE=$KP_TEST_PROXY_MODE" >&2; exit 99 ;;
esac
iptables_mode() { [ "$KP_TEST_PROXY_MODE" = iptables ]; }
nft_mode() { [ "$KP_TEST_PROXY_MODE" = nftables ]; }
# (the namespaces and work directory of an nftables run say so)
nft_mode && TEST_NAME=nft-$TEST_NAME
# What a sync's audit line names, per family ("full sync: $SYNC4 ...").
if nft_mode; then
	SYNC4="nftables table ip kube-proxy"
	SYNC6="nftables table ip6 kube-proxy"
else
	SYNC4="iptables-restore of"
	SYNC6="ip6tables-restore of"
fi

# start_kp ARGS...: the supervisor in the test's namespace, logging to
# $WORK/kube-proxy.log.  A --proxy-mode in ARGS comes after the test
# mode's, and wins.
start_kp() {
	local mode=""
	nft_mode && mode=--proxy-mode=nftables
	# emptied here, not by the background job's redirection: a wait for a
	# log line right after this must not find the last run's
	: >"$WORK/kube-proxy.log"
	ip netns exec "$NS" "$KP" --hostname-override=test-node $mode "$@" \
		>>"$WORK/kube-proxy.log" 2>&1 &
	SUP_PID=$!
}

# wait_until SECONDS CMD...: poll every 0.1 s until CMD succeeds.  The
# arguments are expanded once, by the caller: poll a function, not "$(...)".
wait_until() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.1
	done
	return 0
}

# helper_pid ROLE: the pid of the running helper (watcher, syncer, healthd).
helper_pid() {
	local pid
	for pid in $(pgrep -P "$SUP_PID" 2>/dev/null); do
		if [ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n1)" = "kube-proxy-$1" ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

helpers_up() {
	helper_pid watcher >/dev/null && helper_pid syncer >/dev/null &&
		helper_pid healthd >/dev/null &&
		[ "$(grep -c ' ready (pid' "$WORK/kube-proxy.log")" -ge "${1:-3}" ]
}

# status_field PID FIELD: a line of /proc/PID/status, without the key.
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '[:space:]' ' ' | sed 's/ $//'
}

log_has() {
	grep -q -- "$1" "$WORK/kube-proxy.log"
}

log_count() {
	grep -c -- "$1" "$WORK/kube-proxy.log"
}

# log_count_gt PATTERN N: for wait_until, which expands its arguments once.
log_count_gt() {
	[ "$(log_count "$1")" -gt "$2" ]
}

# stop_kp: SIGTERM, then exit 0 within 5 s and nothing left behind.
stop_kp() {
	local i=0 rc pid helpers
	helpers=$(pgrep -P "$SUP_PID")
	kill -TERM "$SUP_PID"
	while kill -0 "$SUP_PID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "supervisor still running 5 s after SIGTERM"
		sleep 0.1
	done
	wait "$SUP_PID"
	rc=$?
	[ $rc -eq 0 ] || fail "supervisor exited $rc after SIGTERM"
	SUP_PID=""
	for pid in $helpers; do
		if kill -0 "$pid" 2>/dev/null; then
			ps -o pid,stat,cmd -p "$pid" >&2
			fail "helper $pid left running (or a zombie) after shutdown"
		fi
	done
	pass "SIGTERM: exit 0 within $((i * 100)) ms, no helper left"
	if nft_mode; then
		log_has "sync: nftables table ip6\{0,1\} kube-proxy: .*: ok in" ||
			fail "nftables mode: no nftables sync in this run"
		no_iptables_written
		pass "nftables mode: synced through nftables; no KUBE- chain in iptables or ip6tables"
	fi
}

# no_iptables_written: nothing of the iptables mode's in the namespace
# (checked at every stop_kp of the nftables mode).  A legacy table made
# by anyone shows as iptables-nft-save's warning.
no_iptables_written() {
	local save
	save=$(ip netns exec "$NS" iptables-nft-save 2>&1; ip netns exec "$NS" ip6tables-nft-save 2>&1)
	case "$save" in
	*KUBE-*|*"legacy tables present"*)
		echo "$save" >&2
		fail "iptables written in nftables mode" ;;
	esac
}

# ---- the test apiserver ------------------------------------------------
APISERVER="$top_srcdir/tests/apiserver/kp-test-apiserver"
API_PID=""

need_apiserver() {
	command -v python3 >/dev/null && [ -x /usr/bin/python3 ] ||
		{ echo "SKIP: no python3 for the test apiserver"; exit 77; }
	command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit 77; }
	command -v curl >/dev/null || { echo "SKIP: no curl"; exit 77; }
}

# start_apiserver ARGS...: TLS with a throwaway CA, token "test-token",
# client certificates from that CA, inside the test's namespace.  The
# helpers read what they need, so $WORK is world-readable.
start_apiserver() {
	chmod 755 "$WORK"
	[ -f "$WORK/certs/ca.crt" ] || sh "$top_srcdir/tests/apiserver/mkcerts.sh" "$WORK/certs" >/dev/null
	chmod 755 "$WORK/certs"; chmod 644 "$WORK/certs"/*
	rm -f "$WORK/api.port" "$WORK/api.cport"
	ip netns exec "$NS" "$APISERVER" --tls-cert "$WORK/certs/server.crt" \
		--tls-key "$WORK/certs/server.key" --client-ca "$WORK/certs/ca.crt" \
		--token test-token ${API_PORT:+--port $API_PORT} \
		--port-file "$WORK/api.port" --control-port-file "$WORK/api.cport" \
		"$@" >>"$WORK/apiserver.log" 2>&1 &
	API_PID=$!
	# (a generated cluster of 30,000 Services takes the generator a while)
	wait_until "${API_START_TIMEOUT:-20}" test -s "$WORK/api.cport" || fail "test apiserver did not start"
	API_PORT=$(cat "$WORK/api.port")
	CTL_PORT=$(cat "$WORK/api.cport")
}

stop_apiserver() {
	[ -n "$API_PID" ] || return 0
	kill "$API_PID" 2>/dev/null
	wait "$API_PID" 2>/dev/null
	API_PID=""
}

# ctl CALL [JSON]: a call to the apiserver's control interface.
ctl() {
	ip netns exec "$NS" curl -sf -X POST -H 'Content-Type: application/json' \
		--data-binary "${2:-{\}}" "http://127.0.0.1:$CTL_PORT/$1" >/dev/null ||
		fail "control call $1 failed"
}

ctl_get() {
	ip netns exec "$NS" curl -sf "http://127.0.0.1:$CTL_PORT/$1"
}

# write_kubeconfig token|cert: a kubeconfig for the test apiserver.
write_kubeconfig() {
	local user
	if [ "$1" = cert ]; then
		user="    client-certificate: certs/client.crt
    client-key: certs/client.key"
	else
		user="    token: test-token"
	fi
	cat >"$WORK/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: certs/ca.crt
users:
- name: kube-proxy
  user:
$user
contexts:
- name: test
  context: {cluster: test, user: kube-proxy}
current-context: test
KC
	chmod 644 "$WORK/kubeconfig"
}
