#!/bin/bash
# manpages.sh: mandoc -Tlint finds nothing to warn about in our manuals.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || { echo "SKIP: no mandoc"; exit 77; }
for page in "$top_srcdir"/man/*.[0-9]; do
	# cross references to pages not installed here are not our fault
	out=$(mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'mandoc.db')
	[ -z "$out" ] || fail "$(basename "$page"): $out"
	pass "$(basename "$page") lints clean"
done

# kube-proxy(8) names every upstream flag (as ".Fl -name")
n=0
while IFS=$'\t' read -r short flag type def; do
	case "$short" in "#"*) continue ;; esac
	grep -q -- "Fl -${flag#--}\\b" "$top_srcdir/man/kube-proxy.8" ||
		fail "kube-proxy(8) does not describe $flag"
	n=$((n + 1))
done <"$top_srcdir/tests/fixtures/flags-v1.28.txt"
pass "kube-proxy(8) describes all $n upstream flags"
# kube-proxy.conf(5) names every field of the configuration file
if [ -f "$top_srcdir/man/kube-proxy.conf.5" ]; then
	keys=$("$KP" --write-config-to=/dev/stdout 2>/dev/null |
	    sed -n 's/^ *\([A-Za-z]*\):.*/\1/p' | sort -u)
	[ "$(echo "$keys" | wc -w)" -ge 50 ] || fail "--write-config-to wrote too few keys: $keys"
	for key in $keys; do
		grep -q -- "Cm $key\\b\|Ic $key\\b" "$top_srcdir/man/kube-proxy.conf.5" ||
			fail "kube-proxy.conf(5) does not describe $key"
	done
	pass "kube-proxy.conf(5) describes all $(echo "$keys" | wc -w) keys --write-config-to writes"
fi
