/* ctlimits.c: see ctlimits.h. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlimits.h"
#include "log.h"

#define CT_DIR		"/proc/sys/net/netfilter/"
#define CT_MAX		CT_DIR "nf_conntrack_max"
#define CT_ESTABLISHED	CT_DIR "nf_conntrack_tcp_timeout_established"
#define CT_CLOSE_WAIT	CT_DIR "nf_conntrack_tcp_timeout_close_wait"
#define CT_HASHSIZE	"/sys/module/nf_conntrack/parameters/hashsize"
#define MOUNTS		"/proc/mounts"
#define CPU_DIR		"/sys/devices/system/cpu"

/* upstream's Warning event, word for word, as a log line */
#define RO_SYSFS_MSG	"CRI error: /sys is read-only: cannot modify " \
	"conntrack limits, problems may arise later (If running Docker, see " \
	"docker issue #24000)"

static void
path_of(char *buf, size_t len, const char *root, const char *file)
{
	snprintf(buf, len, "%s%s", root, file);
}

/* 0 and *v, or -1 with errno (EINVAL when the text is not a number). */
static int
read_i64(const char *path, int64_t *v)
{
	char buf[64], *end;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (end == buf || errno != 0 || (*end != '\0' && *end != '\n')) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* 0, or -1 with errno from open or write. */
static int
write_i64(const char *path, int64_t v)
{
	char buf[32];
	int fd, n, saved;
	ssize_t w;

	/* O_TRUNC: /proc and /sys ignore it; a plain file needs it */
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%" PRId64 "\n", v);
	w = write(fd, buf, (size_t)n);
	saved = errno;
	if (close(fd) != 0 && w == n)
		return -1;
	if (w != n) {
		errno = w < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

/*
 * A refusal from the kernel rather than a fault: nf_conntrack_max is
 * read-only (EACCES) and the hash size unsupported (EOPNOTSUPP) in any
 * network namespace but the host's; a container's /proc or /sys may be
 * read-only (EROFS) or guarded (EPERM).
 */
static bool
refused(int err)
{
	return err == EACCES || err == EPERM || err == EROFS ||
	    err == EOPNOTSUPP;
}

enum raise_mode {
	RAISE_STRICT,		/* a failed write stops start-up */
	RAISE_GLOBAL,		/* a refused write is a warning */
};

/*
 * upstream's setIntSysCtl: write want only if the current value is
 * lower; a value that cannot be read counts as 0, so it is written (and
 * the write says what is wrong).
 */
static int
raise_to(const char *root, const char *file, int64_t want,
    enum raise_mode mode)
{
	char path[PATH_MAX], was[32];
	int64_t cur;

	if (want <= 0)		/* as upstream: 0 is never "higher" */
		return 0;
	path_of(path, sizeof(path), root, file);
	if (read_i64(path, &cur) == 0) {
		if (cur >= want) {
			log_debug(2, "%s is %" PRId64 ", not below %" PRId64
			    ": left alone", path, cur, want);
			return 0;
		}
		snprintf(was, sizeof(was), "%" PRId64, cur);
	} else {
		log_debug(1, "%s: unreadable (%s), writing %" PRId64, path,
		    strerror(errno), want);
		snprintf(was, sizeof(was), "unreadable");
	}
	if (write_i64(path, want) == 0) {
		log_info("audit: root: %s %s = %" PRId64 " (was %s)",
		    strncmp(file, "/proc/sys/", 10) == 0 ? "sysctl" :
		    "module parameter", path, want, was);
		return 0;
	}
	if (mode == RAISE_GLOBAL && refused(errno)) {
		/*
		 * Upstream stops here.  We warn and go on: this limit is the
		 * whole kernel's, refused by design to a node that runs us in
		 * a network namespace of its own or with a read-only /proc or
		 * /sys (containerised, hardened), where only the host can set
		 * it; stopping would make such a node unusable for a limit it
		 * cannot change.  --conntrack-max-per-core=0 silences this.
		 */
		log_warn("%s: cannot raise it from %s to %" PRId64 " (a limit "
		    "of the whole kernel: refused outside the host's network "
		    "namespace, or on a read-only /proc or /sys); going on "
		    "with %s (--conntrack-max-per-core=0 leaves it alone)",
		    path, was, want, was);
		return 0;
	}
	log_error("%s: cannot raise it from %s to %" PRId64 "%s", path, was,
	    want, errno == ENOENT ? " (is nf_conntrack loaded?)" : "");
	return -1;
}

/*
 * upstream's isSysFSWritable: the first sysfs in /proc/mounts, writable
 * when its first option is "rw".  1 writable, 0 read-only, -1 none or
 * unreadable (logged).
 */
static int
sysfs_writable(const char *root)
{
	char path[PATH_MAX], line[4096], dev[1024], dir[1024], type[64];
	char opts[1024];
	FILE *f;
	int r = -1;

	path_of(path, sizeof(path), root, MOUNTS);
	if ((f = fopen(path, "re")) == NULL) {
		log_error("%s: cannot list the mounts", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%1023s %1023s %63s %1023s", dev, dir, type,
		    opts) != 4 || strcmp(type, "sysfs") != 0)
			continue;
		opts[strcspn(opts, ",")] = '\0';
		r = strcmp(opts, "rw") == 0;
		if (r == 0)
			log_warnx("sysfs on %s is not writable (%s)", dir,
			    opts);
		break;
	}
	fclose(f);
	if (r < 0)
		log_errorx("%s: no sysfs mounted", path);
	return r;
}

/*
 * upstream's SetMax, after nf_conntrack_max: the hash table should have
 * a bucket per four entries.  Written only when smaller, because the
 * kernel refuses it outside the host's network namespace.
 */
static int
raise_hashsize(const char *root, int64_t max)
{
	char path[PATH_MAX];
	int64_t cur;
	int w;

	path_of(path, sizeof(path), root, CT_HASHSIZE);
	if (read_i64(path, &cur) != 0) {
		log_error("%s: cannot read the conntrack hash size", path);
		return -1;
	}
	if (cur >= max / 4) {
		log_debug(2, "%s is %" PRId64 ", not below %" PRId64
		    ": left alone", path, cur, max / 4);
		return 0;
	}
	if ((w = sysfs_writable(root)) < 0)
		return -1;
	if (w == 0) {
		log_warnx("%s", RO_SYSFS_MSG);
		return 0;
	}
	return raise_to(root, CT_HASHSIZE, max / 4, RAISE_GLOBAL);
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
ctlimits_cpus(const char *root)
{
	char path[PATH_MAX], online[PATH_MAX + 300];
	struct dirent *de;
	cpu_set_t set;
	int64_t on;
	long sc;
	DIR *d;
	int n = 0;

	path_of(path, sizeof(path), root, CPU_DIR);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "cpu", 3) != 0 ||
			    !all_digits(de->d_name + 3))
				continue;
			/* no "online" file (cpu0 often): it cannot go off */
			snprintf(online, sizeof(online), "%s/%s/online", path,
			    de->d_name);
			if (read_i64(online, &on) == 0 && on == 0)
				continue;
			n++;
		}
		closedir(d);
	}
	if (n > 0)
		return n;
	/* Go's runtime.NumCPU: the affinity mask */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return n;
	sc = sysconf(_SC_NPROCESSORS_ONLN);
	return sc > 0 && sc < INT_MAX ? (int)sc : 1;
}

