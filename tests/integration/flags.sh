#!/bin/bash
# flags.sh: the command line as a user of upstream's sees it.  Every flag
# of upstream v1.28 (tests/fixtures/flags-v1.28.txt) appears in --help;
# --version prints upstream's form; bad values stop startup, exit 1,
# naming the flag and the value.
. "$(dirname "$0")/lib.sh"

"$KP" --help >"$WORK/help" 2>&1 || fail "--help exited non-zero"
n=0
while IFS=$'\t' read -r short flag type def; do
	case "$short" in "#"*) continue ;; esac
	grep -q -- "$flag[ =]" "$WORK/help" || grep -q -- "$flag\$" "$WORK/help" ||
		fail "$flag missing from --help"
	n=$((n + 1))
done <"$top_srcdir/tests/fixtures/flags-v1.28.txt"
[ $n -eq 59 ] || fail "read $n flags from the list, want 59"
pass "all $n upstream flags in --help"

"$KP" --version >"$WORK/version" || fail "--version exited non-zero"
grep -q '^Kubernetes v1\.28\.' "$WORK/version" || fail "--version: $(cat "$WORK/version")"
pass "--version: $(head -n1 "$WORK/version")"

# bad ARG PATTERN: ARG alone stops startup, exit 1, the message matching
# PATTERN (the flag, or the value)
bad() {
	local out rc
	# no helpers to be found: should a value be taken after all, nothing
	# starts here in the host's namespace (--proxy-mode=ipvs once did)
	out=$(KUBE_PROXY_HELPER_DIR=/nonexistent "$KP" "$1" 2>&1 </dev/null)
	rc=$?
	[ $rc -eq 1 ] || fail "$1: exit $rc, want 1 ($out)"
	echo "$out" | grep -q -- "$2" || fail "$1: message does not name $2: $out"
	echo "$out" | grep -q 'does not take any arguments' && [ "$1" != positional ] &&
		fail "$1: refused as a positional argument: $out"
	pass "$1 -> $(echo "$out" | head -n1)"
}
bad --oom-score-adj=abc "oom-score-adj"
bad --oom-score-adj=-1001 "oom"
bad --iptables-masquerade-bit=40 "asquerade"
bad --iptables-sync-period=10 "iptables-sync-period"
bad --healthz-bind-address=nonsense "ealthz"
bad --proxy-mode=userspace "userspace"
bad --no-such-flag "no-such-flag"
bad --cluster-cidr=10.0.0.0/33 "10.0.0.0/33"
bad positional "positional"
bad --proxy-mode=ipvs "use \"iptables\""
bad --config=/nonexistent/kube-proxy.yaml "config"
bad --write-config-to=/nonexistent/dir/kp.yaml "write-config-to"

