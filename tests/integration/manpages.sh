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
