/*
 * notify.h: talking to systemd (Type=notify).  READY=1 once the first
 * sync is in the kernel; WATCHDOG=1 while every helper is up; STOPPING=1
 * on shutdown.  Built without libsystemd (--without-systemd) these do
 * nothing.
 */
#ifndef KP_NOTIFY_H
#define KP_NOTIFY_H

#include <stdint.h>

void	 notify_ready(void);
void	 notify_stopping(void);
void	 notify_status(const char *);
void	 notify_watchdog(void);
/* The watchdog interval systemd asked for, in microseconds; 0 if none. */
uint64_t notify_watchdog_usec(void);

#endif
