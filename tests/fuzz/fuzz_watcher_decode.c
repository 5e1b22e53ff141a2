/*
 * fuzz_watcher_decode.c: libFuzzer target for the watcher's JSON decoders
 * (watcher/decode*.c), which read whatever the apiserver, or anything
 * that can stand in for it, sends.
 *
 * The input is a watch body.  It is decoded three ways: as one event, as
 * a list page, and cut into events by decode_frame(), all at once and in
 * two pieces (the cuts must be the same).  Every object an event or a
 * list carries goes to decode_meta(), decode_status() and the decoders of
 * all three kinds, whatever its kind says.  A refusal or a skip must come
 * with a printable message and a zeroed model; an accepted model must be
 * one the syncer takes (encode, decode, compare).  ASan and UBSan watch
 * the rest; LeakSanitizer reports leaks at exit.
 *
 * Seeds: tests/fuzz/corpus/fuzz_watcher_decode/, watch events and list
 * pages built from tests/fixtures/api/ and the objects of
 * tests/unit/check_decode.c.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "model.h"
#include "mp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define must(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);	\
		abort();						\
	}								\
} while (0)

/* At most this many list items are decoded: the rest adds no paths. */
#define MAX_ITEMS	64

static void
printable(const char *s, size_t bufsz)
{
	must(memchr(s, '\0', bufsz) != NULL);
	for (; *s != '\0'; s++)
		must(*s >= 0x20 && *s < 0x7f);
}

