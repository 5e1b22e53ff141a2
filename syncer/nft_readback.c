/*
 * nft_readback.c: see nft_readback.h.  Two netlink dumps (chains, sets)
 * of the family; entries of other tables are skipped.
 */

#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "netaddr.h"
#include "nft_readback.h"
#include "render_nft.h"
#include "xmalloc.h"

struct rb {
	char	  kind;
	bool	  seen;		/* an object of our table */
	void	(*cb)(char, const char *, void *);
	void	 *arg;
};

static int
on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct rb *r = data;
	const char *table, *name;

	if (r->kind == 'c') {
		struct nftnl_chain *c = nftnl_chain_alloc();

		if (nftnl_chain_nlmsg_parse(nlh, c) == 0) {
			table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
			name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
			if (table != NULL && name != NULL &&
			    strcmp(table, NFT_TABLE_NAME) == 0)
				r->cb('c', name, r->arg);
		}
		nftnl_chain_free(c);
	} else if (r->kind == 's') {
		struct nftnl_set *s = nftnl_set_alloc();

		if (nftnl_set_nlmsg_parse(nlh, s) == 0) {
			table = nftnl_set_get_str(s, NFTNL_SET_TABLE);
			name = nftnl_set_get_str(s, NFTNL_SET_NAME);
			if (table != NULL && name != NULL &&
			    strcmp(table, NFT_TABLE_NAME) == 0)
				r->cb('s', name, r->arg);
		}
		nftnl_set_free(s);
	} else {
		struct nftnl_table *t = nftnl_table_alloc();

		if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
			name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
			if (name != NULL && strcmp(name, NFT_TABLE_NAME) == 0)
				r->seen = true;
		}
		nftnl_table_free(t);
	}
	return MNL_CB_OK;
}

static int
dump(struct mnl_socket *nl, uint16_t type, uint16_t family, struct rb *r)
{
	char *buf = xmalloc(MNL_SOCKET_BUFFER_SIZE * 8);
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL), port = mnl_socket_get_portid(nl);
	ssize_t n;
	int rc;

	nlh = nftnl_nlmsg_build_hdr(buf, type, family, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		free(buf);
		return -1;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE * 8);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		rc = mnl_cb_run(buf, (size_t)n, seq, port, on_msg, r);
		if (rc <= MNL_CB_STOP)
			break;
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

int
nft_readback(int kpf, void (*cb)(char, const char *, void *), void *arg)
{
	uint16_t family = kpf == KP_AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	struct rb r = { .kind = 't', .cb = cb, .arg = arg };
	struct mnl_socket *nl;
	int rc = -1;

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	if (dump(nl, NFT_MSG_GETTABLE, family, &r) != 0)
		goto out;
	if (!r.seen) {
		rc = 0;
		goto out;
	}
	r.kind = 'c';
	if (dump(nl, NFT_MSG_GETCHAIN, family, &r) != 0)
		goto out;
	r.kind = 's';
	if (dump(nl, NFT_MSG_GETSET, family, &r) != 0)
		goto out;
	rc = 1;
out:
	mnl_socket_close(nl);
	return rc;
}
