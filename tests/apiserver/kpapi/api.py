"""Handler: the Kubernetes API side of the stand-in (HTTPS, or HTTP).

Serves discovery (/version, /api, /apis, /api/v1, /apis/GROUP[/VERSION]),
LIST, GET and WATCH of services, endpointslices and nodes, and accepts
the Events kube-proxy posts.  Every request but /healthz, /livez and /readyz
needs a valid client certificate or bearer token (Auth); a failure is a 401
Status as upstream writes it.  Responses are JSON only: a client that
accepts nothing but protobuf gets 406, as from a real server that cannot
encode what was asked.  Tables (for kubectl's human output) come from
tables.py.
"""

import gzip
import json
import os
import random
import select
import socket
import ssl
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .resources import (ApiError, ENDPOINTSLICES, NODES, RESOURCES,
                        SERVICES, dumps, status_obj)
from .selectors import Selector, SelectorError
from . import tables

_TRUE = ('1', 't', 'T', 'true', 'True', 'TRUE')
_FALSE = ('0', 'f', 'F', 'false', 'False', 'FALSE')
_EVENT_GROUPS = {'events.k8s.io': 'v1'}


class Auth:
    """Bearer tokens (--token, and --token-file re-read when it changes)
    and client certificates verified by the TLS layer against --client-ca.
    Either one is enough.  With none configured, anyone is let in."""

    def __init__(self, tokens=(), token_file=None, client_ca=False):
        self.static = {t: 'token-user' for t in tokens}
        self.token_file = token_file
        self.client_ca = client_ca
        self._file_tokens = {}
        self._file_sig = None
        self._lock = threading.Lock()

    @property
    def required(self):
        return bool(self.static or self.token_file or self.client_ca)

    def _tokens_from_file(self):
        try:
            st = os.stat(self.token_file)
            sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            return {}
        with self._lock:
            if sig != self._file_sig:
                toks = {}
                try:
                    with open(self.token_file, encoding='utf-8') as f:
                        for line in f:
                            line = line.strip()
                            if not line or line.startswith('#'):
                                continue
                            parts = [p.strip().strip('"')
                                     for p in line.split(',')]
                            toks[parts[0]] = parts[1] if len(parts) > 1 \
                                else 'token-user'
                except OSError:
                    pass
                self._file_tokens, self._file_sig = toks, sig
            return self._file_tokens

    def user(self, handler):
        """-> (user name, method) or None."""
        conn = handler.connection
        if isinstance(conn, ssl.SSLSocket):
            cert = conn.getpeercert()
            if cert:
                for rdn in cert.get('subject', ()):
                    for k, v in rdn:
                        if k == 'commonName':
                            return v, 'x509'
                return 'x509-user', 'x509'
        h = handler.headers.get('Authorization', '')
        if h[:7].lower() == 'bearer ':
            tok = h[7:].strip()
            if tok in self.static:
                return self.static[tok], 'token'
            if self.token_file:
                u = self._tokens_from_file().get(tok)
                if u is not None:
                    return u, 'token'
            return None
        if not self.required:
            return 'system:anonymous', 'anonymous'
        return None


def _bool(q, name):
    v = q.get(name, '')
    if v == '':
        return False
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ApiError(400, 'invalid value for %s: %r (want a boolean)'
                   % (name, v))


def _int(q, name, minimum=0):
    v = q.get(name, '')
    if v == '':
        return None
    try:
        n = int(v)
    except ValueError:
        n = None
    if n is None or n < minimum:
        raise ApiError(400, '%s: Invalid value: "%s": must be an integer '
                       '>= %d' % (name, v, minimum))
    return n


def _rv(q):
    v = q.get('resourceVersion', '')
    if v == '':
        return None
    if not v.isdigit():
        raise ApiError(400, 'resourceVersion: Invalid value: "%s": invalid '
                       'resource version' % v)
    return int(v)


def negotiate(accept):
    """-> 'table', 'json', or None (406) for an Accept header."""
    if not accept:
        return 'json'
    plain = False
    for part in accept.split(','):
        bits = [b.strip() for b in part.split(';')]
        mt = bits[0].lower()
        params = dict(b.split('=', 1) for b in bits[1:] if '=' in b)
        if mt in ('application/json', '*/*', 'application/*'):
            if params.get('as') == 'Table' and \
                    params.get('g') == 'meta.k8s.io':
                return 'table'
            if 'as' not in params:
                plain = True
    return 'json' if plain else None


