/*
 * check_liststream.c: a List body read as a stream gives the same items,
 * resourceVersion and continue token however it is cut into chunks, and
 * refuses what cannot be a List.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "liststream.h"
#include "unit.h"

struct got {
	int	n;
	char	names[8][64];
	int	stop_at;
};

static int
on_item(const char *buf, size_t len, void *arg)
{
	struct got *g = arg;
	char err[DECODE_ERRLEN], ns[64], name[64], rv[64];
	json_t *o;

	ck_assert_int_eq(decode_parse(buf, len, DECODE_OBJECT_MAX, &o, err,
	    sizeof(err)), DECODE_OK);
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_OK);
	if (g->n < 8)
		snprintf(g->names[g->n], sizeof(g->names[0]), "%s", name);
	json_decref(o);
	g->n++;
	return g->stop_at != 0 && g->n == g->stop_at ? -1 : 0;
}

/* Feed body in chunks of `chunk` bytes; returns the final feed result. */
static int
feed(const char *body, size_t chunk, struct list_stream *ls, struct got *g,
    char *err, size_t errlen)
{
	struct evbuffer *b = evbuffer_new();
	size_t len = strlen(body), off;
	int r = 0;

	list_stream_init(ls);
	for (off = 0; off < len && r == 0; off += chunk) {
		evbuffer_add(b, body + off, len - off < chunk ? len - off :
		    chunk);
		r = list_stream_feed(ls, b, on_item, g, err, errlen);
	}
	evbuffer_free(b);
	return r;
}

static const char *list =
    "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"resourceVersion\":\"1234\",\"continue\":\"tok{]\\\"x\","
    "\"remainingItemCount\":5},"
    "\"items\":[{\"metadata\":{\"name\":\"a\",\"namespace\":\"d\"},"
    "\"spec\":{\"ports\":[{\"port\":80}],\"x\":\"}]\\\\\"}},"
    " {\"metadata\":{\"name\":\"b\",\"namespace\":\"d\"}} ,\n"
    "{\"metadata\":{\"name\":\"c\",\"namespace\":\"d\"}}]}\n";

START_TEST(test_every_chunking)
{
	char err[DECODE_ERRLEN];
	struct list_stream ls;
	struct got g;
	size_t chunk;

	for (chunk = 1; chunk <= strlen(list); chunk++) {
		memset(&g, 0, sizeof(g));
		ck_assert_int_eq(feed(list, chunk, &ls, &g, err, sizeof(err)),
		    1);
		ck_assert_int_eq(g.n, 3);
		ck_assert_str_eq(g.names[0], "a");
		ck_assert_str_eq(g.names[2], "c");
		ck_assert_str_eq(ls.rv, "1234");
		ck_assert_str_eq(ls.cont, "tok{]\"x");
	}
}
END_TEST

START_TEST(test_shapes)
{
	static const struct { const char *body; int want; int items; } c[] = {
		{ "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}", 1, 0 },
		{ "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":null}", 1, 0 },
		/* metadata after the items: still read */
		{ "{\"items\":[{\"metadata\":{\"name\":\"z\"}}],"
		  "\"metadata\":{\"resourceVersion\":\"9\"}}", 1, 1 },
		{ "{\"items\":[]}", DECODE_BAD, 0 },		/* no RV */
		{ "[1,2]", DECODE_BAD, 0 },
		{ "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":{}}",
		  DECODE_BAD, 0 },
		{ "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[1]}",
		  DECODE_BAD, 0 },
		{ "{\"metadata\":5,\"items\":[]}", DECODE_BAD, 0 },
		{ "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}x",
		  DECODE_BAD, 0 },
		{ "{\"metadata\" \"x\"}", DECODE_BAD, 0 },
		/* fuzz regression: junk where a literal goes, refused
		 * whatever the chunking (it was accepted when it arrived in
		 * one piece) */
		{ "{\"kind\":\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01,"
		  "\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}",
		  DECODE_BAD, 0 },
		{ "{\"kind\":123456789012345678901234567890123456789012345678901"
		  "2345678901234567890,\"metadata\":{\"resourceVersion\":\"7\"},"
		  "\"items\":[]}", DECODE_BAD, 0 },
		{ "{\"kind\":true,\"x\":-1.5e3,\"metadata\":{\"resourceVersion\":"
		  "\"7\"},\"items\":[]}", 1, 0 },
	};
	char err[DECODE_ERRLEN];
	struct list_stream ls;
	struct got g;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&g, 0, sizeof(g));
		ck_assert_msg(feed(c[i].body, 3, &ls, &g, err, sizeof(err)) ==
		    c[i].want, "case %zu: %s", i, err);
		ck_assert_int_eq(g.n, c[i].items);
		memset(&g, 0, sizeof(g));
		ck_assert_msg(feed(c[i].body, 4096, &ls, &g, err,
		    sizeof(err)) == c[i].want, "case %zu whole: %s", i, err);
	}
}
END_TEST

START_TEST(test_truncated_never_completes)
{
	char err[DECODE_ERRLEN], cut[1024];
	struct list_stream ls;
	struct got g;
	size_t n;

	for (n = 0; n < strlen(list) - 2; n++) {
		memcpy(cut, list, n);
		cut[n] = '\0';
		memset(&g, 0, sizeof(g));
		ck_assert_int_ne(feed(cut, 7, &ls, &g, err, sizeof(err)), 1);
	}
}
END_TEST

START_TEST(test_caller_stops)
{
	char err[DECODE_ERRLEN];
	struct list_stream ls;
	struct got g;

	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	ck_assert_int_eq(feed(list, 5, &ls, &g, err, sizeof(err)),
	    DECODE_BAD);
	ck_assert_int_eq(g.n, 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("liststream");
	TCase *tc = tcase_create("stream");

	decode_init();
	tcase_add_test(tc, test_every_chunking);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_truncated_never_completes);
	tcase_add_test(tc, test_caller_stops);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
