/*
 * check_msg.c: the message catalogue and the frame header: every message
 * is named, directions are what DESIGN.md says, and a header is refused
 * for each thing that can be wrong with it.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "unit.h"

START_TEST(test_catalogue_complete)
{
	uint32_t t;
	const struct msg_info *mi;

	for (t = MSG_NONE + 1; t < MSG_TYPE_COUNT; t++) {
		mi = msg_info(t);
		ck_assert_ptr_nonnull(mi);
		ck_assert_uint_eq(mi->type, t);
		ck_assert(strncmp(mi->name, "MSG_", 4) == 0);
		ck_assert(mi->from != 0 && mi->to != 0);
	}
	ck_assert_ptr_null(msg_info(MSG_NONE));
	ck_assert_ptr_null(msg_info(MSG_TYPE_COUNT));
	ck_assert_str_eq(msg_type_str(9999), "MSG_UNKNOWN");
}
END_TEST

START_TEST(test_directions)
{
	/* only the watcher feeds the syncer; only the supervisor passes fds */
	ck_assert_ptr_null(msg_hdr_check(&(struct msg_hdr){ 10,
	    MSG_WATCHER_SVC_UPSERT, MSG_PROTO_VERSION, 0 }, ROLE_WATCHER,
	    ROLE_SYNCER));
	ck_assert_str_eq(msg_hdr_check(&(struct msg_hdr){ 10,
	    MSG_WATCHER_SVC_UPSERT, MSG_PROTO_VERSION, 0 }, ROLE_HEALTHD,
	    ROLE_SYNCER), "message type not permitted from this peer");
	ck_assert_str_eq(msg_hdr_check(&(struct msg_hdr){ 10,
	    MSG_WATCHER_SVC_UPSERT, MSG_PROTO_VERSION, 0 }, ROLE_WATCHER,
	    ROLE_HEALTHD), "message type not meant for this process");
	ck_assert_str_eq(msg_hdr_check(&(struct msg_hdr){ 1,
	    MSG_SUPERVISOR_PEER_LINK, MSG_PROTO_VERSION, 0 }, ROLE_WATCHER,
	    ROLE_SYNCER), "message type not permitted from this peer");
	ck_assert(msg_info(MSG_SUPERVISOR_PEER_LINK)->carries_fd);
	ck_assert(!msg_info(MSG_WATCHER_NODE)->carries_fd);
}
END_TEST

START_TEST(test_header_checks)
{
	struct msg_hdr h = { 0, MSG_HELLO, MSG_PROTO_VERSION, 0 };

	ck_assert_ptr_null(msg_hdr_check(&h, ROLE_WATCHER, ROLE_SYNCER));
	h.version = 2;
	ck_assert_str_eq(msg_hdr_check(&h, ROLE_WATCHER, ROLE_SYNCER),
	    "wrong protocol version");
	h.version = MSG_PROTO_VERSION;
	h.flags = 1;
	ck_assert_str_eq(msg_hdr_check(&h, ROLE_WATCHER, ROLE_SYNCER),
	    "reserved header flags set");
	h.flags = 0;
	h.len = MSG_MAX_BODY + 1;
	ck_assert_str_eq(msg_hdr_check(&h, ROLE_WATCHER, ROLE_SYNCER),
	    "frame length over limit");
	h.len = 0;
	h.type = 200;
	ck_assert_str_eq(msg_hdr_check(&h, ROLE_WATCHER, ROLE_SYNCER),
	    "unknown message type");
}
END_TEST

START_TEST(test_header_pack)
{
	struct msg_hdr in = { 0x01020304, 0x0506, 7, 0 }, out;
	uint8_t b[MSG_HDR_LEN];

	msg_hdr_pack(b, &in);
	ck_assert_int_eq(b[0], 1);	/* big-endian length */
	ck_assert_int_eq(b[3], 4);
	ck_assert_int_eq(b[4], 5);
	msg_hdr_unpack(&out, b);
	ck_assert(memcmp(&in, &out, sizeof(in)) == 0);
}
END_TEST

START_TEST(test_roles)
{
	enum kp_role p[2];

	ck_assert_int_eq(role_peer_fd(ROLE_WATCHER, ROLE_SYNCER), FD_PEER_A);
	ck_assert_int_eq(role_peer_fd(ROLE_SYNCER, ROLE_WATCHER), FD_PEER_A);
	ck_assert_int_eq(role_peer_fd(ROLE_HEALTHD, ROLE_SYNCER), FD_PEER_A);
	ck_assert_int_eq(role_peer_fd(ROLE_HEALTHD, ROLE_WATCHER), FD_PEER_B);
	ck_assert_int_eq(role_peer_fd(ROLE_SYNCER, ROLE_SUPERVISOR),
	    FD_SUPERVISOR);
	ck_assert_int_eq(role_peer_fd(ROLE_SUPERVISOR, ROLE_SYNCER), -1);
	role_peers(ROLE_SYNCER, p);
	ck_assert(p[0] == ROLE_WATCHER && p[1] == ROLE_HEALTHD);
	ck_assert_str_eq(role_program(ROLE_SYNCER), "kube-proxy-syncer");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = tcase_create("catalogue");

	tcase_add_test(tc, test_catalogue_complete);
	tcase_add_test(tc, test_directions);
	tcase_add_test(tc, test_header_checks);
	tcase_add_test(tc, test_header_pack);
	tcase_add_test(tc, test_roles);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
