/*
 * check_mp.c: the msgpack cursor.  Round trips through msgpack-c's packer,
 * and every way a hostile peer can lie about sizes.
 */

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp.h"
#include "unit.h"

static void
cur_of(struct mp_cur *c, const struct mp_buf *b)
{
	mp_cur_init(c, b->sb.data, b->sb.size);
}

START_TEST(test_roundtrip_scalars)
{
	struct mp_buf b;
	struct mp_cur c;
	uint64_t u;
	int64_t i;
	bool t, f;
	double d;
	char s[16];

	mp_buf_init(&b);
	mp_put_array(&b, 8);
	mp_put_u64(&b, 0);
	mp_put_u64(&b, UINT64_MAX);
	mp_put_i64(&b, -1);
	mp_put_i64(&b, INT64_MIN);
	mp_put_bool(&b, true);
	mp_put_bool(&b, false);
	mp_put_double(&b, 2.5);
	mp_put_str(&b, "hello");
	cur_of(&c, &b);
	ck_assert(mp_expect_array(&c, 8));
	ck_assert(mp_read_u64(&c, &u) && u == 0);
	ck_assert(mp_read_u64(&c, &u) && u == UINT64_MAX);
	ck_assert(mp_read_i64(&c, &i) && i == -1);
	ck_assert(mp_read_i64(&c, &i) && i == INT64_MIN);
	ck_assert(mp_read_bool(&c, &t) && t);
	ck_assert(mp_read_bool(&c, &f) && !f);
	ck_assert(mp_read_double(&c, &d) && d == 2.5);
	ck_assert(mp_read_str(&c, s, sizeof(s)));
	ck_assert_str_eq(s, "hello");
	ck_assert(mp_end(&c));
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_every_integer_width)
{
	static const int64_t vals[] = { 0, 1, 127, 128, 255, 256, 65535,
	    65536, 4294967295LL, 4294967296LL, -1, -32, -33, -128, -129,
	    -32768, -32769, INT32_MIN, (int64_t)INT32_MIN - 1, INT64_MAX };
	struct mp_buf b;
	struct mp_cur c;
	size_t k;
	int64_t v;

	for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		mp_buf_init(&b);
		mp_put_i64(&b, vals[k]);
		cur_of(&c, &b);
		ck_assert(mp_read_i64(&c, &v));
		ck_assert_int_eq(v, vals[k]);
		ck_assert(mp_end(&c));
		mp_buf_free(&b);
	}
}
END_TEST

START_TEST(test_ranges)
{
	struct mp_buf b;
	struct mp_cur c;
	uint64_t u;
	int64_t i;

	mp_buf_init(&b);
	mp_put_u64(&b, 70000);
	cur_of(&c, &b);
	ck_assert(!mp_read_uint(&c, &u, 1, 65535));
	ck_assert_str_eq(c.err, "integer out of range");
	mp_buf_reset(&b);
	mp_put_i64(&b, -5);
	cur_of(&c, &b);
	ck_assert(!mp_read_u64(&c, &u));
	cur_of(&c, &b);
	ck_assert(!mp_read_int(&c, &i, 0, 10));
	mp_buf_free(&b);
}
END_TEST

/*
 * The msgpack-c 4.0 trap: an array header that declares 2^32-1 elements
 * in a few bytes.  msgpack_unpack() would try to allocate 2^32 objects
 * (96 GiB and more) before noticing the bytes are missing.  The cursor
 * must refuse it from the byte count alone.
 */
START_TEST(test_regression_huge_declared_count)
{
	static const uint8_t lie[17] = { 0xdd, 0xff, 0xff, 0xff, 0xff,
	    0xdf, 0xff, 0xff, 0xff, 0xff, 0xdd, 0xff, 0xff, 0xff, 0xff,
	    0x90, 0x90 };
	struct mp_cur c;
	uint32_t n;

	mp_cur_init(&c, lie, sizeof(lie));
	ck_assert(!mp_read_array(&c, &n, UINT32_MAX));
	ck_assert_str_eq(c.err, "container count exceeds bytes left");
	mp_cur_init(&c, lie, sizeof(lie));
	ck_assert(!mp_skip(&c));
	mp_cur_init(&c, lie + 5, sizeof(lie) - 5);
	ck_assert(!mp_read_map(&c, &n, UINT32_MAX));
}
END_TEST

