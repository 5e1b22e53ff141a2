/*
 * fuzz_kubeconfig.c: libFuzzer target for the kubeconfig reader: the input
 * is the file's bytes, read as kube_endpoint_parse() reads them for
 * kube_endpoint_load(), with and without --master.  Relative paths point
 * into a directory that does not exist, so the run touches no files but
 * those the input names absolutely (and only regular ones).
 *
 * Whatever arrives: no crash, no leak, an error message on failure with
 * the endpoint left empty, and on success an endpoint curl can be given.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kubeconfig.h"

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return false;
	return true;
}

static void
check(const struct kube_endpoint *ep)
{
	const char *p;

	if (strncmp(ep->server, "https://", 8) != 0 &&
	    strncmp(ep->server, "http://", 7) != 0)
		abort();
	for (p = ep->server; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == '?' || *p == '#')
			abort();
	if (ep->token != NULL && !kube_token_valid(ep->token))
		abort();
	if ((ep->cert_pem == NULL) != (ep->key_pem == NULL))
		abort();
	if (ep->insecure_skip_verify && ep->ca_pem != NULL)
		abort();
	if (ep->source[0] == '\0')
		abort();
}

static void
one(const uint8_t *data, size_t size, const char *master)
{
	struct kube_endpoint ep;
	char err[KUBE_ERRLEN];
	const char *tok;

	if (kube_endpoint_parse((const char *)data, size,
	    "/nonexistent.fuzz/kubeconfig", master, &ep, err,
	    sizeof(err)) != 0) {
		/* an error is explained, and leaves nothing behind */
		if (err[0] == '\0' || !all_zero(&ep, sizeof(ep)))
			abort();
		return;
	}
	check(&ep);
	if (kube_token_get(&ep, 100, &tok, err, sizeof(err)) == -1 &&
	    ep.token != NULL)
		abort();
	kube_endpoint_free(&ep);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, NULL);
	one(data, size, "https://master.example:6443");
	return 0;
}
