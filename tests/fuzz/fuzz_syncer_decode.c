/*
 * fuzz_syncer_decode.c: libFuzzer target for the bodies the syncer takes
 * from the watcher (common/model.c), the bytes a compromised watcher
 * controls completely.
 *
 * The first byte picks the decoder (modulo the count below), the rest is
 * the body.  A refusal must come with a message and a failed cursor.  An
 * accepted body must survive a round trip: encode, decode again, compare
 * equal, and encode to the same bytes; the canonical encoding is never
 * longer than what was accepted.  ASan and UBSan watch the rest; leaks
 * are reported by LeakSanitizer at exit.
 *
 * Seeds: tests/fuzz/corpus/fuzz_syncer_decode/, made by gen_seeds.c.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "mp.h"

enum { F_SVC, F_SLICE, F_NODE, F_KEY, F_GEN, F_COUNT };

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define must(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);	\
		abort();						\
	}								\
} while (0)

/* A refusal: -1, a reason, a failed cursor. */
static void
refused(const struct mp_cur *c, const char *err)
{
	must(!mp_ok(c));
	must(err[0] != '\0');
	must(memchr(err, '\0', KP_MODEL_ERRLEN) != NULL);
}

static void
same_bytes(const struct mp_buf *a, const struct mp_buf *b, size_t inlen)
{
	must(a->sb.size == b->sb.size);
	must(memcmp(a->sb.data, b->sb.data, a->sb.size) == 0);
	must(a->sb.size <= inlen);
}

static void
fuzz_service(const uint8_t *p, size_t n)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_service a, b;
	struct mp_buf e1, e2;
	struct mp_cur c;

	mp_cur_init(&c, p, n);
	if (model_service_decode(&c, &a, err, sizeof(err)) == -1) {
		refused(&c, err);
		return;
	}
	mp_buf_init(&e1);
	mp_buf_init(&e2);
	model_service_encode(&a, &e1);
	mp_cur_init(&c, e1.sb.data, e1.sb.size);
	if (model_service_decode(&c, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "re-decode: %s\n", err);
		abort();
	}
	must(model_service_equal(&a, &b));
	model_service_encode(&b, &e2);
	same_bytes(&e1, &e2, n);
	model_service_free(&a);
	model_service_free(&b);
	mp_buf_free(&e1);
	mp_buf_free(&e2);
}

static void
fuzz_slice(const uint8_t *p, size_t n)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_slice a, b;
	struct mp_buf e1, e2;
	struct mp_cur c;

	mp_cur_init(&c, p, n);
	if (model_slice_decode(&c, &a, err, sizeof(err)) == -1) {
		refused(&c, err);
		return;
	}
	mp_buf_init(&e1);
	mp_buf_init(&e2);
	model_slice_encode(&a, &e1);
	mp_cur_init(&c, e1.sb.data, e1.sb.size);
	if (model_slice_decode(&c, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "re-decode: %s\n", err);
		abort();
	}
	must(model_slice_equal(&a, &b));
	model_slice_encode(&b, &e2);
	same_bytes(&e1, &e2, n);
	model_slice_free(&a);
	model_slice_free(&b);
	mp_buf_free(&e1);
	mp_buf_free(&e2);
}

static void
fuzz_node(const uint8_t *p, size_t n)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_node a, b;
	struct mp_buf e1, e2;
	struct mp_cur c;

	mp_cur_init(&c, p, n);
	if (model_node_decode(&c, &a, err, sizeof(err)) == -1) {
		refused(&c, err);
		return;
	}
	mp_buf_init(&e1);
	mp_buf_init(&e2);
	model_node_encode(&a, &e1);
	mp_cur_init(&c, e1.sb.data, e1.sb.size);
	if (model_node_decode(&c, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "re-decode: %s\n", err);
		abort();
	}
	must(model_node_equal(&a, &b));
	model_node_encode(&b, &e2);
	same_bytes(&e1, &e2, n);
	model_node_free(&a);
	model_node_free(&b);
	mp_buf_free(&e1);
	mp_buf_free(&e2);
}

static void
fuzz_key(const uint8_t *p, size_t n)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_key a, b;
	struct mp_buf e1, e2;
	struct mp_cur c;

	mp_cur_init(&c, p, n);
	if (model_key_decode(&c, &a, err, sizeof(err)) == -1) {
		refused(&c, err);
		return;
	}
	mp_buf_init(&e1);
	mp_buf_init(&e2);
	model_key_encode(&a, &e1);
	mp_cur_init(&c, e1.sb.data, e1.sb.size);
	must(model_key_decode(&c, &b, err, sizeof(err)) == 0);
	must(strcmp(a.namespace, b.namespace) == 0);
	must(strcmp(a.name, b.name) == 0);
	model_key_encode(&b, &e2);
	same_bytes(&e1, &e2, n);
	mp_buf_free(&e1);
	mp_buf_free(&e2);
}

static void
fuzz_gen(const uint8_t *p, size_t n)
{
	char err[KP_MODEL_ERRLEN];
	struct mp_buf e1;
	struct mp_cur c;
	uint64_t a, b;

	mp_cur_init(&c, p, n);
	if (model_gen_decode(&c, &a, err, sizeof(err)) == -1) {
		refused(&c, err);
		return;
	}
	mp_buf_init(&e1);
	model_gen_encode(a, &e1);
	must(e1.sb.size <= n);
	mp_cur_init(&c, e1.sb.data, e1.sb.size);
	must(model_gen_decode(&c, &b, err, sizeof(err)) == 0);
	must(a == b);
	mp_buf_free(&e1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % F_COUNT) {
	case F_SVC:
		fuzz_service(data + 1, size - 1);
		break;
	case F_SLICE:
		fuzz_slice(data + 1, size - 1);
		break;
	case F_NODE:
		fuzz_node(data + 1, size - 1);
		break;
	case F_KEY:
		fuzz_key(data + 1, size - 1);
		break;
	default:
		fuzz_gen(data + 1, size - 1);
		break;
	}
	return 0;
}
