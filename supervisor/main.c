/*
 * main.c: the supervisor, `kube-proxy`.
 *
 * It parses the flags and the configuration, does the few things that
 * need privileges once (the conntrack limits, its own oom_score_adj),
 * then starts the three helpers under their own
 * credentials and watches them.  It never parses cluster data: the only
 * bytes it reads from a helper are small control messages.
 */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "apply.h"
#include "children.h"
#include "config_file.h"
#include "ctlimits.h"
#include "exitcodes.h"
#include "log.h"
#include "notify.h"
#include "oom.h"
#include "setup.h"
#include "startlog.h"
#include "xmalloc.h"

/* Where the helper programs are: see kube-proxy(8), FILES. */
static void
helper_dir(char *buf, size_t len)
{
	char self[PATH_MAX], probe[PATH_MAX + 32], *slash;
	const char *env = getenv("KUBE_PROXY_HELPER_DIR");
	ssize_t n;

	if (env != NULL && *env != '\0') {
		snprintf(buf, len, "%s", env);
		return;
	}
	/* beside ourselves: the build tree, or a self-contained install */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(probe, sizeof(probe), "%s/%s", self,
			    role_program(ROLE_SYNCER));
			if (access(probe, X_OK) == 0) {
				snprintf(buf, len, "%s", self);
				return;
			}
		}
	}
	snprintf(buf, len, "%s", LIBEXECDIR);
}

/* Make a relative path absolute, in place. */
static int
absolute_path(char *path, size_t len)
{
	char cwd[PATH_MAX], *abs;
	int r = 0;

	if (path[0] == '\0' || path[0] == '/')
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	xasprintf(&abs, "%s/%s", cwd, path);
	if (strlen(abs) >= len)
		r = -1;
	else
		strcpy(path, abs);
	free(abs);
	return r;
}

static void
on_term(evutil_socket_t sig, short what, void *arg)
{
	struct supervisor *sup = arg;

	log_info("signal %d: stopping", (int)sig);
	children_shutdown(sup, KP_EXIT_OK);
}

static void
on_chld(evutil_socket_t sig, short what, void *arg)
{
	children_reap(arg);
}

static void
on_usr1(evutil_socket_t sig, short what, void *arg)
{
	children_log_credentials(arg);
}

/* --log_file_max_size, checked every 5 s */
static void
on_logsize(evutil_socket_t fd, short what, void *arg)
{
	struct supervisor *sup = arg;

	startlog_check_size(&sup->cfg);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct supervisor *sup = arg;

	/* a helper stuck in restarts makes systemd's watchdog fire */
	if (children_all_ready(sup))
		notify_watchdog();
}

static int
usage_error(const char *msg)
{
	fprintf(stderr, "Error: %s\n", msg);
	fprintf(stderr, "Run 'kube-proxy --help' for usage.\n");
	return KP_EXIT_FAILURE;
}

/* --write-config-to: upstream writes, logs, and exits 0 before anything */
static int
write_config(const struct kp_config *cfg)
{
	char err[1024];

	if (config_write_file(cfg, cfg->write_config_to, err,
	    sizeof(err)) != 0) {
		log_errorx("%s", err);
		return KP_EXIT_FAILURE;
	}
	log_info("Wrote configuration file=\"%s\"", cfg->write_config_to);
	return KP_EXIT_OK;
}

static void
print_version(void)
{
	printf("Kubernetes %s\n", UPSTREAM_VERSION);
	printf("%s %s (privilege-separated)\n", PACKAGE_NAME, PACKAGE_VERSION);
}

/*
 * --iptables-backend=auto: ask now, as root, which iptables the node
 * uses, so that the syncer is given CAP_NET_RAW and the xtables lock
 * exactly when it will need them (legacy cannot even be listed without
 * CAP_NET_RAW, so the syncer could not tell for itself).
 */
static void
resolve_backend(struct kp_config *cfg)
{
	struct apply_ctx ctx = { APPLY_BACKEND_AUTO, 0, NULL };
	enum apply_backend b;

	if (apply_backend_parse(cfg->iptables_backend, &b) != 0 ||
	    b != APPLY_BACKEND_AUTO)
		return;
	b = apply_detect_backend(&ctx);
	snprintf(cfg->iptables_backend, sizeof(cfg->iptables_backend), "%s",
	    apply_backend_name(b));
}

