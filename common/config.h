/*
 * config.h: the one configuration of the whole program.
 *
 * The fields are those of upstream's KubeProxyConfiguration
 * (kubeproxy.config.k8s.io/v1alpha1, v1.28), plus the flags that are not
 * config fields (--config, --cleanup, --master, ...) and our own privsep
 * settings.  It is filled from defaults, then flags (or the --config file),
 * validated in one place (config_validate), and sent to each helper in its
 * MSG_SUPERVISOR_START message (config_encode / config_decode).
 *
 * One table (config_fields.c) describes every field once: its YAML path,
 * its flag, its type, default and bounds.  The flag parser, the encoder,
 * the decoder and --write-config-to all walk that table, so a field added
 * there is parsed, sent and written everywhere.
 *
 * Strings and lists are fixed-size so that the struct can be copied and
 * decoded without ownership questions; the bounds are far above any real
 * value and are enforced when parsing.
 */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp.h"

#define CFG_STR_MAX	256	/* most strings */
#define CFG_PATH_MAX	1024	/* file paths */
#define CFG_LIST_MAX	16	/* entries of a list (CIDRs, ...) */
#define CFG_GATES_MAX	64	/* feature gates */

/* Durations are kept in nanoseconds, as Go's time.Duration. */
typedef int64_t kp_duration;
#define KP_SECOND	INT64_C(1000000000)
#define KP_MILLISECOND	INT64_C(1000000)

struct cfg_strlist {
	uint32_t	n;
	char		v[CFG_LIST_MAX][CFG_STR_MAX];
};

struct cfg_gate {
	char		name[64];
	bool		enabled;
};

/* Whether an integer field was given (upstream uses *int32 for some). */
struct cfg_opt_i32 {
	bool		set;
	int32_t		v;
};

struct kp_config {
	/* ---- KubeProxyConfiguration ---- */
	uint32_t	ngates;
	struct cfg_gate	gates[CFG_GATES_MAX];		/* featureGates */

	char	bind_address[CFG_STR_MAX];		/* bindAddress */
	char	healthz_bind_address[CFG_STR_MAX];	/* healthzBindAddress */
	char	metrics_bind_address[CFG_STR_MAX];	/* metricsBindAddress */
	bool	bind_address_hard_fail;			/* bindAddressHardFail */
	bool	enable_profiling;			/* enableProfiling */
	char	cluster_cidr[CFG_STR_MAX];		/* clusterCIDR */
	char	hostname_override[CFG_STR_MAX];		/* hostnameOverride */

	struct {					/* clientConnection */
		char	kubeconfig[CFG_PATH_MAX];
		char	accept_content_types[CFG_STR_MAX];
		char	content_type[CFG_STR_MAX];
		double	qps;
		int32_t	burst;
	} client_connection;

	struct {					/* iptables */
		struct cfg_opt_i32 masquerade_bit;
		bool		masquerade_all;
		bool		localhost_node_ports;
		kp_duration	sync_period;
		kp_duration	min_sync_period;
	} iptables;

	struct {					/* ipvs */
		kp_duration	sync_period;
		kp_duration	min_sync_period;
		char		scheduler[CFG_STR_MAX];
		struct cfg_strlist exclude_cidrs;
		bool		strict_arp;
		kp_duration	tcp_timeout;
		kp_duration	tcp_fin_timeout;
		kp_duration	udp_timeout;
	} ipvs;

	struct cfg_opt_i32 oom_score_adj;		/* oomScoreAdj */
	char	mode[CFG_STR_MAX];			/* mode */
	char	port_range[CFG_STR_MAX];		/* portRange */

	struct {					/* conntrack */
		struct cfg_opt_i32 max_per_core;
		struct cfg_opt_i32 min;
		kp_duration	tcp_established_timeout;
		kp_duration	tcp_close_wait_timeout;
	} conntrack;

	kp_duration	config_sync_period;		/* configSyncPeriod */
	struct cfg_strlist node_port_addresses;		/* nodePortAddresses */
	char	show_hidden_metrics_for_version[CFG_STR_MAX];
	char	detect_local_mode[CFG_STR_MAX];		/* detectLocalMode */
	struct {					/* detectLocal */
		char	bridge_interface[CFG_STR_MAX];
		char	interface_name_prefix[CFG_STR_MAX];
	} detect_local;

	struct {					/* logging */
		char		format[CFG_STR_MAX];
		kp_duration	flush_frequency;
		int32_t		verbosity;
		char		vmodule[CFG_STR_MAX];
		bool		json_split_stream;	/* options.json.splitStream */
		char		json_info_buffer_size[CFG_STR_MAX]; /* ...infoBufferSize */
	} logging;

	struct {					/* winkernel (Windows only) */
		char	network_name[CFG_STR_MAX];
		char	source_vip[CFG_STR_MAX];
		bool	enable_dsr;
		char	root_hns_endpoint_name[CFG_STR_MAX];
		bool	forward_health_check_vip;
	} winkernel;

