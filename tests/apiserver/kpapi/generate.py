"""The bulk generator: N Services, each with EndpointSlices of M endpoints.

A realistic mix for tests and benchmarks (by service index i):
  * type: 1 in 20 LoadBalancer (half of them externalTrafficPolicy Local,
    with a healthCheckNodePort), 2 in 20 NodePort (a few Local), the rest
    ClusterIP; NodePort/LoadBalancer fall back to ClusterIP once the node
    port range 30000-32767 is used up;
  * ports: mostly one TCP port (http 80 -> 8080), some two (http, https),
    some DNS-like (53 UDP + 53 TCP), some gRPC with a named targetPort;
  * sessionAffinity ClientIP (timeout 10800) for 1 in 10, externalIPs for
    1 in 50, internalTrafficPolicy Local for 1 in 100, topology-mode Auto
    with zone hints for 1 in 25; optionally headless ones (none by default);
  * endpoints: ready, with 1 in 50 not ready and 1 in 97 terminating (when
    a Service has several); spread over nodes and zones; slices of at most
    100 endpoints; an empty slice when M is 0.
With plain set, every Service is the simplest: ClusterIP, one TCP port,
no affinity, external IP or topology (the shape of issue 9's table).
Addresses are valid and distinct: cluster IPs from 10.96.0.0/12, LB
ingress IPs from 198.18.0.0/16 and external IPs from 198.19.0.0/16
(RFC 2544 benchmark space), pod IPs from each node's /18 in 10.128.0.0/9.
The Generator remembers what it handed out, so later calls never collide.
"""

import ipaddress
import math
import socket
import time
import uuid
import zlib

_CLUSTER_NET = int(ipaddress.IPv4Address('10.96.0.0'))
_CLUSTER_SIZE = 1 << 20
_LB_NET = int(ipaddress.IPv4Address('198.18.0.0'))
_EXT_NET = int(ipaddress.IPv4Address('198.19.0.0'))
_POD_NET = int(ipaddress.IPv4Address('10.128.0.0'))
_POD_BITS = 14                      # a /18 per node
_MAX_NODES = 1 << (23 - _POD_BITS)  # 10.128.0.0/9 holds 512 of them
_ZONES = ('zone-a', 'zone-b', 'zone-c')


def _ip(n):
    return socket.inet_ntoa(n.to_bytes(4, 'big'))


_CHARS = 'bcdfghjklmnpqrstvwxz2456789bcdfg'   # upstream's alphabet, to 32


def _suffix(s):
    """A 5-character name suffix like generateName's, from a hash of s."""
    h = zlib.crc32(s.encode())
    c = _CHARS
    return c[h & 31] + c[h >> 5 & 31] + c[h >> 10 & 31] + \
        c[h >> 15 & 31] + c[h >> 20 & 31]


