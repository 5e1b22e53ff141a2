/*
 * decode.h: the watcher's reading of apiserver JSON: list pages, watch
 * events, Status bodies, and the reduction of a Service, an EndpointSlice
 * or the watcher's own Node to the compact model of common/model.h.
 *
 * Everything here reads bytes from the network, so nothing may crash on
 * them: bodies are size- and depth-capped before jansson sees them, every
 * field read is type-checked, every count is bounded before anything is
 * allocated, and a model that has been built is run through the syncer's
 * own decoder (model_*_decode), which is the single definition of what the
 * syncer accepts.  What kube-proxy derives from each object, and what it
 * skips, follows spec sections 1.7 and 1.8; decode_service.c,
 * decode_slice.c and decode_node.c say where each rule comes from.
 *
 * The object decoders return one of enum decode_result and leave one line
 * in err for the caller to log (errors are returned, never logged here):
 *
 *   DECODE_OK	 out is filled; the caller frees it with model_*_free().
 *		 err is "" or a note about entries upstream also drops
 *		 (an invalid externalIP, a nil slice port ...), worth a
 *		 warning: "service default/web: dropped spec.externalIPs[1]
 *		 \"1.2.3\": not an IP address (and 1 more)".
 *   DECODE_SKIP out is zeroed; the object is not part of kube-proxy's view
 *		 (headless, ExternalName, FQDN slice, no service-name label
 *		 ...); err says why, for a debug line.  A caller that sent
 *		 an earlier version of the object sends a delete instead.
 *   DECODE_BAD	 out is zeroed; the object is refused: err names the object
 *		 and the field, e.g. "service default/web: spec.ports[1].port:
 *		 must be 1..65535, got 0".  The apiserver cannot have produced
 *		 it, so it is worth a warning.
 *
 * The key of an object (for deletes and for the reflector's bookkeeping)
 * comes from decode_meta(), which every kind shares.  Strings in err, in
 * the metadata buffers and in a Status' reason and message hold printable
 * ASCII only, so they may be logged as they are.
 *
 * Call decode_init() once before the process sandboxes itself.
 */
#ifndef KP_WATCHER_DECODE_H
#define KP_WATCHER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "model.h"

enum decode_result {
	DECODE_BAD = -1,
	DECODE_OK = 0,
	DECODE_SKIP = 1
};

enum watch_event_type {
	WATCH_ADDED = 0,
	WATCH_MODIFIED,
	WATCH_DELETED,
	WATCH_BOOKMARK,
	WATCH_ERROR,
	WATCH_TYPE_COUNT
};

/*
 * Caps on what is parsed at all.  etcd refuses objects over 1.5 MiB by
 * default, so one object or watch event is far below DECODE_OBJECT_MAX even
 * as JSON.  A list page holds up to `limit` objects (500 for the
 * reflector), but the watch cache ignores limit for resourceVersion=0: a
 * large cluster is better listed in pages with resourceVersion unset.
 * jansson needs 8 to 12 bytes of memory per byte of real objects but up
 * to 70 per byte of hostile JSON ("[{},{},..."): a body whose estimated
 * cost exceeds DECODE_MEM_RATIO times its cap (128 MiB for an event, 2 GiB
 * for a list page) is refused before parsing.  Real objects nest about 15
 * deep (managedFields mirror the object's shape); DECODE_DEPTH_MAX keeps
 * jansson's recursive parser and json_decref() far from the stack's end.
 */
#define DECODE_OBJECT_MAX	((size_t)8 << 20)
#define DECODE_LIST_MAX		((size_t)128 << 20)
#define DECODE_MEM_RATIO	16
#define DECODE_DEPTH_MAX	64

/* Buffer sizes, with the NUL, that always suffice for the outputs. */
#define DECODE_ERRLEN		768
#define DECODE_RV_MAX		128	/* resourceVersion: opaque, ASCII */
#define DECODE_CONTINUE_MAX	2048	/* list continue token */
#define DECODE_REASON_MAX	64	/* Status reason (truncated) */
#define DECODE_MESSAGE_MAX	512	/* Status message (truncated) */

