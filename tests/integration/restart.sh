#!/bin/bash
# restart.sh: a helper killed with SIGKILL is back within 2 s, with the
# same credentials, and the others go on undisturbed; a helper that sends
# garbage down a socketpair loses only that connection and is restarted.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns
start_apiserver --generate 3 --nodes 1
write_kubeconfig token
INJECT="$top_builddir/tests/integration/kp-inject"
start_kp --v=2 --kubeconfig="$WORK/kubeconfig"
wait_until 10 helpers_up || fail "helpers did not come up"

readies=3
wait_until 10 log_has "syncer: snapshot" || fail "no first snapshot"
for role in watcher syncer healthd; do
	snaps=$(log_count "syncer: snapshot ")
	old=$(helper_pid $role)
	others=""
	for o in watcher syncer healthd; do
		[ $o = $role ] || others="$others $o=$(helper_pid $o)"
	done
	kill -9 "$old"
	t0=$(date +%s%N)
	wait_until 2 sh -c "p=\$(pgrep -P $SUP_PID -f '^kube-proxy-$role\$'); [ -n \"\$p\" ] && [ \"\$p\" != $old ]" ||
		fail "$role not restarted within 2 s"
	t1=$(date +%s%N)
	readies=$((readies + 1))
	wait_until 5 helpers_up $readies || fail "$role restarted but not ready"
	for o in $others; do
		[ "$(helper_pid ${o%=*})" = "${o#*=}" ] || fail "killing $role restarted ${o%=*}"
	done
	log_has "$role killed by signal 9" || fail "no log line for the death of $role"
	# a new watcher resends everything; a new syncer is sent everything;
	# neither removes anything (no flush)
	if [ $role != healthd ]; then
		wait_until 5 log_count_gt "syncer: snapshot " "$snaps" ||
			fail "no full snapshot after $role restarted"
		last=$(grep 'syncer: snapshot ' "$WORK/kube-proxy.log" | tail -n1)
		case "$last" in
		*": 3 services, 3 endpoint slices, 0 removed") ;;
		*) fail "snapshot after the $role restart: $last" ;;
		esac
	fi
	new=$(helper_pid $role)
	[ "$(status_field "$new" NoNewPrivs)" = 1 ] || fail "restarted $role: NoNewPrivs"
	pass "$role: kill -9 -> back in $(( (t1 - t0) / 1000000 )) ms (pid $old -> $new), others untouched"
done

# Garbage from the watcher's end of its link to the syncer: the syncer
# drops the link and reports it; the supervisor restarts the watcher only.
W=$(helper_pid watcher); S=$(helper_pid syncer); H=$(helper_pid healthd)
"$INJECT" "$W" 4 || fail "could not write into the watcher's link"
wait_until 3 log_has "syncer reports that watcher sent a malformed message" ||
	fail "syncer did not report the garbage"
wait_until 3 sh -c "p=\$(pgrep -P $SUP_PID -f '^kube-proxy-watcher\$'); [ -n \"\$p\" ] && [ \"\$p\" != $W ]" ||
	fail "watcher not restarted after sending garbage"
[ "$(helper_pid syncer)" = "$S" ] || fail "the syncer was restarted too"
[ "$(helper_pid healthd)" = "$H" ] || fail "healthd was restarted too"
readies=$((readies + 1))
wait_until 5 helpers_up $readies || fail "new watcher not ready"
pass "garbage to the syncer: only the watcher restarted"

# Garbage from the syncer's end of its link to healthd.
S=$(helper_pid syncer); W=$(helper_pid watcher)
"$INJECT" "$S" 5 || fail "could not write into the syncer's link"
wait_until 3 log_has "healthd reports that syncer sent a malformed message" ||
	fail "healthd did not report the garbage"
wait_until 3 sh -c "p=\$(pgrep -P $SUP_PID -f '^kube-proxy-syncer\$'); [ -n \"\$p\" ] && [ \"\$p\" != $S ]" ||
	fail "syncer not restarted after sending garbage"
[ "$(helper_pid watcher)" = "$W" ] || fail "the watcher was restarted too"
pass "garbage to healthd: only the syncer restarted"

# Garbage from healthd's end of its link to the supervisor: the
# supervisor closes that link and restarts healthd alone.
H=$(helper_pid healthd); S=$(helper_pid syncer); W=$(helper_pid watcher)
"$INJECT" "$H" 3 || fail "could not write into healthd's supervisor link"
wait_until 3 log_has "restarting healthd (pid $H)" ||
	fail "supervisor did not restart healthd after garbage"
wait_until 3 sh -c "p=\$(pgrep -P $SUP_PID -f '^kube-proxy-healthd\$'); [ -n \"\$p\" ] && [ \"\$p\" != $H ]" ||
	fail "healthd not restarted"
[ "$(helper_pid syncer)" = "$S" ] && [ "$(helper_pid watcher)" = "$W" ] ||
	fail "others restarted too"
pass "garbage to the supervisor: only healthd restarted"

stop_kp