# Every flag of the list accepted with a valid value (--flag=value and
# --flag value), and, for a config field, found in what
# --write-config-to writes; then a bad value of each that has one stops
# startup, exit 1, naming the flag.  Columns: flag, good value, a line
# expected in the written configuration ("-": not a config field), bad
# value ("-": any string is valid).
"$KP" --write-config-to="$WORK/base.yaml" 2>/dev/null || fail "--write-config-to failed"
while IFS='|' read -r flag good want bad; do
	case "$flag" in "#"*|"") continue ;; esac
	printf '%s\n' "$flag" >>"$WORK/tabled"
	good=${good//@WORK@/$WORK}
	bad=${bad//@WORK@/$WORK}
	rm -f "$WORK/w.yaml"
	case "$flag" in
	--help|--version)
		out=$("$KP" "$flag=$good" 2>&1) || fail "$flag=$good: exit $?: $out"
		continue ;;
	--write-config-to)
		"$KP" "$flag=$good" >/dev/null 2>&1 && [ -s "$good" ] ||
			fail "$flag=$good wrote nothing"
		continue ;;
	esac
	out=$("$KP" "$flag=$good" --write-config-to="$WORK/w.yaml" 2>&1) ||
		fail "$flag=$good refused: $out"
	if [ "$want" != - ]; then
		grep -qxF -- "$want" "$WORK/w.yaml" ||
			fail "$flag=$good: no \"$want\" in the written configuration"
	fi
	# the two-word form, for flags that take a value
	case "$good" in true|false) ;; *)
		"$KP" "$flag" "$good" --write-config-to="$WORK/w2.yaml" >/dev/null 2>&1 ||
			fail "$flag $good (two words) refused" ;;
	esac
	[ "$bad" = - ] && continue
	out=$("$KP" "$flag=$bad" --write-config-to="$WORK/b.yaml" 2>&1 </dev/null)
	rc=$?
	[ $rc -eq 1 ] || fail "$flag=$bad: exit $rc, want 1 ($out)"
	name=${flag#--}
	echo "$out" | grep -q -- "${name//[-_]/[-_]}" ||
		fail "$flag=$bad: the message does not name the flag: $out"
	[ -e "$WORK/b.yaml" ] && fail "$flag=$bad: a configuration was written"
	nbad=$((${nbad:-0} + 1))
done <<'TABLE'
--add_dir_header|true|-|maybe
--alsologtostderr|false|-|2
--bind-address|10.1.2.3|bindAddress: 10.1.2.3|10.1.2
--bind-address-hard-fail|true|bindAddressHardFail: true|yes
--boot-id-file|/proc/sys/kernel/random/boot_id|-|-
--cleanup|true|-|nope
--cluster-cidr|10.244.0.0/16|clusterCIDR: 10.244.0.0/16|10.244.0.0/33
--config|@WORK@/base.yaml|-|@WORK@/none.yaml
--config-sync-period|1m|configSyncPeriod: 1m0s|0s
--conntrack-max-per-core|0|  maxPerCore: 0|-1
--conntrack-min|1000|  min: 1000|many
--conntrack-tcp-timeout-close-wait|90s|  tcpCloseWaitTimeout: 1m30s|-1s
--conntrack-tcp-timeout-established|0|  tcpEstablishedTimeout: 0s|1d
--detect-local-mode|NodeCIDR|detectLocalMode: NodeCIDR|PodCIDR
--feature-gates|TopologyAwareHints=false|  TopologyAwareHints: false|NoSuchGate=true
--healthz-bind-address|127.0.0.1:10256|healthzBindAddress: 127.0.0.1:10256|127.0.0.1:99999
--help|true|-|-
--hostname-override|Node-A|hostnameOverride: node-a|   
--iptables-masquerade-bit|10|  masqueradeBit: 10|32
--iptables-min-sync-period|500ms|  minSyncPeriod: 500ms|-1s
--iptables-sync-period|1m|  syncPeriod: 1m0s|0
--ipvs-exclude-cidrs|10.9.0.0/16,10.8.0.0/16|  - 10.8.0.0/16|-
--ipvs-min-sync-period|5s|  minSyncPeriod: 5s|5x
--ipvs-scheduler|wrr|  scheduler: wrr|-
--ipvs-strict-arp|true|  strictARP: true|si
--ipvs-sync-period|45s|  syncPeriod: 45s|forever
--ipvs-tcp-timeout|1m|  tcpTimeout: 1m0s|1
--ipvs-tcpfin-timeout|2m|  tcpFinTimeout: 2m0s|1
--ipvs-udp-timeout|3m|  udpTimeout: 3m0s|1
--kube-api-burst|20|  burst: 20|-1
--kube-api-content-type|application/json|  contentType: application/json|-
--kube-api-qps|2.5|  qps: 2.5|fast
--kubeconfig|/etc/kubernetes/kube-proxy.conf|  kubeconfig: /etc/kubernetes/kube-proxy.conf|-
--log_backtrace_at|proxier.go:10|-|proxier.go
--log_dir|@WORK@|-|-
--log_file|@WORK@/kp.log|-|-
--log_file_max_size|100|-|-1
--logtostderr|true|-|maybe
--machine-id-file|/etc/machine-id|-|-
--masquerade-all|true|  masqueradeAll: true|all
--master|https://127.0.0.1:6443|-|-
--metrics-bind-address|0.0.0.0:10249|metricsBindAddress: 0.0.0.0:10249|localhost:x
--nodeport-addresses|10.0.0.0/8|- 10.0.0.0/8|10.0.0.0
--one_output|true|-|maybe
--oom-score-adj|-500|oomScoreAdj: -500|1001
--pod-bridge-interface|cbr0|  bridgeInterface: cbr0|-
--pod-interface-name-prefix|veth|  interfaceNamePrefix: veth|-
--profiling|true|enableProfiling: true|maybe
--proxy-mode|iptables|mode: iptables|userspace
--proxy-port-range|30000-30010|portRange: 30000-30010|30010-30000
--show-hidden-metrics-for-version|1.27|showHiddenMetricsForVersion: "1.27"|1.26
--skip_headers|true|-|maybe
--skip_log_headers|true|-|maybe
--stderrthreshold|WARNING|-|LOUD
--udp-timeout|2s|-|2
--v|3|  verbosity: 3|-1
--version|true|-|-
--vmodule|proxier=4|  - filePattern: proxier|proxier
--write-config-to|@WORK@/wc.yaml|-|-
TABLE
while IFS=$'\t' read -r short flag type def; do
	case "$short" in "#"*) continue ;; esac
	grep -qxF -- "$flag" "$WORK/tabled" || fail "$flag: not in the table of values"
