/* jumps.c: see jumps.h.  The table is upstream v1.28's, in its order. */

#include <stddef.h>
#include <stdio.h>

#include "audit.h"
#include "jumps.h"
#include "log.h"

struct jump {
	const char	*table;
	const char	*chain;		/* built-in */
	const char	*target;	/* ours */
	const char	*comment;	/* NULL: none (KUBE-FIREWALL) */
	bool		 ctnew;		/* -m conntrack --ctstate NEW */
};

static const struct jump jumps[] = {
	{ "filter", "INPUT", "KUBE-EXTERNAL-SERVICES",
	  "kubernetes externally-visible service portals", true },
	{ "filter", "FORWARD", "KUBE-EXTERNAL-SERVICES",
	  "kubernetes externally-visible service portals", true },
	{ "filter", "INPUT", "KUBE-NODEPORTS",
	  "kubernetes health check service ports", false },
	{ "filter", "FORWARD", "KUBE-SERVICES",
	  "kubernetes service portals", true },
	{ "filter", "OUTPUT", "KUBE-SERVICES",
	  "kubernetes service portals", true },
	{ "filter", "FORWARD", "KUBE-FORWARD",
	  "kubernetes forwarding rules", false },
	{ "filter", "INPUT", "KUBE-PROXY-FIREWALL",
	  "kubernetes load balancer firewall", true },
	{ "filter", "OUTPUT", "KUBE-PROXY-FIREWALL",
	  "kubernetes load balancer firewall", true },
	{ "filter", "FORWARD", "KUBE-PROXY-FIREWALL",
	  "kubernetes load balancer firewall", true },
	{ "nat", "OUTPUT", "KUBE-SERVICES",
	  "kubernetes service portals", false },
	{ "nat", "PREROUTING", "KUBE-SERVICES",
	  "kubernetes service portals", false },
	{ "nat", "POSTROUTING", "KUBE-POSTROUTING",
	  "kubernetes postrouting rules", false },
	{ "filter", "INPUT", "KUBE-FIREWALL", NULL, false },
	{ "filter", "OUTPUT", "KUBE-FIREWALL", NULL, false },
};

/* `-t table OP chain [rule]` as an argv (NULL-terminated). */
static void
rule_args(const struct jump *j, const char *op, const char **a)
{
	size_t n = 0;

	a[n++] = "-t";
	a[n++] = j->table;
	a[n++] = op;
	a[n++] = j->chain;
	if (j->ctnew) {
		a[n++] = "-m";
		a[n++] = "conntrack";
		a[n++] = "--ctstate";
		a[n++] = "NEW";
	}
	if (j->comment != NULL) {
		a[n++] = "-m";
		a[n++] = "comment";
		a[n++] = "--comment";
		a[n++] = j->comment;
	}
	a[n++] = "-j";
	a[n++] = j->target;
	a[n] = NULL;
}

int
jumps_ensure(const struct apply_ctx *ctx, int family,
    struct apply_result *res)
{
	const char *a[20];
	size_t i;
	int st;

	/*
	 * -C first: on every full sync but the first the rule is there, and
	 * one exec per jump instead of two halves the cost of a full sync.
	 * Exit 1 is "no such rule"; 2 is what iptables says when the target
	 * chain does not exist yet: make it (-N; 1 means it exists), then
	 * insert.  Anything else is an error.
	 */
	for (i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		const char *mk[] = { "-t", jumps[i].table, "-N",
		    jumps[i].target, NULL };

		rule_args(&jumps[i], "-C", a);
		if ((st = apply_iptables(ctx, family, a, res)) == 0)
			continue;
		if (st != 1 && st != 2)
			return -1;
		if ((st = apply_iptables(ctx, family, mk, res)) != 0 &&
		    st != 1)
			return -1;
		rule_args(&jumps[i], "-I", a);
		if (apply_iptables(ctx, family, a, res) != 0) {
			audit_record(ctx->audit, KP_AUDIT_JUMP, false,
			    "%s %s: jump to %s: failed: %s", jumps[i].table,
			    jumps[i].chain, jumps[i].target, res->err);
			return -1;
		}
		audit_record(ctx->audit, KP_AUDIT_JUMP, true,
		    "%s %s: jump to %s added", jumps[i].table, jumps[i].chain,
		    jumps[i].target);
	}
	res->ok = true;
	return 0;
}
