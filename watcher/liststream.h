/*
 * liststream.h: read a List response (ServiceList, EndpointSliceList,
 * NodeList) as it arrives, one item at a time.
 *
 * client-go's first list asks for resourceVersion=0, which the
 * apiserver's watch cache answers in one piece whatever the limit: tens of
 * megabytes at 10,000 Services.  Parsed whole, that is hundreds of
 * megabytes of JSON tree; read as a stream, the watcher holds one item at
 * a time.  The top-level object is walked key by key: "metadata" gives
 * the resourceVersion and continue token, "items" is cut into objects
 * (decode_frame), anything else is skipped.  Each item is a complete JSON
 * object handed to the caller; nothing else of the body is kept.
 */
#ifndef KP_LISTSTREAM_H
#define KP_LISTSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "decode.h"

struct evbuffer;

#define LIST_KEY_MAX	64
#define LIST_VALUE_MAX	(64u * 1024)	/* metadata and other top-level values */

/* One item: a complete JSON object (buf[0..len)); return 0 to go on. */
typedef int (*list_item_fn)(const char *buf, size_t len, void *arg);

struct list_stream {
	int			 state;
	char			 key[LIST_KEY_MAX + 1];
	struct decode_frame	 frame;		/* the item being cut */
	size_t			 items;
	char			 rv[DECODE_RV_MAX];
	char			 cont[DECODE_CONTINUE_MAX];
	bool			 have_rv;
};

void	 list_stream_init(struct list_stream *);
/*
 * Take what can be taken from buf (it is drained of what was read).
 * Returns 0 when more bytes are needed, 1 when the list object is
 * complete, DECODE_BAD (with err) when the body cannot be a list, or
 * when the item callback returned non-zero.
 */
int	 list_stream_feed(struct list_stream *, struct evbuffer *buf,
	    list_item_fn, void *arg, char *err, size_t errlen);

#endif
