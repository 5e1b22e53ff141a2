/*
 * startlog.c: what the supervisor logs, and where, as it starts (see
 * startlog.h).
 *
 * klog's file flags: with --logtostderr=false and --log_file (or
 * --log_dir), klog writes to a file instead of standard error, and also
 * to standard error the lines at or above --stderrthreshold (every line
 * with --alsologtostderr).  Here the supervisor opens that file once,
 * while still root, at FD_LOGFILE, which every helper inherits, so the
 * four processes' lines land in one file, one write(2) each (log.c
 * writes there and to stderr as the options say).  --log_file_max_size
 * starts the file over, as klog does (startlog_check_size()).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "config_fields.h"
#include "log.h"
#include "msg.h"
#include "startlog.h"

/* klog's header of a new log file, unless --skip_log_headers. */
static void
file_header(const struct kp_config *cfg, int fd)
{
	char head[1024], when[64];
	struct utsname u;
	struct tm tm;
	time_t now;
	int n;

	if (cfg->log_skip_log_headers)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y/%m/%d %H:%M:%S", &tm);
	if (uname(&u) != 0)
		snprintf(u.nodename, sizeof(u.nodename), "?");
	n = snprintf(head, sizeof(head), "Log file created at: %s\n"
	    "Running on machine: %s\n"
	    "Binary: %s %s (C), following kube-proxy %s\n"
	    "Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid "
	    "file:line] msg\n", when, u.nodename, PACKAGE_NAME,
	    PACKAGE_VERSION, UPSTREAM_VERSION);
	if (n > 0)
		(void)!write(fd, head, (size_t)n);
}

/*
 * The log file at FD_LOGFILE, where every process's log.c writes (the
 * helpers inherit it at the same number); stderr stays stderr, for the
 * lines klog also sends there.
 */
int
startlog_redirect(const struct kp_config *cfg)
{
	char path[CFG_PATH_MAX + 32];
	int fd;

	if (!config_logs_to_file(cfg))
		return 0;
	if (cfg->log_file[0] != '\0')
		snprintf(path, sizeof(path), "%s", cfg->log_file);
	else
		snprintf(path, sizeof(path), "%s/kube-proxy.log", cfg->log_dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1) {
		fprintf(stderr, "Error: log file %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	file_header(cfg, fd);
	if (fd != FD_LOGFILE) {
		if (dup3(fd, FD_LOGFILE, O_CLOEXEC) == -1) {
			fprintf(stderr, "Error: log file %s: %s\n", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/*
 * --log_file_max_size: klog starts the file over (truncates it) when it
 * would grow past the limit; here the supervisor checks it every few
 * seconds.  Every writer has it O_APPEND, so all go on at the new end.
 */
void
startlog_check_size(const struct kp_config *cfg)
{
	struct stat st;

	if (!config_logs_to_file(cfg) || cfg->log_file_max_size == 0 ||
	    fstat(FD_LOGFILE, &st) != 0 ||
	    (uint64_t)st.st_size <= (cfg->log_file_max_size << 20))
		return;
	if (ftruncate(FD_LOGFILE, 0) != 0) {
		log_warn("log file: cannot start it over");
		return;
	}
	file_header(cfg, FD_LOGFILE);
	log_info("log file started over: it had reached %jd bytes "
	    "(--log_file_max_size=%ju MB)", (intmax_t)st.st_size,
	    (uintmax_t)cfg->log_file_max_size);
}

/* The first file of a comma-separated list that can be read. */
static void
first_id(const char *list, const char *what)
{
	char path[CFG_PATH_MAX], id[128];
	const char *p = list;
	size_t n;
	FILE *fp;

	while (*p != '\0') {
		n = strcspn(p, ",");
		snprintf(path, sizeof(path), "%.*s", (int)n, p);
		p += n + (p[n] == ',');
		if (path[0] == '\0' || (fp = fopen(path, "re")) == NULL)
			continue;
		if (fgets(id, sizeof(id), fp) != NULL) {
			id[strcspn(id, "\r\n")] = '\0';
			log_info("%s %s (from %s)", what, id, path);
			fclose(fp);
			return;
		}
		fclose(fp);
	}
	log_debug(1, "%s: none of %s can be read", what, list);
}

void
startlog_ids(const struct kp_config *cfg)
{
	first_id(cfg->machine_id_file, "machine-id");
	first_id(cfg->boot_id_file, "boot-id");
}

/* pflag's Value.String() of a field, quoted as PrintFlags does (%q). */
static void
flag_value(const struct kp_config *cfg, const struct cfg_field *f,
    char *buf, size_t len)
{
	const void *p = cfg_field_cptr(cfg, f);
	const struct cfg_strlist *l = p;
	char raw[2048] = "";
	size_t o = 0;
	uint32_t i;

	if (p == NULL)
		snprintf(raw, sizeof(raw), "%s", f->def != NULL ? f->def :
		    f->type == CFT_BOOL ? "false" : "");
	else switch (f->type) {
	case CFT_BOOL:
		snprintf(raw, sizeof(raw), "%s", *(const bool *)p ? "true" :
		    "false");
		break;
	case CFT_INT32: case CFT_LEVEL: case CFT_SEVERITY:
		snprintf(raw, sizeof(raw), "%d", (int)*(const int32_t *)p);
		break;
	case CFT_OPT_INT32:
		snprintf(raw, sizeof(raw), "%d",
		    (int)((const struct cfg_opt_i32 *)p)->v);
		break;
	case CFT_FLOAT32:
		snprintf(raw, sizeof(raw), "%g", *(const double *)p);
		break;
	case CFT_DURATION:
		duration_format(*(const kp_duration *)p, raw, sizeof(raw));
		break;
	case CFT_STRLIST:
		o = (size_t)snprintf(raw, sizeof(raw), "[");
		for (i = 0; i < l->n && o < sizeof(raw); i++)
			o += (size_t)snprintf(raw + o, sizeof(raw) - o, "%s%s",
			    i > 0 ? "," : "", l->v[i]);
		if (o < sizeof(raw))
			snprintf(raw + o, sizeof(raw) - o, "]");
		break;
	case CFT_GATES:
		for (i = 0; i < cfg->ngates && o < sizeof(raw); i++)
			o += (size_t)snprintf(raw + o, sizeof(raw) - o,
			    "%s%s=%s", i > 0 ? "," : "", cfg->gates[i].name,
			    cfg->gates[i].enabled ? "true" : "false");
		break;
	default:
		snprintf(raw, sizeof(raw), "%s", (const char *)p);
		break;
	}
	cfg_go_quote(raw, buf, len);
}

/* cliflag.PrintFlags at V(1): every flag, sorted, with its value. */
void
startlog_flags(const struct kp_config *cfg)
{
	const struct cfg_field *order[CFG_FIELDS_MAX], *t;
	char value[2100];
	size_t i, k, n = 0;

	if (!log_v(1, __FILE__))
		return;
	for (i = 0; i < cfg_nfields; i++) {
		if (cfg_fields[i].flag == NULL)
			continue;
		order[n] = &cfg_fields[i];
		for (k = n++; k > 0 && strcmp(order[k - 1]->flag,
		    order[k]->flag) > 0; k--) {
			t = order[k];
			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	}
	for (i = 0; i < n; i++) {
		if (order[i]->type == CFT_HELP || order[i]->type == CFT_VERSION)
			snprintf(value, sizeof(value), "\"false\"");
		else
			flag_value(cfg, order[i], value, sizeof(value));
		log_info("FLAG: --%s=%s", order[i]->flag, value);
	}
}
