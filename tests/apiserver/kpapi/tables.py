"""Server-side Tables (meta.k8s.io/v1 Table) for kubectl's human output.

kubectl get asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and
prints the columns the server chose; without Tables it would show only
names.  The columns and cell formats follow upstream's printers
(pkg/printers/internalversion/printers.go) for Service, EndpointSlice and
Node.  Objects stored here may be invalid on purpose, so every cell is
computed defensively.
"""

import calendar
import json
import time

_COMMON = {'name': ('Name must be unique within a namespace.', 'name'),
           'age': ('CreationTimestamp is a timestamp representing the '
                   'server time when this object was created.', '')}


def _col(name, desc='', fmt='', priority=0, type_='string'):
    return {'name': name, 'type': type_, 'format': fmt,
            'description': desc, 'priority': priority}


def human_duration(sec):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    if sec < -1:
        return '<invalid>'
    if sec < 0:
        return '0s'
    if sec < 120:
        return '%ds' % sec
    m = sec // 60
    if m < 10:
        s = sec % 60
        return '%dm%ds' % (m, s) if s else '%dm' % m
    if m < 180:
        return '%dm' % m
    h = sec // 3600
    if h < 8:
        return '%dh%dm' % (h, m % 60) if m % 60 else '%dh' % h
    if h < 48:
        return '%dh' % h
    if h < 24 * 8:
        return '%dd%dh' % (h // 24, h % 24) if h % 24 else '%dd' % (h // 24)
    if h < 24 * 365 * 2:
        return '%dd' % (h // 24)
    y, d = h // (24 * 365), (h // 24) % 365
    if y < 8:
        return '%dy%dd' % (y, d) if d else '%dy' % y
    return '%dy' % y


def _age(obj):
    try:
        ts = obj['metadata']['creationTimestamp']
        t = calendar.timegm(time.strptime(ts, '%Y-%m-%dT%H:%M:%SZ'))
        return human_duration(int(time.time() - t))
    except (KeyError, TypeError, ValueError):
        return '<unknown>'


def _d(o, *path, default=None):
    for p in path:
        if not isinstance(o, dict):
            return default
        o = o.get(p)
    return default if o is None else o


def _list(v):
    return v if isinstance(v, list) else []


def _service_cells(o):
    spec = _d(o, 'spec', default={})
    typ = _d(spec, 'type', default='ClusterIP')
    cip = _d(spec, 'clusterIP', default='<none>') or '<none>'
    ext = [str(x) for x in _list(_d(spec, 'externalIPs'))]
    if typ == 'LoadBalancer':
        lb = []
        for ing in _list(_d(o, 'status', 'loadBalancer', 'ingress')):
            v = _d(ing, 'ip') or _d(ing, 'hostname')
            if v:
                lb.append(str(v))
        eip = ','.join(lb + ext) if lb or ext else '<pending>'
    elif typ == 'ExternalName':
        eip = str(_d(spec, 'externalName', default=''))
    else:
        eip = ','.join(ext) if ext else '<none>'
    ports = []
    for p in _list(_d(spec, 'ports')):
        proto = _d(p, 'protocol', default='TCP')
        if _d(p, 'nodePort'):
            ports.append('%s:%s/%s' % (_d(p, 'port'), _d(p, 'nodePort'),
                                       proto))
        else:
            ports.append('%s/%s' % (_d(p, 'port'), proto))
    sel = _d(spec, 'selector')
    sel = ','.join('%s=%s' % kv for kv in sorted(sel.items())) \
        if isinstance(sel, dict) and sel else '<none>'
    return [typ, cip, eip, ','.join(ports) or '<none>', _age(o), sel]


def _slice_cells(o):
    ports = [str(_d(p, 'port')) for p in _list(_d(o, 'ports'))
             if _d(p, 'port') is not None]
    addrs = []
    for ep in _list(_d(o, 'endpoints')):
        addrs.extend(str(a) for a in _list(_d(ep, 'addresses')))
    eps = ','.join(addrs[:3]) if addrs else '<unset>'
    if len(addrs) > 3:
        eps += ' + %d more...' % (len(addrs) - 3)
    return [str(_d(o, 'addressType', default='')),
            ','.join(ports) or '<unset>', eps, _age(o)]


def _node_cells(o):
    ready = 'Unknown'
    for c in _list(_d(o, 'status', 'conditions')):
        if _d(c, 'type') == 'Ready':
            ready = 'Ready' if _d(c, 'status') == 'True' else 'NotReady'
    if _d(o, 'spec', 'unschedulable') is True:
        ready += ',SchedulingDisabled'
    labels = _d(o, 'metadata', 'labels', default={})
    roles = sorted(k.split('/', 1)[1] for k in labels
                   if isinstance(k, str) and
                   k.startswith('node-role.kubernetes.io/')) \
        if isinstance(labels, dict) else []
    addrs = {}
    for a in _list(_d(o, 'status', 'addresses')):
        addrs.setdefault(_d(a, 'type'), _d(a, 'address'))
    info = _d(o, 'status', 'nodeInfo', default={})
    return [ready, ','.join(roles) or '<none>', _age(o),
            str(_d(info, 'kubeletVersion', default='')),
            addrs.get('InternalIP') or '<none>',
            addrs.get('ExternalIP') or '<none>',
            str(_d(info, 'osImage', default='<unknown>')),
            str(_d(info, 'kernelVersion', default='<unknown>')),
            str(_d(info, 'containerRuntimeVersion', default='<unknown>'))]


_COLUMNS = {
    'services': ([_col('Name', *_COMMON['name']), _col('Type'),
                  _col('Cluster-IP'), _col('External-IP'), _col('Port(s)'),
                  _col('Age', _COMMON['age'][0]),
                  _col('Selector', priority=1)], _service_cells),
    'endpointslices': ([_col('Name', *_COMMON['name']), _col('AddressType'),
                        _col('Ports'), _col('Endpoints'),
                        _col('Age', _COMMON['age'][0])], _slice_cells),
    'nodes': ([_col('Name', *_COMMON['name']), _col('Status'),
               _col('Roles'), _col('Age', _COMMON['age'][0]),
               _col('Version'), _col('Internal-IP', priority=1),
               _col('External-IP', priority=1),
               _col('OS-Image', priority=1),
               _col('Kernel-Version', priority=1),
               _col('Container-Runtime', priority=1)], _node_cells),
}


def table(res, entries, rv, cont, remaining):
    """A Table of the given Entries, as JSON bytes."""
    cols, cells = _COLUMNS[res.plural]
    rows = []
    for e in entries:
        md = e.obj.get('metadata', {})
        try:
            row = [md.get('name')] + cells(e.obj)
        except Exception:           # invalid object: show what we can
            row = [md.get('name')] + ['<invalid>'] * (len(cols) - 1)
        rows.append({'cells': row, 'object': {
            'kind': 'PartialObjectMetadata', 'apiVersion': 'meta.k8s.io/v1',
            'metadata': md}})
    lmd = {'resourceVersion': str(rv)}
    if cont:
        lmd['continue'] = cont
        if remaining is not None:
            lmd['remainingItemCount'] = remaining
    return json.dumps({'kind': 'Table', 'apiVersion': 'meta.k8s.io/v1',
                       'metadata': lmd, 'columnDefinitions': cols,
                       'rows': rows}, separators=(',', ':')).encode()
