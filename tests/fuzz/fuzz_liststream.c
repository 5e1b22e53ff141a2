/*
 * fuzz_liststream.c: libFuzzer target for the streaming List reader.  The
 * input is a List body from a hostile apiserver, cut into chunks at
 * places the first byte chooses; every item handed out must parse as a
 * JSON object, and the result must not depend on the chunking.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "liststream.h"

static int
on_item(const char *buf, size_t len, void *arg)
{
	char err[DECODE_ERRLEN];
	json_t *o;

	if (decode_parse(buf, len, DECODE_OBJECT_MAX, &o, err,
	    sizeof(err)) == DECODE_OK)
		json_decref(o);
	(*(size_t *)arg)++;
	return 0;
}

static int
run(const uint8_t *data, size_t size, size_t chunk, size_t *items,
    struct list_stream *ls)
{
	struct evbuffer *b = evbuffer_new();
	char err[DECODE_ERRLEN];
	size_t off;
	int r = 0;

	list_stream_init(ls);
	/* after the end, more bytes must still be fed: they may be junk */
	for (off = 0; off < size && r >= 0; off += chunk) {
		evbuffer_add(b, data + off, size - off < chunk ? size - off :
		    chunk);
		r = list_stream_feed(ls, b, on_item, items, err, sizeof(err));
	}
	evbuffer_free(b);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct list_stream a, b;
	size_t na = 0, nb = 0, chunk;
	int ra, rb;

	if (!init) {
		decode_init();
		init = true;
	}
	if (size < 1 || size > (1 << 20))
		return 0;
	chunk = (size_t)data[0] % 61 + 1;
	ra = run(data + 1, size - 1, size, &na, &a);
	rb = run(data + 1, size - 1, chunk, &nb, &b);
	/* a complete list reads the same however it arrives */
	if ((ra == 1) != (rb == 1) || (ra == 1 && (na != nb ||
	    strcmp(a.rv, b.rv) != 0 || strcmp(a.cont, b.cont) != 0)))
		abort();
	return 0;
}
