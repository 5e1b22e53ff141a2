#!/bin/bash
# systemd-units.sh: the unit, sysusers.d and tmpfiles.d files are what
# systemd accepts: `systemd-analyze verify` is clean, the unit's exposure
# (`systemd-analyze security --offline=true`) stays at or below the
# figure the README records, the capability bounding set is exactly the
# one kube-proxy-privsep(7) explains, and systemd-sysusers and
# systemd-tmpfiles take the other two files.  Skips what is not
# installed.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }

# The unit as `make` generates it, pointing at the build tree's binary
# (verify checks that ExecStart= is executable).
unit="$WORK/kube-proxy.service"
sed -e "s|@sbindir@|$top_builddir|g" "$top_srcdir/systemd/kube-proxy.service.in" >"$unit"
grep -q '@[a-z]*@' "$unit" && fail "unsubstituted @...@ left in the unit"
out=$(systemd-analyze verify --man=no "$unit" 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "verify is not clean: $out"
pass "systemd-analyze verify: clean"

for want in Type=notify NotifyAccess=main WatchdogSec= NoNewPrivileges=yes \
    ProtectSystem=strict RestartPreventExitStatus=78; do
	grep -q "^$want" "$unit" || fail "the unit lacks $want"
done
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$caps" = "CAP_CHOWN CAP_KILL CAP_NET_ADMIN CAP_NET_RAW CAP_SETGID CAP_SETPCAP CAP_SETUID " ] ||
	fail "CapabilityBoundingSet changed: $caps (update kube-proxy-privsep(7) and this test)"
pass "Type=notify with a watchdog; bounding set: $caps"

# The README's figure, x10 (--threshold is 0-100): a change that raises
# the exposure fails here until the README says so.
fig=$(sed -n 's/.*exposure level[^0-9]*\([0-9]\)\.\([0-9]\).*/\1\2/p' "$top_srcdir/README.md" | head -n1)
[ -n "$fig" ] || fail "the README records no exposure figure"
out=$(systemd-analyze security --offline=true "$unit" 2>&1 | tail -n1)
echo "$out" | grep -q 'Overall exposure level' || fail "security: $out"
systemd-analyze security --offline=true --threshold="$fig" "$unit" >/dev/null 2>&1 ||
	fail "exposure above the README's $((fig / 10)).$((fig % 10)): $out"
pass "security: ${out#→ } (README: $((fig / 10)).$((fig % 10)))"

if command -v systemd-sysusers >/dev/null; then
	out=$(systemd-sysusers --dry-run "$top_srcdir/systemd/kube-proxy.sysusers" 2>&1) ||
		fail "systemd-sysusers: $out"
	echo "$out" | grep -qi -e 'not a valid' -e 'ignoring' && fail "systemd-sysusers: $out"
	for u in watcher syncer healthd; do
		# created, or there already
		echo "$out" | grep -q "user 'kube-proxy-$u'" || getent passwd "kube-proxy-$u" >/dev/null ||
			fail "no kube-proxy-$u in sysusers: $out"
	done
	pass "sysusers.d: three helper users"
fi
if command -v systemd-tmpfiles >/dev/null; then
	mkdir -p "$WORK/root/run"
	out=$(systemd-tmpfiles --root="$WORK/root" --create "$top_srcdir/systemd/kube-proxy.tmpfiles" 2>&1) ||
		fail "systemd-tmpfiles: $out"
	[ -f "$WORK/root/run/xtables.lock" ] || fail "tmpfiles.d made no /run/xtables.lock"
	[ "$(stat -c %a "$WORK/root/run/xtables.lock")" = 600 ] || fail "xtables.lock mode"
	pass "tmpfiles.d: /run/xtables.lock"
fi
