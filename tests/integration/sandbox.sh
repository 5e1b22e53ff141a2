#!/bin/bash
# sandbox.sh: every helper runs confined (common/sandbox.h), and still
# does its job.
#   - /proc/PID/status of each helper: Seccomp 2 with a filter,
#     NoNewPrivs 1, the capabilities of the privilege split (watcher and
#     healthd none, the syncer exactly CAP_NET_ADMIN); the supervisor's
#     credential log shows seccomp and Landlock for each;
#   - with the default sandbox, a full run against the test apiserver:
#     rules written by iptables-restore under the syncer's filter, real
#     traffic through them, a change applied by a later sync, healthd
#     answering; no helper stopped by its filter;
#   - a stand-in watcher in the watcher's real sandbox (kp-sandbox-probe)
#     can open its token but not /etc/hostname (Landlock), and its
#     forbidden system call (ptrace) is named by the supervisor, which
#     restarts it; with --privsep-seccomp=log the same call is let through.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
net_test_start
ip -n "$NS" route add default via "$OUT_IP" || fail "default route"
start_backend web-1 10.244.0.5 8080
start_backend web-2 10.244.0.6 8080

cat >"$WORK/cluster.json" <<'JSON'
[
 {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"NodePort","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
   "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true},"nodeName":"test-node"}],
  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"test-node"}}
]
JSON
start_apiserver --load "$WORK/cluster.json"
write_kubeconfig token
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --cluster-cidr=10.244.0.0/16
wait_until 20 log_has "supervisor: first sync done" || fail "no first sync"
wait_until 10 helpers_up || fail "helpers did not come up"

CAP_NET_ADMIN=0000000000001000
for role in watcher syncer healthd; do
	pid=$(helper_pid $role)
	[ "$(status_field "$pid" Seccomp)" = 2 ] ||
		fail "$role: Seccomp is '$(status_field "$pid" Seccomp)', want 2"
	[ "$(status_field "$pid" Seccomp_filters)" -ge 1 ] ||
		fail "$role: no seccomp filter"
	[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "$role: NoNewPrivs"
	want=0000000000000000
	[ $role = syncer ] && want=$CAP_NET_ADMIN
	[ "$(status_field "$pid" CapEff)" = "$want" ] ||
		fail "$role: CapEff $(status_field "$pid" CapEff), want $want"
	pass "$role: Seccomp 2 ($(status_field "$pid" Seccomp_filters) filter), NoNewPrivs 1, CapEff $want"
done

# Landlock is reported by each helper (the kernel's /proc does not show it)
LANDLOCK=0
log_has "sandbox: Landlock ABI [0-9]*:" && LANDLOCK=1
kill -USR1 "$SUP_PID"
wait_until 5 log_count_gt 'credentials of healthd' 1 || fail "no credential log on SIGUSR1"
for role in watcher syncer healthd; do
	line=$(grep "credentials of $role" "$WORK/kube-proxy.log" | tail -n 1)
	case "$line" in *"Seccomp: 2; Seccomp_filters: "[1-9]*"; sandbox: seccomp on;"*) ;;
	*) fail "$role: credential line without seccomp: $line" ;; esac
	if [ $LANDLOCK = 1 ]; then
		case "$line" in *"Landlock ABI "[0-9]*", enforced"*) ;;
		*) fail "$role: credential line without Landlock: $line" ;; esac
	else
		case "$line" in *"Landlock not enforced"*) ;;
		*) fail "$role: Landlock status missing: $line" ;; esac
	fi
done
pass "credential log (SIGUSR1): Seccomp 2, seccomp on, Landlock $([ $LANDLOCK = 1 ] && echo enforced || echo 'not in this kernel')"

# the job, under the filters
expect_probe "web-1 $CLIENT_IP" "$NET_CLIENT" 10.96.0.10 80
expect_probe "web-1 $NODE_POD_IP" "$NET_OUT" "$NODE_OUT_IP" 30080
n=$(log_count "iptables-restore of")
ctl apply '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"default","name":"web-1","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.6"],"conditions":{"ready":true},"nodeName":"test-node"}],"ports":[{"name":"http","protocol":"TCP","port":8080}]}'
wait_until 10 log_count_gt "iptables-restore of" "$n" || fail "no sync after the change"
for _ in 1 2 3; do
	expect_probe "web-2 $CLIENT_IP" "$NET_CLIENT" 10.96.0.10 80
done
code=$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:10256/healthz)
[ "$code" = 200 ] || fail "healthd /healthz: $code"
ip netns exec "$NS" curl -sf http://127.0.0.1:10249/metrics | grep -q '^kubeproxy_sync_proxy_rules_duration_seconds_count' ||
	fail "healthd /metrics"
! log_has "outside its seccomp allowlist\|killed by signal\|restarting" ||
	fail "a helper was stopped: $(grep 'seccomp\|signal\|restarting' "$WORK/kube-proxy.log")"
pass "sandboxed: rules applied and changed, ClusterIP and NodePort answered, healthd served; no helper stopped"
stop_kp
stop_apiserver

# ---- a helper that breaks its sandbox ------------------------------------
mkdir "$WORK/helpers"
ln -s "$top_builddir/tests/integration/kp-sandbox-probe" "$WORK/helpers/kube-proxy-watcher"
ln -s "$top_builddir/kube-proxy-syncer" "$WORK/helpers/kube-proxy-syncer"
ln -s "$top_builddir/kube-proxy-healthd" "$WORK/helpers/kube-proxy-healthd"
export KUBE_PROXY_HELPER_DIR="$WORK/helpers"
mv "$WORK/kube-proxy.log" "$WORK/run1.log"
start_kp --v=1 --kubeconfig="$WORK/kubeconfig"
wait_until 10 log_has "watcher: probe: calling ptrace" || fail "the probe did not run"
wait_until 10 log_has "supervisor: .*watcher (pid [0-9]*) made a system call outside its seccomp allowlist: ptrace (101" ||
	fail "the supervisor did not name the forbidden call"
log_has "watcher: probe: ptrace returned" && fail "ptrace ran under the filter"
wait_until 10 log_has "supervisor: .*watcher exited with code 159 (a system call outside its seccomp allowlist)" ||
	fail "the exit was not reported"
wait_until 10 log_has "watcher: probe: generation 2: behaving" || fail "the watcher was not restarted"
pass "a forbidden call (ptrace) refused, named by the supervisor; the helper restarted"

log_has "watcher: probe: open $WORK/kubeconfig: allowed" || fail "the probe could not read its token"
if [ $LANDLOCK = 1 ]; then
	log_has "watcher: probe: open /etc/hostname: Permission denied" ||
		fail "Landlock let the watcher open /etc/hostname: $(grep 'probe: open' "$WORK/kube-proxy.log")"
	pass "Landlock: the watcher opens its token's directory, not /etc/hostname"
else
	echo "note: no Landlock in this kernel; its assertion skipped"
fi
stop_kp

mv "$WORK/kube-proxy.log" "$WORK/run2.log"
start_kp --v=1 --kubeconfig="$WORK/kubeconfig" --privsep-seccomp=log
wait_until 10 log_has "watcher: probe: ptrace returned" ||
	fail "--privsep-seccomp=log: the call was not let through"
log_has "sandbox: seccomp log: " || fail "no log-mode line"
! log_has "outside its seccomp allowlist" || fail "log mode stopped the helper"
pid=$(helper_pid watcher)
[ "$(status_field "$pid" Seccomp)" = 2 ] || fail "log mode: no filter"
pass "--privsep-seccomp=log: the filter logs and allows"
stop_kp
unset KUBE_PROXY_HELPER_DIR
