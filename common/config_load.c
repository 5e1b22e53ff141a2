/*
 * config_load.c: config_load_file(), --config as upstream v1.28 applies
 * it (spec 1.1): the file, decoded and defaulted, replaces the whole
 * configuration the flags made.  What survives from the command line:
 *
 *   - what is not a config field: --master, --cleanup, --write-config-to,
 *     klog's flags (--skip_headers, --stderrthreshold, ...),
 *     --machine-id-file, --boot-id-file and our --privsep-* and
 *     --iptables-backend;
 *   - logging flags given explicitly (-v, --vmodule, --logging-format,
 *     --log-flush-frequency), copied over the file's logging section;
 *     --vmodule's entries come first, then the file's;
 *   - --hostname-override, when given (already trimmed and lower-cased).
 *
 * Every other config flag given is ignored, as upstream ignores it; one
 * warning names them, since upstream's silence there surprises people.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_file.h"
#include "config_int.h"
#include "log.h"
#include "xmalloc.h"

static char *
read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cfg_failf(err, errlen, "--config %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		cfg_failf(err, errlen, "--config %s: is a directory", path);
		return NULL;
	}
	buf = xmalloc(CFG_FILE_MAX + 2);
	while ((r = read(fd, buf + n, CFG_FILE_MAX + 1 - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cfg_failf(err, errlen, "--config %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		n += (size_t)r;
		if (n > CFG_FILE_MAX) {
			cfg_failf(err, errlen, "--config %s: larger than %d "
			    "bytes", path, CFG_FILE_MAX);
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

static void
copy_field(struct kp_config *dst, const struct kp_config *src,
    const struct cfg_field *f)
{
	memcpy(cfg_field_ptr(dst, f), cfg_field_cptr(src, f), f->size);
}

/* --vmodule's entries, then the file's (copyLogsFromFlags). */
static int
merge_vmodule(struct kp_config *file, const struct kp_config *flags,
    char *err, size_t errlen)
{
	char tmp[sizeof(file->logging.vmodule)];
	int n;

	if (file->logging.vmodule[0] == '\0') {
		memcpy(file->logging.vmodule, flags->logging.vmodule,
		    sizeof(tmp));
		return 0;
	}
	if (flags->logging.vmodule[0] == '\0')
		return 0;
	n = snprintf(tmp, sizeof(tmp), "%s,%s", flags->logging.vmodule,
	    file->logging.vmodule);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return cfg_failf(err, errlen, "logging.vmodule: --vmodule and "
		    "the file's together are too long");
	memset(file->logging.vmodule, 0, sizeof(tmp));
	memcpy(file->logging.vmodule, tmp, (size_t)n);
	return 0;
}

/* The flag-populated cfg's survivors into the file's configuration. */
static int
merge_flags(struct kp_config *file, const struct kp_config *cfg,
    const struct config_flags_seen *seen, unsigned *lines, char *ignored,
    size_t ilen, char *err, size_t errlen)
{
	const struct cfg_field *f;
	size_t i, o = 0;

	ignored[0] = '\0';
	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->size == 0)
			continue;
		if (f->fl & CFG_NOT_IN_CONFIG) {
			copy_field(file, cfg, f);
			continue;
		}
		if (seen == NULL || !seen->seen[i] || f->flag == NULL)
			continue;
		if (strncmp(f->key, "logging.", 8) == 0 ||
		    strcmp(f->key, "hostnameOverride") == 0) {
			lines[i] = 0;	/* the flag's, not the file's */
			if (f->type == CFT_VMODULE) {
				if (merge_vmodule(file, cfg, err, errlen) != 0)
					return -1;
			} else
				copy_field(file, cfg, f);
			continue;
		}
		if (o < ilen)
			o += (size_t)snprintf(ignored + o, ilen - o, "%s--%s",
			    o > 0 ? ", " : "", f->flag);
	}
	return 0;
}

/* A validation error names a field path first: add the file's line. */
static void
locate(const char *path, const unsigned *lines, const char *verr, char *err,
    size_t errlen)
{
	const struct cfg_field *f;
	size_t n = strcspn(verr, ":[");

	f = cfg_field_by_key(verr, n);
	if (f != NULL && lines[f - cfg_fields] != 0)
		snprintf(err, errlen, "%s:%u: %s", path, lines[f - cfg_fields],
		    verr);
	else
		snprintf(err, errlen, "%s: %s", path, verr);
}

int
config_load_file(struct kp_config *cfg, const struct config_flags_seen *seen,
    char *err, size_t errlen)
{
	unsigned lines[CFG_FIELDS_MAX];
	struct kp_config *file;
	char *buf, ignored[1024], verr[1024];
	size_t len;
	int rc = -1;

	if ((buf = read_all(cfg->config_file, &len, err, errlen)) == NULL)
		return -1;
	file = xmalloc(sizeof(*file));
	if (config_file_parse(file, buf, len, cfg->config_file, lines, err,
	    errlen) != 0 ||
	    merge_flags(file, cfg, seen, lines, ignored, sizeof(ignored), err,
	    errlen) != 0)
		goto out;
	config_apply_platform_defaults(file);
	if (ignored[0] != '\0')
		log_warnx("--config %s is given, so these flags are ignored, as "
		    "upstream kube-proxy ignores them: %s (set them in the "
		    "file)", cfg->config_file, ignored);
	if (config_validate(file, verr, sizeof(verr)) != 0) {
		locate(cfg->config_file, lines, verr, err, errlen);
		goto out;
	}
	memcpy(cfg, file, sizeof(*cfg));
	rc = 0;
out:
	free(file);
	free(buf);
	return rc;
}
