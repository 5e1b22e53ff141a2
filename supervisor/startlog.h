/*
 * startlog.h: the supervisor's start-up logging: klog's file flags
 * (--logtostderr=false with --log_file or --log_dir), upstream's
 * "FLAG: --name=value" lines at V(1), and the machine and boot ids.
 */
#ifndef KP_STARTLOG_H
#define KP_STARTLOG_H

#include "config.h"

/* Open the log file, when one is asked for, at FD_LOGFILE for every
 * process; -1 if it cannot be opened (said on stderr). */
int	 startlog_redirect(const struct kp_config *);
/* --log_file_max_size: start the file over when it grew past it. */
void	 startlog_check_size(const struct kp_config *);
/* Every flag and its value, sorted, at V(1), as cliflag.PrintFlags. */
void	 startlog_flags(const struct kp_config *);
/* The first readable --machine-id-file and --boot-id-file. */
void	 startlog_ids(const struct kp_config *);

#endif
