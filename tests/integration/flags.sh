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

# bad values: exit 1, the flag and the value in the message
bad() {
	local out rc
	out=$("$KP" "$@" 2>&1 </dev/null)
	rc=$?
	[ $rc -eq 1 ] || fail "$*: exit $rc, want 1 ($out)"
	echo "$out" | grep -q -- "$2" || fail "$*: message does not name $2: $out"
	pass "$* -> $(echo "$out" | head -n1)"
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
bad --config=/nonexistent/kube-proxy.yaml "config"
