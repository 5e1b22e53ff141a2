/*
 * msg.c: the catalogue table.  One line per message: its name, who may
 * send it, who may receive it.  A receiver refuses anything else.
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "msg.h"

#define SUP	ROLE_BIT(ROLE_SUPERVISOR)
#define WAT	ROLE_BIT(ROLE_WATCHER)
#define SYN	ROLE_BIT(ROLE_SYNCER)
#define HEA	ROLE_BIT(ROLE_HEALTHD)
#define ALL	(SUP | WAT | SYN | HEA)

static const struct msg_info catalogue[MSG_TYPE_COUNT] = {
	[MSG_HELLO] =			{ MSG_HELLO, "MSG_HELLO", ALL, ALL, false },
	[MSG_SUPERVISOR_START] =	{ MSG_SUPERVISOR_START, "MSG_SUPERVISOR_START", SUP, ROLE_HELPERS, false },
	[MSG_SUPERVISOR_PEER_LINK] =	{ MSG_SUPERVISOR_PEER_LINK, "MSG_SUPERVISOR_PEER_LINK", SUP, ROLE_HELPERS, true },
	[MSG_SUPERVISOR_SHUTDOWN] =	{ MSG_SUPERVISOR_SHUTDOWN, "MSG_SUPERVISOR_SHUTDOWN", SUP, ROLE_HELPERS, false },
	[MSG_HELPER_READY] =		{ MSG_HELPER_READY, "MSG_HELPER_READY", ROLE_HELPERS, SUP, false },
	[MSG_HELPER_PEER_BAD] =		{ MSG_HELPER_PEER_BAD, "MSG_HELPER_PEER_BAD", ROLE_HELPERS, SUP, false },
	[MSG_SYNCER_FIRST_SYNC] =	{ MSG_SYNCER_FIRST_SYNC, "MSG_SYNCER_FIRST_SYNC", SYN, SUP, false },
	[MSG_WATCHER_SNAPSHOT_BEGIN] =	{ MSG_WATCHER_SNAPSHOT_BEGIN, "MSG_WATCHER_SNAPSHOT_BEGIN", WAT, SYN, false },
	[MSG_WATCHER_SNAPSHOT_END] =	{ MSG_WATCHER_SNAPSHOT_END, "MSG_WATCHER_SNAPSHOT_END", WAT, SYN, false },
	[MSG_WATCHER_SVC_UPSERT] =	{ MSG_WATCHER_SVC_UPSERT, "MSG_WATCHER_SVC_UPSERT", WAT, SYN, false },
	[MSG_WATCHER_SVC_DELETE] =	{ MSG_WATCHER_SVC_DELETE, "MSG_WATCHER_SVC_DELETE", WAT, SYN, false },
	[MSG_WATCHER_SLICE_UPSERT] =	{ MSG_WATCHER_SLICE_UPSERT, "MSG_WATCHER_SLICE_UPSERT", WAT, SYN, false },
	[MSG_WATCHER_SLICE_DELETE] =	{ MSG_WATCHER_SLICE_DELETE, "MSG_WATCHER_SLICE_DELETE", WAT, SYN, false },
	[MSG_WATCHER_NODE] =		{ MSG_WATCHER_NODE, "MSG_WATCHER_NODE", WAT, SYN | HEA, false },
	[MSG_WATCHER_API_STATUS] =	{ MSG_WATCHER_API_STATUS, "MSG_WATCHER_API_STATUS", WAT, HEA, false },
	[MSG_SYNCER_QUEUED] =		{ MSG_SYNCER_QUEUED, "MSG_SYNCER_QUEUED", SYN, HEA, false },
	[MSG_SYNCER_SYNC_RESULT] =	{ MSG_SYNCER_SYNC_RESULT, "MSG_SYNCER_SYNC_RESULT", SYN, HEA, false },
	[MSG_SYNCER_HC_PORTS] =		{ MSG_SYNCER_HC_PORTS, "MSG_SYNCER_HC_PORTS", SYN, HEA, false },
	[MSG_HELPER_SANDBOX] =		{ MSG_HELPER_SANDBOX, "MSG_HELPER_SANDBOX", ROLE_HELPERS, SUP, false },
	[MSG_HELPER_SECCOMP] =		{ MSG_HELPER_SECCOMP, "MSG_HELPER_SECCOMP", ROLE_HELPERS, SUP, false },
};

static const char *const role_names[ROLE_COUNT] = {
	"supervisor", "watcher", "syncer", "healthd"
};

static const char *const role_programs[ROLE_COUNT] = {
	"kube-proxy", "kube-proxy-watcher", "kube-proxy-syncer",
	"kube-proxy-healthd"
};

/* Peer fds per helper: [self][0] is FD_PEER_A, [self][1] is FD_PEER_B. */
static const enum kp_role peer_order[ROLE_COUNT][2] = {
	[ROLE_WATCHER] = { ROLE_SYNCER, ROLE_HEALTHD },
	[ROLE_SYNCER] =  { ROLE_WATCHER, ROLE_HEALTHD },
	[ROLE_HEALTHD] = { ROLE_SYNCER, ROLE_WATCHER },
};

const struct msg_info *
msg_info(uint32_t type)
{
	if (type == MSG_NONE || type >= MSG_TYPE_COUNT)
		return NULL;
	return &catalogue[type];
}

const char *
msg_type_str(uint32_t type)
{
	const struct msg_info *mi = msg_info(type);

	return mi != NULL ? mi->name : "MSG_UNKNOWN";
}

const char *
role_str(enum kp_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

const char *
role_program(enum kp_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_programs[r] : NULL;
}

void
role_peers(enum kp_role self, enum kp_role peers[2])
{
	peers[0] = peer_order[self][0];
	peers[1] = peer_order[self][1];
}

int
role_peer_fd(enum kp_role self, enum kp_role peer)
{
	if (self == ROLE_SUPERVISOR || (unsigned)self >= ROLE_COUNT)
		return -1;
	if (peer == ROLE_SUPERVISOR)
		return FD_SUPERVISOR;
	if (peer_order[self][0] == peer)
		return FD_PEER_A;
	if (peer_order[self][1] == peer)
		return FD_PEER_B;
	return -1;
}

void
msg_hdr_pack(uint8_t out[MSG_HDR_LEN], const struct msg_hdr *h)
{
	uint32_t len = htonl(h->len);
	uint16_t type = htons(h->type);

	memcpy(out, &len, 4);
	memcpy(out + 4, &type, 2);
	out[6] = h->version;
	out[7] = h->flags;
}

void
msg_hdr_unpack(struct msg_hdr *h, const uint8_t in[MSG_HDR_LEN])
{
	uint32_t len;
	uint16_t type;

	memcpy(&len, in, 4);
	memcpy(&type, in + 4, 2);
	h->len = ntohl(len);
	h->type = ntohs(type);
	h->version = in[6];
	h->flags = in[7];
}

const char *
msg_hdr_check(const struct msg_hdr *h, enum kp_role from, enum kp_role self)
{
	const struct msg_info *mi;

	if (h->version != MSG_PROTO_VERSION)
		return "wrong protocol version";
	if (h->flags != 0)
		return "reserved header flags set";
	if (h->len > MSG_MAX_BODY)
		return "frame length over limit";
	if ((mi = msg_info(h->type)) == NULL)
		return "unknown message type";
	if ((mi->from & ROLE_BIT(from)) == 0)
		return "message type not permitted from this peer";
	if ((mi->to & ROLE_BIT(self)) == 0)
		return "message type not meant for this process";
	return NULL;
}
