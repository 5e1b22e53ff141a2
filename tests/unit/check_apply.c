/*
 * check_apply.c: syncer/apply.c, the one way the syncer loads rules.
 *
 * Two halves.  The first runs anywhere: fake iptables-restore scripts in
 * a temporary bindir show how a failing, hanging or early-exiting child is
 * handled (error line mapped back to the input, the deadline kept, no
 * zombie, no SIGPIPE, an environment of PATH only, no fd leaked), and
 * the cleanup text is compared with what it must be.  The second needs
 * root: each test unshares a fresh network namespace (Check runs every
 * test in its own forked process) and drives the real iptables-nft and,
 * if installed, iptables-legacy, for IPv4 and IPv6.  Without root or
 * namespaces, the first half runs and the program exits 77 (SKIP).
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "unit.h"

/* ---- fake tools --------------------------------------------------------- */

static char fakedir[64];

static void
fake_tool(const char *name, const char *body)
{
	char path[128];
	FILE *f;

	if (fakedir[0] == '\0') {
		snprintf(fakedir, sizeof(fakedir), "/tmp/check_apply.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(fakedir));
	}
	snprintf(path, sizeof(path), "%s/%s", fakedir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

/* Check runs each test in a child of its own: no child of ours may stay. */
static void
assert_no_children(void)
{
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void
fake_teardown(void)
{
	char cmd[128];

	if (fakedir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fakedir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", fakedir);
		fakedir[0] = '\0';
	}
}

static struct apply_ctx
fake_ctx(void)
{
	struct apply_ctx c = { APPLY_BACKEND_NFT, 5000, fakedir };

	return c;
}

START_TEST(test_error_line_mapped)
{
	static const char in[] = "*filter\n-A FOO -j BAR\nCOMMIT\n";
	struct apply_result res;
	struct apply_ctx c;

	fake_tool("iptables-nft-restore", "cat >/dev/null\n"
	    "echo 'iptables-nft-restore v1.8.9 (nf_tables): bad thing' >&2\n"
	    "echo 'Error occurred at line: 2' >&2\n"
	    "echo \"Try \\`iptables-nft-restore -h' for more.\" >&2\n"
	    "exit 2");
	c = fake_ctx();
	ck_assert_int_eq(apply_restore(&c, AF_INET, in, sizeof(in) - 1, &res),
	    -1);
	ck_assert(!res.ok);
	ck_assert_int_eq(res.status, 2);
	ck_assert_int_eq(res.line, 2);
	ck_assert_str_eq(res.line_text, "-A FOO -j BAR");
	ck_assert_ptr_nonnull(strstr(res.err, "bad thing"));
	ck_assert_ptr_nonnull(strstr(res.err, "line 2: \"-A FOO -j BAR\""));
	ck_assert_ptr_null(strstr(res.err, "Try `"));
	assert_no_children();
}
END_TEST

START_TEST(test_ok_and_args)
{
	static const char in[] = "*filter\nCOMMIT\n";
	struct apply_result res;
	struct apply_ctx c;

	/* Our argv and the whole input must arrive. */
	fake_tool("iptables-nft-restore",
	    "[ \"$*\" = '--noflush --counters' ] || exit 9\n"
	    "[ \"$(cat)\" = \"$(printf '*filter\\nCOMMIT')\" ] || exit 8\n"
	    "exit 0");
	fake_tool("ip6tables-legacy-restore",
	    "[ \"$*\" = '-w 5 --noflush --counters' ] || exit 9\n"
	    "cat >/dev/null; exit 0");
	c = fake_ctx();
	ck_assert_int_eq(apply_restore(&c, AF_INET, in, sizeof(in) - 1, &res),
	    0);
	ck_assert(res.ok);
	ck_assert_str_eq(res.err, "");
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_gt(res.duration_ns, 0);
	c.backend = APPLY_BACKEND_LEGACY;
	ck_assert_int_eq(apply_restore(&c, AF_INET6, in, sizeof(in) - 1,
	    &res), 0);
	assert_no_children();
}
END_TEST

START_TEST(test_timeout_killed_and_reaped)
{
	struct apply_result res;
	struct apply_ctx c;

	fake_tool("iptables-nft-restore", "exec sleep 30");
	c = fake_ctx();
	c.timeout_ms = 300;
	ck_assert_int_eq(apply_restore(&c, AF_INET, "x\n", 2, &res), -1);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.status, 128 + SIGKILL);
	ck_assert_uint_lt(res.duration_ns, 3000000000u);
	ck_assert_uint_ge(res.duration_ns, 300000000u);
	ck_assert_ptr_nonnull(strstr(res.err, "killed after 300 ms"));
	assert_no_children();
}
END_TEST

START_TEST(test_child_exits_without_reading)
{
	size_t len = 8u << 20;
	char *big = malloc(len);
	struct apply_result res;
	struct apply_ctx c;

	/* 8 MB that nobody reads: EPIPE for us, not a SIGPIPE. */
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', len);
	fake_tool("iptables-nft-restore", "echo early >&2; exit 3");
	c = fake_ctx();
	ck_assert_int_eq(apply_restore(&c, AF_INET, big, len, &res), -1);
	ck_assert_int_eq(res.status, 3);
	ck_assert_ptr_nonnull(strstr(res.err, "exit 3: early"));
	free(big);
	assert_no_children();
}
END_TEST

START_TEST(test_env_and_fds)
{
	struct apply_result res;
	struct apply_ctx c;

	/* An fd without close-on-exec and an environment variable of ours:
	 * neither may reach the child. */
	ck_assert_int_eq(dup2(1, 47), 47);
	setenv("KP_SECRET_TOKEN", "hunter2", 1);
	fake_tool("iptables-nft-restore", "/usr/bin/env >&2\n"
	    "[ -e /proc/$$/fd/47 ] && echo LEAKED-FD >&2\nexit 1");
	c = fake_ctx();
	ck_assert_int_eq(apply_restore(&c, AF_INET, "", 0, &res), -1);
	ck_assert_ptr_nonnull(strstr(res.err,
	    "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
	ck_assert_ptr_null(strstr(res.err, "KP_SECRET"));
	ck_assert_ptr_null(strstr(res.err, "LEAKED"));
	close(47);
	assert_no_children();
}
END_TEST

START_TEST(test_cannot_run)
{
	struct apply_ctx c = { APPLY_BACKEND_NFT, 1000, "/nonexistent" };
	struct apply_result res;

	ck_assert_int_eq(apply_restore(&c, AF_INET, "", 0, &res), -1);
	ck_assert_int_eq(res.status, -1);
	ck_assert_ptr_nonnull(strstr(res.err, "cannot run"));
	assert_no_children();
}
END_TEST

START_TEST(test_save_bounded)
{
	struct apply_result res;
	struct apply_ctx c;
	char *out = NULL;
	size_t len = 0;

	fake_tool("iptables-nft-save",
	    "head -c 1048576 /dev/zero | tr '\\0' a");
	c = fake_ctx();
	ck_assert_int_eq(apply_save(&c, AF_INET, 1000, &out, &len, &res), -1);
	ck_assert_ptr_nonnull(strstr(res.err, "more than 1000 bytes"));
	ck_assert_int_eq(apply_save(&c, AF_INET, 2u << 20, &out, &len, &res),
	    0);
	ck_assert_uint_eq(len, 1048576);
	ck_assert_uint_eq(strlen(out), 1048576);
	free(out);
	assert_no_children();
}
END_TEST

START_TEST(test_backend_names)
{
	enum apply_backend b;

	ck_assert_int_eq(apply_backend_parse("legacy", &b), 0);
	ck_assert_int_eq(b, APPLY_BACKEND_LEGACY);
	ck_assert_str_eq(apply_backend_name(b), "legacy");
	ck_assert_int_eq(apply_backend_parse("nft", &b), 0);
	ck_assert_int_eq(apply_backend_parse("auto", &b), 0);
	ck_assert_int_eq(apply_backend_parse("iptables", &b), -1);
}
END_TEST

START_TEST(test_detect_auto)
{
	struct apply_ctx c;

	/* nft answers but holds nothing; legacy holds our nat chain. */
	fake_tool("iptables-nft-save", "echo '*filter'; "
	    "echo ':INPUT ACCEPT [0:0]'; echo COMMIT");
	fake_tool("iptables-legacy-save", "echo '*nat'; "
	    "echo ':KUBE-SERVICES - [0:0]'; echo COMMIT");
	c = fake_ctx();
	c.backend = APPLY_BACKEND_AUTO;
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_LEGACY);
	/* both hold marks: nft first */
	fake_tool("iptables-nft-save", "echo '*mangle'; "
	    "echo ':KUBE-KUBELET-CANARY - [0:0]'; echo COMMIT");
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_NFT);
	/* legacy fails, nft answers with nothing: nft */
	fake_tool("iptables-nft-save", "echo '*filter'; echo COMMIT");
	fake_tool("iptables-legacy-save", "exit 3");
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_NFT);
	/* nft fails, legacy answers with nothing: legacy */
	fake_tool("iptables-nft-save", "exit 1");
	fake_tool("iptables-legacy-save", "echo '*filter'; echo COMMIT");
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_LEGACY);
	/* neither: nft, whose error shows at the first restore */
	fake_tool("iptables-legacy-save", "exit 1");
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_NFT);
	c.backend = APPLY_BACKEND_NFT;
	ck_assert_int_eq(apply_detect_backend(&c), APPLY_BACKEND_NFT);
	assert_no_children();
}
END_TEST

