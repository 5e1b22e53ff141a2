/*
 * render_int.h: what the render_*.c files share.  Not an API.
 */
#ifndef KP_RENDER_INT_H
#define KP_RENDER_INT_H

#include <stdint.h>
#include <string.h>

#include "chain_name.h"
#include "render_iptables.h"

/* Append helpers: one line is built from pieces, no printf per line. */
void	 rb_grow(struct render_buf *, size_t);

static inline void
rb_mem(struct render_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n)
		rb_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static inline void
rb_str(struct render_buf *b, const char *s)
{
	rb_mem(b, s, strlen(s));
}

#define RB_LIT(b, lit)	rb_mem((b), (lit), sizeof(lit) - 1)

static inline void
rb_nl(struct render_buf *b)
{
	rb_mem(b, "\n", 1);
	b->lines++;
}

void	 rb_uint(struct render_buf *, unsigned long);
/* ":NAME - [0:0]\n" */
void	 rb_chain_line(struct render_buf *, const char *);

/* One endpoint of a service port after the merge of spec 1.8. */
struct rep {
	const struct kp_endpoint *ep;
	uint32_t	 seq;		/* slice order, for "first wins" */
	uint16_t	 port;
	uint8_t		 ip_off;	/* the IP inside key */
	uint8_t		 ip_len;
	bool		 local;
	bool		 in_cluster;	/* CategorizeEndpoints results */
	bool		 in_local;
	bool		 reachable;
	char		 key[KP_HOSTPORT_STRLEN];	/* "ip:port" */
	char		 sep[CHAIN_NAME_MAX];		/* "" until needed */
};

/* One service port with its endpoints eps[ep_off .. ep_off+ep_n). */
struct rsp {
	const struct kp_service	 *svc;
	const struct kp_svc_port *port;
	size_t			  ep_off;
	size_t			  ep_n;
	int			  family;
};

struct render_ctx {
	const struct store		*st;
	const struct render_params	*p;
	struct render_counts		*counts;

	/* the four parts of the restore input, as upstream keeps them */
	struct render_buf	 filter_chains;
	struct render_buf	 filter_rules;
	struct render_buf	 nat_chains;
	struct render_buf	 nat_rules;
	/* partial sync: per-service chains that are not written */
	struct render_buf	 skip_chains;
	struct render_buf	 skip_rules;

	char		 mark[16];		/* "0x00004000" */
	bool		 masq_all;
	bool		 detector;		/* local detector implemented */
	char		 if_local[CFG_STR_MAX + 8];
	char		 if_not_local[CFG_STR_MAX + 8];
	bool		 localhost_nodeports;
	bool		 nodeport_all;
	bool		 large_cluster;
	bool		 topology_gate;
	const char	*zone;			/* node zone, NULL: none */
	/* collect only the Services p->changed() names (nftables mode's
	 * partial sync: the others' rules stay as they are) */
	bool		 only_changed;

	struct rsp	*sps;
	size_t		 nsps, capsps;
	struct rep	*eps;
	size_t		 neps, capeps;

	/* "%0.10f" of 1/n, as upstream caches them */
	char		(*prob)[16];
	size_t		 nprob;

	/* names of the chains in use, for stale chain deletion */
	char		(*active)[CHAIN_NAME_MAX];
	size_t		 nactive, capactive;
};

/* render_endpoints.c */
void	 render_collect(struct render_ctx *);
void	 render_categorize(struct render_ctx *, const struct rsp *,
	    bool uses_cluster, bool uses_local, size_t *ncluster,
	    size_t *nlocal, bool *has_endpoints);
const char *render_sep_name(struct rep *, const char *spn, const char *proto);

/* render_iptables.c: the first CIDR of the family in a comma list */
bool	 render_first_cidr(const char *list, int family, struct kp_cidr *);

/* render_service.c */
void	 render_service_port(struct render_ctx *, const struct rsp *);
const char *render_proto_str(unsigned);
void	 render_active_add(struct render_ctx *, const char *);
/* how many of the n addresses are of the family */
size_t	 render_count_family(const struct kp_ip *, size_t n, int family);

#endif
