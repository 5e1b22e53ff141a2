/*
 * check_ctlimits.c: the supervisor's conntrack limits (spec 1.6) against
 * a fake /proc and /sys in a temporary directory: values only raised,
 * the minimum, per-core scaling, 0 meaning "leave it", the hash size and
 * a read-only /sys, refused writes (a warning for the kernel-wide limits,
 * fatal for the timeouts) and unreadable values.
 *
 * A refused write is made with a mode-0444 file; root ignores modes, so
 * a test that needs the refusal first drops CAP_DAC_OVERRIDE from its
 * effective set (Check runs each test in a child of its own).
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "ctlimits.h"
#include "unit.h"

#define CT	"/proc/sys/net/netfilter/"
#define MAX	CT "nf_conntrack_max"
#define EST	CT "nf_conntrack_tcp_timeout_established"
#define CW	CT "nf_conntrack_tcp_timeout_close_wait"
#define HASH	"/sys/module/nf_conntrack/parameters/hashsize"
#define MOUNTS	"/proc/mounts"
#define CPUS	"/sys/devices/system/cpu"

#define SYSFS_RW "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
#define SYSFS_RO "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n"

static char root[64];

static void
mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (p = path + strlen(root) + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The value in a fake file; -1 when it is not a number. */
static long long
get(const char *rel)
{
	char path[PATH_MAX];
	long long v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fscanf(f, "%lld", &v);
	fclose(f);
	return n == 1 ? v : -1;
}

/* The whole text of a fake file (static buffer). */
static const char *
raw(const char *rel)
{
	static char buf[64];
	char path[PATH_MAX];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
mode(const char *rel, mode_t m)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	ck_assert_int_eq(chmod(path, m), 0);
}

static void
gone(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	ck_assert_int_eq(unlink(path), 0);
}

/*
 * A node with 4 online CPUs of 5 (cpu4 is off), every value below what
 * the defaults want, and a writable /sys.
 */