START_TEST(test_cleanup_text)
{
	static const char saved[] =
	    "# Generated by iptables-nft-save v1.8.9 (nf_tables)\n"
	    "*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n"
	    "*nat\n"
	    ":PREROUTING ACCEPT [0:0]\n"
	    ":KUBE-SERVICES - [0:0]\n"
	    ":KUBE-MARK-MASQ - [0:0]\n"
	    ":KUBE-SVC-AAAA - [0:0]\n"
	    ":KUBE-SEP-BBBB - [0:0]\n"
	    ":CNI-X - [0:0]\n"
	    "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	    "-A PREROUTING -m comment --comment \"-j KUBE-SERVICES\" -j CNI-X\n"
	    "-A CNI-X -g KUBE-SVC-AAAA\n"
	    "-A KUBE-SERVICES -d 10.96.0.10/32 -j KUBE-SVC-AAAA\n"
	    "-A KUBE-SVC-AAAA -j KUBE-SEP-BBBB\n"
	    "COMMIT\n"
	    "*filter\n"
	    ":FORWARD ACCEPT [0:0]\n"
	    ":KUBE-FORWARD - [0:0]\n"
	    ":KUBE-FIREWALL - [0:0]\n"
	    "-A INPUT -j KUBE-FIREWALL\n"
	    "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
	    "COMMIT\n";
	static const char want[] =
	    "*nat\n"
	    ":KUBE-SERVICES - [0:0]\n"
	    ":KUBE-NODEPORTS - [0:0]\n"
	    ":KUBE-POSTROUTING - [0:0]\n"
	    ":KUBE-SVC-AAAA - [0:0]\n"
	    ":KUBE-SEP-BBBB - [0:0]\n"
	    "-D PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	    "-D CNI-X -g KUBE-SVC-AAAA\n"
	    "-X KUBE-SERVICES\n"
	    "-X KUBE-NODEPORTS\n"
	    "-X KUBE-POSTROUTING\n"
	    "-X KUBE-SVC-AAAA\n"
	    "-X KUBE-SEP-BBBB\n"
	    "COMMIT\n"
	    "*filter\n"
	    ":KUBE-SERVICES - [0:0]\n"
	    ":KUBE-EXTERNAL-SERVICES - [0:0]\n"
	    ":KUBE-FORWARD - [0:0]\n"
	    ":KUBE-NODEPORTS - [0:0]\n"
	    ":KUBE-PROXY-FIREWALL - [0:0]\n"
	    "-D FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
	    "-X KUBE-SERVICES\n"
	    "-X KUBE-EXTERNAL-SERVICES\n"
	    "-X KUBE-FORWARD\n"
	    "-X KUBE-NODEPORTS\n"
	    "-X KUBE-PROXY-FIREWALL\n"
	    "COMMIT\n";
	char *out;
	size_t len;

	len = apply_cleanup_text(AF_INET, saved, sizeof(saved) - 1, &out);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	free(out);
	/* Nothing saved: the fixed chains only. */
	len = apply_cleanup_text(AF_INET6, NULL, 0, &out);
	ck_assert_ptr_nonnull(strstr(out, "-X KUBE-POSTROUTING\n"));
	ck_assert_ptr_null(strstr(out, "-D "));
	free(out);
}
END_TEST

