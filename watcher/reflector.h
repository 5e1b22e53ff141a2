/*
 * reflector.h: list and watch one kind of object, as client-go's
 * reflector does.
 *
 *   list (paged: limit=500, continue) -> watch from the list's
 *   resourceVersion with allowWatchBookmarks=true and a timeout of 5-10
 *   minutes -> the watch ends: watch again from the last resourceVersion
 *   seen (objects and bookmarks) -> 410 Gone / Expired, a malformed line,
 *   or a response we cannot read: list again.
 *
 * Errors back off exponentially with jitter (500 ms doubling to 30 s).
 * A relist reports every object again between list_begin and list_end,
 * so the owner can tell what vanished; a list broken off halfway ends
 * with list_abort and must change nothing.
 */
#ifndef KP_REFLECTOR_H
#define KP_REFLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct event_base;
struct http_client;
struct reflector;

enum refl_op { REFL_UPSERT, REFL_DELETE };

struct reflector_ops {
	void	(*list_begin)(struct reflector *, void *arg);
	void	(*object)(struct reflector *, enum refl_op, const json_t *obj,
		    void *arg);
	void	(*list_end)(struct reflector *, void *arg);
	void	(*list_abort)(struct reflector *, void *arg);
};

struct reflector_stats {
	uint64_t	lists;		/* complete lists */
	uint64_t	relists;	/* after 410 or a broken stream */
	uint64_t	watches;	/* watch requests */
	uint64_t	events;		/* watch events handled */
	uint64_t	errors;		/* failed requests */
	uint64_t	bad_lines;	/* watch lines we could not read */
};

/*
 * path: "/api/v1/services"; label and field selectors unescaped, or NULL.
 * name: "services", for logs.
 */
struct reflector *reflector_new(struct event_base *, struct http_client *,
	    const char *name, const char *path, const char *label_selector,
	    const char *field_selector, const struct reflector_ops *,
	    void *arg);
void	 reflector_start(struct reflector *);
void	 reflector_free(struct reflector *);
const char *reflector_name(const struct reflector *);
bool	 reflector_synced(const struct reflector *);	/* listed once */
const struct reflector_stats *reflector_stats(const struct reflector *);

#endif
