/*
 * program.c: one sync, as upstream v1.28's syncProxyRules, once per IP
 * family that works here (spec 1.13: dual-stack exactly when both
 * iptables and ip6tables answer).  Each family renders from the same
 * store, restores with its own tool, keeps its own record of chains and
 * cleans its own conntrack entries; a failure of either makes the whole
 * sync fail, so the retry is a full one for both.
 */

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "apply_nft.h"
#include "nft_batch.h"
#include "nft_readback.h"
#include "conntrack.h"
#include "helper.h"
#include "jumps.h"
#include "log.h"
#include "nodeips.h"
#include "syncer.h"

void
program_families_init(struct syncer *s)
{
	s->fam[0].af = AF_INET;
	s->fam[0].kpf = KP_AF_INET;
	s->fam[0].name = "IPv4";
	s->fam[0].restore = "iptables-restore";
	s->fam[1].af = AF_INET6;
	s->fam[1].kpf = KP_AF_INET6;
	s->fam[1].name = "IPv6";
	s->fam[1].restore = "ip6tables-restore";
}

/*
 * Which families to program: those whose iptables can list nat
 * POSTROUTING (upstream's test).  The primary family (that of
 * --bind-address when it names one, else IPv4: the syncer does not see
 * the Node's addresses) must work.
 */
int
program_detect_families(struct syncer *s)
{
	static const char *const probe[] = { "-t", "nat", "-S", "POSTROUTING",
	    NULL };
	struct apply_result res;
	struct kp_ip bind;
	int primary = 0;
	size_t i;

	if (ip_parse(s->h->cfg.bind_address, &bind) == 0 &&
	    !ip_is_unspecified(&bind) && bind.family == KP_AF_INET6)
		primary = 1;
	for (i = 0; i < 2; i++) {
		memset(&res, 0, sizeof(res));
		/* nftables mode: a dry run of adding our table */
		if (s->nft_mode)
			s->fam[i].enabled = apply_nft_probe(s->fam[i].af,
			    &res) == 0;
		else
			s->fam[i].enabled = apply_iptables(&s->actx,
			    s->fam[i].af, probe, &res) == 0;
		if (!s->fam[i].enabled)
			log_info("%s: not programmed: %s", s->fam[i].name,
			    res.err[0] != '\0' ? res.err : "iptables fails");
	}
	if (!s->fam[0].enabled && !s->fam[1].enabled) {
		log_warnx("%s is not available on this host",
		    s->nft_mode ? "nftables" : "iptables");
		return -1;
	}
	if (!s->fam[primary].enabled) {
		log_warnx("the primary IP family (%s) is not supported",
		    s->fam[primary].name);
		return -1;
	}
	log_info("IP families: %s%s%s", s->fam[0].enabled ? "IPv4" : "",
	    s->fam[0].enabled && s->fam[1].enabled ? " and " : "",
	    s->fam[1].enabled ? "IPv6 (dual-stack)" : "");
	return 0;
}

void
program_free(struct syncer *s)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		chainset_free(&s->fam[i].chains);
		nft_state_free(&s->fam[i].nft);
	}
	render_state_free(&s->nrs);
	nft_emit_free(&s->nemit);
}