/* ---- the real tools, in a fresh network namespace ------------------------ */

#define SBIN	"/usr/sbin"

struct combo {
	enum apply_backend	 backend;
	int			 family;
	const char		*cluster_ip;	/* as iptables-save shows it */
	const char		*ep;		/* DNAT destination */
};

static const struct combo combos[] = {
	{ APPLY_BACKEND_NFT, AF_INET, "10.96.0.10", "10.244.0.5:8080" },
	{ APPLY_BACKEND_LEGACY, AF_INET, "10.96.0.10", "10.244.0.5:8080" },
	{ APPLY_BACKEND_NFT, AF_INET6, "fd00::10", "[fd00:244::5]:8080" },
	{ APPLY_BACKEND_LEGACY, AF_INET6, "fd00::10", "[fd00:244::5]:8080" },
};

/* Enter a namespace of our own; false (and the test passes) if the
 * backend is not installed. */
static bool
enter_netns(const struct combo *co, struct apply_ctx *c)
{
	char path[128];

	snprintf(path, sizeof(path), SBIN "/%s-%s-restore",
	    co->family == AF_INET6 ? "ip6tables" : "iptables",
	    apply_backend_name(co->backend));
	if (access(path, X_OK) != 0) {
		fprintf(stderr, "check_apply: no %s, not tested\n", path);
		return false;
	}
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
	    strerror(errno));
	memset(c, 0, sizeof(*c));
	c->backend = co->backend;
	c->timeout_ms = 20000;
	return true;
}