done <"$top_srcdir/tests/fixtures/flags-v1.28.txt"
pass "every upstream flag accepted with a valid value (config fields seen in --write-config-to)"
[ "${nbad:-0}" -ge 45 ] || fail "only ${nbad:-0} bad values checked"
pass "$nbad bad values refused, exit 1, naming the flag"

# our own flags and upstream's that the seed list lacks
for f in --iptables-localhost-nodeports=false --logging-format=text \
    --log-flush-frequency=1s --privsep-watcher-user=nobody \
    --privsep-syncer-user=65502 --privsep-healthd-user=65503:65503 \
    --iptables-backend=nft; do
	out=$("$KP" "$f" --write-config-to="$WORK/w.yaml" 2>&1) || fail "$f refused: $out"
done
bad --iptables-backend=ebtables "iptables-backend"
bad --logging-format=json "logging-format"
pass "our flags accepted"

# --config-sync-period is a config field: with --config it is ignored,
# with a warning naming it, as upstream
out=$("$KP" --config="$WORK/base.yaml" --config-sync-period=1m \
    --write-config-to="$WORK/w.yaml" 2>&1) || fail "--config with a flag: $out"
echo "$out" | grep -q 'flags are ignored.*--config-sync-period' ||
	fail "no warning naming the ignored --config-sync-period: $out"
grep -qx 'configSyncPeriod: 15m0s' "$WORK/w.yaml" || fail "--config-sync-period applied over --config"
pass "--config: config flags ignored with a warning"

# klog's flags (kube-proxy(8), LOGGING); --write-config-to makes each run
# stop after start-up logging
run_log() { "$KP" "$@" --write-config-to="$WORK/w.yaml" 2>&1; }
run_log | grep -q 'FLAG: --' && fail "FLAG lines at -v=0"
run_log -v=1 | grep -q 'FLAG: --iptables-sync-period="30s"$' || fail "-v=1: no FLAG lines"
out=$(run_log --vmodule=startlog=1)
echo "$out" | grep -q 'startlog.c:[0-9]*\] supervisor: FLAG: --vmodule="startlog=1"' ||
	fail "--vmodule=startlog=1 did not enable startlog.c's V(1): $out"
run_log --vmodule=children=1 | grep -q 'FLAG: --' && fail "--vmodule matched another file"
run_log --skip_headers | grep -q '^supervisor: Wrote configuration' || fail "--skip_headers: headers left"
run_log --add_dir_header | grep -q '^I.* supervisor/main\.c:[0-9]*\] supervisor: Wrote' ||
	fail "--add_dir_header: no directory in the header"
out=$(run_log --logtostderr=false --log_file="$WORK/kp.log")
[ -z "$out" ] || fail "--logtostderr=false --log_file: still on stderr: $out"
grep -q '^Log file created at: ' "$WORK/kp.log" && grep -q 'supervisor: Wrote configuration' "$WORK/kp.log" ||
	fail "--log_file: $(cat "$WORK/kp.log")"
run_log --logtostderr=false --log_file="$WORK/kp2.log" --skip_log_headers >/dev/null
grep -q '^Log file created' "$WORK/kp2.log" && fail "--skip_log_headers: header written"
run_log --log_file="$WORK/kp3.log" | grep -q 'Wrote configuration' || fail "--log_file without --logtostderr=false took stderr"
[ -e "$WORK/kp3.log" ] && fail "--log_file used although --logtostderr is true"
run_log --logtostderr=false --log_dir="$WORK" >/dev/null
grep -q 'Wrote configuration' "$WORK/kube-proxy.log" || fail "--log_dir: no kube-proxy.log"
echo 0123456789abcdef >"$WORK/machine-id"
run_log --machine-id-file="$WORK/none,$WORK/machine-id" --boot-id-file=/proc/sys/kernel/random/boot_id |
	grep -q "machine-id 0123456789abcdef (from $WORK/machine-id)" || fail "--machine-id-file: first readable not logged"
pass "klog flags: -v, --vmodule, --skip_headers, --add_dir_header, --logtostderr, --log_file, --log_dir, --skip_log_headers; machine-id logged"
