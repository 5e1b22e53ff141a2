#!/bin/sh
# nft-<test>.sh: the end-to-end test <test>.sh again, with kube-proxy in
# --proxy-mode=nftables (KP_TEST_PROXY_MODE, read by lib.sh): the same
# packet fates, asserted against the nftables renderer.  Every nft-*.sh
# is this file; its name says which test it runs.
KP_TEST_PROXY_MODE=nftables
export KP_TEST_PROXY_MODE
name=$(basename "$0")
exec "$(dirname "$0")/${name#nft-}" "$@"
