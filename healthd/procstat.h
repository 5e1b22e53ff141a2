/*
 * procstat.h: the process_* metrics of Prometheus' Go client, read without
 * the file system after start: the two /proc files it needs are opened
 * once by procstat_open(), before any sandbox, and only read (pread,
 * getdents) afterwards; the rest comes from getrusage and getrlimit.
 */
#ifndef KP_HEALTHD_PROCSTAT_H
#define KP_HEALTHD_PROCSTAT_H

#include <stdbool.h>

struct procstat {
	int	statm_fd;	/* /proc/self/statm, or -1 */
	int	fd_dir;		/* /proc/self/fd, or -1 */
	double	start_time;	/* unix seconds */
	long	page_size;
};

struct proc_sample {
	double	cpu_seconds;
	double	max_fds;
	bool	have_open_fds;
	double	open_fds;
	bool	have_mem;
	double	resident_bytes;
	double	virtual_bytes;
	double	virtual_max_bytes;
	double	start_time;
};

/* Open what is read later; failures leave those metrics out. */
void	 procstat_open(struct procstat *);
void	 procstat_close(struct procstat *);
void	 procstat_sample(const struct procstat *, struct proc_sample *);

#endif
