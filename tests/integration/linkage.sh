#!/bin/bash
# linkage.sh: each program links only what its job needs.  The syncer and
# healthd must not link libcurl or OpenSSL; only the watcher talks TLS.
. "$(dirname "$0")/lib.sh"

needed() {
	readelf -d "$top_builddir/$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

command -v readelf >/dev/null || { echo "SKIP: no readelf"; exit 77; }
for prog in kube-proxy-syncer kube-proxy-healthd kube-proxy; do
	libs=$(needed $prog | tr '\n' ' ')
	[ -n "$libs" ] || fail "$prog: no NEEDED entries read"
	case " $libs" in
	*" libcurl"*|*" libssl"*|*" libcrypto"*)
		fail "$prog links TLS or HTTP code: $libs" ;;
	esac
	pass "$prog: $libs"
done
for prog in kube-proxy-watcher kube-proxy-healthd kube-proxy; do
	case " $(needed $prog | tr '\n' ' ')" in
	*" libnftables"*|*" libnetfilter_conntrack"*)
		fail "$prog links kernel-rule libraries" ;;
	esac
done
pass "only the syncer may link libnftables and libnetfilter_conntrack"
