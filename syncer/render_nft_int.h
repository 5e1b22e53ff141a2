/*
 * render_nft_int.h: what render_nft.c and render_nft_service.c share.
 * Not an API.
 */
#ifndef KP_RENDER_NFT_INT_H
#define KP_RENDER_NFT_INT_H

#include "render_int.h"
#include "render_nft.h"

/* The maps (and the one set) whose elements every sync rewrites. */
enum {
	NFT_M_SERVICE_IPS,	/* addr . proto . port : goto chain */
	NFT_M_SERVICE_NODEPORTS,	/* proto . port : goto chain */
	NFT_M_NOEP_SERVICES,	/* cluster IPs: goto reject-chain | drop */
	NFT_M_NOEP_EXTERNAL,	/* external and LB IPs: the same */
	NFT_M_NOEP_NODEPORTS,	/* proto . port: the same */
	NFT_M_FIREWALL_IPS,	/* LB IP . proto . port : goto firewall-X */
	NFT_M_HAIRPIN,		/* set: endpoint . endpoint */
	NFT_NMAPS
};

extern const char *const nft_map_names[NFT_NMAPS];

struct nft_ctx {
	struct render_ctx	 rc;	/* for render_collect/_categorize */
	const struct render_params *p;
	struct render_counts	*counts;
	const struct nft_names	*prev;
	struct nft_names	*now;
	bool			 partial;
	const char		*fam;		/* "ip", "ip6" */
	const char		*addr_type;	/* "ipv4_addr", ... */
	char			 mark[16];	/* "0x00004000" */
	bool			 masq_all;
	bool			 nodeport_all;
	bool			 detector;
	char			 if_local[CFG_STR_MAX + 32];
	char			 if_not_local[CFG_STR_MAX + 32];

	struct render_buf	*decl;	/* sets, maps, chains: declared */
	struct render_buf	*flush;	/* partial: chains rewritten */
	struct render_buf	*rules;	/* chain blocks */
	struct render_buf	*dels;	/* stale chains and sets */
	struct render_buf	*el[NFT_NMAPS];
};

/* render_nft.c */
void	 nft_names_add(struct nft_names *, char kind, const char *name);
void	 nft_w_cmd(struct nft_ctx *, struct render_buf *, const char *verb,
	    const char *what, const char *name);
void	 nft_w_chain(struct nft_ctx *, const char *name);
void	 nft_w_chain_end(struct nft_ctx *);
void	 nft_w_rule(struct nft_ctx *, const char *text);

/* render_nft_service.c */
void	 nft_service_port(struct nft_ctx *, const struct rsp *);

#endif