/* Seed jansson's hash function from /dev/urandom while it can be read. */
void	 decode_init(void);

const char *watch_event_type_str(enum watch_event_type);

/*
 * One JSON object of at most max bytes, DECODE_DEPTH_MAX levels and an
 * estimated parse cost of DECODE_MEM_RATIO * max.  Duplicate keys are
 * refused: the apiserver never sends them, and a body that Go (last key
 * wins) and a reader that keeps the first could read differently must not
 * be read at all.  \u0000 in strings is refused too.  Returns DECODE_OK
 * with *root to json_decref(), or DECODE_BAD with *root NULL and a
 * message.
 */
int	 decode_parse(const char *buf, size_t len, size_t max, json_t **root,
	    char *err, size_t errlen);

/*
 * A list page (ServiceList, EndpointSliceList, NodeList: the kind is not
 * checked, items carry none).  metadata.resourceVersion is required, the
 * continue token is "" on the last page, and *items is always an array
 * (an absent or null items is replaced by an empty one).  Items are not
 * checked here: each goes to decode_meta() and the decoder of its kind.
 * On DECODE_BAD *root and *items are NULL and rv and cont "".
 */
int	 decode_list(const char *buf, size_t len, json_t **root,
	    const json_t **items, char *rv, size_t rvlen, char *cont,
	    size_t contlen, char *err, size_t errlen);

/*
 * One watch event, {"type": ..., "object": {...}}, as one JSON value
 * (surrounding whitespace allowed).  For WATCH_ERROR the object is a
 * Status: see decode_status(); for WATCH_BOOKMARK only its
 * metadata.resourceVersion matters (decode_meta()).  On DECODE_BAD *root
 * and *object are NULL and *type is WATCH_TYPE_COUNT.
 */
int	 decode_event(const char *line, size_t len, enum watch_event_type *type,
	    json_t **root, const json_t **object, char *err, size_t errlen);

/*
 * A Status, from an ERROR event or a non-200 response body (parse that
 * with decode_parse(..., DECODE_OBJECT_MAX, ...) first).  Absent fields
 * give 0 and "".  reason and message are truncated to their buffers and
 * made printable.  DECODE_BAD (code 0, "" and "") if it is not a Status.
 */
int	 decode_status(const json_t *obj, int *code, char *reason,
	    size_t reasonlen, char *message, size_t msglen);
/* client-go's isExpiredError: relist from scratch, do not retry. */
bool	 decode_status_expired(int code, const char *reason);

/*
 * metadata.namespace, .name and .resourceVersion of any object; each is
 * "" when absent.  DECODE_BAD, with all three "", when metadata is not an
 * object, a field is not a string, does not fit its buffer, or holds other
 * than printable ASCII without space, quote or backslash.  Names are not
 * checked further here: the kind's decoder does that.
 */
int	 decode_meta(const json_t *obj, char *ns, size_t nslen, char *name,
	    size_t namelen, char *rv, size_t rvlen);

/*
 * SKIP, as upstream: headless and ExternalName Services, FQDN slices,
 * slices without a kubernetes.io/service-name label, and either kind
 * labelled service.kubernetes.io/headless or service-proxy-name, which
 * kube-proxy's label selector leaves to the apiserver to filter out.
 */
int	 decode_service(const json_t *obj, struct kp_service *out, char *err,
	    size_t errlen);
int	 decode_slice(const json_t *obj, struct kp_slice *out, char *err,
	    size_t errlen);
int	 decode_node(const json_t *obj, struct kp_node *out, char *err,
	    size_t errlen);

/*
 * Splitting a watch body into events.  The apiserver ends each event with
 * a newline, but HTTP chunks cut anywhere and Go clients do not rely on the
 * newline, so the body is cut after each complete top-level JSON object.
 * Feed the bytes received so far (the same prefix and more on each call);
 * the scanner resumes where it stopped.  Returns 1 with *framelen the
 * length of the first event (leading whitespace included: pass
 * buf[0..*framelen) to decode_event(), drop it, and decode_frame_init()
 * again), 0 when more bytes are needed, DECODE_BAD when the bytes cannot
 * become an event within DECODE_OBJECT_MAX bytes and DECODE_DEPTH_MAX
 * levels (the stream is then unusable: close it).
 */
