/*
 * nft_cleanup.c: see nft_cleanup.h.  Through libnftables, over netlink:
 * no nft(8) process.  A table that is not there is not an error.
 */

#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "log.h"
#include "nft_cleanup.h"

#define NFT_TABLE	"kube-proxy"

/* Whether the family has our table: listing tables changes nothing. */
static int
has_table(struct nft_ctx *nft, const char *family, char *err, size_t errlen)
{
	char cmd[64], want[64];
	const char *out;

	snprintf(cmd, sizeof(cmd), "list tables %s", family);
	if (nft_run_cmd_from_buffer(nft, cmd) != 0) {
		snprintf(err, errlen, "nft %s: %s", cmd,
		    nft_ctx_get_error_buffer(nft));
		return -1;
	}
	out = nft_ctx_get_output_buffer(nft);
	snprintf(want, sizeof(want), "table %s %s\n", family, NFT_TABLE);
	return out != NULL && strstr(out, want) != NULL;
}

int
nft_cleanup(struct audit *audit, char *err, size_t errlen)
{
	static const char *const families[] = { "ip", "ip6" };
	struct nft_ctx *nft;
	char cmd[64];
	size_t i;
	int rc = 0, has;

	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		snprintf(err, errlen, "cannot make an nftables context");
		return -1;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if ((has = has_table(nft, families[i], err, errlen)) < 0) {
			rc = -1;
			break;
		}
		if (!has)
			continue;
		snprintf(cmd, sizeof(cmd), "delete table %s %s", families[i],
		    NFT_TABLE);
		if (nft_run_cmd_from_buffer(nft, cmd) != 0) {
			snprintf(err, errlen, "nft %s: %s", cmd,
			    nft_ctx_get_error_buffer(nft));
			rc = -1;
			break;
		}
		audit_record(audit, KP_AUDIT_CLEANUP, true, "cleanup: nftables "
		    "table %s %s deleted", families[i], NFT_TABLE);
	}
	nft_ctx_free(nft);
	return rc;
}
