/*
 * gen_seeds.c: writes the seed corpus of fuzz_syncer_decode, one file per
 * kind of body, each a valid encoding behind the byte that selects its
 * decoder.  Starting from bodies the decoders accept lets the fuzzer reach
 * the deep checks (ports, endpoints, hints) instead of dying on the first
 * header.  The seeds are committed; rerun this after a change of format:
 *
 *   cc -std=gnu11 -include autoconf.h -I common tests/fuzz/gen_seeds.c \
 *       common/{mp,model,netaddr,log,xmalloc}.c -lmsgpackc -o gen_seeds
 *   ./gen_seeds tests/fuzz/corpus/fuzz_syncer_decode
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "mp.h"
#include "netaddr.h"
#include "xmalloc.h"

/* The selector bytes of fuzz_syncer_decode.c. */
enum { F_SVC, F_SLICE, F_NODE, F_KEY, F_GEN };

static struct kp_ip
ip(const char *s)
{
	struct kp_ip a;

	if (ip_parse(s, &a) == -1)
		fatalx("bad ip %s", s);
	return a;
}

static struct kp_cidr
cidr(const char *s)
{
	struct kp_cidr c;

	if (cidr_parse(s, &c) == -1)
		fatalx("bad cidr %s", s);
	return c;
}

static void
write_seed(const char *dir, const char *name, int kind, struct mp_buf *b)
{
	char path[4096];
	uint8_t sel = (uint8_t)kind;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		fatal("%s", path);
	if (fwrite(&sel, 1, 1, f) != 1 ||
	    fwrite(b->sb.data, 1, b->sb.size, f) != b->sb.size ||
	    fclose(f) != 0)
		fatal("%s", path);
	mp_buf_reset(b);
}

static void
services(const char *dir, struct mp_buf *b)
{
	struct kp_svc_port ports[3] = {
		{ "http", KP_PROTO_TCP, 80, 30080 },
		{ "dns", KP_PROTO_UDP, 53, 30053 },
		{ "sig", KP_PROTO_SCTP, 9999, 30099 },
	};
	struct kp_ip eips[2], lbips[2];
	struct kp_cidr ranges[2];
	struct kp_service s;

	memset(&s, 0, sizeof(s));
	strcpy(s.namespace, "default");
	strcpy(s.name, "web");
	strcpy(s.topology, "Auto");
	s.type = KP_SVC_LOADBALANCER;
	s.n_cluster_ips = 2;
	s.cluster_ips[0] = ip("10.96.0.10");
	s.cluster_ips[1] = ip("fd00:10:96::a");
	s.n_ports = 3;
	s.ports = ports;
	eips[0] = ip("192.0.2.10");
	eips[1] = ip("2001:db8::10");
	s.n_external_ips = 2;
	s.external_ips = eips;
	lbips[0] = ip("203.0.113.5");
	lbips[1] = ip("2001:db8:1::5");
	s.n_lb_ips = 2;
	s.lb_ips = lbips;
	ranges[0] = cidr("198.51.100.0/24");
	ranges[1] = cidr("2001:db8:2::/48");
	s.n_source_ranges = 2;
	s.source_ranges = ranges;
	s.affinity = KP_AFFINITY_CLIENTIP;
	s.affinity_timeout = 10800;
	s.etp_local = true;
	s.itp_local = true;
	s.hc_node_port = 32000;
	model_service_encode(&s, b);
	write_seed(dir, "service-lb-full", F_SVC, b);

	memset(&s, 0, sizeof(s));
	strcpy(s.namespace, "kube-system");
	strcpy(s.name, "kube-dns");
	s.type = KP_SVC_CLUSTERIP;
	s.n_cluster_ips = 1;
	s.cluster_ips[0] = ip("10.96.0.10");
	s.n_ports = 1;
	s.ports = ports + 1;
	s.ports[0].node_port = 0;
	model_service_encode(&s, b);
	write_seed(dir, "service-clusterip", F_SVC, b);

	strcpy(s.name, "v6-nodeport");
	s.type = KP_SVC_NODEPORT;
	s.cluster_ips[0] = ip("fd00:10:96::53");
	s.ports[0].node_port = 30053;
	model_service_encode(&s, b);
	write_seed(dir, "service-nodeport-v6", F_SVC, b);
}

