"""Control: the test-facing side channel (plain HTTP on 127.0.0.1).

JSON in, JSON out.  Tests use it to change the cluster state and to inject
faults the real client must survive:

  GET  /healthz                      "ok"
  GET  /stats                        counters, current RV, open watches
  GET  /watches                      every open watch stream
  GET  /requests?n=N                 the last N API requests (max 2000)
  GET  /events                       Events posted to the API (last 1000)
  GET  /objects?kind=K[&namespace=NS][&name=N]   stored objects
  POST /apply      an object, a JSON array of objects or a List
  POST /delete     {"kind", "namespace", "name"} or {"kind", "all": true}
  POST /generate   {"services", "endpointsPerService", "nodes",
                    "createNodes", "namespaces", "maxEndpointsPerSlice",
                    "headlessEvery"}
  POST /expire     {"mode": "error"|"close"|"abort", "history": bool}
  POST /fail-next  {"count", "code", "reason", "message", "match", "verb",
                    "retryAfterSeconds"}
  POST /stall      {"watch": ID | "watches": [IDs] | "resource": R}
  POST /unstall    same
  POST /bookmark   {"force": bool} + the same filters
  POST /malformed  {"line": "raw text", "newline": true} + the filters
  POST /reset-stats
  POST /shutdown
The filters pick watch streams (by id from /watches, or by resource);
without them a call affects every open stream.  See the README in
tests/apiserver/ for the full description of each call.
"""

import json
import traceback
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .resources import resource_for

MAX_BODY = 256 << 20


class ControlError(Exception):
    pass


def _opt(d, *names, default=None):
    for n in names:
        if n in d:
            return d[n]
    return default