struct decode_frame {
	size_t		 off;		/* bytes scanned */
	unsigned	 depth;
	bool		 started;	/* the opening brace was seen */
	bool		 in_str;
	bool		 esc;
};

void	 decode_frame_init(struct decode_frame *);
int	 decode_frame(struct decode_frame *, const char *buf, size_t len,
	    size_t *framelen, char *err, size_t errlen);

/* ---- shared by watcher/decode*.c only ---------------------------------- */

/*
 * One object being decoded: its kind and printable "namespace/name" for
 * messages, the caller's err buffer, and the count of entries dropped
 * with a note (the first note stays in err).
 */
struct dctx {
	const char	*kind;
	char		 obj[KP_NAMESPACE_MAX + KP_NAME_MAX + 8];
	char		*err;
	size_t		 errlen;
	unsigned	 notes;
};

/* The buffers of dc_path() and dc_index(): spec.ports[255].nodePort ... */
#define DC_PATHLEN	192

void	 dc_init(struct dctx *, const char *kind, char *err, size_t errlen);
void	 dc_name(struct dctx *, const json_t *obj);
int	 dc_bad(struct dctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 dc_skip(struct dctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 dc_note(struct dctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 dc_ok(struct dctx *);
int	 dc_model(struct dctx *, const char *merr);

/* Printable, quoted, truncated copies of untrusted text for messages. */
void	 dc_quote(char *dst, size_t dstsz, const char *s, size_t len);
void	 dc_printable(char *dst, size_t dstsz, const char *s, size_t len);
const char *dc_type(const json_t *);

/*
 * Readers of member `key` of object o at path `where` ("" at the top).
 * JSON null reads as absent, as Go decodes it.  Each returns 0, or
 * DECODE_BAD with the message left by dc_bad().
 */
const json_t *dc_member(const json_t *o, const char *key);
void	 dc_path(char *buf, const char *where, const char *key);
void	 dc_index(char *buf, const char *where, size_t i);
int	 dc_want(struct dctx *, const json_t *v, json_type, const char *path);
int	 dc_obj(struct dctx *, const json_t *o, const char *key,
	    const char *where, bool required, const json_t **out);
int	 dc_arr(struct dctx *, const json_t *o, const char *key,
	    const char *where, size_t max, const json_t **out);
int	 dc_str(struct dctx *, const json_t *o, const char *key,
	    const char *where, bool required, const char **s, size_t *len);
int	 dc_strcpy(struct dctx *, const json_t *o, const char *key,
	    const char *where, bool required, char *buf, size_t bufsz);
int	 dc_int(struct dctx *, const json_t *o, const char *key,
	    const char *where, json_int_t min, json_int_t max, bool *set,
	    json_int_t *v);
int	 dc_bool(struct dctx *, const json_t *o, const char *key,
	    const char *where, bool dflt, bool *v);
/* A string-valued map entry (labels, annotations); *s NULL if absent. */
int	 dc_mapstr(struct dctx *, const json_t *map, const char *key,
	    const char *where, const char **s, size_t *len);
int	 dc_protocol(struct dctx *, const json_t *o, const char *where,
	    uint8_t *proto);

/* Addresses as Go's ParseIPSloppy reads them, IPv4-mapped made IPv4. */
int	 dc_parse_ip(const char *s, size_t len, struct kp_ip *);
int	 dc_parse_cidr(const char *s, size_t len, struct kp_cidr *);
/* Why an address cannot be an endpoint or externalIP; NULL if it can. */
const char *dc_special_ip(const struct kp_ip *);
/* Why it cannot be a Service VIP (cluster or LB IP); NULL if it can. */
const char *dc_vip_refusal(const struct kp_ip *);
/* Go's strings.TrimSpace (unicode spaces too) of s[0..*len). */
void	 dc_trim_space(const char **s, size_t *len);

#endif
