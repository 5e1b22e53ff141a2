/*
 * apply_nft.c: see apply_nft.h.
 */

#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "apply_nft.h"
#include "render_nft.h"

/*
 * libnftables' error text: "<cmdline>:LINE:COL-COL: Error: WHY\n<the
 * line>\n<carets>\n", perhaps several.  The first one goes into res.
 */
static void
take_error(const char *e, struct apply_result *res)
{
	const char *nl, *p;
	size_t n;
	long line;

	if (e == NULL || *e == '\0') {
		snprintf(res->err, sizeof(res->err), "nft: the transaction "
		    "was refused");
		return;
	}
	nl = strchr(e, '\n');
	n = nl != NULL ? (size_t)(nl - e) : strlen(e);
	if (n >= sizeof(res->err))
		n = sizeof(res->err) - 1;
	memcpy(res->err, e, n);
	res->err[n] = '\0';
	/* "<cmdline>:12:3-40: Error: ..." */
	if ((p = strchr(e, ':')) != NULL && sscanf(p + 1, "%ld:", &line) == 1)
		res->line = line;
	if (nl != NULL && res->line > 0) {
		p = nl + 1;
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(res->line_text))
			n = sizeof(res->line_text) - 1;
		memcpy(res->line_text, p, n);
		res->line_text[n] = '\0';
	}
}

static int
dry_run(const char *script, struct apply_result *res)
{
	struct nft_ctx *nft;
	uint64_t t0 = apply_now_ns();
	int rc;

	apply_result_reset(res);
	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		snprintf(res->err, sizeof(res->err), "cannot make an nftables "
		    "context");
		return -1;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	nft_ctx_set_dry_run(nft, true);
	rc = nft_run_cmd_from_buffer(nft, script);
	res->duration_ns = apply_now_ns() - t0;
	res->status = rc == 0 ? 0 : 1;
	if (rc != 0)
		take_error(nft_ctx_get_error_buffer(nft), res);
	else
		res->ok = true;
	nft_ctx_free(nft);
	return rc == 0 ? 0 : -1;
}

int
apply_nft_probe(int family, struct apply_result *res)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "add table %s " NFT_TABLE_NAME,
	    family == AF_INET6 ? "ip6" : "ip");
	return dry_run(cmd, res);
}