int64_t
ctlimits_max(const struct kp_config *cfg, int ncpu)
{
	int64_t scaled, floor = 0;

	if (!cfg->conntrack.max_per_core.set ||
	    cfg->conntrack.max_per_core.v <= 0)
		return 0;
	if (cfg->conntrack.min.set)
		floor = cfg->conntrack.min.v;
	scaled = (int64_t)cfg->conntrack.max_per_core.v * ncpu;
	return scaled > floor ? scaled : floor;
}

int
ctlimits_apply(const struct kp_config *cfg, const char *root)
{
	int64_t max, est, cw;
	int ncpu;

	if (cfg->conntrack.max_per_core.set &&
	    cfg->conntrack.max_per_core.v > 0) {
		ncpu = ctlimits_cpus(root);
		max = ctlimits_max(cfg, ncpu);
		log_info("conntrack: nf_conntrack_max at least %" PRId64
		    " (%d per core x %d CPUs, minimum %d)", max,
		    (int)cfg->conntrack.max_per_core.v, ncpu,
		    cfg->conntrack.min.set ? (int)cfg->conntrack.min.v : 0);
		if (raise_to(root, CT_MAX, max, RAISE_GLOBAL) != 0 ||
		    raise_hashsize(root, max) != 0)
			return -1;
	}
	/* Go's int(d / time.Second): whole seconds, truncated */
	est = cfg->conntrack.tcp_established_timeout / KP_SECOND;
	cw = cfg->conntrack.tcp_close_wait_timeout / KP_SECOND;
	/*
	 * Per network namespace, so writable wherever we hold root (or
	 * CAP_NET_ADMIN) in ours: a failure is a real fault, fatal as
	 * upstream.
	 */
	if (cfg->conntrack.tcp_established_timeout > 0 &&
	    raise_to(root, CT_ESTABLISHED, est, RAISE_STRICT) != 0)
		return -1;
	if (cfg->conntrack.tcp_close_wait_timeout > 0 &&
	    raise_to(root, CT_CLOSE_WAIT, cw, RAISE_STRICT) != 0)
		return -1;
	return 0;
}
