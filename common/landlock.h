/*
 * landlock.h: the file-system (and, where the kernel has it, TCP and
 * scope) half of a helper's sandbox.
 *
 * The kernel's Landlock ABI is asked at run time: a kernel without it (or
 * with it disabled) is not an error, the helper just runs without that
 * layer and says so.  The rights each path gets are ours, coarse and
 * named for what a helper does with the path; landlock.c maps them onto
 * the rights the running kernel knows.
 */
#ifndef KP_LANDLOCK_H
#define KP_LANDLOCK_H

#include <stdbool.h>

#define LL_READ		0x1u	/* open files for reading, list directories */
#define LL_EXEC		0x2u	/* execute (and read) */
#define LL_WRITE	0x4u	/* open existing files for writing */

struct ll_path {
	const char	*path;	/* a file or a directory (everything beneath) */
	unsigned	 access;	/* LL_* */
};

struct ll_policy {
	const struct ll_path	*paths;		/* may be NULL */
	int			 npaths;
	bool			 tcp_bind;	/* may bind TCP ports */
	bool			 tcp_connect;	/* may connect over TCP */
};

struct ll_status {
	int	 abi;		/* the kernel's Landlock ABI; 0: none */
	bool	 enforced;	/* this process is restricted now */
	char	 why[128];	/* when not enforced */
};

/* The running kernel's Landlock ABI version, 0 when it has none. */
int	 landlock_abi(void);

/*
 * Restrict this process (and what it executes) to the policy: nothing
 * but the paths listed, no TCP unless allowed (ABI 4), no signals to and
 * no abstract UNIX sockets of processes outside (ABI 6).  A path that does
 * not exist is skipped.  Returns 0 with st->enforced false when the kernel
 * has no Landlock; -1 when restricting failed.
 */
int	 landlock_restrict(const struct ll_policy *, struct ll_status *st);

#endif
