"""The resources the stand-in serves, Status objects and JSON helpers.

Only what kube-proxy watches (Services, EndpointSlices, Nodes) plus the
Events it posts.  Each Resource knows its kind, group/version, scope, the
field labels a real apiserver accepts in a fieldSelector for it, and the
shape of its BOOKMARK object (Go's encoder writes empty structs, so a
bookmark is not just metadata; see apiserver-protocol.md section 4).
"""

import json


def dumps(obj):
    """Compact JSON as bytes, the way Go's encoder writes it (no spaces)."""
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=False).encode()


def _get(obj, *path):
    """obj[path0][path1]... or None when a step is missing or not a dict."""
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


def _str(v):
    if v is None:
        return ''
    if isinstance(v, bool):
        return 'true' if v else 'false'
    return str(v)


class Resource:
    """One served resource type (a REST collection)."""

    def __init__(self, plural, kind, group, version, namespaced, short_names,
                 fields, bookmark_body):
        self.plural = plural
        self.kind = kind
        self.group = group
        self.version = version
        self.api_version = group + '/' + version if group else version
        self.namespaced = namespaced
        self.short_names = short_names
        self.list_kind = kind + 'List'
        self.singular = kind.lower()
        # field label -> function(obj) -> string value
        self.fields = {
            'metadata.name': lambda o: _str(_get(o, 'metadata', 'name')),
        }
        if namespaced:
            self.fields['metadata.namespace'] = \
                lambda o: _str(_get(o, 'metadata', 'namespace'))
        self.fields.update(fields)
        self._prefix = ('{"kind":%s,"apiVersion":%s' % (
            json.dumps(kind), json.dumps(self.api_version))).encode()
        self._bookmark_body = bookmark_body

    def event_object(self, raw):
        """An item's cached JSON (no kind/apiVersion) -> the same object with
        kind and apiVersion first, as watch events and GET carry them."""
        if raw == b'{}':
            return self._prefix + b'}'
        return self._prefix + b',' + raw[1:]

    def bookmark(self, rv, initial_events_end=False):
        md = {'resourceVersion': str(rv), 'creationTimestamp': None}
        if initial_events_end:
            md['annotations'] = {'k8s.io/initial-events-end': 'true'}
        obj = {'kind': self.kind, 'apiVersion': self.api_version,
               'metadata': md}
        obj.update(json.loads(self._bookmark_body))
        return dumps(obj)

    def list_prefix(self, rv, cont, remaining=None):
        md = {'resourceVersion': str(rv)}
        if cont:
            md['continue'] = cont
            if remaining is not None:
                md['remainingItemCount'] = remaining
        return ('{"kind":%s,"apiVersion":%s,"metadata":%s,"items":[' % (
            json.dumps(self.list_kind), json.dumps(self.api_version),
            json.dumps(md, separators=(',', ':')))).encode()


SERVICES = Resource(
    'services', 'Service', '', 'v1', True, ['svc'],
    {'spec.clusterIP': lambda o: _str(_get(o, 'spec', 'clusterIP')),
     'spec.type': lambda o: _str(_get(o, 'spec', 'type'))},
    '{"spec":{},"status":{"loadBalancer":{}}}')

ENDPOINTSLICES = Resource(
    'endpointslices', 'EndpointSlice', 'discovery.k8s.io', 'v1', True, [],
    {}, '{"addressType":"","endpoints":null}')

NODES = Resource(
    'nodes', 'Node', '', 'v1', False, ['no'],
    {'spec.unschedulable':
        lambda o: _str(bool(_get(o, 'spec', 'unschedulable')))},
    '{"spec":{},"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":0}},'
    '"nodeInfo":{"machineID":"","systemUUID":"","bootID":"",'
    '"kernelVersion":"","osImage":"","containerRuntimeVersion":"",'
    '"kubeletVersion":"","kubeProxyVersion":"","operatingSystem":"",'
    '"architecture":""}}}')

RESOURCES = {r.plural: r for r in (SERVICES, ENDPOINTSLICES, NODES)}
BY_KIND = {r.kind: r for r in RESOURCES.values()}
# what a control call may name a resource by: kind, plural, singular, short
ALIASES = {}
for _r in RESOURCES.values():
    for _a in [_r.kind, _r.plural, _r.singular] + _r.short_names:
        ALIASES[_a.lower()] = _r


def resource_for(name):
    return ALIASES.get(str(name).lower()) if name else None


REASONS = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'NotFound', 405: 'MethodNotAllowed', 406: 'NotAcceptable',
    409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType',
    422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
    503: 'ServiceUnavailable', 504: 'Timeout',
}


def status_obj(code, message, reason=None, details=None, cont=None):
    """A metav1.Status failure object (dict)."""
    md = {}
    if cont:
        md['continue'] = cont
    st = {'kind': 'Status', 'apiVersion': 'v1', 'metadata': md,
          'status': 'Failure', 'message': message,
          'reason': reason if reason is not None else
          REASONS.get(code, 'InternalError')}
    if details:
        st['details'] = details
    st['code'] = code
    return st


class ApiError(Exception):
    """An error answered as a Status object with an HTTP code."""

    def __init__(self, code, message, reason=None, details=None, cont=None,
                 headers=None):
        super().__init__(message)
        self.code = code
        self.status = status_obj(code, message, reason, details, cont)
        self.headers = headers or {}

    def body(self):
        return dumps(self.status)


def expired(message, cont=None):
    return ApiError(410, message, 'Expired', cont=cont)


MSG_LIST_TOO_OLD = 'The resourceVersion for the provided list is too old.'
MSG_CONTINUE_EXPIRED = (
    'The provided continue parameter is too old to display a consistent '
    'list result. You can start a new list without the continue parameter.')
MSG_CONTINUE_INCONSISTENT = (
    'The provided continue parameter is too old to display a consistent '
    'list result. You can start a new list without the continue parameter, '
    'or use the continue token in this response to retrieve the remainder '
    'of the results. Continuing with the provided token results in an '
    'inconsistent list - objects that were created, modified, or deleted '
    'between the time the first chunk was returned and now may show up in '
    'the list.')
