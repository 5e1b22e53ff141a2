/*
 * log.c: klog-formatted lines on stderr.  Each line is built in one buffer
 * and written with one write(2), so lines from the four processes sharing
 * a stderr never interleave mid-line.
 */

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* The process's logging context: set once at start, read everywhere. */
static struct {
	const char		*role;
	struct log_options	 opt;
} logctx = { "kube-proxy", { 0, false, 2, false, false, "" } };

static const char sevchar[] = { 'I', 'W', 'E', 'F' };

void
log_init(const char *role)
{
	logctx.role = role;
	tzset();
}

void
log_set_options(const struct log_options *o)
{
	logctx.opt = *o;
}

int
log_verbosity(void)
{
	return logctx.opt.verbosity;
}

/* klog's vmodule: pattern matched against the file's name, less ".c" */
bool
log_v(int v, const char *file)
{
	const char *p = logctx.opt.vmodule, *base, *eq;
	char pat[256], name[256];
	size_t n;

	if (logctx.opt.verbosity >= v)
		return true;
	while (*p != '\0') {
		n = strcspn(p, ",");
		eq = memchr(p, '=', n);
		if (eq != NULL && (size_t)(eq - p) < sizeof(pat)) {
			snprintf(pat, sizeof(pat), "%.*s", (int)(eq - p), p);
			base = strchr(pat, '/') != NULL ? file :
			    (strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 :
			    file);
			snprintf(name, sizeof(name), "%s", base);
			if (strlen(name) > 2 &&
			    strcmp(name + strlen(name) - 2, ".c") == 0)
				name[strlen(name) - 2] = '\0';
			if (fnmatch(pat, name, 0) == 0)
				return atoi(eq + 1) >= v;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

/* "dir/file.c" for --add_dir_header, "file.c" otherwise */
static const char *
file_label(const char *file)
{
	const char *base = strrchr(file, '/'), *p;

	if (base == NULL)
		return file;
	if (!logctx.opt.add_dir_header)
		return base + 1;
	for (p = base - 1; p > file && *p != '/'; p--)
		;
	return *p == '/' ? p + 1 : p;
}

const char *
log_role(void)
{
	return logctx.role;
}

void
log_vemit(enum log_sev sev, const char *file, int line, int err,
    const char *fmt, va_list ap)
{
	char buf[4096];
	struct timeval tv;
	struct tm tm;
	const char *base;
	size_t n = 0;
	int r;

	if (logctx.opt.silent && sev != LOG_SEV_FATAL)
		return;
	if (!logctx.opt.skip_headers) {
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		base = file_label(file);
		r = snprintf(buf, sizeof(buf),
		    "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s:%d] ",
		    sevchar[sev], tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (long)tv.tv_usec, (int)getpid(),
		    base, line);
		n = r > 0 ? (size_t)r : 0;
	}
	r = snprintf(buf + n, sizeof(buf) - n, "%s: ", logctx.role);
	if (r > 0)
		n += (size_t)r;
	if (n < sizeof(buf)) {
		r = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
		if (r > 0)
			n += (size_t)r;
	}
	if (err >= 0 && n < sizeof(buf)) {
		r = snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
		if (r > 0)
			n += (size_t)r;
	}
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;	/* truncated: keep the newline */
	buf[n++] = '\n';
	/* one write: lines of several processes do not interleave */
	if (logctx.opt.to_file)
		(void)!write(logctx.opt.file_fd, buf, n);
	if (!logctx.opt.to_file || logctx.opt.also_stderr ||
	    (int)sev >= logctx.opt.stderr_threshold)
		(void)!write(STDERR_FILENO, buf, n);
}

void
log_emit(enum log_sev sev, const char *file, int line, int err,
    const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vemit(sev, file, line, err, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_fatal(const char *file, int line, int err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_SEV_FATAL, file, line, err, fmt, ap);
	va_end(ap);
	exit(code);
}