static char *
save(const struct apply_ctx *c, int family)
{
	struct apply_result res;
	char *out;
	size_t len;

	ck_assert_msg(apply_save(c, family, 16u << 20, &out, &len, &res) == 0,
	    "save: %s", res.err);
	return out;
}

static void
restore_ok(const struct apply_ctx *c, int family, const char *text)
{
	struct apply_result res;

	ck_assert_msg(apply_restore(c, family, text, strlen(text), &res) == 0,
	    "restore: %s", res.err);
}

static void
assert_has(const char *hay, const char *needle, bool want)
{
	ck_assert_msg((strstr(hay, needle) != NULL) == want,
	    "%s \"%s\" in:\n%s", want ? "no" : "unexpected", needle, hay);
}

START_TEST(test_real_restore)
{
	const struct combo *co = &combos[_i];
	struct apply_result res;
	struct apply_ctx c;
	char text[4096], bad[512], want[256], *s;
	int plen = co->family == AF_INET6 ? 128 : 32;

	if (!enter_netns(co, &c))
		return;
	snprintf(text, sizeof(text),
	    "*filter\n"
	    ":KUBE-SERVICES - [0:0]\n"
	    ":KUBE-FORWARD - [0:0]\n"
	    ":CNI-TEST - [0:0]\n"
	    "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n"
	    "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
	    "-A FORWARD -j CNI-TEST\n"
	    "COMMIT\n"
	    "*nat\n"
	    ":KUBE-SERVICES - [0:0]\n"
	    ":KUBE-MARK-MASQ - [0:0]\n"
	    ":KUBE-SVC-AAAA - [0:0]\n"
	    ":KUBE-SEP-BBBB - [0:0]\n"
	    "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	    "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	    "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n"
	    "-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d %s --dport 80 -j KUBE-SVC-AAAA\n"
	    "-A KUBE-SVC-AAAA -j KUBE-SEP-BBBB\n"
	    "-A KUBE-SEP-BBBB -m tcp -p tcp -j DNAT --to-destination %s\n"
	    "COMMIT\n", co->cluster_ip, co->ep);
	restore_ok(&c, co->family, text);
	s = save(&c, co->family);
	snprintf(want, sizeof(want), "-A KUBE-SERVICES -d %s/%d -p tcp",
	    co->cluster_ip, plen);
	assert_has(s, want, true);
	snprintf(want, sizeof(want), "--to-destination %s", co->ep);
	assert_has(s, want, true);
	assert_has(s, "-A PREROUTING -m comment --comment \"kubernetes "
	    "service portals\" -j KUBE-SERVICES", true);
	free(s);

	/* A parse error on line 3: nat is left as it was. */
	snprintf(bad, sizeof(bad), "*nat\n:KUBE-SERVICES - [0:0]\n"
	    "-A KUBE-SERVICES -m tcp -p tcp -d %s --dport 99999 -j KUBE-SVC-AAAA\n"
	    "COMMIT\n", co->cluster_ip);
	ck_assert_int_eq(apply_restore(&c, co->family, bad, strlen(bad),
	    &res), -1);
	ck_assert_int_eq(res.line, 3);
	ck_assert_msg(strncmp(res.line_text, "-A KUBE-SERVICES -m tcp -p tcp",
	    30) == 0 && strstr(res.line_text, "99999") != NULL,
	    "line_text: %s", res.line_text);
	ck_assert_msg(strstr(res.err, "line 3: ") != NULL, "err: %s",
	    res.err);
	/* A jump to a chain that does not exist, also line 3 (nft names
	 * the COMMIT; apply.c looks back for the jump). */
	snprintf(bad, sizeof(bad), "*nat\n:KUBE-SERVICES - [0:0]\n"
	    "-A KUBE-SERVICES -d %s -j KUBE-SVC-MISSING\nCOMMIT\n",
	    co->cluster_ip);
	ck_assert_int_eq(apply_restore(&c, co->family, bad, strlen(bad),
	    &res), -1);
	ck_assert_msg(res.line == 3, "line %ld: %s", res.line, res.err);
	snprintf(want, sizeof(want), "-A KUBE-SERVICES -d %s -j "
	    "KUBE-SVC-MISSING", co->cluster_ip);
	ck_assert_str_eq(res.line_text, want);
	s = save(&c, co->family);
	snprintf(want, sizeof(want), "-A KUBE-SERVICES -d %s/%d -p tcp",
	    co->cluster_ip, plen);
	assert_has(s, want, true);
	assert_has(s, "KUBE-SVC-MISSING", false);
	assert_has(s, "99999", false);
	free(s);

	/* --cleanup: our chains and the jumps to them go; others stay. */
	ck_assert_msg(apply_cleanup(&c, co->family, &res) == 0, "cleanup: %s",
	    res.err);
	s = save(&c, co->family);
	assert_has(s, "KUBE-SERVICES", false);
	assert_has(s, "KUBE-FORWARD", false);
	assert_has(s, "KUBE-SVC-", false);
	assert_has(s, "KUBE-SEP-", false);
	assert_has(s, ":KUBE-MARK-MASQ", true);	/* kept, as upstream */
	assert_has(s, "-A FORWARD -j CNI-TEST", true);
	free(s);
	/* Again, with nothing left to remove. */
	ck_assert_msg(apply_cleanup(&c, co->family, &res) == 0,
	    "second cleanup: %s", res.err);
	assert_no_children();
}
END_TEST

