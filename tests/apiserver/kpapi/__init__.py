"""kpapi: the parts of kp-test-apiserver, a stand-in kube-apiserver for tests.

The project's tests, demo and benchmarks cannot run a real kube-apiserver, so
this package speaks the subset of its HTTP protocol that kube-proxy (and
kubectl, to check the stand-in itself) uses: list with paging, watch with
bookmarks and 410 expiry, selectors, bearer-token and client-certificate
authentication.  See shared/spec/apiserver-protocol.md for the wire rules.

Modules:
  resources  the three resources served, Status objects, JSON helpers
  selectors  label and field selector parsing and matching
  store      Store: objects, the global resourceVersion, history, paging
  watch      WatchHub and Watcher: per-stream bounded queues
  api        Handler: the HTTPS API (auth, discovery, list, get, watch)
  tables     server-side Table output for kubectl
  control    Control: the plain-HTTP control interface for tests
  generate   the bulk generator of Services and EndpointSlices
  server     wiring: TLS context, servers, start and stop
"""
