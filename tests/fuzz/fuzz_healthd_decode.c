/*
 * fuzz_healthd_decode.c: what healthd decodes from its peers, which it
 * trusts no more than the syncer trusts the watcher: the syncer's
 * reports (common/syncstat.c) and the watcher's Node (common/model.c).
 * The first byte picks the decoder.  A decode either fails with a
 * message, or succeeds and re-encodes to something that decodes again.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "mp.h"
#include "syncstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(void)
{
	static int done;
	struct log_options lo;

	if (done++)
		return;
	memset(&lo, 0, sizeof(lo));
	lo.silent = true;
	log_init("fuzz");
	log_set_options(&lo);
}

/* Encode again and decode: a success must be stable. */
static void
again(struct mp_buf *b, int (*dec)(struct mp_cur *, void *, char *, size_t),
    void *out)
{
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;

	mp_cur_init(&c, b->sb.data, b->sb.size);
	if (dec(&c, out, err, sizeof(err)) != 0)
		__builtin_trap();
}

static int
dec_result(struct mp_cur *c, void *o, char *e, size_t l)
{
	return syncstat_result_decode(c, o, e, l);
}

static int
dec_queued(struct mp_cur *c, void *o, char *e, size_t l)
{
	return syncstat_queued_decode(c, o, e, l);
}

static int
dec_node(struct mp_cur *c, void *o, char *e, size_t l)
{
	return model_node_decode(c, o, e, l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kp_sync_result r, r2;
	char err[KP_MODEL_ERRLEN];
	struct kp_sync_queued q, q2;
	struct kp_hc_ports h, h2;
	struct kp_node n, n2;
	struct mp_buf b;
	struct mp_cur c;
	struct mp_cur c2;

	quiet();
	if (size < 1)
		return 0;
	mp_cur_init(&c, data + 1, size - 1);
	mp_buf_init(&b);
	switch (data[0] % 4) {
	case 0:
		if (syncstat_result_decode(&c, &r, err, sizeof(err)) == 0) {
			syncstat_result_encode(&r, &b);
			again(&b, dec_result, &r2);
		} else if (err[0] == '\0')
			__builtin_trap();
		break;
	case 1:
		if (syncstat_queued_decode(&c, &q, err, sizeof(err)) == 0) {
			syncstat_queued_encode(&q, &b);
			again(&b, dec_queued, &q2);
		} else if (err[0] == '\0')
			__builtin_trap();
		break;
	case 2:
		if (syncstat_hc_decode(&c, &h, err, sizeof(err)) == 0) {
			syncstat_hc_encode(&h, &b);
			mp_cur_init(&c2, b.sb.data, b.sb.size);
			if (syncstat_hc_decode(&c2, &h2, err, sizeof(err)) != 0 ||
			    h2.n != h.n)
				__builtin_trap();
			syncstat_hc_free(&h2);
			syncstat_hc_free(&h);
		} else if (err[0] == '\0')
			__builtin_trap();
		break;
	default:
		if (model_node_decode(&c, &n, err, sizeof(err)) == 0) {
			model_node_encode(&n, &b);
			again(&b, dec_node, &n2);
			if (!model_node_equal(&n, &n2))
				__builtin_trap();
		} else if (err[0] == '\0')
			__builtin_trap();
		break;
	}
	mp_buf_free(&b);
	return 0;
}
