/*
 * landlock.c: see landlock.h.  The kernel interface is defined here rather
 * than taken from <linux/landlock.h>: Debian 12's headers stop at ABI 2,
 * and the running kernel, not the build host, decides what is enforced.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule		445
#define SYS_landlock_restrict_self	446
#endif

#define LL_CREATE_RULESET_VERSION	(1u << 0)
#define LL_RULE_PATH_BENEATH		1

/* file-system rights, by the ABI that introduced them */
#define FS_EXECUTE	(1ull << 0)
#define FS_WRITE_FILE	(1ull << 1)
#define FS_READ_FILE	(1ull << 2)
#define FS_READ_DIR	(1ull << 3)
#define FS_ABI1		((1ull << 13) - 1)	/* EXECUTE .. MAKE_SYM */
#define FS_REFER	(1ull << 13)		/* ABI 2 */
#define FS_TRUNCATE	(1ull << 14)		/* ABI 3 */
#define FS_IOCTL_DEV	(1ull << 15)		/* ABI 5 */
/* the rights a rule on a file (not a directory) may carry */
#define FS_FILE_RIGHTS	(FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | \
			 FS_TRUNCATE | FS_IOCTL_DEV)
#define NET_BIND_TCP	(1ull << 0)		/* ABI 4 */
#define NET_CONNECT_TCP	(1ull << 1)
#define SCOPE_ABSTRACT_UNIX (1ull << 0)		/* ABI 6 */
#define SCOPE_SIGNAL	(1ull << 1)

struct ll_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t	allowed_access;
	int32_t		parent_fd;
} __attribute__((packed));

int
landlock_abi(void)
{
	long abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
}

static uint64_t
fs_handled(int abi)
{
	uint64_t fs = FS_ABI1;

	if (abi >= 2)
		fs |= FS_REFER;
	if (abi >= 3)
		fs |= FS_TRUNCATE;
	if (abi >= 5)
		fs |= FS_IOCTL_DEV;
	return fs;
}

static uint64_t
fs_rights(unsigned access, uint64_t handled)
{
	uint64_t r = 0;

	if (access & LL_READ)
		r |= FS_READ_FILE | FS_READ_DIR;
	if (access & LL_EXEC)
		r |= FS_EXECUTE | FS_READ_FILE | FS_READ_DIR;
	if (access & LL_WRITE)
		r |= FS_WRITE_FILE | FS_TRUNCATE;
	return r & handled;
}

/* Allow one path; a path that does not exist is no error. */
static int
add_path(int rfd, const struct ll_path *p, uint64_t handled)
{
	struct ll_path_beneath_attr pb;
	struct stat st;
	int fd, saved;

	if ((fd = open(p->path, O_PATH | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			log_debug(2, "landlock: %s: absent, skipped", p->path);
			return 0;
		}
		log_warn("landlock: %s", p->path);
		return -1;
	}
	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = fd;
	pb.allowed_access = fs_rights(p->access, handled);
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		pb.allowed_access &= FS_FILE_RIGHTS;
	if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb,
	    0) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		log_warn("landlock: rule for %s", p->path);
		return -1;
	}
	close(fd);
	log_debug(2, "landlock: %s: access 0x%llx", p->path,
	    (unsigned long long)pb.allowed_access);
	return 0;
}

int
landlock_restrict(const struct ll_policy *pol, struct ll_status *st)
{
	struct ll_ruleset_attr ra;
	int rfd, i;

	memset(st, 0, sizeof(*st));
	if ((st->abi = landlock_abi()) == 0) {
		/* EPERM: a seccomp filter above us (a systemd unit's) */
		snprintf(st->why, sizeof(st->why), "not available (%s)",
		    errno == EOPNOTSUPP ? "disabled at boot" :
		    errno == ENOSYS ? "not in this kernel" : strerror(errno));
		return 0;
	}
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = fs_handled(st->abi);
	if (st->abi >= 4)
		ra.handled_access_net = (pol->tcp_bind ? 0 : NET_BIND_TCP) |
		    (pol->tcp_connect ? 0 : NET_CONNECT_TCP);
	if (st->abi >= 6)
		ra.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
	rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (rfd == -1) {
		log_warn("landlock_create_ruleset");
		return -1;
	}
	for (i = 0; i < pol->npaths; i++)
		if (add_path(rfd, &pol->paths[i], ra.handled_access_fs) != 0) {
			close(rfd);
			return -1;
		}
	if (syscall(SYS_landlock_restrict_self, rfd, 0) != 0) {
		log_warn("landlock_restrict_self");
		close(rfd);
		return -1;
	}
	close(rfd);
	st->enforced = true;
	return 0;
}
