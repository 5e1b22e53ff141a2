"""Store: the objects, one global resourceVersion, a bounded history.

Like etcd behind a real apiserver: every change gets the next value of one
counter shared by all resources, and the change is kept in a history of
bounded length so that a watch, or a paginated list, can start from an
older resourceVersion.  Asking for one older than the history (it was
"compacted": trimmed, or dropped on demand by expire()) gets 410 Expired.

Each object is kept as an immutable Entry holding its serialized JSON
(without kind/apiVersion, as list items are written), so a list of 10,000
objects is a join of cached byte strings.  Paginated lists are consistent
snapshots: later pages are served as of the first page's resourceVersion by
undoing the history events newer than it.

Objects are stored as given (tests inject invalid ones on purpose), except
the metadata fields the server owns: resourceVersion, uid and
creationTimestamp (and namespace: "default" when missing, none for Nodes).
"""

import base64
import bisect
import collections
import gc
import json
import threading
import time
import uuid

from .resources import (ApiError, BY_KIND, MSG_CONTINUE_INCONSISTENT,
                        MSG_LIST_TOO_OLD, RESOURCES, dumps, expired,
                        resource_for)

# metadata fields in the order Go writes them (ObjectMeta field order)
_MD_ORDER = ('name', 'generateName', 'namespace', 'selfLink', 'uid',
             'resourceVersion', 'generation', 'creationTimestamp',
             'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels',
             'annotations', 'ownerReferences', 'finalizers', 'managedFields')


def now_rfc3339():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


class Entry:
    """One version of one object.  Never changed after creation."""
    __slots__ = ('res', 'key', 'obj', 'raw', 'labels', 'fields', 'rv')

    def __init__(self, res, obj, rv):
        md = obj['metadata']
        self.res = res
        self.key = (md.get('namespace', '') if res.namespaced else '',
                    md['name'])
        self.obj = obj
        self.raw = dumps(obj)
        labels = md.get('labels')
        self.labels = labels if isinstance(labels, dict) else {}
        self.fields = {k: f(obj) for k, f in res.fields.items()}
        self.rv = rv

    def restamped(self, rv):
        """The same content carrying another resourceVersion (a DELETED
        event carries the last state with the deletion's RV)."""
        obj = dict(self.obj)
        md = dict(obj['metadata'])
        md['resourceVersion'] = str(rv)
        obj['metadata'] = md
        return Entry(self.res, obj, rv)


class Event:
    """A history record: what changed at one resourceVersion."""
    __slots__ = ('rv', 'res', 'type', 'new', 'prev', '_prev_restamped')

    def __init__(self, rv, res, type_, new, prev):
        self.rv, self.res, self.type = rv, res, type_
        self.new, self.prev = new, prev
        self._prev_restamped = None

    def prev_restamped(self):
        if self._prev_restamped is None:
            self._prev_restamped = self.prev.restamped(self.rv)
        return self._prev_restamped


def encode_continue(rv, key):
    start = (key[0] + '/' + key[1] if key[0] else key[1]) + '\x00'
    doc = json.dumps({'v': 'meta.k8s.io/v1', 'rv': rv, 'start': start},
                     separators=(',', ':'))
    return base64.urlsafe_b64encode(doc.encode()).decode().rstrip('=')


def decode_continue(token, res):
    """-> (rv, key) of a continue token; ApiError 400 when malformed."""
    try:
        raw = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4))
        doc = json.loads(raw)
        if doc.get('v') != 'meta.k8s.io/v1':
            raise ValueError('unknown version')
        rv, start = doc['rv'], doc['start']
        if not isinstance(rv, int) or not isinstance(start, str) or \
                not start.endswith('\x00'):
            raise ValueError('bad fields')
        start = start[:-1]
        if res.namespaced:
            ns, _, name = start.partition('/')
            return rv, (ns, name)
        return rv, ('', start)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ApiError(400, 'continue key is not valid: %s' % e)


