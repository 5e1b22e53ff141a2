/*
 * oom.h: the OOM killer's view of us.
 *
 * Under memory pressure the watcher (the largest and the easiest to
 * rebuild: it relists) should go first, then healthd, and the syncer and
 * the supervisor last.  The supervisor sets its own score from
 * --oom-score-adj; lowering it needs CAP_SYS_RESOURCE, which may be
 * missing: then we warn and go on, as upstream does.  A child may always
 * raise its own score, so each helper's is set in the child before exec.
 */
#ifndef KP_OOM_H
#define KP_OOM_H

#include <stdint.h>

#include "msg.h"

#define OOM_ADJ_WATCHER	800
#define OOM_ADJ_HEALTHD	400

int	 oom_set_self(int adj);		/* 0, or -1 after a warning */
int	 oom_get_self(void);
/* The score a helper should set for itself, given the supervisor's. */
int	 oom_adj_for(enum kp_role, int supervisor_adj);
/* Write /proc/self/oom_score_adj; used in the child, errors returned. */
int	 oom_write(int adj);
/*
 * The kernel's count of OOM kills (/proc/vmstat oom_kill, and the
 * memory cgroup's when it has one).  A helper killed by SIGKILL while
 * this rose was most likely taken by the OOM killer.
 */
uint64_t oom_kill_count(void);

#endif