static void
setup(void)
{
	char d[64];
	int i;

	snprintf(root, sizeof(root), "/tmp/check_ctlimits.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	mkdirs("/proc/sys/net/netfilter");
	mkdirs("/sys/module/nf_conntrack/parameters");
	mkdirs(CPUS "/cpufreq");
	mkdirs(CPUS "/cpuidle");
	for (i = 0; i < 5; i++) {
		snprintf(d, sizeof(d), CPUS "/cpu%d", i);
		mkdirs(d);
		if (i == 0)
			continue;	/* cpu0 has no "online" file */
		snprintf(d, sizeof(d), CPUS "/cpu%d/online", i);
		put(d, i == 4 ? "0\n" : "1\n");
	}
	put(CPUS "/online", "0-3\n");
	put(MAX, "65536\n");
	put(HASH, "16384\n");
	put(EST, "60\n");
	put(CW, "60\n");
	put(MOUNTS, "proc /proc proc rw 0 0\n" SYSFS_RW);
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
teardown(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
defaults(struct kp_config *cfg)
{
	config_defaults(cfg);
	/* the test's premise: upstream's defaults */
	ck_assert(cfg->conntrack.max_per_core.set);
	ck_assert_int_eq(cfg->conntrack.max_per_core.v, 32768);
	ck_assert_int_eq(cfg->conntrack.min.v, 131072);
	ck_assert(cfg->conntrack.tcp_established_timeout == 86400 * KP_SECOND);
	ck_assert(cfg->conntrack.tcp_close_wait_timeout == 3600 * KP_SECOND);
}

/* Root ignores file modes: drop that, in this test's process only. */
static void
lose_dac_override(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) |
	    (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

START_TEST(test_cpus)
{
	cpu_set_t set;

	ck_assert_int_eq(ctlimits_cpus(root), 4);
	/* without sysfs: the CPUs we may run on */
	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	ck_assert_int_eq(ctlimits_cpus("/nonexistent"), CPU_COUNT(&set));
}
END_TEST

START_TEST(test_max)
{
	struct kp_config cfg;

	defaults(&cfg);
	/* 32768 x 2 < 131072: the minimum */
	ck_assert_int_eq(ctlimits_max(&cfg, 2), 131072);
	ck_assert_int_eq(ctlimits_max(&cfg, 4), 131072);
	/* per core above the minimum */
	ck_assert_int_eq(ctlimits_max(&cfg, 5), 163840);
	cfg.conntrack.max_per_core.v = 65536;
	ck_assert_int_eq(ctlimits_max(&cfg, 3), 196608);
	/* no overflow in 32 bits */
	cfg.conntrack.max_per_core.v = INT32_MAX;
	ck_assert(ctlimits_max(&cfg, 4) == (int64_t)INT32_MAX * 4);
	/* min unset: no floor */
	cfg.conntrack.max_per_core.v = 10;
	cfg.conntrack.min.set = false;
	ck_assert_int_eq(ctlimits_max(&cfg, 4), 40);
	/* 0 or unset: leave it */
	cfg.conntrack.max_per_core.v = 0;
	ck_assert_int_eq(ctlimits_max(&cfg, 4), 0);
	cfg.conntrack.max_per_core.v = 1000;
	cfg.conntrack.max_per_core.set = false;
	ck_assert_int_eq(ctlimits_max(&cfg, 4), 0);
}
END_TEST

/* Everything lower than wanted: all four raised. */
START_TEST(test_raise)
{
	struct kp_config cfg;

	defaults(&cfg);
	cfg.conntrack.max_per_core.v = 50000;	/* x 4 CPUs = 200000 */
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 200000);
	ck_assert_int_eq(get(HASH), 50000);
	ck_assert_int_eq(get(EST), 86400);
	ck_assert_int_eq(get(CW), 3600);
}
END_TEST

/* The minimum wins over a small per-core product. */
START_TEST(test_min)
{
	struct kp_config cfg;

	defaults(&cfg);
	cfg.conntrack.max_per_core.v = 1000;	/* x 4 = 4000 */
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 131072);
	ck_assert_int_eq(get(HASH), 32768);
}
END_TEST

/* Everything already higher: nothing lowered. */
START_TEST(test_never_lower)
{
	struct kp_config cfg;

	defaults(&cfg);
	put(MAX, "1000000\n");
	put(HASH, "262144\n");
	put(EST, "432000\n");		/* the kernel's default */
	put(CW, "7200\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 1000000);
	ck_assert_int_eq(get(HASH), 262144);
	ck_assert_int_eq(get(EST), 432000);
	ck_assert_int_eq(get(CW), 7200);
	/* equal is not lower: not rewritten (we would add a newline) */
	put(MAX, "131072");
	put(HASH, "32768");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_str_eq(raw(MAX), "131072");
	ck_assert_str_eq(raw(HASH), "32768");
}
END_TEST

/*
 * The hash size follows max/4 even when nf_conntrack_max was high
 * enough already, as upstream reads it after any nf_conntrack_max.
 */
START_TEST(test_hashsize)
{
	struct kp_config cfg;

	defaults(&cfg);
	cfg.conntrack.max_per_core.v = 100000;	/* 400000 */
	put(MAX, "500000\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 500000);
	ck_assert_int_eq(get(HASH), 100000);
	/* not below max/4: kept */
	put(HASH, "100001\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(HASH), 100001);
}
END_TEST

/* A read-only /sys: upstream's warning, the hash size kept, go on. */
START_TEST(test_sysfs_read_only)
{
	struct kp_config cfg;

	defaults(&cfg);
	put(MOUNTS, "proc /proc proc rw 0 0\n" SYSFS_RO
	    "sysfs /other sysfs rw 0 0\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 131072);
	ck_assert_int_eq(get(HASH), 16384);
	ck_assert_int_eq(get(CW), 3600);	/* and the rest goes on */
	/* no sysfs at all: fatal, as upstream */
	put(MOUNTS, "proc /proc proc rw 0 0\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	ck_assert_int_eq(get(HASH), 16384);
	/* nothing to do with the hash size: /proc/mounts is not read */
	put(HASH, "32768\n");
	gone(MOUNTS);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
}
END_TEST

/* 0 leaves a value alone: nothing is read or written. */
START_TEST(test_zero)
{
	struct kp_config cfg;

	defaults(&cfg);
	cfg.conntrack.max_per_core.v = 0;
	cfg.conntrack.tcp_established_timeout = 0;
	cfg.conntrack.tcp_close_wait_timeout = 0;
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 65536);
	ck_assert_int_eq(get(HASH), 16384);
	ck_assert_int_eq(get(EST), 60);
	ck_assert_int_eq(get(CW), 60);
	/* not even looked at */
	ck_assert_int_eq(ctlimits_apply(&cfg, "/nonexistent"), 0);
	/* under a second is 0 seconds, as Go's int(d / time.Second) */
	cfg.conntrack.tcp_close_wait_timeout = KP_SECOND / 2;
	ck_assert_int_eq(ctlimits_apply(&cfg, "/nonexistent"), 0);
	/* only maxPerCore off: the timeouts still raised */
	defaults(&cfg);
	cfg.conntrack.max_per_core.v = 0;
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 65536);
	ck_assert_int_eq(get(CW), 3600);
}
END_TEST

/*
 * A refused write of a kernel-wide limit (as in a network namespace)
 * is a warning; of a timeout, fatal.
 */
START_TEST(test_refused)
{
	struct kp_config cfg;

	defaults(&cfg);
	lose_dac_override();
	mode(MAX, 0444);
	mode(HASH, 0444);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 65536);
	ck_assert_int_eq(get(HASH), 16384);
	ck_assert_int_eq(get(EST), 86400);	/* went on */
	ck_assert_int_eq(get(CW), 3600);

	put(EST, "60\n");
	mode(EST, 0444);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	ck_assert_int_eq(get(EST), 60);
	put(CW, "60\n");		/* the mode stays 0644 */
	mode(EST, 0644);
	mode(CW, 0444);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	ck_assert_int_eq(get(EST), 86400);
	ck_assert_int_eq(get(CW), 60);
}
END_TEST

/*
 * An unreadable value counts as 0, as upstream: it is written, and if
 * that fails too (no nf_conntrack loaded), start-up stops.  The hash
 * size must be readable.
 */
START_TEST(test_unreadable)
{
	struct kp_config cfg;

	defaults(&cfg);
	put(MAX, "garbage\n");
	put(EST, "");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
	ck_assert_int_eq(get(MAX), 131072);
	ck_assert_int_eq(get(EST), 86400);

	gone(MAX);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	put(MAX, "131072\n");
	gone(HASH);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	put(HASH, "x\n");
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	ck_assert_int_eq(get(HASH), -1);	/* not written */
	put(HASH, "32768\n");
	gone(CW);
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	gone(EST);
	cfg.conntrack.tcp_close_wait_timeout = 0;
	ck_assert_int_eq(ctlimits_apply(&cfg, root), -1);
	cfg.conntrack.tcp_established_timeout = 0;
	ck_assert_int_eq(ctlimits_apply(&cfg, root), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ctlimits");
	TCase *tc = tcase_create("ctlimits");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cpus);
	tcase_add_test(tc, test_max);
	tcase_add_test(tc, test_raise);
	tcase_add_test(tc, test_min);
	tcase_add_test(tc, test_never_lower);
	tcase_add_test(tc, test_hashsize);
	tcase_add_test(tc, test_sysfs_read_only);
	tcase_add_test(tc, test_zero);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_unreadable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(suite());
}
