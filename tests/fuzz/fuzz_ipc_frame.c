/*
 * fuzz_ipc_frame.c: libFuzzer target for a link as the syncer runs it:
 * the input is a byte stream from "the watcher", read by the real
 * ipc_link (header checks, length cap, catalogue, dispatch) into handlers
 * that call the real model decoders.  Whatever arrives, the link must end
 * either handling frames or closing; never crash, leak or over-allocate.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "ipc.h"
#include "log.h"
#include "model.h"

static int
on_svc(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct kp_service s;
	char err[KP_MODEL_ERRLEN];

	if (model_service_decode(c, &s, err, sizeof(err)) != 0)
		return -1;
	model_service_free(&s);
	return 0;
}

static int
on_slice(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct kp_slice s;
	char err[KP_MODEL_ERRLEN];

	if (model_slice_decode(c, &s, err, sizeof(err)) != 0)
		return -1;
	model_slice_free(&s);
	return 0;
}

static int
on_node(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct kp_node n;
	char err[KP_MODEL_ERRLEN];

	if (model_node_decode(c, &n, err, sizeof(err)) != 0)
		return -1;
	model_node_free(&n);
	return 0;
}

static int
on_key(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct kp_key k;
	char err[KP_MODEL_ERRLEN];

	return model_key_decode(c, &k, err, sizeof(err));
}

static int
on_gen(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	uint64_t g;
	char err[KP_MODEL_ERRLEN];

	return model_gen_decode(c, &g, err, sizeof(err));
}

static const struct ipc_handler table[] = {
	{ MSG_HELLO,			ipc_on_hello },
	{ MSG_WATCHER_SNAPSHOT_BEGIN,	on_gen },
	{ MSG_WATCHER_SNAPSHOT_END,	on_gen },
	{ MSG_WATCHER_SVC_UPSERT,	on_svc },
	{ MSG_WATCHER_SVC_DELETE,	on_key },
	{ MSG_WATCHER_SLICE_UPSERT,	on_slice },
	{ MSG_WATCHER_SLICE_DELETE,	on_key },
	{ MSG_WATCHER_NODE,		on_node },
	{ MSG_NONE,			NULL }
};

static void
on_close(struct ipc_link *l, const char *reason, bool malformed, void *arg)
{
	ipc_link_free(l);
	*(struct ipc_link **)arg = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	struct ipc_link *link;
	struct log_options quiet = { -1, true, 3, true };
	int sv[2], i;

	if (size > 65536)
		return 0;
	if (base == NULL) {
		log_init("fuzz");
		log_set_options(&quiet);
		base = event_base_new();
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	link = ipc_link_new(base, sv[0], ROLE_SYNCER, ROLE_WATCHER, table,
	    on_close, &link);
	if (size > 0 && write(sv[1], data, size) != (ssize_t)size)
		abort();
	close(sv[1]);	/* EOF after the input */
	for (i = 0; i < 8 && link != NULL; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	if (link != NULL)
		ipc_link_free(link);
	return 0;
}
