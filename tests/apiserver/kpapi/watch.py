"""WatchHub and Watcher: the open watch streams and what each must send.

A Watcher is one open watch: its resource, selector and a bounded queue of
things to write.  The Store calls WatchHub.dispatch() for every change while
holding its lock, so each queue receives events in resourceVersion order and
a BOOKMARK queued under the same lock never claims an RV whose events are
not yet queued.  The writing itself happens in the stream's own HTTP thread
(api.Handler), which takes batches with Watcher.take().

Selectors are applied per event as upstream's cacher does: an object that
starts matching is ADDED, one that stops matching is DELETED (last matching
state, with the new RV).  A watcher whose queue passes the limit is dropped
(its stream ends, as a real apiserver closes a watch that cannot keep up).
"""

import collections
import itertools
import threading
import time

from . import tables
from .resources import dumps, status_obj

_ids = itertools.count(1)


class Watcher:
    def __init__(self, res, sel, bookmarks, info, start_rv, limit):
        self.id = next(_ids)
        self.res, self.sel = res, sel
        self.bookmarks = bookmarks
        self.info = info            # path, query, peer, user agent, user
        self.start_rv = start_rv
        self.limit = limit
        self.queue = collections.deque()    # (type, payload), see take()
        self.cond = threading.Condition(threading.Lock())
        self.stalled = False
        self.table = False          # objects as meta.k8s.io Tables
        self.state = 'open'         # open, closing, dropped, abort, done
        self.reason = ''
        self.opened = time.time()
        self.sent_events = 0
        self.sent_bytes = 0
        self.last_rv = start_rv

    def push(self, item):
        with self.cond:
            if self.state != 'open':
                return
            if len(self.queue) >= self.limit:
                self.queue.clear()
                self.state, self.reason = 'dropped', 'queue limit reached'
            else:
                self.queue.append(item)
            self.cond.notify()

    def finish(self, state, reason, final_item=None, clear=True):
        """End the stream: 'closing' (send what is queued, or only
        final_item when clear, then end cleanly) or 'abort' (cut the
        connection without ending the chunked body)."""
        with self.cond:
            if self.state not in ('open', 'closing'):
                return
            if clear:
                self.queue.clear()
            if final_item is not None:
                self.queue.append(final_item)
            self.state, self.reason = state, reason
            self.cond.notify()

    def set_stalled(self, on):
        with self.cond:
            self.stalled = on
            self.cond.notify()

    def take(self, timeout):
        """Wait up to timeout for things to send.  -> (items, state):
        items is a list (maybe empty) of (type, payload); state 'open'
        means go on, anything else means end the stream that way after
        writing items."""
        with self.cond:
            if self.state == 'abort':
                return [], 'abort'
            if not self.queue or self.stalled:
                if self.state == 'dropped' or (
                        self.state == 'closing' and not self.queue):
                    return [], self.state
                self.cond.wait(timeout)
                if self.state == 'abort':
                    return [], 'abort'
                if self.stalled:
                    return [], 'open'
            q = self.queue
            items = [q.popleft() for _ in range(min(512, len(q)))]
            state = self.state
            if state == 'closing' and self.queue:
                state = 'open'
            if state == 'dropped':
                items = []
            return items, state

    def render(self, item):
        """One queued item -> the bytes to write (a JSON line)."""
        t, p = item
        if t in ('ADDED', 'MODIFIED', 'DELETED'):
            self.last_rv = p.rv
            obj = tables.table(self.res, [p], p.rv, '', None) if self.table \
                else self.res.event_object(p.raw)
            return b'{"type":"' + t.encode() + b'","object":' + obj + b'}\n'
        if t == 'BOOKMARK':
            rv, initial_end = p
            self.last_rv = rv
            return b'{"type":"BOOKMARK","object":' + \
                self.res.bookmark(rv, initial_end) + b'}\n'
        if t == 'ERROR':
            return b'{"type":"ERROR","object":' + dumps(p) + b'}\n'
        return p        # RAW: injected bytes as given

    def describe(self):
        with self.cond:
            return dict(self.info, id=self.id, resource=self.res.plural,
                        startResourceVersion=self.start_rv,
                        lastResourceVersion=self.last_rv,
                        bookmarks=self.bookmarks, stalled=self.stalled,
                        state=self.state, queued=len(self.queue),
                        sentEvents=self.sent_events,
                        sentBytes=self.sent_bytes,
                        openSeconds=round(time.time() - self.opened, 3))


