#!/bin/bash
# privsep.sh: each helper runs with exactly the credentials the design
# gives it, as the kernel reports them in /proc/PID/status.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns
start_apiserver --generate 3 --nodes 1
write_kubeconfig token
start_kp --v=2 --kubeconfig="$WORK/kubeconfig"
wait_until 10 helpers_up || fail "helpers did not come up"

W=$(helper_pid watcher); S=$(helper_pid syncer); H=$(helper_pid healthd)
CAP_NET_ADMIN=0000000000001000
declare -A uids

for role in watcher syncer healthd; do
	pid=$(helper_pid $role)
	uid=$(status_field "$pid" Uid); gid=$(status_field "$pid" Gid)
	set -- $uid
	[ "$1" != 0 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ] ||
		fail "$role: Uid '$uid' is not one unprivileged uid"
	uids[$role]=$1
	set -- $gid
	[ "$1" != 0 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ] ||
		fail "$role: Gid '$gid' is not one unprivileged gid"
	[ -z "$(status_field "$pid" Groups)" ] ||
		fail "$role: supplementary groups '$(status_field "$pid" Groups)'"
	[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "$role: NoNewPrivs not 1"
	want=0000000000000000
	[ $role = syncer ] && want=$CAP_NET_ADMIN
	for set in CapEff CapPrm CapAmb CapBnd; do
		got=$(status_field "$pid" $set)
		[ "$got" = "$want" ] || fail "$role: $set is $got, want $want"
	done
	[ "$(status_field "$pid" CapInh)" = "$want" ] || fail "$role: CapInh"
	pass "$role: uid $1, no groups, NoNewPrivs 1, capabilities $want"
done

[ "${uids[watcher]}" != "${uids[syncer]}" ] &&
	[ "${uids[syncer]}" != "${uids[healthd]}" ] &&
	[ "${uids[watcher]}" != "${uids[healthd]}" ] ||
	fail "helpers share a uid: ${uids[*]}"
pass "three distinct uids: ${uids[*]}"

# Not dumpable: the kernel then makes /proc/PID/* belong to root.
[ "$(stat -c %u /proc/$S/status)" = 0 ] || fail "syncer is dumpable"
[ "$(stat -c %u /proc/$W/status)" = "${uids[watcher]}" ] ||
	fail "watcher's /proc entry not owned by its uid (test is broken)"
pass "syncer not dumpable"

# Each helper's oom_score_adj: the watcher goes first.
ow=$(cat /proc/$W/oom_score_adj); os=$(cat /proc/$S/oom_score_adj)
oh=$(cat /proc/$H/oom_score_adj); osup=$(cat /proc/$SUP_PID/oom_score_adj)
[ "$ow" -gt "$oh" ] && [ "$oh" -gt "$os" ] && [ "$os" -ge "$osup" ] ||
	fail "oom_score_adj order wrong: watcher $ow healthd $oh syncer $os supervisor $osup"
pass "oom_score_adj: watcher $ow > healthd $oh > syncer $os >= supervisor $osup"

# The supervisor logged everyone's credentials from /proc.
wait_until 5 log_has "credentials of syncer" || fail "no credentials logged"
kill -USR1 "$SUP_PID"
wait_until 5 log_count_gt 'credentials of syncer' 1 ||
	fail "SIGUSR1 did not log credentials"
pass "credentials logged at start and on SIGUSR1"

stop_kp