def _batches(entries, size=1 << 18):
    """The items of a list body, comma-separated, in ~256 KiB pieces,
    then the closing ']}'."""
    buf, n, sep = [], 0, b''
    for e in entries:
        buf.append(e.raw)
        n += len(e.raw)
        if n >= size:
            yield sep + b','.join(buf)
            buf, n, sep = [], 0, b','
    yield sep + b','.join(buf) + b']}' if buf else b']}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'kp-test-apiserver'
    sys_version = ''
    timeout = 120           # idle keep-alive and blocked writes
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    # ----------------------------------------------------------- plumbing
    def setup(self):
        ctx = self.server.ssl_ctx
        if ctx is not None:
            self.request.settimeout(10)
            self.request = ctx.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            try:
                self.connection.close()
            except OSError:
                pass

    def log_message(self, fmt, *args):
        self.server.app.log('api: %s %s' % (self.address_string(),
                                            fmt % args))

    def send_body(self, code, body, ctype='application/json', headers=None,
                  more=(), length=None):
        """Answer with body, then the byte strings of `more` (length: of
        all of them together).  Large lists go out as many moderate writes:
        one 30 MB buffer would cost more to build than to send."""
        app = self.server.app
        enc = None
        if length is None:
            length = len(body)
        if app.gzip and length > 128 * 1024 and \
                'gzip' in self.headers.get('Accept-Encoding', ''):
            body = gzip.compress(b''.join([body, *more]), 1)
            more, length, enc = (), len(body), 'gzip'
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Cache-Control', 'no-cache, private')
        if enc:
            self.send_header('Content-Encoding', enc)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header('Content-Length', str(length))
        # headers and body in one write: one TLS record train, no Nagle wait
        self._headers_buffer.append(b'\r\n')
        if self.command != 'HEAD':
            self._headers_buffer.append(body)
        self.flush_headers()
        self._code = code
        if self.command != 'HEAD':
            for part in more:
                self.wfile.write(part)

    def send_error_status(self, err):
        self.send_body(err.code, err.body(), headers=err.headers)

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_PATCH(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    # ------------------------------------------------------------ routing
    def _serve(self):
        app = self.server.app
        self._code = 0
        self._counted = False
        self._body_read = False
        self._watch_path = False
        url = urlsplit(self.path)
        path = url.path.rstrip('/') or '/'
        q = {k: v[-1] for k, v in
             parse_qs(url.query, keep_blank_values=True).items()}
        verb, resname = 'other', ''
        user = None
        try:
            if path in ('/healthz', '/livez', '/readyz'):
                verb = 'health'
                return self.send_body(200, b'ok', 'text/plain; charset=utf-8')
            user = app.auth.user(self)
            if user is None:
                verb = 'unauthorized'
                raise ApiError(401, 'Unauthorized')
            route = self._route(path)
            verb, resname = route[0], getattr(route[1], 'plural', '')
            if verb in ('list', 'get') and (self._watch_path or
                                            _bool(q, 'watch')):
                verb = 'watch'
            fail = app.take_failure(verb, self.path)
            if fail is not None:
                raise fail
            if verb == 'discovery':
                return self.send_body(200, route[1])
            if verb == 'event':
                return self._post_event(route[1])
            if self.command not in ('GET', 'HEAD'):
                raise ApiError(405, 'the server does not allow this method '
                               'on the requested resource',
                               'MethodNotAllowed')
            _, res, ns, name = route
            if verb == 'watch':
                return self._watch(res, ns, name, q, user)
            fmt = negotiate(self.headers.get('Accept', ''))
            if fmt is None:
                raise ApiError(406, 'only the following media types are '
                               'accepted: application/json',
                               'NotAcceptable')
            if verb == 'get':
                return self._get(res, ns, name, fmt)
            return self._list(res, ns, q, fmt)
        except ApiError as e:
            self.send_error_status(e)
        except (BrokenPipeError, ConnectionResetError, TimeoutError,
                ssl.SSLError):
            self.close_connection = True
        except Exception:           # a bug here: say so, loudly
            traceback.print_exc()
            self.close_connection = True
            if not self._code:
                self.send_error_status(ApiError(500, 'internal error in the '
                                                'test apiserver'))
        finally:
            if self.command not in ('GET', 'HEAD') and not self._body_read:
                self.close_connection = True    # its body is still unread
            if not self._counted:
                app.count_request(self, verb, resname, user, self._code)

    def _route(self, path):
        """-> ('discovery', body) | ('event', group) |
        (verb, Resource, namespace, name)."""
        app = self.server.app
        doc = app.discovery.get(path)
        if doc is not None:
            return 'discovery', doc
        parts = path.strip('/').split('/')
        if parts[0] == 'api' and len(parts) >= 2 and parts[1] == 'v1':
            group, rest = '', parts[2:]
        elif parts[0] == 'apis' and len(parts) >= 3:
            group, rest = parts[1] + '/' + parts[2], parts[3:]
        else:
            raise ApiError(404, 'the server could not find the requested '
                           'resource', 'NotFound')
        if rest[:1] == ['watch']:       # the old /api/v1/watch/... form
            rest = rest[1:]
            self._watch_path = True
        ns = ''
        if len(rest) >= 3 and rest[0] == 'namespaces':
            ns, rest = rest[1], rest[2:]
        if rest and rest[0] == 'events' and self.command == 'POST' and \
                (group in ('', 'events.k8s.io/v1')) and len(rest) == 1:
            return 'event', group
        res = RESOURCES.get(rest[0]) if rest else None
        if res is None or res.api_version != (group or 'v1') or \
                len(rest) > 2 or (ns and not res.namespaced):
            raise ApiError(404, 'the server could not find the requested '
                           'resource', 'NotFound')
        if len(rest) == 2:
            return 'get', res, ns, rest[1]
        return 'list', res, ns, None

    # ------------------------------------------------------------- verbs
    def _selector(self, res, ns, q, name=None):
        fs = q.get('fieldSelector', '')
        if name is not None:
            fs = 'metadata.name=' + name + (',' + fs if fs else '')
        try:
            return Selector(res, ns, q.get('labelSelector', ''), fs)
        except SelectorError as e:
            raise ApiError(400, str(e))

    def _get(self, res, ns, name, fmt):
        e = self.server.app.store.get(res, ns, name)
        if e is None:
            details = {'name': name, 'kind': res.plural}
            if res.group:
                details['group'] = res.group
            raise ApiError(404, '%s "%s" not found' % (res.plural, name),
                           'NotFound', details)
        if fmt == 'table':
            return self.send_body(200, tables.table(res, [e], e.rv, '',
                                                    None))
        self.send_body(200, res.event_object(e.raw))

    def _list(self, res, ns, q, fmt):
        sel = self._selector(res, ns, q)
        rv, items, cont, remaining = self.server.app.store.list(
            res, sel, _int(q, 'limit') or 0, q.get('continue') or None,
            _rv(q), q.get('resourceVersionMatch', ''))
        if fmt == 'table':
            return self.send_body(200, tables.table(res, items, rv, cont,
                                                    remaining))
        prefix = res.list_prefix(rv, cont, remaining)
        length = len(prefix) + sum(len(e.raw) for e in items) + \
            max(0, len(items) - 1) + 2
        self.send_body(200, prefix, more=_batches(items), length=length)

    def _watch(self, res, ns, name, q, user):
        app = self.server.app
        sel = self._selector(res, ns, q, name)
        rv = _rv(q)
        bookmarks = _bool(q, 'allowWatchBookmarks')
        initial = q.get('sendInitialEvents', '')
        if initial != '':
            initial = _bool(q, 'sendInitialEvents')
            if initial and q.get('resourceVersionMatch') != 'NotOlderThan':
                raise ApiError(422, 'resourceVersionMatch: Forbidden: '
                               'sendInitialEvents requires setting '
                               'resourceVersionMatch to NotOlderThan',
                               'Invalid')
            if not initial and rv is None:
                rv = app.store.rv       # only changes from now on
        elif rv is not None and rv > 0 and \
                q.get('resourceVersionMatch', ''):
            raise ApiError(422, 'resourceVersionMatch: Forbidden: '
                           'resourceVersionMatch is forbidden for watch',
                           'Invalid')
        fmt = negotiate(self.headers.get('Accept', ''))
        if fmt is None:
            raise ApiError(406, 'only the following media types are '
                           'accepted: application/json', 'NotAcceptable')
        timeout = _int(q, 'timeoutSeconds')
        if timeout is None:
            timeout = app.min_request_timeout * (1 + random.random())
        info = {'path': self.path, 'peer': self.client_address[0],
                'userAgent': self.headers.get('User-Agent', ''),
                'user': user[0]}
        w = app.hub.open(res, sel, rv, bookmarks, bool(initial), info)
        w.table = fmt == 'table'    # kubectl get -w: each object a Table
        app.count_request(self, 'watch', res.plural, user, 200)
        self._counted = True
        try:
            self._stream(w, time.monotonic() + timeout)
        finally:
            app.hub.close(w)

    def _stream(self, w, deadline):
        app = self.server.app
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Cache-Control', 'no-cache, private')
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        self._code = 200
        interval = app.bookmark_interval
        next_bm = time.monotonic() + interval
        state = 'open'
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            wait = deadline - now
            if w.bookmarks and interval > 0:
                wait = min(wait, max(0.0, next_bm - now))
            items, state = w.take(min(wait, 5.0))
            if not items and state == 'open' and self._client_gone():
                state = 'gone'
                break
            if items:
                data = b''.join(w.render(i) for i in items)
                self.wfile.write(b'%x\r\n%s\r\n' % (len(data), data))
                w.sent_events += len(items)
                w.sent_bytes += len(data)
            if state != 'open':
                break
            if w.bookmarks and interval > 0 and \
                    time.monotonic() >= next_bm:
                if not w.stalled:
                    app.hub.bookmark(w)
                next_bm = time.monotonic() + interval
        if state in ('abort', 'gone'):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(b'0\r\n\r\n')

    def _client_gone(self):
        """During a watch an HTTP/1.1 client sends nothing: anything
        readable (EOF, a TLS close_notify) means it has hung up."""
        try:
            return bool(select.select([self.connection], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def _post_event(self, group):
        n = int(self.headers.get('Content-Length') or 0)
        if n > 1 << 20:
            raise ApiError(413, 'request entity too large',
                           'RequestEntityTooLarge')
        body = self.rfile.read(n)
        self._body_read = True
        ctype = self.headers.get('Content-Type', '')
        if 'json' not in ctype:
            raise ApiError(415, 'the body of the request was in an unknown '
                           'format - accepted media types include: '
                           'application/json', 'UnsupportedMediaType')
        try:
            obj = json.loads(body)
            if not isinstance(obj, dict):
                raise ValueError('not an object')
        except ValueError as e:
            raise ApiError(400, 'invalid JSON: %s' % e)
        md = obj.setdefault('metadata', {})
        if not isinstance(md, dict):
            raise ApiError(422, 'metadata must be an object', 'Invalid')
        if not md.get('name'):
            md['name'] = (md.get('generateName') or 'event.') + \
                uuid.uuid4().hex[:10]
        md['uid'] = str(uuid.uuid4())
        md['creationTimestamp'] = time.strftime('%Y-%m-%dT%H:%M:%SZ',
                                                time.gmtime())
        obj['kind'] = 'Event'
        obj['apiVersion'] = group or 'v1'
        self.server.app.record_event(obj)
        self.send_body(201, dumps(obj))


def discovery_docs(server_version):
    """path -> JSON bytes of every discovery document served."""
    def resource(r, verbs=('get', 'list', 'watch')):
        d = {'name': r.plural, 'singularName': r.singular,
             'namespaced': r.namespaced, 'kind': r.kind,
             'verbs': list(verbs)}
        if r.short_names:
            d['shortNames'] = r.short_names
        return d

    def event(group):
        return {'name': 'events', 'singularName': 'event',
                'namespaced': True, 'kind': 'Event', 'verbs': ['create'],
                'shortNames': ['ev']} if group == '' else \
            {'name': 'events', 'singularName': 'event', 'namespaced': True,
             'kind': 'Event', 'verbs': ['create']}

    def group_doc(name, version):
        gv = {'groupVersion': name + '/' + version, 'version': version}
        return {'name': name, 'versions': [gv], 'preferredVersion': gv}

    major, minor = server_version.lstrip('v').split('.')[:2]
    docs = {
        '/version': {
            'major': major, 'minor': minor, 'gitVersion': server_version,
            'gitCommit': '0000000000000000000000000000000000000000',
            'gitTreeState': 'clean', 'buildDate': '2023-08-15T10:15:31Z',
            'goVersion': 'go1.20.7', 'compiler': 'gc',
            'platform': 'linux/amd64'},
        '/api': {'kind': 'APIVersions', 'versions': ['v1'],
                 'serverAddressByClientCIDRs': []},
        '/apis': {'kind': 'APIGroupList', 'apiVersion': 'v1', 'groups': [
            group_doc('discovery.k8s.io', 'v1'),
            group_doc('events.k8s.io', 'v1')]},
        '/api/v1': {'kind': 'APIResourceList', 'groupVersion': 'v1',
                    'resources': [event(''), resource(NODES),
                                  resource(SERVICES)]},
        '/apis/discovery.k8s.io': dict(
            {'kind': 'APIGroup', 'apiVersion': 'v1'},
            **group_doc('discovery.k8s.io', 'v1')),
        '/apis/discovery.k8s.io/v1': {
            'kind': 'APIResourceList', 'apiVersion': 'v1',
            'groupVersion': 'discovery.k8s.io/v1',
            'resources': [resource(ENDPOINTSLICES)]},
        '/apis/events.k8s.io': dict(
            {'kind': 'APIGroup', 'apiVersion': 'v1'},
            **group_doc('events.k8s.io', 'v1')),
        '/apis/events.k8s.io/v1': {
            'kind': 'APIResourceList', 'apiVersion': 'v1',
            'groupVersion': 'events.k8s.io/v1',
            'resources': [event('events.k8s.io')]},
    }
    return {p: dumps(d) for p, d in docs.items()}


__all__ = ['Auth', 'Handler', 'discovery_docs', 'negotiate', 'status_obj']