def convert(ev, sel):
    """A history Event as one watcher with selector sel sees it:
    -> (type, entry) or None."""
    if ev.type == 'DELETED':
        return ('DELETED', ev.new) if sel.matches(ev.prev) else None
    now_ok = sel.matches(ev.new)
    was_ok = ev.prev is not None and sel.matches(ev.prev)
    if now_ok:
        return ('MODIFIED' if was_ok else 'ADDED', ev.new)
    if was_ok:
        return ('DELETED', ev.prev_restamped())
    return None


class WatchHub:
    def __init__(self, store, queue_limit=100000):
        self.store = store
        self.queue_limit = queue_limit
        self.watchers = {}          # id -> Watcher
        store.hub = self
        self.opened_total = 0
        self.dropped_total = 0

    def open(self, res, sel, rv, bookmarks, initial_events, info):
        """Register a watch starting at rv (None: current state as
        synthetic ADDED events first).  -> Watcher; when rv is too old
        its queue holds just the 410 ERROR and it is already closing."""
        st = self.store
        with st.lock:
            start = st.rv if rv is None or rv == 0 else rv
            w = Watcher(res, sel, bookmarks, info, start, self.queue_limit)
            self.opened_total += 1
            if rv is not None and rv > 0 and rv < st.base_rv:
                w.finish('closing', 'too old resource version', (
                    'ERROR', status_obj(
                        410, 'too old resource version: %d (%d)'
                        % (rv, st.base_rv), 'Expired')))
                return w
            q = w.queue
            if rv is None or rv == 0:
                keys, objs = st.keys[res], st.objects[res]
                for k in keys:
                    e = objs[k]
                    if sel.matches(e):
                        q.append(('ADDED', e))
                if initial_events and bookmarks:
                    q.append(('BOOKMARK', (start, True)))
            else:
                tail = []
                for ev in reversed(st.history):
                    if ev.rv <= rv:
                        break
                    if ev.res is res:
                        tail.append(ev)
                for ev in reversed(tail):
                    c = convert(ev, sel)
                    if c:
                        q.append(c)
            if len(q) > w.limit:
                q.clear()
                w.state, w.reason = 'dropped', 'queue limit reached'
            self.watchers[w.id] = w
            return w

    def close(self, w):
        with self.store.lock:
            if self.watchers.pop(w.id, None) is not None and \
                    w.state == 'dropped':
                self.dropped_total += 1

    def dispatch(self, ev):
        """Called by the Store, lock held, for every change."""
        for w in list(self.watchers.values()):
            if w.res is ev.res:
                c = convert(ev, w.sel)
                if c:
                    w.push(c)

    def _select(self, ids=None, resource=None):
        return [w for w in self.watchers.values()
                if (ids is None or w.id in ids) and
                (resource is None or w.res is resource)]

    def bookmark(self, w):
        """Queue a periodic bookmark for one watcher at the current RV."""
        with self.store.lock:
            w.push(('BOOKMARK', (max(self.store.rv, w.start_rv), False)))

    def bookmark_all(self, force=False, ids=None, resource=None):
        with self.store.lock:
            n = 0
            for w in self._select(ids, resource):
                if w.bookmarks or force:
                    w.push(('BOOKMARK', (max(self.store.rv, w.start_rv),
                                         False)))
                    n += 1
            return n

    def inject(self, line, ids=None, resource=None):
        with self.store.lock:
            ws = self._select(ids, resource)
            for w in ws:
                w.push(('RAW', line))
            return len(ws)

    def stall(self, on, ids=None, resource=None):
        with self.store.lock:
            ws = self._select(ids, resource)
        for w in ws:
            w.set_stalled(on)
        return len(ws)

    def end_all(self, mode, ids=None, resource=None):
        """mode 'error': a 410 Expired ERROR event, then a clean end;
        'close': a clean end now; 'abort': cut the connections."""
        with self.store.lock:
            ws = self._select(ids, resource)
            for w in ws:
                if mode == 'error':
                    w.finish('closing', 'expired', ('ERROR', status_obj(
                        410, 'too old resource version: %d (%d)'
                        % (w.last_rv, self.store.base_rv), 'Expired')))
                elif mode == 'abort':
                    w.finish('abort', 'aborted by control')
                else:
                    w.finish('closing', 'closed by control')
            return len(ws)

    def describe(self):
        with self.store.lock:
            ws = list(self.watchers.values())
        return [w.describe() for w in ws]