	/* ---- flags that are not config fields ---- */
	char	config_file[CFG_PATH_MAX];		/* --config */
	char	write_config_to[CFG_PATH_MAX];		/* --write-config-to */
	char	master[CFG_STR_MAX];			/* --master */
	bool	cleanup;				/* --cleanup */
	kp_duration	udp_timeout;			/* --udp-timeout (legacy) */
	char	machine_id_file[CFG_PATH_MAX];		/* --machine-id-file */
	char	boot_id_file[CFG_PATH_MAX];		/* --boot-id-file */
	bool	log_skip_headers;			/* --skip_headers */
	bool	log_add_dir_header;			/* --add_dir_header */
	bool	log_to_stderr;				/* --logtostderr */
	char	log_dir[CFG_PATH_MAX];			/* --log_dir */
	char	log_file[CFG_PATH_MAX];			/* --log_file */
	bool	log_skip_log_headers;			/* --skip_log_headers */
	bool	log_also_stderr;			/* --alsologtostderr */
	uint64_t log_file_max_size;			/* --log_file_max_size, MB */
	int32_t	log_stderr_threshold;			/* --stderrthreshold */
	int32_t	healthz_port;				/* --healthz-port */
	int32_t	metrics_port;				/* --metrics-port */
	bool	version_raw;				/* --version=raw */
	char	version_override[CFG_STR_MAX];		/* --version=vX.Y.Z */

	/* ---- ours: privilege separation ---- */
	char	watcher_user[CFG_STR_MAX];	/* --privsep-watcher-user */
	char	syncer_user[CFG_STR_MAX];	/* --privsep-syncer-user */
	char	healthd_user[CFG_STR_MAX];	/* --privsep-healthd-user */
	char	iptables_backend[CFG_STR_MAX];	/* --iptables-backend */
	char	seccomp[CFG_STR_MAX];		/* --privsep-seccomp */
};

struct log_options;
/* The logging options of the configuration. */
void	 config_log_options(const struct kp_config *, struct log_options *);
bool	 config_logs_to_file(const struct kp_config *);

/*
 * This node's name as upstream derives it: --hostname-override, else the
 * hostname; trimmed and lower-cased.  -1 when empty.
 */
int	 config_node_name(const struct kp_config *, char *buf, size_t len);

/* Fill with upstream v1.28's defaults (after v1alpha1 defaulting). */
void	 config_defaults(struct kp_config *);

/*
 * Parse the command line into cfg (already defaulted), as pflag would.  On
 * error, writes pflag's message ('invalid argument "y" for "--x" flag:
 * reason', "unknown flag: --x", ...) into err and returns -1.  *action is
 * set for --help / --version (see enum; --version=raw also sets
 * cfg->version_raw).  Positional arguments are errors.  Ends with the
 * deprecated --healthz-port/--metrics-port rewrite (only without --config
 * and --write-config-to) and config_apply_platform_defaults().
 */
enum config_action { CONFIG_RUN, CONFIG_HELP, CONFIG_VERSION };
int	 config_parse_args(struct kp_config *, int argc, char **argv,
	    enum config_action *action, char *err, size_t errlen);

/*
 * Which fields the command line set, by index in the field table: what
 * --config needs to know to keep explicitly given logging flags and
 * --hostname-override, and to name the flags it ignores (config_file.h).
 */
struct config_flags_seen {
	bool	seen[128];		/* CFG_FIELDS_MAX */
};
/* config_parse_args(), also telling which flags were given. */
int	 config_parse_cmdline(struct kp_config *, int argc, char **argv,
	    enum config_action *action, struct config_flags_seen *seen,
	    char *err, size_t errlen);

/*
 * Linux platform defaults, applied after flags or the config file:
 * mode "" becomes "iptables", detectLocalMode "" becomes "ClusterCIDR".
 */
void	 config_apply_platform_defaults(struct kp_config *);

/* Check every field; on error names the field and the reason. */
int	 config_validate(const struct kp_config *, char *err, size_t errlen);
/* The same, also naming the flag that set the field, when one did. */
int	 config_validate_flags(const struct kp_config *,
	    const struct config_flags_seen *, char *err, size_t errlen);

/* Print --help (every flag, its default and meaning) to stdout. */
void	 config_print_help(const char *progname);

/* Feature gate state (known gates with their 1.28 defaults). */
bool	 config_gate_enabled(const struct kp_config *, const char *name);

/*
 * msgpack form, used in MSG_SUPERVISOR_START: a map keyed by the YAML
 * path ("iptables.syncPeriod").  The decoder refuses unknown keys, wrong
 * types and out-of-range values, and re-validates the whole config.
 */
void	 config_encode(const struct kp_config *, struct mp_buf *);
int	 config_decode(struct kp_config *, struct mp_cur *, char *err,
	    size_t errlen);

/* Go duration strings: "1h2m3s", "250ms", "0s". */
int	 duration_parse(const char *, kp_duration *);
/* The same, writing Go's error text ("time: invalid duration \"x\""). */
int	 duration_parse_err(const char *, kp_duration *, char *err,
	    size_t errlen);
void	 duration_format(kp_duration, char *buf, size_t len);

#endif
