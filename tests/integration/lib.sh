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
	if [ -n "$SUP_PID" ] && kill -0 "$SUP_PID" 2>/dev/null; then
		for pid in $(pgrep -P "$SUP_PID"); do kill -9 "$pid" 2>/dev/null; done
		kill -9 "$SUP_PID" 2>/dev/null
		wait "$SUP_PID" 2>/dev/null
	fi
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -f "$WORK/kube-proxy.log" ]; then
		echo "--- kube-proxy log (last 60 lines) ---" >&2
		tail -n 60 "$WORK/kube-proxy.log" >&2
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

# start_kp ARGS...: the supervisor in the test's namespace, logging to
# $WORK/kube-proxy.log.
start_kp() {
	ip netns exec "$NS" "$KP" --hostname-override=test-node "$@" \
		>"$WORK/kube-proxy.log" 2>&1 &
	SUP_PID=$!
}

# wait_until SECONDS CMD...: poll every 0.1 s until CMD succeeds.
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
}