static bool
zeroed(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
result(int rc, const char *err, const void *out, size_t outsz)
{
	must(rc == DECODE_OK || rc == DECODE_SKIP || rc == DECODE_BAD);
	printable(err, DECODE_ERRLEN);
	if (rc != DECODE_OK) {
		must(err[0] != '\0');
		must(zeroed(out, outsz));
	}
}

static void
fuzz_service(const json_t *obj)
{
	char err[DECODE_ERRLEN], merr[KP_MODEL_ERRLEN];
	struct kp_service s, back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	rc = decode_service(obj, &s, err, sizeof(err));
	result(rc, err, &s, sizeof(s));
	if (rc != DECODE_OK)
		return;
	mp_buf_init(&b);
	model_service_encode(&s, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	if (model_service_decode(&c, &back, merr, sizeof(merr)) == -1) {
		fprintf(stderr, "accepted, then refused: %s\n", merr);
		abort();
	}
	must(model_service_equal(&s, &back));
	model_service_free(&back);
	model_service_free(&s);
	mp_buf_free(&b);
}

static void
fuzz_slice(const json_t *obj)
{
	char err[DECODE_ERRLEN], merr[KP_MODEL_ERRLEN];
	struct kp_slice s, back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	rc = decode_slice(obj, &s, err, sizeof(err));
	result(rc, err, &s, sizeof(s));
	if (rc != DECODE_OK)
		return;
	mp_buf_init(&b);
	model_slice_encode(&s, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	if (model_slice_decode(&c, &back, merr, sizeof(merr)) == -1) {
		fprintf(stderr, "accepted, then refused: %s\n", merr);
		abort();
	}
	must(model_slice_equal(&s, &back));
	model_slice_free(&back);
	model_slice_free(&s);
	mp_buf_free(&b);
}

static void
fuzz_node(const json_t *obj)
{
	char err[DECODE_ERRLEN], merr[KP_MODEL_ERRLEN];
	struct kp_node n, back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	rc = decode_node(obj, &n, err, sizeof(err));
	result(rc, err, &n, sizeof(n));
	if (rc != DECODE_OK)
		return;
	mp_buf_init(&b);
	model_node_encode(&n, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	if (model_node_decode(&c, &back, merr, sizeof(merr)) == -1) {
		fprintf(stderr, "accepted, then refused: %s\n", merr);
		abort();
	}
	must(model_node_equal(&n, &back));
	model_node_free(&back);
	model_node_free(&n);
	mp_buf_free(&b);
}

static void
fuzz_object(const json_t *obj)
{
	char ns[KP_NAMESPACE_MAX + 1], name[KP_NAME_MAX + 1];
	char rv[DECODE_RV_MAX], reason[DECODE_REASON_MAX];
	char msg[DECODE_MESSAGE_MAX];
	int code, rc;

	rc = decode_meta(obj, ns, sizeof(ns), name, sizeof(name), rv,
	    sizeof(rv));
	must(rc == DECODE_OK || rc == DECODE_BAD);
	printable(ns, sizeof(ns));
	printable(name, sizeof(name));
	printable(rv, sizeof(rv));
	if (rc == DECODE_BAD)
		must(ns[0] == '\0' && name[0] == '\0' && rv[0] == '\0');

	rc = decode_status(obj, &code, reason, sizeof(reason), msg,
	    sizeof(msg));
	must(rc == DECODE_OK || rc == DECODE_BAD);
	printable(reason, sizeof(reason));
	printable(msg, sizeof(msg));
	if (rc == DECODE_OK)
		must(code >= 0 && code <= 999);
	(void)decode_status_expired(code, reason);

	fuzz_service(obj);
	fuzz_slice(obj);
	fuzz_node(obj);
}

static void
fuzz_event(const char *buf, size_t len)
{
	char err[DECODE_ERRLEN];
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;

	if (decode_event(buf, len, &type, &root, &obj, err, sizeof(err)) ==
	    DECODE_BAD) {
		must(root == NULL && obj == NULL);
		must(err[0] != '\0');
		printable(err, sizeof(err));
		return;
	}
	must((unsigned)type < WATCH_TYPE_COUNT);
	must(json_is_object(obj));
	fuzz_object(obj);
	json_decref(root);
}

static void
fuzz_list(const char *buf, size_t len)
{
	char err[DECODE_ERRLEN], rv[DECODE_RV_MAX], cont[DECODE_CONTINUE_MAX];
	const json_t *items;
	json_t *root;
	size_t i;

	if (decode_list(buf, len, &root, &items, rv, sizeof(rv), cont,
	    sizeof(cont), err, sizeof(err)) == DECODE_BAD) {
		must(root == NULL && items == NULL);
		must(rv[0] == '\0' && cont[0] == '\0');
		must(err[0] != '\0');
		printable(err, sizeof(err));
		return;
	}
	must(json_is_array(items));
	must(rv[0] != '\0');
	printable(rv, sizeof(rv));
	printable(cont, sizeof(cont));
	for (i = 0; i < json_array_size(items) && i < MAX_ITEMS; i++)
		fuzz_object(json_array_get(items, i));
	json_decref(root);
}

/*
 * Cut the body into events; returns how many.  With split, the scanner
 * first sees only part of the bytes of each event, then all of them.
 */
static size_t
frames(const char *buf, size_t len, size_t split, size_t *cuts,
    size_t maxcuts, bool decode)
{
	char err[DECODE_ERRLEN];
	struct decode_frame f;
	size_t off = 0, fl, n = 0, part;
	int rc;

	decode_frame_init(&f);
	while (off < len && n < maxcuts) {
		part = split > 0 && split < len - off ? split : len - off;
		rc = decode_frame(&f, buf + off, part, &fl, err, sizeof(err));
		if (rc == 0 && part < len - off)
			rc = decode_frame(&f, buf + off, len - off, &fl, err,
			    sizeof(err));
		if (rc != 1) {
			must(rc == 0 || rc == DECODE_BAD);
			if (rc == DECODE_BAD)
				printable(err, sizeof(err));
			break;
		}
		must(fl > 0 && fl <= len - off);
		if (decode)
			fuzz_event(buf + off, fl);
		off += fl;
		cuts[n++] = off;
		decode_frame_init(&f);
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	size_t a[16], b[16], na, nb;
	const char *buf = (const char *)data;

	if (!init) {
		decode_init();
		init = true;
	}
	fuzz_event(buf, size);
	fuzz_list(buf, size);
	na = frames(buf, size, 0, a, 16, true);
	nb = frames(buf, size, size / 3 + 1, b, 16, false);
	must(na == nb && memcmp(a, b, na * sizeof(*a)) == 0);
	return 0;
}
