#!/usr/bin/python3
"""selftest.py: protocol checks of a running kp-test-apiserver.

The stand-in must behave like kube-apiserver where kube-proxy's client can
tell, or the tests built on it prove nothing.  This script talks to a
running instance (started by tests/integration/apiserver.sh) with only the
standard library and checks what kubectl cannot show: consistent paging,
410 expiry of watches and continue tokens, selectors on watch events,
bookmarks, the fault injections of the control port, token rotation.
It works in its own namespace "st" and leaves the rest alone; the expiry
checks come last because they make every older resourceVersion too old.

usage: selftest.py --api HOST:PORT --control PORT --ca CA --token T
                   [--cert CRT --key KEY] [--token-file F] [--queue-limit N]
Prints "ok: ..." per check; exits 1 on the first failure.
"""

import argparse
import http.client
import json
import os
import select
import ssl
import sys
import time
import urllib.error
import urllib.request

NS = 'st'
KP_SELECTOR = ('%21service.kubernetes.io%2Fheadless%2C'
               '%21service.kubernetes.io%2Fservice-proxy-name')


def ok(msg):
    print('ok: ' + msg, flush=True)


def check(cond, msg, *detail):
    if not cond:
        raise AssertionError(msg + ('' if not detail else ': ' +
                                    ' '.join(str(d)[:400] for d in detail)))


class Api:
    def __init__(self, hostport, ca, token=None, cert=None, key=None):
        self.host, _, port = hostport.rpartition(':')
        self.port = int(port)
        self.ctx = ssl.create_default_context(cafile=ca)
        if cert:
            self.ctx.load_cert_chain(cert, key)
        self.token = token

    def conn(self, timeout=10):
        return http.client.HTTPSConnection(self.host, self.port,
                                           context=self.ctx, timeout=timeout)

    def headers(self, accept):
        h = {'Accept': accept, 'User-Agent': 'kp-selftest'}
        if self.token:
            h['Authorization'] = 'Bearer ' + self.token
        return h

    def get(self, path, accept='application/json', method='GET', body=None,
            ctype=None):
        c = self.conn()
        h = self.headers(accept)
        if ctype:
            h['Content-Type'] = ctype
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r, data

    def json(self, path, expect=200, **kw):
        status, _, data = self.get(path, **kw)
        check(status == expect, 'GET %s: status %d, want %d' %
              (path, status, expect), data)
        return json.loads(data)

    def watch(self, path, timeout=10):
        return Stream(self, path, timeout)


class Stream:
    def __init__(self, api, path, timeout):
        self.c = api.conn(timeout)
        self.c.request('GET', path, headers=api.headers('application/json'))
        self.r = self.c.getresponse()
        self.status = self.r.status

    def line(self):
        return self.r.readline()

    def next(self):
        line = self.r.readline()
        if not line:
            return None
        check(line.endswith(b'\n'), 'watch event not newline-terminated',
              line)
        return json.loads(line)

    def take(self, n):
        return [self.next() for _ in range(n)]

    def quiet(self, t):
        """True when nothing arrives within t seconds (nothing may be
        buffered: call it only after reading everything sent so far)."""
        sock = self.c.sock
        if sock.pending():
            return False
        return not select.select([sock], [], [], t)[0]

    def expect_end(self):
        check(self.r.readline() == b'', 'stream did not end')
        check(self.r.isclosed() or self.r.read() == b'', 'trailing data')

    def close(self):
        self.c.close()


class Ctl:
    def __init__(self, port):
        self.base = 'http://127.0.0.1:%d' % port

    def __call__(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     method='GET' if body is None else 'POST')
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise AssertionError('control %s: %d %s' % (path, e.code,
                                                        e.read()[:300]))


def svc(name, labels=None, ip='10.96.100.1', port=80):
    md = {'name': name, 'namespace': NS}
    if labels:
        md['labels'] = labels
    return {'apiVersion': 'v1', 'kind': 'Service', 'metadata': md,
            'spec': {'type': 'ClusterIP', 'clusterIP': ip,
                     'clusterIPs': [ip], 'ports': [
                         {'name': 'http', 'port': port, 'protocol': 'TCP',
                          'targetPort': 8080}]}}


def names(lst):
    return [i['metadata']['name'] for i in lst['items']]