START_TEST(test_real_canary)
{
	const struct combo *co = &combos[_i];
	struct apply_result res;
	struct apply_ctx c;
	char cmd[256];

	if (!enter_netns(co, &c))
		return;
	ck_assert_int_eq(apply_canary_check(&c, co->family, "mangle"), 0);
	ck_assert_msg(apply_canary_create(&c, co->family, &res) == 0,
	    "canary: %s", res.err);
	ck_assert_int_eq(apply_canary_check(&c, co->family, "mangle"), 1);
	ck_assert_int_eq(apply_canary_check(&c, co->family, "nat"), 1);
	ck_assert_int_eq(apply_canary_check(&c, co->family, "filter"), 1);
	/* Created twice is fine. */
	ck_assert_int_eq(apply_canary_create(&c, co->family, &res), 0);
	/* Someone flushes mangle. */
	snprintf(cmd, sizeof(cmd), SBIN "/%s-%s -w 5 -t mangle -X "
	    "KUBE-PROXY-CANARY", co->family == AF_INET6 ? "ip6tables" :
	    "iptables", apply_backend_name(co->backend));
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(apply_canary_check(&c, co->family, "mangle"), 0);
	ck_assert_int_eq(apply_canary_check(&c, co->family, "nat"), 1);
	assert_no_children();
}
END_TEST

/* Root, a namespace can be made, iptables-nft-restore is there. */
static bool
can_use_netns(void)
{
	pid_t pid;
	int st;

	if (geteuid() != 0 || access(SBIN "/iptables-nft-restore", X_OK) != 0)
		return false;
	if ((pid = fork()) == -1)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
main(void)
{
	Suite *s = suite_create("apply");
	TCase *tc = tcase_create("fake");
	TCase *real;
	int n = (int)(sizeof(combos) / sizeof(combos[0]));

	tcase_add_checked_fixture(tc, NULL, fake_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_error_line_mapped);
	tcase_add_test(tc, test_ok_and_args);
	tcase_add_test(tc, test_timeout_killed_and_reaped);
	tcase_add_test(tc, test_child_exits_without_reading);
	tcase_add_test(tc, test_env_and_fds);
	tcase_add_test(tc, test_cannot_run);
	tcase_add_test(tc, test_save_bounded);
	tcase_add_test(tc, test_backend_names);
	tcase_add_test(tc, test_detect_auto);
	tcase_add_test(tc, test_cleanup_text);
	suite_add_tcase(s, tc);

	/* unshare() in the test itself is safe only in Check's fork mode. */
	if (!can_use_netns() || (getenv("CK_FORK") != NULL &&
	    strcmp(getenv("CK_FORK"), "no") == 0)) {
		printf("SKIP: the iptables tests need root, network namespaces "
		    "and fork mode\n");
		return unit_run(s) == EXIT_SUCCESS ? 77 : EXIT_FAILURE;
	}
	real = tcase_create("netns");
	tcase_set_timeout(real, 60);
	tcase_add_loop_test(real, test_real_restore, 0, n);
	tcase_add_loop_test(real, test_real_canary, 0, n);
	suite_add_tcase(s, real);
	return unit_run(s);
}