START_TEST(test_count_over_limit)
{
	struct mp_buf b;
	struct mp_cur c;
	uint32_t n, k;

	mp_buf_init(&b);
	mp_put_array(&b, 20);
	for (k = 0; k < 20; k++)
		mp_put_nil(&b);
	cur_of(&c, &b);
	ck_assert(!mp_read_array(&c, &n, 19));
	ck_assert_str_eq(c.err, "container count over limit");
	cur_of(&c, &b);
	ck_assert(mp_read_array(&c, &n, 20) && n == 20);
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_truncated_everywhere)
{
	struct mp_buf b;
	struct mp_cur c;
	size_t len;

	mp_buf_init(&b);
	mp_put_array(&b, 3);
	mp_put_str(&b, "a string of some length, over 31 bytes long");
	mp_put_bin(&b, "\x01\x02\x03\x04", 4);
	mp_put_map(&b, 1);
	mp_put_u64(&b, 1);
	mp_put_double(&b, 1.0);
	for (len = 0; len < b.sb.size; len++) {
		mp_cur_init(&c, b.sb.data, len);
		ck_assert(!mp_skip(&c) || !mp_end(&c));
	}
	mp_cur_init(&c, b.sb.data, b.sb.size);
	ck_assert(mp_skip(&c) && mp_end(&c));
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_strings)
{
	struct mp_buf b;
	struct mp_cur c;
	char small[4], *dup;

	mp_buf_init(&b);
	mp_put_str(&b, "toolong");
	cur_of(&c, &b);
	ck_assert(!mp_read_str(&c, small, sizeof(small)));
	ck_assert_str_eq(c.err, "string too long");
	mp_buf_reset(&b);
	mp_put_strn(&b, "a\0b", 3);
	cur_of(&c, &b);
	ck_assert(!mp_read_strdup(&c, &dup, 10));
	ck_assert_str_eq(c.err, "string contains NUL");
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_trailing_and_types)
{
	static const uint8_t two_nils[] = { 0xc0, 0xc0 };
	static const uint8_t bad_tag[] = { 0xc1 };
	static const uint8_t deep[40] = {
	    0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91,
	    0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91,
	    0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91,
	    0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0xc0 };
	struct mp_cur c;
	uint64_t u;
	bool v;

	mp_cur_init(&c, two_nils, sizeof(two_nils));
	ck_assert(mp_read_nil(&c));
	ck_assert(!mp_end(&c));
	ck_assert_str_eq(c.err, "trailing bytes");
	mp_cur_init(&c, two_nils, sizeof(two_nils));
	ck_assert(!mp_read_bool(&c, &v));
	ck_assert(!mp_read_u64(&c, &u));	/* failure is sticky */
	mp_cur_init(&c, bad_tag, sizeof(bad_tag));
	ck_assert(!mp_skip(&c));
	mp_cur_init(&c, deep, sizeof(deep));
	ck_assert(!mp_skip(&c));
	ck_assert_str_eq(c.err, "nesting too deep");
}
END_TEST

START_TEST(test_bin_exact)
{
	struct mp_buf b;
	struct mp_cur c;
	uint8_t out[4];

	mp_buf_init(&b);
	mp_put_bin(&b, "\x0a\x00\x00\x01", 4);
	cur_of(&c, &b);
	ck_assert(mp_read_bin_exact(&c, out, 4));
	ck_assert_int_eq(out[0], 10);
	mp_buf_reset(&b);
	mp_put_bin(&b, "\x0a\x00\x00", 3);
	cur_of(&c, &b);
	ck_assert(!mp_read_bin_exact(&c, out, 4));
	mp_buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mp");
	TCase *tc = tcase_create("cursor");

	tcase_add_test(tc, test_roundtrip_scalars);
	tcase_add_test(tc, test_every_integer_width);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_regression_huge_declared_count);
	tcase_add_test(tc, test_count_over_limit);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_trailing_and_types);
	tcase_add_test(tc, test_bin_exact);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
