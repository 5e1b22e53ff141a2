"""Wiring: the App (shared state), the two HTTP servers, start and stop.

The API server speaks TLS (handshake in the connection's own thread, so a
slow client cannot block accept) or, with --insecure-http, plain HTTP.  The
control server is plain HTTP bound to 127.0.0.1 only.  Both are threaded
with a cap on open connections; every per-client queue is bounded too.
"""

import argparse
import collections
import gc
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import ThreadingHTTPServer

from .api import Auth, Handler, discovery_docs
from .control import Control, _objects
from .generate import Generator
from .resources import ApiError
from .store import Store
from .watch import WatchHub


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, addr, handler, app, ssl_ctx=None, max_conns=256):
        self.address_family = socket.AF_INET6 if ':' in addr[0] \
            else socket.AF_INET
        self.app, self.ssl_ctx = app, ssl_ctx
        self.max_conns, self.active = max_conns, 0
        self._lock = threading.Lock()
        super().__init__(addr, handler)

    def verify_request(self, request, client_address):
        with self._lock:
            if self.active >= self.max_conns:
                self.app.log('too many connections; refusing one')
                return False
            self.active += 1
            return True

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self.active -= 1

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        self.app.log('connection from %s: %s: %s' % (
            client_address[0], type(e).__name__, e))


class App:
    """What the API handlers and the control handlers share."""

    def __init__(self, args):
        self.args = args
        self.verbose = args.verbose
        self.store = Store(args.history, args.initial_rv)
        self.hub = WatchHub(self.store, args.watch_queue_limit)
        self.auth = Auth(args.token, args.token_file, bool(args.client_ca))
        self.gen = Generator()
        self.gzip = args.gzip
        self.bookmark_interval = args.bookmark_interval
        self.min_request_timeout = args.min_request_timeout
        self.discovery = discovery_docs(args.server_version)
        self._lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self._fail = None
        self._events = collections.deque(maxlen=1000)
        self._requests = collections.deque(maxlen=2000)
        self.reset_stats()
        self.stopping = threading.Event()

    def log(self, msg):
        if self.verbose:
            sys.stderr.write('%s %s\n' % (time.strftime('%H:%M:%S'), msg))

    # ------------------------------------------------------------ stats
    def reset_stats(self):
        with self._lock:
            self._by_verb = collections.Counter()
            self._by_path = collections.Counter()
            self._codes = collections.Counter()
            self._auth = collections.Counter()
            self._injected = 0
            self._requests.clear()

    def count_request(self, h, verb, resource, user, code):
        path = h.path.split('?', 1)[0]
        with self._lock:
            self._by_verb['%s %s' % (verb, resource) if resource
                          else verb] += 1
            self._by_path[path] += 1
            self._codes[str(code)] += 1
            self._auth[user[1] if user else 'none'] += 1
            self._requests.append({
                'time': round(time.time(), 3), 'method': h.command,
                'path': path, 'query': h.path.partition('?')[2],
                'verb': verb, 'resource': resource, 'code': code,
                'user': user[0] if user else None,
                'auth': user[1] if user else None,
                'userAgent': h.headers.get('User-Agent', ''),
                'accept': h.headers.get('Accept', '')})

    def recent_requests(self, n):
        with self._lock:
            return list(self._requests)[-max(0, n):]

    def record_event(self, obj):
        with self._lock:
            self._events.append(obj)

    def posted_events(self):
        with self._lock:
            return list(self._events)

    def stats(self):
        st = self.store.stats()
        with self._lock:
            st.update({
                'requests': dict(self._by_verb),
                'requestsByPath': dict(self._by_path),
                'codes': dict(self._codes),
                'auth': dict(self._auth),
                'failuresInjected': self._injected,
                'failNext': dict(self._fail) if self._fail else None,
                'eventsPosted': len(self._events)})
        st['openWatches'] = len(self.hub.watchers)
        st['watchesOpened'] = self.hub.opened_total
        st['watchesDropped'] = self.hub.dropped_total
        return st

    # ---------------------------------------------------------- faults
    def set_failure(self, count, code, reason, message, match, verb,
                    retry_after):
        if not 400 <= code <= 599:
            raise ValueError('code must be 400..599')
        with self._lock:
            self._fail = None if count <= 0 else {
                'count': count, 'code': code, 'reason': reason,
                'message': message, 'match': match, 'verb': verb,
                'retryAfterSeconds': retry_after}
            return {'failNext': self._fail}

    def take_failure(self, verb, path):
        with self._lock:
            f = self._fail
            if not f or (f['match'] and f['match'] not in path) or \
                    (f['verb'] and f['verb'] != verb):
                return None
            f['count'] -= 1
            if f['count'] <= 0:
                self._fail = None
            self._injected += 1
        code = f['code']
        details, headers = None, {}
        ra = f['retryAfterSeconds']
        if ra is None and code in (429, 503):
            ra = 1
        if ra is not None:
            details = {'retryAfterSeconds': int(ra)}
            headers['Retry-After'] = str(int(ra))
        msg = f['message'] or {
            429: 'Too many requests, please try again later.',
            500: 'Internal error occurred: injected by the test apiserver',
            503: 'The server is currently unable to handle the request',
            504: 'The server was unable to return a response in the time '
                 'allotted, but may still be processing the request'
        }.get(code, 'injected failure %d' % code)
        return ApiError(code, msg, f['reason'], details, headers=headers)

    # ---------------------------------------------------------- content
    def generate(self, n, m, nodes=10, create_nodes=True, namespaces=None,
                 per_slice=100, headless_every=0):
        t0 = time.monotonic()
        objs = []
        gc.disable()
        try:
            with self._gen_lock:
                if create_nodes:
                    objs += self.gen.nodes(nodes, self.args.server_version)
                objs += self.gen.services(n, m, nodes, namespaces, per_slice,
                                          headless_every)
        finally:
            gc.enable()
        res = self.store.apply(objs)
        return {'services': n, 'endpointsPerService': m,
                'objects': len(res),
                'changed': sum(1 for _, t in res if t),
                'resourceVersion': self.store.rv,
                'seconds': round(time.monotonic() - t0, 3)}

    def load(self, path):
        with open(path, encoding='utf-8') as f:
            doc = json.load(f)
        return len(self.store.apply(_objects(doc)))

    def request_shutdown(self):
        self.stopping.set()


