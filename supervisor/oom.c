/* oom.c: see oom.h. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "oom.h"

int
oom_write(int adj)
{
	char buf[16];
	int fd, n, r = 0;

	if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d", adj);
	if (write(fd, buf, (size_t)n) != n)
		r = -1;
	close(fd);
	return r;
}

int
oom_get_self(void)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "re");
	int v = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int
oom_set_self(int adj)
{
	if (oom_write(adj) == 0) {
		log_debug(1, "oom_score_adj set to %d", adj);
		return 0;
	}
	log_warn("could not set oom_score_adj to %d (lowering it needs "
	    "CAP_SYS_RESOURCE); keeping %d", adj, oom_get_self());
	return -1;
}

int
oom_adj_for(enum kp_role r, int sup)
{
	int want;

	switch (r) {
	case ROLE_WATCHER:	want = OOM_ADJ_WATCHER; break;
	case ROLE_HEALTHD:	want = OOM_ADJ_HEALTHD; break;
	default:		return sup;	/* the syncer: as the supervisor */
	}
	/* never lower than the supervisor's: that needs privilege */
	return want > sup ? want : sup;
}

/* Read "key value" lines from path; 0 if absent. */
static uint64_t
read_counter(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	uint64_t v = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			v = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* memory.events of our own cgroup (v2): counts kills in our unit only */
static uint64_t
cgroup_oom_kills(void)
{
	char line[512], path[600];
	FILE *f;
	size_t n;

	if ((f = fopen("/proc/self/cgroup", "re")) == NULL)
		return 0;
	path[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "0::", 3) == 0) {
			n = strcspn(line + 3, "\n");
			line[3 + n] = '\0';
			snprintf(path, sizeof(path),
			    "/sys/fs/cgroup%s/memory.events", line + 3);
			break;
		}
	fclose(f);
	return path[0] != '\0' ? read_counter(path, "oom_kill") : 0;
}

uint64_t
oom_kill_count(void)
{
	/* the sum only serves to see whether either count rose */
	return read_counter("/proc/vmstat", "oom_kill") + cgroup_oom_kills();
}