static bool
svc_changed(const char *ns, const char *name, void *arg)
{
	struct syncer *s = arg;

	return keyset_has(&s->dirty, keyset_hash(ns, name, NULL, NULL));
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * A new syncer knows nothing of what an earlier one (or an earlier
 * kube-proxy) wrote: read our chains back once, before its first sync of
 * the family, so that those no longer used are deleted as upstream
 * deletes them (spec 2.18, from iptables-save on every sync).  On failure
 * they stay, which is harmless: nothing jumps to them.
 */
static void
seed_chains(struct syncer *s, struct sync_family *f)
{
	static const char *const nat[] = { "nat", NULL };
	struct apply_result res;
	char *saved = NULL;
	size_t len = 0;

	memset(&res, 0, sizeof(res));
	f->seeded = true;
	if (apply_save_tables(&s->actx, f->af, nat, (size_t)256 << 20, &saved,
	    &len, &res) != 0) {
		log_warnx("%s: chains of an earlier run stay: %s", f->name,
		    res.err);
		return;
	}
	chainset_update(&f->chains, saved, len);
	log_debug(1, "%s: %zu chains of an earlier run found", f->name,
	    f->chains.n);
	free(saved);
}

static void
reconcile_conntrack(struct syncer *s, struct sync_family *f)
{
	struct ct_result ctr;

	if (ct_reconcile(&s->store, f->kpf, &ctr) != 0)
		audit_record(&s->audit, KP_AUDIT_CONNTRACK, false,
		    "conntrack (%s): %zu stale UDP/SCTP flows deleted, then "
		    "failed: %s", f->name, ctr.deleted, strerror(ctr.error));
	else if (ctr.deleted > 0)
		audit_record(&s->audit, KP_AUDIT_CONNTRACK, true,
		    "conntrack: %zu stale UDP/SCTP flows deleted (of %zu, %s)",
		    ctr.deleted, ctr.examined, f->name);
	audit_ct_deleted(&s->audit, ctr.deleted);
}

struct seeding {
	struct nft_state	*st;
	size_t			 n;
};

static void
seed_name(char kind, const char *name, void *arg)
{
	struct seeding *sd = arg;

	if (!render_nft_fixed_name(kind, name)) {
		nft_state_seed(sd->st, kind, name);
		sd->n++;
	}
}

/*
 * nftables mode: render, one transaction, conntrack.  What was written
 * is taken as held only once the kernel took it; after a failure nothing
 * is assumed: the next sync reads the table's names back and refills it,
 * and if that fails too, the one after deletes and rebuilds it.
 */
static int
sync_family_nft(struct syncer *s, struct sync_family *f,
    const struct render_params *p, struct render_counts *cnt,
    struct apply_result *res)
{
	bool fresh = !f->nft.known, soft;
	struct timespec t0;
	double render_ms;
	int rc;

	if (fresh && !f->nft.hard) {
		struct seeding sd = { &f->nft, 0 };

		rc = nft_readback(f->kpf, seed_name, &sd);
		if (rc < 0)
			log_warn("%s: cannot read table kube-proxy back; it "
			    "will be rebuilt", f->name);
		else if (rc == 1)
			log_info("%s: table kube-proxy is there: flushed and "
			    "refilled, %zu of its chains and sets known by "
			    "name", f->name, sd.n);
		f->nft.exists = rc == 1;
	} else if (fresh)
		log_info("%s: table kube-proxy deleted and rebuilt", f->name);
	soft = fresh && f->nft.exists && !f->nft.hard;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (render_nft(&s->nrs, &s->nemit, &f->nft, &s->store, p, cnt) != 0) {
		snprintf(res->err, sizeof(res->err), "cannot render the rules");
		nft_state_reset(&f->nft);
		return -1;
	}
	render_ms = ms_since(&t0);
	rc = nft_batch_send(&s->nemit, res);
	log_debug(2, "%s: render %.1f ms, send and commit %.1f ms of %zu "
	    "messages", f->name, render_ms, (double)res->duration_ns / 1e6,
	    nft_emit_count(&s->nemit));
	if (rc != 0) {
		nft_state_reset(&f->nft);
		f->nft.hard = soft;
		if (res->line_text[0] != '\0')
			log_warnx("%s: nftables refused line %ld: %s", f->name,
			    res->line, res->line_text);
		return -1;
	}
	f->nft.known = true;
	f->nft.hard = false;
	reconcile_conntrack(s, f);
	return 0;
}

/* One family: render, jumps (full only), restore, conntrack. */
static int
sync_family(struct syncer *s, struct sync_family *f, bool full,
    struct render_counts *cnt, struct apply_result *res)
{
	struct kp_ip ips[NODEIPS_MAX], bind;
	struct render_params p;
	struct timespec t0;
	double render_ms;
	size_t nips = 0;

	if (!f->seeded && !s->nft_mode)
		seed_chains(s, f);
	memset(&p, 0, sizeof(p));
	p.node_name = s->node;
	p.family = f->kpf;
	p.cfg = &s->h->cfg;
	p.random_fully = true;
	p.partial = !full;
	p.changed = svc_changed;
	p.changed_arg = s;
	p.existing_nat_chains = (const char *const *)f->chains.names;
	p.n_existing_nat_chains = f->chains.n;
	if (!render_nodeport_match_all(p.cfg, f->kpf)) {
		if (nodeips_collect(p.cfg, f->kpf, ips, NODEIPS_MAX,
		    &nips) != 0)
			log_warn("%s: cannot list the node's addresses",
			    f->name);
		p.nodeport_ips = ips;
		p.n_nodeport_ips = nips;
	}
	/* the node IP (LB source ranges, 2.10): a specific --bind-address,
	 * else the Node's own (spec 1.5), when of this family */
	if (ip_parse(p.cfg->bind_address, &bind) == 0 &&
	    !ip_is_unspecified(&bind)) {
		if (bind.family == f->kpf)
			p.node_ip = bind;
	} else if (s->store.have_node && s->store.node.ip.family == f->kpf)
		p.node_ip = s->store.node.ip;
	if (s->nft_mode)
		return sync_family_nft(s, f, &p, cnt, res);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (render_iptables(&s->rs, &s->store, &p, cnt) != 0) {
		snprintf(res->err, sizeof(res->err), "cannot render the rules");
		return -1;
	}
	render_ms = ms_since(&t0);
	if (full && jumps_ensure(&s->actx, f->af, res) != 0)
		return -1;
	if (apply_restore(&s->actx, f->af, s->rs.out.data, s->rs.out.len,
	    res) != 0)
		return -1;
	/* bench/run reads this: where a sync's time goes */
	log_debug(2, "%s: render %.1f ms, restore %.1f ms of %zu bytes",
	    f->name, render_ms, (double)res->duration_ns / 1e6, s->rs.out.len);
	chainset_update(&f->chains, s->rs.out.data, s->rs.out.len);
	reconcile_conntrack(s, f);
	return 0;
}

/*
 * The runner's callback: every family in turn.  What is in the kernel
 * changes only through here.
 */
int
program_sync(bool full, void *arg)
{
	struct syncer *s = arg;
	struct render_counts cnt;
	struct apply_result res;
	struct report_sync rep;
	struct timespec t0;
	struct sync_family *f;
	size_t i;
	char what[64];
	double ms;
	int rc = 0;

	if (!s->store.complete)
		return 0;
	for (i = 0; i < 2; i++) {
		f = &s->fam[i];
		if (!f->enabled)
			continue;
		memset(&res, 0, sizeof(res));
		memset(&cnt, 0, sizeof(cnt));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		memset(&rep, 0, sizeof(rep));
		rep.family = f->kpf;
		rep.full = full;
		rep.counts = &cnt;
		if (s->nft_mode)
			snprintf(what, sizeof(what), "nftables table %s "
			    "kube-proxy", f->kpf == KP_AF_INET ? "ip" : "ip6");
		else
			snprintf(what, sizeof(what), "%s", f->restore);
		if (sync_family(s, f, full, &cnt, &res) != 0) {
			ms = ms_since(&t0);
			audit_record(&s->audit, KP_AUDIT_RESTORE, false,
			    "%s sync: %s (%s): failed after %.1f ms: %s",
			    full ? "full" : "partial", what, f->name, ms,
			    res.err);
			rep.error = res.err;
			rc = -1;
		} else {
			ms = ms_since(&t0);
			rep.ok = true;
			if (s->nft_mode)
				audit_record(&s->audit, KP_AUDIT_RESTORE, true,
				    "%s sync: %s: %zu chains written (%zu "
				    "kept), %zu rules, %zu elements, %zu stale "
				    "deleted: ok in %.1f ms", full ? "full" :
				    "partial", what, cnt.nat_chains,
				    cnt.nat_chains_skipped, cnt.nat_rules,
				    cnt.filter_rules, cnt.deleted_chains, ms);
			else
				audit_record(&s->audit, KP_AUDIT_RESTORE, true,
				    "%s sync: %s of %zu nat chains, %zu nat "
				    "rules, %zu filter rules, %zu stale chains "
				    "deleted: ok in %.1f ms", full ? "full" :
				    "partial", what, cnt.nat_chains,
				    cnt.nat_rules, cnt.filter_rules,
				    cnt.deleted_chains, ms);
		}
		rep.audit = &s->audit;
		rep.duration = (uint64_t)(ms * 1e6);
		report_sync(&s->report, &rep);
	}
	if (rc != 0)
		return -1;
	keyset_clear(&s->dirty);
	report_all_synced(&s->report);
	report_hc_ports(&s->report, &s->store, s->node);
	if (!s->synced_once) {
		s->synced_once = true;
		helper_send_supervisor(s->h, MSG_SYNCER_FIRST_SYNC, NULL);
	}
	return 0;
}