def run(a):
    api = Api(a.api, a.ca, a.token)
    ctl = Ctl(a.control)
    base = '/api/v1/namespaces/%s/services' % NS

    # --- authentication
    anon = Api(a.api, a.ca)
    st = anon.json('/api/v1/services', 401)
    check(st == {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {},
                 'status': 'Failure', 'message': 'Unauthorized',
                 'reason': 'Unauthorized', 'code': 401}, '401 body', st)
    Api(a.api, a.ca, 'wrong-token').json('/version', 401)
    if a.cert:
        Api(a.api, a.ca, None, a.cert, a.key).json('/api/v1/nodes')
        ok('client certificate accepted, no credentials -> 401 Status')
    ok('bearer token accepted, wrong token -> 401')

    # --- discovery and content negotiation
    check(api.json('/version')['gitVersion'].startswith('v1.'), 'version')
    check(api.json('/api')['versions'] == ['v1'], '/api')
    check(api.json('/apis/discovery.k8s.io/v1')['resources'][0]['name'] ==
          'endpointslices', 'discovery.k8s.io/v1')
    status, _, _ = api.get('/api/v1/services',
                           accept='application/vnd.kubernetes.protobuf')
    check(status == 406, 'protobuf-only Accept -> 406', status)
    api.json('/api/v1/services?limit=1',
             accept='application/vnd.kubernetes.protobuf, */*')
    ok('discovery documents; protobuf-only Accept -> 406, "proto, */*" -> '
       'JSON')

    # --- objects, selectors
    objs = [svc('st-%02d' % i, {'app': 'st', 'i': str(i)},
                '10.96.100.%d' % (i + 1)) for i in range(10)]
    objs.append(svc('st-10', {'service.kubernetes.io/headless': ''},
                    '10.96.100.11'))
    objs.append(svc('st-11', {'service.kubernetes.io/service-proxy-name':
                              'other'}, '10.96.100.12'))
    r = ctl('/apply', {'kind': 'List', 'items': objs})
    check(r['created'] + r['replaced'] + r['unchanged'] == 12, 'apply', r)
    lst = api.json(base)
    check(lst['kind'] == 'ServiceList' and lst['apiVersion'] == 'v1',
          'list kind', lst.get('kind'))
    check(isinstance(lst['metadata']['resourceVersion'], str), 'list RV')
    check(len(lst['items']) == 12, 'list length', len(lst['items']))
    check(all('kind' not in i and 'apiVersion' not in i
              for i in lst['items']), 'list items carry kind')
    check(all(i['metadata'].get('uid') and i['metadata'].get(
        'creationTimestamp') for i in lst['items']), 'server metadata')
    sel = api.json(base + '?labelSelector=' + KP_SELECTOR)
    check(names(sel) == ['st-%02d' % i for i in range(10)],
          "kube-proxy's selector", names(sel))
    check(names(api.json(base + '?labelSelector=i%3D3')) == ['st-03'], '=')
    check(len(api.json(base + '?labelSelector=i!%3D3,app')['items']) == 9,
          '!= and exists')
    check(names(api.json(base + '?labelSelector=i+in+(1,2)')) ==
          ['st-01', 'st-02'], 'in')
    check(names(api.json(base + '?fieldSelector=metadata.name%3Dst-04')) ==
          ['st-04'], 'fieldSelector metadata.name')
    check(len(api.json('/api/v1/services?fieldSelector=metadata.namespace'
                       '%3D' + NS)['items']) == 12, 'metadata.namespace')
    st = api.json(base + '?fieldSelector=spec.foo%3Dx', 400)
    check(st['reason'] == 'BadRequest' and 'spec.foo' in st['message'],
          'unsupported field', st)
    api.json(base + '?labelSelector=a+b', 400)
    ok('list: ServiceList, items without kind, label selectors (kube-proxy '
       '1.28 pair, =, !=, exists, in), field selectors, 400 on bad ones')

    # --- GET one
    one = api.json(base + '/st-00')
    check(one['kind'] == 'Service' and one['apiVersion'] == 'v1', 'GET kind')
    st = api.json(base + '/nope', 404)
    check(st['reason'] == 'NotFound' and st['details'] == {
        'name': 'nope', 'kind': 'services'}, '404 Status', st)
    ok('GET of one object carries kind/apiVersion; missing -> 404 NotFound')

    # --- stored as given
    bad = svc('st-bad')
    bad['spec']['ports'] = 'eighty'
    bad['spec']['clusterIP'] = 'not-an-ip'
    ctl('/apply', bad)
    got = api.json(base + '/st-bad')
    check(got['spec']['ports'] == 'eighty' and
          got['spec']['clusterIP'] == 'not-an-ip', 'invalid object altered')
    ctl('/delete', {'kind': 'Service', 'namespace': NS, 'name': 'st-bad'})
    ok('semantically invalid objects are stored and served as given')

    # --- consistent paging
    p1 = api.json(base + '?limit=5')
    rv1 = int(p1['metadata']['resourceVersion'])
    check(names(p1) == ['st-%02d' % i for i in range(5)], 'page 1', names(p1))
    check(p1['metadata'].get('remainingItemCount') == 7, 'remaining',
          p1['metadata'])
    ctl('/delete', {'kind': 'Service', 'namespace': NS, 'name': 'st-07'})
    ctl('/apply', svc('st-99', None, '10.96.100.99'))
    ctl('/apply', svc('st-06', {'app': 'st', 'i': '6'}, '10.96.100.7', 81))
    p2 = api.json(base + '?limit=5&continue=' + p1['metadata']['continue'])
    check(names(p2) == ['st-05', 'st-06', 'st-07', 'st-08', 'st-09'],
          'page 2 is not the snapshot', names(p2))
    check(p2['items'][1]['spec']['ports'][0]['port'] == 80, 'st-06 is new')
    check(p2['metadata']['resourceVersion'] == str(rv1), 'page 2 RV')
    p3 = api.json(base + '?limit=5&continue=' + p2['metadata']['continue'])
    check(names(p3) == ['st-10', 'st-11'] and
          not p3['metadata'].get('continue'), 'page 3', p3['metadata'])
    now = api.json(base)
    check('st-07' not in names(now) and 'st-99' in names(now), 'new state')
    ok('paging: limit/continue, remainingItemCount, pages are a snapshot at '
       'the first page\'s RV (changes between pages not seen)')

    # --- resourceVersion semantics of list
    r0 = api.json(base + '?limit=2&resourceVersion=0')
    check(len(r0['items']) == 12 and not r0['metadata'].get('continue'),
          'RV=0 ignores limit')
    ex = api.json(base + '?limit=20&resourceVersion=%d' % rv1)
    check('st-07' in names(ex) and 'st-99' not in names(ex), 'exact RV')
    t0 = time.monotonic()
    cur = int(now['metadata']['resourceVersion'])
    st = api.json(base + '?resourceVersion=%d' % (cur + 1000), 504)
    check(st['reason'] == 'Timeout' and
          st['details']['causes'][0]['reason'] == 'ResourceVersionTooLarge',
          '504', st)
    check(2.5 < time.monotonic() - t0 < 6, 'too-large RV wait')
    ok('list RV: 0 = one page from cache, RV+limit = exact snapshot, '
       'future RV -> 504 ResourceVersionTooLarge after 3 s')

    # --- watch from an RV: the changes, in order, with kind
    w = api.watch(base + '?watch=true&timeoutSeconds=1&resourceVersion=%d'
                  % rv1)
    check(w.status == 200, 'watch status', w.status)
    evs = w.take(3)
    check([(e['type'], e['object']['metadata']['name']) for e in evs] ==
          [('DELETED', 'st-07'), ('ADDED', 'st-99'), ('MODIFIED', 'st-06')],
          'watch replay', [(e['type'], e['object']['metadata']['name'])
                           for e in evs])
    check(all(e['object']['kind'] == 'Service' and
              e['object']['apiVersion'] == 'v1' for e in evs), 'event kind')
    rvs = [int(e['object']['metadata']['resourceVersion']) for e in evs]
    check(rvs == sorted(rvs) and rvs[0] > rv1, 'event RVs', rvs)
    t0 = time.monotonic()
    w.expect_end()
    check(time.monotonic() - t0 < 2, 'timeoutSeconds')
    ok('watch from RV: DELETED/ADDED/MODIFIED in RV order, objects carry '
       'kind; timeoutSeconds ends the stream cleanly')

    # --- watch without RV: synthetic ADDED; selector transitions
    w = api.watch(base + '?watch=1&labelSelector=' + KP_SELECTOR)
    added = w.take(10)
    check(all(e['type'] == 'ADDED' for e in added) and
          {e['object']['metadata']['name'] for e in added} ==
          {'st-%02d' % i for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)} | {'st-99'},
          'initial ADDED', [e['object']['metadata']['name'] for e in added])
    ctl('/apply', svc('st-01', {'service.kubernetes.io/headless': ''},
                      '10.96.100.2'))
    e = w.next()
    check(e['type'] == 'DELETED' and e['object']['metadata']['name'] ==
          'st-01', 'stop matching -> DELETED', e)
    check(e['object']['metadata']['labels'] == {'app': 'st', 'i': '1'},
          'DELETED carries the last matching state')
    ctl('/apply', svc('st-01', {'app': 'st', 'i': '1'}, '10.96.100.2'))
    e = w.next()
    check(e['type'] == 'ADDED' and e['object']['metadata']['name'] ==
          'st-01', 'match again -> ADDED', e)
    ok('watch without RV: synthetic ADDED; an object leaving the selector is '
       'DELETED for that watcher, coming back is ADDED')

    # --- bookmarks, malformed lines, stall
    ctl('/bookmark', {})
    ctl('/apply', svc('st-02', {'app': 'st', 'i': '2', 'x': 'y'},
                      '10.96.100.3'))
    e = w.next()
    check(e['type'] == 'MODIFIED', 'no bookmark without '
          'allowWatchBookmarks', e['type'])
    ctl('/bookmark', {'force': True})
    e = w.next()
    cur = ctl('/stats')['resourceVersion']
    check(e['type'] == 'BOOKMARK' and e['object']['metadata'] ==
          {'resourceVersion': str(cur), 'creationTimestamp': None} and
          e['object']['kind'] == 'Service', 'forced bookmark', e)
    ctl('/malformed', {'line': '{"type":"ADDED","object":{"metadata":1}'})
    check(w.line() == b'{"type":"ADDED","object":{"metadata":1}\n',
          'malformed line')
    r = ctl('/stall', {'resource': 'services'})
    check(r['watches'] >= 1, 'stall', r)
    ctl('/apply', svc('st-03', {'app': 'st', 'i': '3', 'x': 'y'},
                      '10.96.100.4'))
    check(w.quiet(1), 'stalled stream sent something')
    w.close()
    ctl('/unstall', {})
    wb = api.watch(base + '?watch=true&allowWatchBookmarks=true'
                   '&resourceVersion=%d' % cur)
    e = wb.next()
    check(e['type'] == 'MODIFIED' and e['object']['metadata']['name'] ==
          'st-03', 'after RV', e)
    wid = max(x['id'] for x in ctl('/watches'))
    ctl('/stall', {'watch': wid})
    ctl('/bookmark', {})
    check(wb.quiet(1), 'stalled stream sent a bookmark')
    ctl('/unstall', {'watch': wid})
    e = wb.next()
    check(e['type'] == 'BOOKMARK', 'bookmark after unstall', e)
    wb.close()
    ok('BOOKMARK on demand (only with allowWatchBookmarks unless forced), '
       'raw line injection, stall holds events and bookmarks until unstall')

    # --- initial events (WatchList)
    w = api.watch(base + '?watch=true&sendInitialEvents=true&'
                  'resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true'
                  '&timeoutSeconds=1')
    evs = []
    while True:
        e = w.next()
        if e is None:
            break
        evs.append(e)
    check(evs[-1]['type'] == 'BOOKMARK' and evs[-1]['object']['metadata'][
        'annotations'] == {'k8s.io/initial-events-end': 'true'},
        'initial-events-end bookmark', evs[-1])
    check(len(evs) == 13, 'initial events', len(evs))
    ok('sendInitialEvents: ADDED for each object then the '
       'initial-events-end BOOKMARK')

    # --- injected failures
    ctl('/fail-next', {'count': 2, 'code': 429})
    for _ in range(2):
        status, r, data = api.get(base)
        check(status == 429 and r.getheader('Retry-After') == '1' and
              json.loads(data)['reason'] == 'TooManyRequests', '429', data)
    api.json(base)
    ctl('/fail-next', {'count': 1, 'code': 500, 'match': 'watch='})
    api.json(base)
    status, _, data = api.get(base + '?watch=true&timeoutSeconds=1')
    check(status == 500 and json.loads(data)['reason'] == 'InternalError',
          '500 on watch', data)
    ok('fail-next: N requests answer 429 (Retry-After) / 500 Status, '
       'optionally only those matching a substring')

    # --- slow watcher dropped
    if a.queue_limit:
        w = api.watch('/api/v1/namespaces/stq/services?watch=true')
        ctl('/stall', {'watch': max(x['id'] for x in ctl('/watches'))})
        many = [dict(svc('q-%05d' % i, None, '10.96.%d.%d' % (
            200 + i // 250, i % 250 + 1)), metadata={
                'name': 'q-%05d' % i, 'namespace': 'stq'})
            for i in range(a.queue_limit + 1)]
        ctl('/apply', many)
        w.expect_end()
        check(ctl('/stats')['watchesDropped'] >= 1, 'dropped count')
        ctl('/delete', {'kind': 'Service', 'namespace': 'stq', 'all': True})
        ok('a watcher more than %d events behind is dropped (stream ends)'
           % a.queue_limit)

    # --- events posted by the client
    ev = {'apiVersion': 'events.k8s.io/v1', 'kind': 'Event',
          'metadata': {'generateName': 'test-node.', 'namespace': 'default'},
          'reason': 'Starting', 'note': 'selftest', 'action': 'StartKubeProxy',
          'reportingController': 'kube-proxy',
          'reportingInstance': 'kube-proxy-test-node', 'type': 'Normal'}
    status, _, data = api.get(
        '/apis/events.k8s.io/v1/namespaces/default/events', method='POST',
        body=json.dumps(ev), ctype='application/json')
    check(status == 201, 'event POST', status, data)
    check(any(e.get('note') == 'selftest' for e in ctl('/events')),
          'event recorded')
    ok('Events POSTed to events.k8s.io/v1 are accepted (201) and recorded')

    # --- token rotation
    if a.token_file:
        with open(a.token_file + '.new', 'w') as f:
            f.write('rotated-1,kube-proxy,uid1\n')
        os.replace(a.token_file + '.new', a.token_file)
        Api(a.api, a.ca, 'rotated-1').json('/version')
        with open(a.token_file + '.new', 'w') as f:
            f.write('rotated-2\n')
        os.replace(a.token_file + '.new', a.token_file)
        Api(a.api, a.ca, 'rotated-1').json('/version', 401)
        Api(a.api, a.ca, 'rotated-2').json('/version')
        ok('--token-file is re-read: a rotated-out token gets 401, the new '
           'one works')

    # --- expiry (last: makes every earlier RV too old)
    p1 = api.json(base + '?limit=3')
    old_rv = int(p1['metadata']['resourceVersion'])
    w = api.watch(base + '?watch=true&allowWatchBookmarks=true&'
                  'resourceVersion=%d' % old_rv)
    time.sleep(0.2)
    r = ctl('/expire', {})
    check(r['watches'] >= 1, 'expire', r)
    e = w.next()
    check(e['type'] == 'ERROR' and e['object']['code'] == 410 and
          e['object']['reason'] == 'Expired', 'ERROR 410 on open watch', e)
    w.expect_end()
    st = api.json(base + '?limit=3&continue=' + p1['metadata']['continue'],
                  410)
    check(st['reason'] == 'Expired' and 'continue parameter is too old'
          in st['message'] and st['metadata'].get('continue'), '410', st)
    p2 = api.json(base + '?limit=3&continue=' + st['metadata']['continue'])
    check(names(p2) == names(api.json(base))[3:6], 'inconsistent continue')
    w = api.watch(base + '?watch=true&resourceVersion=%d' % old_rv)
    check(w.status == 200, 'too old watch status', w.status)
    e = w.next()
    check(e['type'] == 'ERROR' and e['object'] == {
        'kind': 'Status', 'apiVersion': 'v1', 'metadata': {},
        'status': 'Failure', 'message': 'too old resource version: %d (%d)'
        % (old_rv, r['oldestResourceVersion']), 'reason': 'Expired',
        'code': 410}, 'too old watch', e)
    w.expect_end()
    st = api.json(base + '?limit=3&resourceVersion=%d' % old_rv, 410)
    check(st['message'] == 'The resourceVersion for the provided list is '
          'too old.', 'list too old', st)
    fresh = api.json(base + '?limit=3')
    w = api.watch(base + '?watch=true&timeoutSeconds=1&resourceVersion=' +
                  fresh['metadata']['resourceVersion'])
    w.expect_end()
    ok('expire: open watches get ERROR 410 Expired and end; old continue '
       'token -> 410 with an inconsistent-continue token that works; watch '
       'from an old RV -> 200 + ERROR 410; paginated list at an old RV -> '
       '410; a fresh list\'s RV watches fine')

    w = api.watch(base + '?watch=true')
    w.take(3)
    ctl('/expire', {'mode': 'abort'})
    try:
        while w.r.read(65536):
            pass
        check(False, 'aborted stream ended cleanly')
    except (http.client.IncompleteRead, ConnectionError, OSError):
        pass
    w = api.watch(base + '?watch=true')
    w.take(3)
    ctl('/expire', {'mode': 'close'})
    while w.next() is not None:
        pass
    ok('expire mode abort cuts the stream (no final chunk); mode close ends '
       'it cleanly')

    ctl('/delete', {'kind': 'Service', 'namespace': NS, 'all': True})


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--api', required=True)
    p.add_argument('--control', type=int, required=True)
    p.add_argument('--ca', required=True)
    p.add_argument('--token', required=True)
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--token-file')
    p.add_argument('--queue-limit', type=int, default=0)
    a = p.parse_args()
    try:
        run(a)
    except AssertionError as e:
        print('FAIL: %s' % e, flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
