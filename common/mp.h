/*
 * mp.h: msgpack encoding (msgpack-c's packer) and a bounds-checked cursor
 * for decoding.
 *
 * Why not msgpack_unpack(): msgpack-c 4.0 allocates from a container's
 * declared element count before the elements exist, so a 17-byte input can
 * ask for 128 GiB.  The cursor below never allocates: it reads in place,
 * checks every declared count against the bytes left (each element takes at
 * least one byte), and lets the caller copy strings into bounded buffers.
 * Every getter fails once the cursor has failed, so a decoder can read a
 * whole message and check mp_ok() once at the end.
 */
#ifndef KP_MP_H
#define KP_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>

/* ---- decoding ---------------------------------------------------------- */

struct mp_cur {
	const uint8_t	*p;
	const uint8_t	*end;
	const char	*err;	/* first error, static string; NULL while ok */
	unsigned	 depth;	/* nesting used by mp_skip() */
};

#define MP_MAX_DEPTH	32

void	 mp_cur_init(struct mp_cur *, const void *buf, size_t len);
bool	 mp_ok(const struct mp_cur *);
/* Record an error (first one wins); always returns false. */
bool	 mp_fail(struct mp_cur *, const char *why);
size_t	 mp_left(const struct mp_cur *);
/* True when all bytes were consumed; sets an error otherwise. */
bool	 mp_end(struct mp_cur *);

bool	 mp_is_nil(const struct mp_cur *);
bool	 mp_read_nil(struct mp_cur *);
/* Array/map headers: *n is checked against max and against the bytes left. */
bool	 mp_read_array(struct mp_cur *, uint32_t *n, uint32_t max);
bool	 mp_read_map(struct mp_cur *, uint32_t *n, uint32_t max);
/* Expect an array of exactly n elements. */
bool	 mp_expect_array(struct mp_cur *, uint32_t n);
bool	 mp_read_bool(struct mp_cur *, bool *);
bool	 mp_read_u64(struct mp_cur *, uint64_t *);
bool	 mp_read_i64(struct mp_cur *, int64_t *);
/* Range-checked integer reads. */
bool	 mp_read_uint(struct mp_cur *, uint64_t *, uint64_t min, uint64_t max);
bool	 mp_read_int(struct mp_cur *, int64_t *, int64_t min, int64_t max);
bool	 mp_read_double(struct mp_cur *, double *);
/* String in place (not NUL-terminated), at most max bytes. */
bool	 mp_read_strref(struct mp_cur *, const char **s, uint32_t *len,
	    uint32_t max);
/*
 * String copied into buf (size bufsz, NUL-terminated).  Strings with an
 * embedded NUL are rejected, so C string functions see all of it.
 */
bool	 mp_read_str(struct mp_cur *, char *buf, size_t bufsz);
/* String duplicated with malloc (at most max bytes); caller frees. */
bool	 mp_read_strdup(struct mp_cur *, char **out, uint32_t max);
/* Binary in place, at most max bytes. */
bool	 mp_read_binref(struct mp_cur *, const uint8_t **b, uint32_t *len,
	    uint32_t max);
/* Binary of exactly len bytes, or of one of two lengths (e.g. 4 or 16). */
bool	 mp_read_bin_exact(struct mp_cur *, void *out, uint32_t len);
/* Skip one object of any type (bounded depth). */
bool	 mp_skip(struct mp_cur *);

/* ---- encoding ---------------------------------------------------------- */

/* A growable buffer and a packer writing into it. */
struct mp_buf {
	msgpack_sbuffer	sb;
	msgpack_packer	pk;
};

void	 mp_buf_init(struct mp_buf *);
void	 mp_buf_free(struct mp_buf *);
void	 mp_buf_reset(struct mp_buf *);

void	 mp_put_array(struct mp_buf *, uint32_t n);
void	 mp_put_map(struct mp_buf *, uint32_t n);
void	 mp_put_nil(struct mp_buf *);
void	 mp_put_bool(struct mp_buf *, bool);
void	 mp_put_u64(struct mp_buf *, uint64_t);
void	 mp_put_i64(struct mp_buf *, int64_t);
void	 mp_put_double(struct mp_buf *, double);
/* NULL is encoded as the empty string. */
void	 mp_put_str(struct mp_buf *, const char *);
void	 mp_put_strn(struct mp_buf *, const char *, size_t);
void	 mp_put_bin(struct mp_buf *, const void *, size_t);

#endif