def _ssl_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.tls_cert, args.tls_key)
    ctx.set_alpn_protocols(['http/1.1'])
    if args.client_ca:
        ctx.load_verify_locations(args.client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def _write_port(path, port):
    if path:
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            f.write('%d\n' % port)
        os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog='kp-test-apiserver',
        description='A stand-in kube-apiserver for kube-proxy tests.')
    a = p.add_argument
    a('--listen', default='127.0.0.1', help='API address (127.0.0.1)')
    a('--port', type=int, default=0, help='API port (0: pick one)')
    a('--port-file', help='write the API port here once ready')
    a('--tls-cert', help='server certificate (PEM)')
    a('--tls-key', help='server key (PEM)')
    a('--insecure-http', action='store_true',
      help='serve plain HTTP instead of TLS (debugging)')
    a('--client-ca', help='accept client certificates signed by this CA')
    a('--token', action='append', default=[],
      help='accept this bearer token (repeatable)')
    a('--token-file', help='accept tokens from this file, one per line '
      '("token[,user,...]"), re-read when it changes')
    a('--control-port', type=int, default=0,
      help='control port on 127.0.0.1 (0: pick one)')
    a('--control-port-file', help='write the control port here')
    a('--load', action='append', default=[],
      help='initial objects: JSON array or List (repeatable)')
    a('--generate', type=int, default=0, metavar='N',
      help='generate N Services at start')
    a('--endpoints-per-service', type=int, default=10, metavar='M')
    a('--nodes', type=int, default=10,
      help='nodes the generator creates and spreads endpoints over')
    a('--plain', action='store_true',
      help='generate only plain ClusterIP Services (one TCP port)')
    a('--history', type=int, default=100000,
      help='changes kept for watch/continue from older RVs')
    a('--initial-rv', type=int, default=0,
      help='start the resourceVersion counter here, as after a restart '
      'of an apiserver whose etcd compacted its history')
    a('--bookmark-interval', type=float, default=60.0,
      help='seconds between periodic BOOKMARKs (0: only on demand)')
    a('--watch-queue-limit', type=int, default=100000,
      help='events queued for one watch before it is dropped')
    a('--max-connections', type=int, default=256)
    a('--min-request-timeout', type=float, default=1800.0,
      help='watch length without timeoutSeconds is this x [1,2)')
    a('--server-version', default='v1.28.0', help='/version gitVersion')
    a('--gzip', action='store_true',
      help='gzip large responses when the client accepts it')
    a('-v', '--verbose', action='store_true', help='log to stderr')
    args = p.parse_args(argv)
    if not args.insecure_http and not (args.tls_cert and args.tls_key):
        p.error('--tls-cert and --tls-key are required (or --insecure-http)')
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = App(args)
    for path in args.load:
        n = app.load(path)
        app.log('loaded %d objects from %s' % (n, path))
    if args.generate:
        app.gen.plain = args.plain
        r = app.generate(args.generate, args.endpoints_per_service,
                         args.nodes)
        app.log('generated %d objects in %.2f s' % (r['objects'],
                                                    r['seconds']))
    ctx = None if args.insecure_http else _ssl_context(args)
    api = Server((args.listen, args.port), Handler, app, ctx,
                 args.max_connections)
    ctl = Server(('127.0.0.1', args.control_port), Control, app, None, 64)
    for s in (api, ctl):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    port, cport = api.server_address[1], ctl.server_address[1]
    print('kp-test-apiserver: API on %s://%s:%d, control on '
          'http://127.0.0.1:%d' % ('http' if ctx is None else 'https',
                                   args.listen, port, cport), flush=True)
    print('port %d' % port, flush=True)
    print('control-port %d' % cport, flush=True)
    _write_port(args.control_port_file, cport)
    _write_port(args.port_file, port)
    signal.signal(signal.SIGTERM, lambda *_: app.request_shutdown())
    signal.signal(signal.SIGINT, lambda *_: app.request_shutdown())
    while not app.stopping.wait(1):
        pass
    app.hub.end_all('close')
    time.sleep(0.2)             # let the streams write their last chunk
    api.shutdown()
    ctl.shutdown()
    api.server_close()
    ctl.server_close()
    return 0