static void
endpoint(struct kp_endpoint *e, const char *addr, bool ready, char *node,
    char *zone, char **hints, uint8_t n_hints)
{
	memset(e, 0, sizeof(*e));
	e->addr = ip(addr);
	e->ready = ready;
	e->serving = true;
	e->terminating = !ready;
	e->node_name = node;
	e->zone = zone;
	e->hints = hints;
	e->n_hints = n_hints;
}

static void
slices(const char *dir, struct mp_buf *b)
{
	char node_a[] = "node-a", node_b[] = "node-b.example.com";
	char zone_a[] = "zone-a", zone_b[] = "zone-b";
	char *hints[2] = { zone_a, zone_b };
	struct kp_slice_port ports[2] = {
		{ "http", KP_PROTO_TCP, 8080 },
		{ "", KP_PROTO_UDP, 53 },
	};
	struct kp_endpoint eps[3];
	struct kp_slice s;

	memset(&s, 0, sizeof(s));
	strcpy(s.namespace, "default");
	strcpy(s.name, "web-abc12");
	strcpy(s.service, "web");
	s.family = KP_AF_INET;
	endpoint(&eps[0], "10.244.1.5", true, node_a, zone_a, hints, 2);
	endpoint(&eps[1], "10.244.2.6", false, node_b, zone_b, hints + 1, 1);
	endpoint(&eps[2], "10.244.3.7", true, NULL, NULL, NULL, 0);
	s.n_endpoints = 3;
	s.endpoints = eps;
	s.n_ports = 2;
	s.ports = ports;
	s.trigger_time = INT64_C(1700000000123456789);
	model_slice_encode(&s, b);
	write_seed(dir, "slice-v4", F_SLICE, b);

	strcpy(s.name, "web-v6");
	s.family = KP_AF_INET6;
	endpoint(&eps[0], "fd00:244:1::5", true, node_a, zone_a, hints, 2);
	endpoint(&eps[1], "fd00:244:2::6", false, node_b, NULL, NULL, 0);
	s.n_endpoints = 2;
	s.n_ports = 1;
	s.trigger_time = 0;
	model_slice_encode(&s, b);
	write_seed(dir, "slice-v6", F_SLICE, b);

	s.n_endpoints = 0;
	s.n_ports = 0;
	model_slice_encode(&s, b);
	write_seed(dir, "slice-empty", F_SLICE, b);
}

static void
others(const char *dir, struct mp_buf *b)
{
	struct kp_node n;
	struct kp_key k;

	memset(&n, 0, sizeof(n));
	strcpy(n.name, "node-a.example.com");
	strcpy(n.zone, "zone-a");
	n.n_pod_cidrs = 2;
	n.pod_cidrs[0] = cidr("10.244.1.0/24");
	n.pod_cidrs[1] = cidr("fd00:244:1::/64");
	n.deleting = true;
	n.ip = ip("10.0.0.7");
	model_node_encode(&n, b);
	write_seed(dir, "node-dual", F_NODE, b);

	memset(&n, 0, sizeof(n));
	strcpy(n.name, "worker-1");
	model_node_encode(&n, b);
	write_seed(dir, "node-bare", F_NODE, b);

	memset(&k, 0, sizeof(k));
	strcpy(k.namespace, "default");
	strcpy(k.name, "web-abc12");
	model_key_encode(&k, b);
	write_seed(dir, "key", F_KEY, b);

	model_gen_encode(UINT64_C(1234567890123), b);
	write_seed(dir, "generation", F_GEN, b);
}

int
main(int argc, char *argv[])
{
	struct mp_buf b;

	log_init("gen_seeds");
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds directory\n");
		return 2;
	}
	mp_buf_init(&b);
	services(argv[1], &b);
	slices(argv[1], &b);
	others(argv[1], &b);
	mp_buf_free(&b);
	return 0;
}