int
main(int argc, char **argv)
{
	static struct supervisor sup;
	struct config_flags_seen seen;
	struct event *ev[5];
	struct log_options lo;
	enum config_action action;
	char err[1024], dir[PATH_MAX];
	struct timeval tv;
	bool legacy;
	int i;

	log_init("supervisor");
	children_init(&sup);
	config_defaults(&sup.cfg);
	if (config_parse_cmdline(&sup.cfg, argc, argv, &action, &seen, err,
	    sizeof(err)) != 0)
		return usage_error(err);
	if (action == CONFIG_HELP) {
		config_print_help(argv[0]);
		return KP_EXIT_OK;
	}
	if (action == CONFIG_VERSION) {
		print_version();
		return KP_EXIT_OK;
	}
	/* the flags' logging options until the file is read (spec 1.1); the
	 * log file is klog's, named by flags only, so it opens now */
	if (startlog_redirect(&sup.cfg) != 0)
		return KP_EXIT_FAILURE;
	config_log_options(&sup.cfg, &lo);
	log_set_options(&lo);
	startlog_flags(&sup.cfg);
	if (sup.cfg.config_file[0] != '\0' &&
	    config_load_file(&sup.cfg, &seen, err, sizeof(err)) != 0) {
		fprintf(stderr, "Error: %s\n", err);
		return KP_EXIT_FAILURE;
	}
	if (config_validate_flags(&sup.cfg, sup.cfg.config_file[0] == '\0' ?
	    &seen : NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "Error: invalid configuration: %s\n", err);
		return KP_EXIT_FAILURE;
	}
	config_log_options(&sup.cfg, &lo);
	log_set_options(&lo);
	startlog_ids(&sup.cfg);
	if (sup.cfg.write_config_to[0] != '\0')
		return write_config(&sup.cfg);
	/* --cleanup: the syncer removes our rules and exits; nothing else */
	sup.cleanup_mode = sup.cfg.cleanup;
	/* a valid configuration, but a mode this program does not run:
	 * better stopped than silently proxied some other way */
	if (!sup.cleanup_mode && strcmp(sup.cfg.mode, "ipvs") == 0) {
		fprintf(stderr, "Error: proxy mode \"ipvs\" is not available "
		    "in this kube-proxy (nor in this kernel: no IPVS); use "
		    "\"iptables\" (the default) or \"nftables\"\n");
		return KP_EXIT_FAILURE;
	}

	log_info("Version: %s (%s %s)", UPSTREAM_VERSION, PACKAGE_NAME,
	    PACKAGE_VERSION);
	/* the helpers run in "/": a relative path must not change meaning */
	if (absolute_path(sup.cfg.client_connection.kubeconfig,
	    sizeof(sup.cfg.client_connection.kubeconfig)) != 0)
		return usage_error("--kubeconfig: path too long");
	/*
	 * Spec 1.6, as root and before any helper runs; exit 1 (not 78) on
	 * failure, as upstream: a missing nf_conntrack module may be loaded
	 * by the time we are restarted.  --cleanup returns before it
	 * upstream too.
	 */
	if (!sup.cleanup_mode && ctlimits_apply(&sup.cfg, "") != 0)
		return KP_EXIT_FAILURE;
	oom_set_self(sup.cfg.oom_score_adj.v);
	sup.adj = oom_get_self();
	resolve_backend(&sup.cfg);
	legacy = strcmp(sup.cfg.iptables_backend, "legacy") == 0;
	if (creds_resolve_all(&sup.cfg, sup.creds, legacy, err,
	    sizeof(err)) != 0)
		return usage_error(err);
	if (legacy) {
		log_info("iptables backend legacy: the syncer also gets "
		    "CAP_NET_RAW, which iptables-legacy needs");
		if (setup_xtables_lock(&sup.creds[ROLE_SYNCER]) != 0)
			return KP_EXIT_FAILURE;
	}
	if (geteuid() != 0)
		log_warnx("not running as root: the helpers run as uid %d "
		    "without privilege separation", (int)getuid());
	helper_dir(dir, sizeof(dir));
	if (children_open_programs(&sup, dir, err, sizeof(err)) != 0) {
		log_errorx("helper program: %s (set KUBE_PROXY_HELPER_DIR)",
		    err);
		return KP_EXIT_FAILURE;
	}

	signal(SIGPIPE, SIG_IGN);
	if ((sup.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	ev[0] = evsignal_new(sup.base, SIGTERM, on_term, &sup);
	ev[1] = evsignal_new(sup.base, SIGINT, on_term, &sup);
	ev[2] = evsignal_new(sup.base, SIGCHLD, on_chld, &sup);
	ev[3] = evsignal_new(sup.base, SIGUSR1, on_usr1, &sup);
	ev[4] = NULL;
	for (i = 0; i < 4; i++)
		event_add(ev[i], NULL);
	if ((sup.watchdog_usec = notify_watchdog_usec()) > 0) {
		sup.watchdog_ev = event_new(sup.base, -1, EV_PERSIST,
		    on_watchdog, &sup);
		tv.tv_sec = (time_t)(sup.watchdog_usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(sup.watchdog_usec / 2 % 1000000);
		event_add(sup.watchdog_ev, &tv);
	}
	if (config_logs_to_file(&sup.cfg) && sup.cfg.log_file_max_size > 0) {
		sup.logsize_ev = event_new(sup.base, -1, EV_PERSIST,
		    on_logsize, &sup);
		tv.tv_sec = 5;
		tv.tv_usec = 0;
		event_add(sup.logsize_ev, &tv);
	}

	children_start_all(&sup);
	event_base_dispatch(sup.base);

	log_info("stopped");
	for (i = 0; i < 4; i++)
		event_free(ev[i]);
	return sup.exit_code;
}
