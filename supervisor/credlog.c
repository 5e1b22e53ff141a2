/*
 * credlog.c: what an auditor asks first: under which ids and with which
 * capabilities and filters each of our processes runs right now.  Read
 * from /proc/PID/status, so it shows the kernel's view, not our intent.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "children.h"
#include "log.h"
#include "sandbox.h"

static const char *const keys[] = {
	"Uid", "Gid", "Groups", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	"NoNewPrivs", "Seccomp", "Seccomp_filters", NULL
};

/* What the helper reported of its sandbox; /proc has no Landlock field. */
static void
sandbox_str(const struct child *ch, char *buf, size_t len)
{
	if (ch == NULL) {
		snprintf(buf, len, "not sandboxed (supervisor)");
		return;
	}
	if (!ch->sandboxed) {
		snprintf(buf, len, "not reported yet");
		return;
	}
	if (ch->landlock_on)
		snprintf(buf, len, "seccomp %s; Landlock ABI %d, enforced",
		    sandbox_mode_str((enum sbx_seccomp)ch->seccomp_mode),
		    ch->landlock_abi);
	else
		snprintf(buf, len, "seccomp %s; Landlock not enforced (%s)",
		    sandbox_mode_str((enum sbx_seccomp)ch->seccomp_mode),
		    ch->landlock_abi == 0 ? "not in this kernel" : "failed");
}

static void
log_one(const char *who, pid_t pid, const struct child *ch)
{
	char sb[128];

	char path[64], line[256], out[1024];
	size_t n = 0, kl;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL) {
		log_warn("%s: %s", who, path);
		return;
	}
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		for (i = 0; keys[i] != NULL; i++) {
			kl = strlen(keys[i]);
			if (strncmp(line, keys[i], kl) != 0 || line[kl] != ':')
				continue;
			line[strcspn(line, "\n")] = '\0';
			/* fold the tabs of /proc into single spaces */
			for (char *p = line; *p != '\0'; p++)
				if (*p == '\t')
					*p = ' ';
			n += (size_t)snprintf(out + n, n < sizeof(out) ?
			    sizeof(out) - n : 0, "%s%s", n ? "; " : "", line);
		}
	}
	fclose(f);
	sandbox_str(ch, sb, sizeof(sb));
	log_info("credentials of %s (pid %d): %s; sandbox: %s", who, (int)pid,
	    out, sb);
}

void
children_log_credentials(const struct supervisor *sup)
{
	enum kp_role r;

	log_one("supervisor", getpid(), NULL);
	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++)
		if (sup->child[r].pid > 0)
			log_one(role_str(r), sup->child[r].pid,
			    &sup->child[r]);
}
