/*
 * render_nft_int.h: what render_nft.c and render_nft_service.c share.
 * Not an API.
 */
#ifndef KP_RENDER_NFT_INT_H
#define KP_RENDER_NFT_INT_H

#include "nft_emit.h"
#include "nft_state.h"
#include "render_int.h"
#include "render_nft.h"

/* The maps (and the one set) of the table, by number. */
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
	struct nft_emit		*e;
	struct nft_state	*st;
	bool			 partial;	/* only changed Services */
	bool			 fresh_table;	/* everything is new */
	uint32_t		 mark;		/* the masquerade bit */
	bool			 masq_all;
	bool			 nodeport_all;
	struct nft_local	 local;		/* the local detector */
	size_t			 chains_written;
};

/* render_nft_service.c */
void	 nft_service_port(struct nft_ctx *, const struct rsp *);

#endif