class Store:
    def __init__(self, history_size=100000, initial_rv=0):
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        # A restarted apiserver keeps etcd's counter, with the history
        # before it compacted away: --initial-rv plays that part.
        self.rv = initial_rv
        self.base_rv = initial_rv   # history: every event with rv > base_rv
        self.history_size = max(1, history_size)
        self.history = collections.deque()
        self.objects = {r: {} for r in RESOURCES.values()}
        self.keys = {r: [] for r in RESOURCES.values()}   # sorted
        self.hub = None         # WatchHub, told of each change under lock

    # ------------------------------------------------------------ changes
    def _prepare(self, obj, res=None):
        """Check an object given to apply(); -> (resource, shallow copy)."""
        if not isinstance(obj, dict):
            raise ValueError('object is not a JSON object')
        res = res or BY_KIND.get(obj.get('kind')) or \
            resource_for(obj.get('kind'))
        if res is None:
            raise ValueError('unknown kind %r (want Service, EndpointSlice '
                             'or Node)' % obj.get('kind'))
        md = obj.get('metadata')
        if not isinstance(md, dict) or not isinstance(md.get('name'), str) \
                or not md['name']:
            raise ValueError('metadata.name must be a non-empty string')
        md = dict(md)
        if res.namespaced:
            ns = md.get('namespace') or 'default'
            if not isinstance(ns, str) or '/' in ns:
                raise ValueError('metadata.namespace must be a string')
            md['namespace'] = ns
        else:
            md.pop('namespace', None)
        out = {'metadata': md}
        for k, v in obj.items():
            if k not in ('kind', 'apiVersion', 'metadata'):
                out[k] = v
        return res, out

    def _commit(self, res, type_, new, prev):
        ev = Event(self.rv, res, type_, new, prev)
        objs, keys = self.objects[res], self.keys[res]
        key = (new or prev).key
        if type_ == 'DELETED':
            del objs[key]
            del keys[bisect.bisect_left(keys, key)]
        else:
            if key not in objs:
                bisect.insort(keys, key)
            objs[key] = new
        self.history.append(ev)
        while len(self.history) > self.history_size:
            self.base_rv = self.history.popleft().rv
        if self.hub:
            self.hub.dispatch(ev)

    def _apply_locked(self, obj, res=None):
        res, obj = self._prepare(obj, res)
        md = obj['metadata']
        key = (md.get('namespace', ''), md['name'])
        prev = self.objects[res].get(key)
        if prev is not None:
            md['uid'] = prev.obj['metadata'].get('uid')
            md['creationTimestamp'] = \
                prev.obj['metadata'].get('creationTimestamp')
            md['resourceVersion'] = str(prev.rv)
            obj['metadata'] = _ordered(md)
            if obj == prev.obj:         # no change: no new version
                return prev, None
        else:
            md['uid'] = str(uuid.uuid4())
            md['creationTimestamp'] = now_rfc3339()
        self.rv += 1
        md['resourceVersion'] = str(self.rv)
        obj['metadata'] = _ordered(md)
        new = Entry(res, obj, self.rv)
        type_ = 'MODIFIED' if prev is not None else 'ADDED'
        self._commit(res, type_, new, prev)
        return new, type_

    def apply(self, objs):
        """Create or replace each object (one lock hold for all of them).
        -> list of (entry, 'ADDED'|'MODIFIED'|None for unchanged)."""
        out = []
        bulk = len(objs) > 1000
        if bulk:            # the cyclic GC would walk every new dict often
            gc.disable()
        try:
            with self.lock:
                for o in objs:
                    out.append(self._apply_locked(o))
                self.changed.notify_all()
        finally:
            if bulk:
                gc.freeze()     # long-lived: keep them out of collections
                gc.enable()
        return out

    def delete(self, res, namespace=None, name=None):
        """Delete one object, or every one (name None) of a namespace
        (namespace None: all).  -> number deleted."""
        with self.lock:
            if name is not None:
                key = ((namespace or 'default') if res.namespaced else '',
                       name)
                victims = [key] if key in self.objects[res] else []
            else:
                victims = [k for k in self.keys[res]
                           if namespace is None or k[0] == namespace]
            for key in victims:
                prev = self.objects[res][key]
                self.rv += 1
                self._commit(res, 'DELETED', prev.restamped(self.rv), prev)
            self.changed.notify_all()
        return len(victims)

    def expire(self):
        """Drop all history: every resourceVersion handed out so far
        becomes too old (the counter moves on by one, as compaction
        would make the next list's RV differ from all earlier ones)."""
        with self.lock:
            self.rv += 1
            self.base_rv = self.rv
            self.history.clear()
            self.changed.notify_all()
            return self.rv

    # -------------------------------------------------------------- reads
    def get(self, res, namespace, name):
        with self.lock:
            return self.objects[res].get((namespace if res.namespaced
                                          else '', name))

    def _view(self, res, at_rv):
        """(sorted keys, lookup) of res as it was at at_rv >= base_rv."""
        objs = self.objects[res]
        if at_rv >= self.rv:
            return self.keys[res], objs.get
        over = {}
        for ev in reversed(self.history):
            if ev.rv <= at_rv:
                break
            if ev.res is res:
                over[(ev.new or ev.prev).key] = ev.prev
        if not over:
            return self.keys[res], objs.get
        keys = sorted(set(self.keys[res]).union(over))
        return keys, lambda k: over[k] if k in over else objs.get(k)

    def wait_for(self, rv, timeout=3.0):
        """Wait (lock held) until the store reached rv; 504 otherwise."""
        deadline = time.monotonic() + timeout
        while self.rv < rv:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ApiError(
                    504, 'Too large resource version: %d, current: %d'
                    % (rv, self.rv), 'Timeout',
                    details={'causes': [{
                        'reason': 'ResourceVersionTooLarge',
                        'message': 'Too large resource version'}],
                        'retryAfterSeconds': 1},
                    headers={'Retry-After': '1'})
            self.changed.wait(left)

    def list(self, res, sel, limit=0, cont=None, rv=None, rv_match=''):
        """A LIST.  rv: None (unset), 0 or a positive int.
        -> (list rv, [Entry], continue token, remainingItemCount)"""
        if rv_match and rv is None:
            raise ApiError(422, 'resourceVersionMatch is forbidden unless '
                           'resourceVersion is provided', 'Invalid')
        if rv_match not in ('', 'Exact', 'NotOlderThan'):
            raise ApiError(422, 'resourceVersionMatch: Unsupported value: '
                           '"%s"' % rv_match, 'Invalid')
        if rv_match == 'Exact' and rv == 0:
            raise ApiError(422, 'resourceVersionMatch "exact" is forbidden '
                           'for resourceVersion "0"', 'Invalid')
        if cont and rv:
            raise ApiError(400, 'specifying resource version is not allowed '
                           'when using continue')
        start = None
        with self.lock:
            if cont:
                at, start = decode_continue(cont, res)
                if at == -1:
                    at = self.rv
                elif at < self.base_rv or at > self.rv:
                    raise expired(MSG_CONTINUE_INCONSISTENT,
                                  encode_continue(-1, start))
            elif rv is None:
                at = self.rv
            elif rv == 0:
                at, limit = self.rv, 0   # the watch cache ignores limit
            else:
                self.wait_for(rv)
                if rv_match == 'Exact' or (limit and not rv_match):
                    if rv < self.base_rv:
                        raise expired(MSG_LIST_TOO_OLD)
                    at = rv
                else:
                    at = self.rv
            keys, lookup = self._view(res, at)
            i = bisect.bisect_right(keys, start) if start else 0
            items, last, more = [], None, False
            n = len(keys)
            while i < n:
                e = lookup(keys[i])
                if e is not None and sel.matches(e):
                    if limit and len(items) == limit:
                        more = True
                        break
                    items.append(e)
                    last = e.key
                i += 1
            token, remaining = '', None
            if more:
                token = encode_continue(at, last)
                if not (sel.labels or sel.fields):   # as etcd counts
                    remaining = sum(1 for k in keys[i:]
                                    if (not sel.namespace or
                                        k[0] == sel.namespace) and
                                    lookup(k) is not None)
        return at, items, token, remaining

    def stats(self):
        with self.lock:
            return {'resourceVersion': self.rv, 'oldestResourceVersion':
                    self.base_rv, 'history': len(self.history),
                    'objects': {r.plural: len(o)
                                for r, o in self.objects.items()}}


def _ordered(md):
    out = {k: md[k] for k in _MD_ORDER if k in md}
    for k, v in md.items():
        if k not in out:
            out[k] = v
    return out