class Generator:
    def __init__(self):
        self.next_index = 0
        self.next_cluster_ip = 16     # 10.96.0.1 is the kubernetes service
        self.next_node_port = 30000
        self.next_lb = 1
        self.next_ext = 1
        self.node_pods = {}           # node index -> pods allocated
        self.pods = 0
        self.next_node = 0
        self.plain = False

    def _node_port(self):
        if self.next_node_port > 32767:
            return None
        self.next_node_port += 1
        return self.next_node_port - 1

    def _pod_ip(self, nodes):
        for _ in range(nodes):
            k = self.next_node % nodes
            self.next_node += 1
            used = self.node_pods.get(k, 0)
            if used < (1 << _POD_BITS) - 2:
                self.node_pods[k] = used + 1
                return k, _ip(_POD_NET + (k << _POD_BITS) + used + 1)
        raise ValueError('out of pod IPs: use more nodes')

    def nodes(self, count, version='v1.28.0'):
        out = []
        for k in range(count):
            name = 'node-%d' % k
            cidr = '%s/%d' % (_ip(_POD_NET + (k << _POD_BITS)),
                              32 - _POD_BITS)
            out.append({
                'kind': 'Node', 'apiVersion': 'v1',
                'metadata': {'name': name, 'labels': {
                    'kubernetes.io/arch': 'amd64',
                    'kubernetes.io/hostname': name,
                    'kubernetes.io/os': 'linux',
                    'topology.kubernetes.io/region': 'region-1',
                    'topology.kubernetes.io/zone': _ZONES[k % 3]}},
                'spec': {'podCIDR': cidr, 'podCIDRs': [cidr]},
                'status': {
                    'addresses': [
                        {'type': 'InternalIP',
                         'address': '172.31.%d.%d' % (k // 250,
                                                      k % 250 + 2)},
                        {'type': 'Hostname', 'address': name}],
                    'conditions': [{
                        'type': 'Ready', 'status': 'True',
                        'reason': 'KubeletReady',
                        'message': 'kubelet is posting ready status',
                        'lastHeartbeatTime': '2024-01-01T00:00:00Z',
                        'lastTransitionTime': '2024-01-01T00:00:00Z'}],
                    'nodeInfo': {
                        'machineID': '%032x' % k, 'systemUUID':
                        str(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
                        'bootID': str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                        'kernelVersion': '6.1.0-18-amd64',
                        'osImage': 'Debian GNU/Linux 12 (bookworm)',
                        'containerRuntimeVersion': 'containerd://1.6.20',
                        'kubeletVersion': version,
                        'kubeProxyVersion': version,
                        'operatingSystem': 'linux',
                        'architecture': 'amd64'}}})
        return out

    def services(self, n, m, nodes=10, namespaces=None, per_slice=100,
                 headless_every=0):
        """-> list of Service and EndpointSlice objects (with kind)."""
        if not 0 < nodes <= _MAX_NODES:
            raise ValueError('nodes must be 1..%d' % _MAX_NODES)
        if n < 0 or m < 0 or per_slice < 1:
            raise ValueError('counts must not be negative')
        if self.next_cluster_ip + n >= _CLUSTER_SIZE - 1:
            raise ValueError('out of cluster IPs in 10.96.0.0/12')
        if namespaces is None:
            namespaces = min(50, max(1, math.ceil(n / 100)))
        stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        out = []
        for _ in range(n):
            i = self.next_index
            self.next_index += 1
            svc, ports = self._service(i, namespaces, headless_every)
            out.append(svc)
            out.extend(self._slices(svc, ports, m, nodes, per_slice, stamp))
        return out

    def _service(self, i, namespaces, headless_every):
        name, ns = 'svc-%05d' % i, 'ns-%d' % (i % namespaces)
        r = 0 if self.plain else i % 10
        if r <= 5:
            ports = [('http', 'TCP', 80, 8080, 8080, None)]
        elif r <= 7:
            ports = [('http', 'TCP', 80, 8080, 8080, None),
                     ('https', 'TCP', 443, 8443, 8443, None)]
        elif r == 8:
            ports = [('dns', 'UDP', 53, 53, 53, None),
                     ('dns-tcp', 'TCP', 53, 53, 53, None)]
        else:
            ports = [('grpc', 'TCP', 9090, 'grpc', 9090, 'grpc')]
        headless = headless_every and i % headless_every == headless_every - 1
        typ = 'ClusterIP'
        if self.plain:
            pass
        elif not headless and i % 20 == 0:
            typ = 'LoadBalancer'
        elif not headless and i % 20 in (1, 2):
            typ = 'NodePort'
        local = (typ == 'LoadBalancer' and i % 40 == 0) or \
            (typ == 'NodePort' and i % 60 == 1)
        node_ports = []
        if typ != 'ClusterIP':
            need = len(ports) + (1 if local and typ == 'LoadBalancer' else 0)
            if self.next_node_port + need - 1 > 32767:
                typ, local = 'ClusterIP', False
            else:
                node_ports = [self._node_port() for _ in range(need)]
        labels = {'app': name, 'app.kubernetes.io/part-of': 'kp-generated'}
        spec = {'ports': []}
        for k, (pname, proto, port, target, _, app) in enumerate(ports):
            p = {'name': pname, 'protocol': proto, 'port': port,
                 'targetPort': target}
            if app:
                p['appProtocol'] = app
            if node_ports:
                p['nodePort'] = node_ports[k]
            spec['ports'].append(p)
        spec['selector'] = {'app': name}
        if headless:
            spec['clusterIP'] = 'None'
            spec['clusterIPs'] = ['None']
        else:
            ip = _ip(_CLUSTER_NET + self.next_cluster_ip)
            self.next_cluster_ip += 1
            spec['clusterIP'] = ip
            spec['clusterIPs'] = [ip]
        spec['type'] = typ
        if not headless and not self.plain and i % 50 == 7 and \
                self.next_ext < 65534:
            spec['externalIPs'] = [_ip(_EXT_NET + self.next_ext)]
            self.next_ext += 1
        affinity = i % 10 == 3 and not self.plain
        spec['sessionAffinity'] = 'ClientIP' if affinity else 'None'
        if typ != 'ClusterIP':
            spec['externalTrafficPolicy'] = 'Local' if local else 'Cluster'
        if typ == 'LoadBalancer' and local:
            spec['healthCheckNodePort'] = node_ports[-1]
        if affinity:
            spec['sessionAffinityConfig'] = {
                'clientIP': {'timeoutSeconds': 10800}}
        spec['ipFamilies'] = ['IPv4']
        spec['ipFamilyPolicy'] = 'SingleStack'
        if typ == 'LoadBalancer':
            spec['allocateLoadBalancerNodePorts'] = True
        spec['internalTrafficPolicy'] = 'Local' if i % 100 == 42 and \
            not self.plain else 'Cluster'
        status = {'loadBalancer': {}}
        if typ == 'LoadBalancer' and self.next_lb < 65534:
            status['loadBalancer']['ingress'] = [
                {'ip': _ip(_LB_NET + self.next_lb)}]
            self.next_lb += 1
        md = {'name': name, 'namespace': ns, 'labels': labels}
        if i % 25 == 11 and not self.plain:
            md['annotations'] = {'service.kubernetes.io/topology-mode':
                                 'Auto'}
        svc = {'kind': 'Service', 'apiVersion': 'v1', 'metadata': md,
               'spec': spec, 'status': status}
        return svc, ports

    def _slices(self, svc, ports, m, nodes, per_slice, stamp):
        md = svc['metadata']
        name, ns = md['name'], md['namespace']
        hints = 'annotations' in md
        labels = {'kubernetes.io/service-name': name,
                  'endpointslice.kubernetes.io/managed-by':
                  'endpointslice-controller.k8s.io'}
        if svc['spec']['clusterIP'] == 'None':
            labels['service.kubernetes.io/headless'] = ''
        sports = [{'name': p[0], 'protocol': p[1], 'port': p[4]}
                  for p in ports]
        for p, src in zip(sports, ports):
            if src[5]:
                p['appProtocol'] = src[5]
        endpoints = []
        rs = _suffix(ns + '/' + name + '/rs')
        for j in range(m):
            k, ip = self._pod_ip(nodes)
            self.pods += 1
            pod = '%s-%s-%s' % (name, rs, _suffix('%s/%s/%d' % (ns, name, j)))
            ready, serving, term = True, True, False
            if m > 1 and j % 97 == 96:
                ready, serving, term = False, True, True
            elif m > 1 and j % 50 == 49:
                ready, serving = False, False
            ep = {'addresses': [ip],
                  'conditions': {'ready': ready, 'serving': serving,
                                 'terminating': term},
                  'targetRef': {'kind': 'Pod', 'namespace': ns, 'name': pod,
                                'uid': '%08x-0000-4000-8000-%012x' % (
                                    zlib.crc32(pod.encode()), self.pods)},
                  'nodeName': 'node-%d' % k, 'zone': _ZONES[k % 3]}
            if hints:
                ep['hints'] = {'forZones': [{'name': _ZONES[k % 3]}]}
            endpoints.append(ep)
        chunks = [endpoints[a:a + per_slice]
                  for a in range(0, len(endpoints), per_slice)] or [[]]
        out = []
        for c, eps in enumerate(chunks):
            out.append({
                'kind': 'EndpointSlice', 'apiVersion': 'discovery.k8s.io/v1',
                'metadata': {
                    'name': '%s-%s' % (name, _suffix('%s/%s/slice/%d'
                                                     % (ns, name, c))),
                    'generateName': name + '-', 'namespace': ns,
                    'labels': dict(labels), 'annotations': {
                        'endpoints.kubernetes.io/last-change-trigger-time':
                        stamp}},
                'addressType': 'IPv4', 'endpoints': eps,
                'ports': [dict(p) for p in sports]})
        return out
