/*
 * connloop: the cost of a new TCP connection, for bench/dataplane.
 *
 *   connloop serve PORT          accept on 0.0.0.0:PORT and close, forever
 *   connloop [-n N] [-w W] IP PORT
 *                                W connections not counted, then N timed:
 *                                socket, connect, close with SO_LINGER 0
 *                                (an RST: no TIME_WAIT, so no port runs
 *                                out); prints "US us/conn MAX max_us"
 *
 * The client is a tight loop in C so that what the kernel's rules cost
 * per connection (a few microseconds) is not lost in the loop's own.
 * Any failed connect (refused, unreachable, 2 s without an answer) is an
 * error: exit 1.  Never sends anywhere but the address it is given.
 */

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long
number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max)
		errx(2, "%s: bad number \"%s\"", what, s);
	return v;
}

static void
serve(int port)
{
	struct sockaddr_in sin;
	int s, c, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind 0.0.0.0:%d", port);
	if (listen(s, 4096) == -1)
		err(1, "listen");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		close(c);
	}
}

/* One connection: its duration in microseconds. */
static double
one(const struct sockaddr_in *sin)
{
	struct linger lg = { 1, 0 };
	struct timeval tv = { 2, 0 };
	double t0;
	int s;

	t0 = now_us();
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "setsockopt");
	if (connect(s, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		err(1, "connect %s:%d", inet_ntoa(sin->sin_addr),
		    ntohs(sin->sin_port));
	close(s);
	return now_us() - t0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	long n = 20000, w = 1000, i;
	double t0, t, d, max = 0;
	int ch;

	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		serve(number(argv[2], 1, 65535, "port"));
	while ((ch = getopt(argc, argv, "n:w:")) != -1) {
		switch (ch) {
		case 'n':
			n = number(optarg, 1, 100000000, "-n");
			break;
		case 'w':
			w = number(optarg, 0, 100000000, "-w");
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind], &sin.sin_addr) != 1)
		errx(2, "bad IPv4 address \"%s\"", argv[optind]);
	sin.sin_port = htons(number(argv[optind + 1], 1, 65535, "port"));
	for (i = 0; i < w; i++)
		one(&sin);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		d = one(&sin);
		if (d > max)
			max = d;
	}
	t = now_us() - t0;
	printf("%.2f us/conn %.0f max_us\n", t / n, max);
	return 0;
usage:
	fprintf(stderr, "usage: connloop serve PORT\n"
	    "       connloop [-n N] [-w WARMUP] IP PORT\n");
	return 2;
}
