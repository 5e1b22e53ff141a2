/*
 * confine.h: the watcher's sandbox (sandbox.c), applied once its
 * endpoint and credentials are loaded.
 */
#ifndef KP_WATCHER_CONFINE_H
#define KP_WATCHER_CONFINE_H

struct helper;
struct kube_endpoint;

int	 watcher_sandbox(struct helper *, const struct kube_endpoint *);

#endif
