/*
 * log.h: one logging API for every process, in klog's line format so that
 * tools that parse kube-proxy's logs keep working:
 *
 *   I1201 06:50:03.123456   12345 file.c:123] syncer: message
 *
 * The severity letter is I, W, E or F.  Each process tags its messages with
 * its role.  log_warn() and fatal() append strerror(errno); the x variants
 * do not (as OpenBSD's log.c).  Messages are short and name the object:
 * "service default/web: bad clusterIP \"x\"".
 */
#ifndef KP_LOG_H
#define KP_LOG_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>

enum log_sev { LOG_SEV_INFO, LOG_SEV_WARNING, LOG_SEV_ERROR, LOG_SEV_FATAL };

struct log_options {
	int	 verbosity;		/* -v */
	bool	 skip_headers;		/* --skip_headers */
	int	 stderr_threshold;	/* --stderrthreshold (0..3) */
	bool	 silent;		/* fuzzers: only fatal lines */
	bool	 add_dir_header;	/* --add_dir_header */
	char	 vmodule[256];		/* --vmodule: "pattern=N,..." */
	/*
	 * klog's files (--logtostderr=false): every line goes to file_fd,
	 * and also to stderr when it is at or above stderr_threshold, or
	 * always with also_stderr (--alsologtostderr).
	 */
	bool	 to_file;
	int	 file_fd;
	bool	 also_stderr;
};

void	 log_init(const char *role);
void	 log_set_options(const struct log_options *);
int	 log_verbosity(void);
/* klog's V(v) for a source file: -v, or the first --vmodule pattern
 * that matches the file's name without ".c" (its path if the pattern
 * has a '/') */
bool	 log_v(int v, const char *file);
const char *log_role(void);

void	 log_emit(enum log_sev, const char *file, int line, int err,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	 log_vemit(enum log_sev, const char *file, int line, int err,
	    const char *fmt, va_list) __attribute__((format(printf, 5, 0)));
void	 log_fatal(const char *file, int line, int err, int code,
	    const char *fmt, ...)
	    __attribute__((format(printf, 5, 6), noreturn));

#define log_info(...)	log_emit(LOG_SEV_INFO, __FILE__, __LINE__, -1, __VA_ARGS__)
#define log_warnx(...)	log_emit(LOG_SEV_WARNING, __FILE__, __LINE__, -1, __VA_ARGS__)
#define log_warn(...)	log_emit(LOG_SEV_WARNING, __FILE__, __LINE__, errno, __VA_ARGS__)
#define log_errorx(...)	log_emit(LOG_SEV_ERROR, __FILE__, __LINE__, -1, __VA_ARGS__)
#define log_error(...)	log_emit(LOG_SEV_ERROR, __FILE__, __LINE__, errno, __VA_ARGS__)
/* klog's V(n): logged only at verbosity n or more. */
#define log_debug(v, ...) do {						\
	if (log_v((v), __FILE__))					\
		log_emit(LOG_SEV_INFO, __FILE__, __LINE__, -1, __VA_ARGS__); \
} while (0)
#define fatal(...)	log_fatal(__FILE__, __LINE__, errno, 1, __VA_ARGS__)
#define fatalx(...)	log_fatal(__FILE__, __LINE__, -1, 1, __VA_ARGS__)
/* Exit with a given code (see exitcodes.h). */
#define fatalx_code(code, ...) log_fatal(__FILE__, __LINE__, -1, (code), __VA_ARGS__)

#endif