def _objects(doc):
    """The objects of an /apply body: one object, an array, or a List."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict) and isinstance(doc.get('items'), list) and \
            str(doc.get('kind', '')).endswith('List'):
        kind = doc['kind'][:-4]
        out = []
        for it in doc['items']:
            if isinstance(it, dict) and 'kind' not in it and kind != '':
                it = dict(it, kind=kind)    # ServiceList items lack kind
            out.append(it)
        return out
    return [doc]


class Control(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'kp-test-apiserver-control'
    sys_version = ''
    timeout = 300
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        self.server.app.log('control: ' + fmt % args)

    def _reply(self, code, obj):
        body = (json.dumps(obj, indent=1) + '\n').encode() \
            if not isinstance(obj, bytes) else obj
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n > MAX_BODY:
            self.close_connection = True
            raise ControlError('body too large')
        raw = self.rfile.read(n) if n else b''
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError as e:
            raise ControlError('invalid JSON: %s' % e)

    def do_GET(self):
        self._dispatch('GET')

    def do_POST(self):
        self._dispatch('POST')

    def _dispatch(self, method):
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        name = url.path.strip('/').replace('-', '_') or 'index'
        fn = getattr(self, '%s_%s' % (method.lower(), name), None)
        try:
            arg = q if method == 'GET' else self._body()
            if fn is None:
                return self._reply(404, {'error': 'no such call: %s %s'
                                         % (method, url.path)})
            if method == 'POST' and name != 'apply' and \
                    not isinstance(arg, dict):
                raise ControlError('body must be a JSON object')
            self._reply(200, fn(arg))
        except (ControlError, ValueError, TypeError) as e:
            self._reply(400, {'error': str(e)})
        except Exception as e:      # a bug here: say so, loudly
            traceback.print_exc()
            self._reply(500, {'error': '%s: %s' % (type(e).__name__, e)})

    # -------------------------------------------------------------- GET
    def get_healthz(self, q):
        return {'ok': True}

    def get_stats(self, q):
        return self.server.app.stats()

    def get_watches(self, q):
        return self.server.app.hub.describe()

    def get_requests(self, q):
        return self.server.app.recent_requests(int(q.get('n', 100)))

    def get_events(self, q):
        return self.server.app.posted_events()

    def get_objects(self, q):
        app = self.server.app
        res = resource_for(q.get('kind'))
        if res is None:
            raise ControlError('kind must be Service, EndpointSlice or Node')
        with app.store.lock:
            entries = [app.store.objects[res][k] for k in app.store.keys[res]]
        ns, name = q.get('namespace'), q.get('name')
        return [json.loads(res.event_object(e.raw)) for e in entries
                if (ns is None or e.key[0] == ns) and
                (name is None or e.key[1] == name)]

    # ------------------------------------------------------------- POST
    def post_apply(self, doc):
        objs = _objects(doc)
        app = self.server.app
        results = app.store.apply(objs)
        counts = {'created': 0, 'replaced': 0, 'unchanged': 0}
        out = []
        for e, t in results:
            action = {'ADDED': 'created', 'MODIFIED': 'replaced'}.get(
                t, 'unchanged')
            counts[action] += 1
            if len(out) < 100:
                out.append({'kind': e.res.kind, 'namespace': e.key[0],
                            'name': e.key[1], 'resourceVersion': e.rv,
                            'uid': e.obj['metadata'].get('uid'),
                            'action': action})
        return dict(counts, resourceVersion=app.store.rv, objects=out)

    def post_delete(self, d):
        res = resource_for(d.get('kind'))
        if res is None:
            raise ControlError('kind must be Service, EndpointSlice or Node')
        app = self.server.app
        if d.get('all'):
            n = app.store.delete(res, d.get('namespace'), None)
        else:
            if not d.get('name'):
                raise ControlError('name (or "all": true) is required')
            n = app.store.delete(res, d.get('namespace'), d['name'])
            if n == 0:
                return dict(self._not_found(res, d), deleted=0)
        return {'deleted': n, 'resourceVersion': app.store.rv}

    def _not_found(self, res, d):
        return {'error': '%s "%s" not found' % (res.plural, d.get('name')),
                'resourceVersion': self.server.app.store.rv}

    def post_generate(self, d):
        return self.server.app.generate(
            int(_opt(d, 'services', 'n', default=0)),
            int(_opt(d, 'endpointsPerService', 'endpoints_per_service', 'm',
                     default=10)),
            nodes=int(_opt(d, 'nodes', default=10)),
            create_nodes=bool(_opt(d, 'createNodes', 'create_nodes',
                                   default=True)),
            namespaces=_opt(d, 'namespaces'),
            per_slice=int(_opt(d, 'maxEndpointsPerSlice', default=100)),
            headless_every=int(_opt(d, 'headlessEvery', default=0)))

    def _filters(self, d):
        ids = d.get('watches')
        if 'watch' in d:
            ids = [d['watch']]
        res = None
        if d.get('resource'):
            res = resource_for(d['resource'])
            if res is None:
                raise ControlError('unknown resource %r' % d['resource'])
        return {'ids': set(int(i) for i in ids) if ids is not None
                else None, 'resource': res}

    def post_expire(self, d):
        app = self.server.app
        mode = d.get('mode', 'error')
        if mode not in ('error', 'close', 'abort'):
            raise ControlError('mode must be error, close or abort')
        if d.get('history', mode == 'error'):
            app.store.expire()
        n = app.hub.end_all(mode, **self._filters(d))
        st = app.store.stats()
        return {'watches': n, 'resourceVersion': st['resourceVersion'],
                'oldestResourceVersion': st['oldestResourceVersion']}

    def post_fail_next(self, d):
        return self.server.app.set_failure(
            int(d.get('count', 1)), int(d.get('code', 500)),
            d.get('reason'), d.get('message'), d.get('match'),
            d.get('verb'), d.get('retryAfterSeconds'))

    def post_stall(self, d):
        return {'watches': self.server.app.hub.stall(True,
                                                     **self._filters(d))}

    def post_unstall(self, d):
        return {'watches': self.server.app.hub.stall(False,
                                                     **self._filters(d))}

    def post_bookmark(self, d):
        return {'watches': self.server.app.hub.bookmark_all(
            bool(d.get('force')), **self._filters(d))}

    def post_malformed(self, d):
        line = d.get('line')
        if not isinstance(line, str):
            raise ControlError('line (a string) is required')
        raw = line.encode('utf-8', 'surrogateescape')
        if d.get('newline', True):
            raw += b'\n'
        return {'watches': self.server.app.hub.inject(raw,
                                                      **self._filters(d))}

    def post_reset_stats(self, d):
        self.server.app.reset_stats()
        return {'ok': True}

    def post_shutdown(self, d):
        self.server.app.request_shutdown()
        return {'ok': True}
