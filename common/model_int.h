/*
 * model_int.h: what the model's files share and nothing outside them
 * needs: the charsets and address refusals (model_valid.c), the decoding
 * context and its readers (model_decode.c), and the address encoders and
 * comparisons (model.c) used by more than one kind.  Users of the model
 * include model.h only.
 */
#ifndef KP_MODEL_INT_H
#define KP_MODEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* ---- model_valid.c: charsets and addresses ---- */

/* A charset a string field must match, and how errors name it. */
struct charset {
	const char	*what;
	bool		(*ok)(const char *, size_t);
};

extern const struct charset cs_label;		/* DNS-1123 label */
extern const struct charset cs_label_opt;	/* the same, or empty */
extern const struct charset cs_subdomain;	/* DNS-1123 subdomain */
extern const struct charset cs_subdomain_opt;	/* the same, or empty */
extern const struct charset cs_label_value;	/* label value, or empty */
extern const struct charset cs_token;		/* [-A-Za-z0-9_.]* */

bool		 model_ip_is_mapped(const struct kp_ip *);
/* Why an address may not be a Service VIP; NULL if acceptable. */
const char	*model_vip_refusal(const struct kp_ip *);
/* The apiserver's ValidateNonSpecialIP; NULL if acceptable. */
const char	*model_nonspecial_refusal(const struct kp_ip *);
const char	*model_family_str(unsigned);

/* ---- model_decode.c: the decoding context and readers ---- */

/*
 * One decode in progress.  Readers return false and leave the reason in
 * `why`; dec_fail() adds the field path and the object, dec_refuse()
 * states a semantic reason; both return -1 so a decoder can
 * `return dec_fail(...)`.
 */
struct dec {
	struct mp_cur	*c;
	const char	*kind;
	char		 obj[KP_NAMESPACE_MAX + 1 + KP_NAME_MAX + 1];
	char		 why[96];
	char		*err;
	size_t		 errlen;
};

void	 dec_init(struct dec *, struct mp_cur *, const char *kind,
	    char *err, size_t errlen);
void	 dec_obj(struct dec *, const char *ns, const char *name);
int	 dec_fail(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 dec_refuse(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
bool	 dec_why_cur(struct dec *);
int	 dec_end(struct dec *);

bool	 rd_count(struct dec *, uint32_t *n, uint32_t max);
bool	 rd_fields(struct dec *, uint32_t n);
bool	 rd_str(struct dec *, char *buf, size_t bufsz,
	    const struct charset *);
bool	 rd_strdup(struct dec *, char **out, uint32_t max,
	    const struct charset *, bool empty_null);
bool	 rd_uint(struct dec *, uint64_t *v, uint64_t min, uint64_t max);
bool	 rd_enum(struct dec *, uint8_t *out, unsigned count,
	    const char *what);
bool	 rd_port(struct dec *, uint16_t *out, uint64_t min);
bool	 rd_family(struct dec *, uint8_t *family);
bool	 rd_time(struct dec *, int64_t *t);
bool	 rd_bool(struct dec *, bool *v);
bool	 rd_ip(struct dec *, struct kp_ip *, uint8_t family);
bool	 rd_cidr(struct dec *, struct kp_cidr *);
int	 rd_ip_list(struct dec *, struct kp_ip **out, uint16_t *n,
	    uint32_t max, const char *field);

/* ---- model.c: address encoders and comparisons shared by the kinds ---- */

void	 model_put_ip(struct mp_buf *, const struct kp_ip *);
void	 model_put_cidr(struct mp_buf *, const struct kp_cidr *);
bool	 model_cidrs_equal(const struct kp_cidr *, const struct kp_cidr *,
	    size_t n);

#endif
