/*
 * procstat.c: process_* metrics (see procstat.h).  The values are those of
 * client_golang's procfs collector: CPU = utime + stime, memory from
 * statm, max fds and address space from the soft limits (unlimited is
 * 2^64 - 1, as procfs reads "unlimited"), open fds by listing
 * /proc/self/fd, start time from /proc/self/stat and the boot time.
 */

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"

/* Start time from /proc: boot time + starttime ticks (stat field 22). */
static double
read_start_time(void)
{
	char buf[1024], *p;
	unsigned long long st = 0;
	long long btime = -1;
	struct timespec ts;
	FILE *f;
	ssize_t n;
	int fd, i;

	if ((f = fopen("/proc/stat", "re")) != NULL) {
		while (fgets(buf, sizeof(buf), f) != NULL)
			if (sscanf(buf, "btime %lld", &btime) == 1)
				break;
		fclose(f);
	}
	if ((fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			/* after the ")" that ends comm: field 3 onwards */
			if ((p = strrchr(buf, ')')) != NULL) {
				p++;
				for (i = 3; i < 22 && p != NULL; i++)
					p = strchr(p + 1, ' ');
				if (p != NULL)
					st = strtoull(p + 1, NULL, 10);
			}
		}
	}
	if (btime > 0 && st > 0)
		return (double)btime + (double)st / (double)sysconf(_SC_CLK_TCK);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
procstat_open(struct procstat *ps)
{
	ps->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ps->fd_dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ps->page_size = sysconf(_SC_PAGESIZE);
	ps->start_time = read_start_time();
}

void
procstat_close(struct procstat *ps)
{
	if (ps->statm_fd >= 0)
		close(ps->statm_fd);
	if (ps->fd_dir >= 0)
		close(ps->fd_dir);
	ps->statm_fd = ps->fd_dir = -1;
}

static double
limit_value(rlim_t v)
{
	return v == RLIM_INFINITY ? 18446744073709551615.0 : (double)v;
}

/* Entries of /proc/self/fd, read again from the start each time. */
static int
count_fds(int dirfd, double *out)
{
	char buf[4096];
	long n, off;
	double count = 0;
	struct {
		unsigned long long	ino;
		long long		off;
		unsigned short		reclen;
		unsigned char		type;
		char			name[];
	} *d;

	if (lseek(dirfd, 0, SEEK_SET) != 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += d->reclen) {
			d = (void *)(buf + off);
			if (strcmp(d->name, ".") != 0 &&
			    strcmp(d->name, "..") != 0)
				count++;
		}
	if (n < 0)
		return -1;
	*out = count;
	return 0;
}

void
procstat_sample(const struct procstat *ps, struct proc_sample *s)
{
	unsigned long long size, resident;
	struct rlimit rl;
	struct rusage ru;
	char buf[256];
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->start_time = ps->start_time;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		s->cpu_seconds = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		s->max_fds = limit_value(rl.rlim_cur);
	if (ps->fd_dir >= 0 && count_fds(ps->fd_dir, &s->open_fds) == 0)
		s->have_open_fds = true;
	if (ps->statm_fd >= 0 &&
	    (n = pread(ps->statm_fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%llu %llu", &size, &resident) == 2) {
			s->have_mem = true;
			s->virtual_bytes = (double)size * ps->page_size;
			s->resident_bytes = (double)resident * ps->page_size;
		}
	}
	if (getrlimit(RLIMIT_AS, &rl) == 0)
		s->virtual_max_bytes = limit_value(rl.rlim_cur);
}
