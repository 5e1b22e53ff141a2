#!/bin/bash
# logging.sh: klog's file flags with the real helpers running.
#   - --logtostderr=false --log_file: the four processes' lines in one
#     file (the helpers inherit it); on stderr only what is at or above
#     --stderrthreshold (default 2, ERROR): here, nothing;
#   - --stderrthreshold=1: the warnings (a helper killed) on stderr too;
#   - --alsologtostderr: every line on stderr as well;
#   - --log_file_max_size=1: past 1 MB the file starts over, with its
#     header and a line saying so.
. "$(dirname "$0")/lib.sh"
need_root
need_apiserver
make_netns
start_apiserver --generate 3 --nodes 1
write_kubeconfig token
F="$WORK/kp-file.log"
# helpers_up reads stderr; here the lines are in the file
up_in_file() {
	local r p
	for r in watcher syncer healthd; do
		p=$(helper_pid $r) && grep -q "$r ready (pid $p)" "$F" || return 1
	done
}

roles_in() {	# every process has lines in the file
	local r
	for r in supervisor watcher syncer healthd; do
		grep -q "\] $r: " "$1" || return 1
	done
}
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --logtostderr=false --log_file="$F"
wait_until 20 roles_in "$F" || fail "not every process logs to the file: $(cut -c1-100 "$F" | tail -n 5)"
wait_until 20 grep -q "audit: CAP_NET_ADMIN: full sync" "$F" || fail "no sync in the file"
grep -q '^Log file created at: ' "$F" || fail "no klog header"
grep -q "^I" "$WORK/kube-proxy.log" && fail "info lines on stderr: $(head -n 3 "$WORK/kube-proxy.log")"
# a warning stays off stderr at the default threshold (ERROR)
kill -9 "$(helper_pid healthd)"
wait_until 5 grep -q "^W.*healthd killed by signal 9" "$F" || fail "the warning is not in the file"
grep -q "healthd killed" "$WORK/kube-proxy.log" && fail "a warning on stderr below the threshold"
stop_kp
pass "--logtostderr=false --log_file: all four processes in the file, stderr quiet below ERROR"

start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --logtostderr=false --log_file="$F" --stderrthreshold=1
wait_until 20 up_in_file || fail "helpers not up"
kill -9 "$(helper_pid healthd)"
wait_until 5 grep -q "^W.*healthd killed by signal 9" "$WORK/kube-proxy.log" ||
	fail "--stderrthreshold=1: the warning is not on stderr"
grep -q "^I" "$WORK/kube-proxy.log" && fail "--stderrthreshold=1: info lines on stderr"
stop_kp
pass "--stderrthreshold=1: warnings on stderr too, info lines in the file only"

n0=$(grep -c "syncer: audit: CAP_NET_ADMIN: full sync" "$F")
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --logtostderr=false --log_file="$F" --alsologtostderr
wait_until 20 grep -q "syncer: audit: CAP_NET_ADMIN: full sync" "$WORK/kube-proxy.log" ||
	fail "--alsologtostderr: the syncer's lines are not on stderr"
n=$(grep -c "syncer: audit: CAP_NET_ADMIN: full sync" "$F")
[ "$n" -gt "$n0" ] || fail "--alsologtostderr: the line is not in the file too ($n0 -> $n syncs in it)"
stop_kp
pass "--alsologtostderr: every line on stderr and in the file"

start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --logtostderr=false --log_file="$F" --log_file_max_size=1
wait_until 20 up_in_file || fail "helpers not up"
head -c 1200000 /dev/zero | tr '\0' 'x' >>"$F"
small() { [ "$(stat -c %s "$F")" -lt 1048576 ]; }
wait_until 15 small || fail "--log_file_max_size=1: the file was not started over ($(stat -c %s "$F") bytes)"
wait_until 5 grep -q "log file started over: it had reached" "$F" || fail "no line saying the file started over"
grep -q '^Log file created at: ' "$F" || fail "no header after starting over"
kill -9 "$(helper_pid healthd)"
wait_until 5 grep -q "restarting healthd" "$F" || fail "the processes do not write to the file after it started over"
stop_kp
pass "--log_file_max_size=1: past 1 MB the file starts over, header and note, everyone writing on"
