/*
 * kp-inject.c: a test tool.  Writes garbage into descriptor FD of process
 * PID (pidfd_getfd(2), which needs root), as if that process had sent it:
 * the way to prove that a malformed message kills only its connection.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int
main(int argc, char **argv)
{
	/* a frame header claiming an absurd length, then junk */
	static const unsigned char junk[] = {
		0x7f, 0xff, 0xff, 0xff, 0x00, 0x0a, 0x01, 0x00,
		'g', 'a', 'r', 'b', 'a', 'g', 'e'
	};
	int pidfd, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: kp-inject PID FD\n");
		return 2;
	}
	pidfd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (pidfd < 0) {
		perror("pidfd_open");
		return 1;
	}
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(argv[2]), 0);
	if (fd < 0) {
		perror("pidfd_getfd");
		return 1;
	}
	if (write(fd, junk, sizeof(junk)) != (ssize_t)sizeof(junk)) {
		perror("write");
		return 1;
	}
	return 0;
}
