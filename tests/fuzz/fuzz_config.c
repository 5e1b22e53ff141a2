/*
 * fuzz_config.c: libFuzzer target for the --config reader: the input is
 * the file's bytes, parsed as config_load_file() parses them.
 *
 * Whatever arrives: no crash, no leak, an error message on failure; and
 * a configuration that is accepted and valid is written as
 * --write-config-to writes it, and that must read back as the same
 * configuration and write out as the same bytes (the round trip the
 * tests promise, on every input the fuzzer finds).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fields.h"
#include "config_file.h"
#include "log.h"

static void
same(const struct kp_config *a, const struct kp_config *b)
{
	const struct cfg_field *f;
	uint32_t g, k;
	size_t i;

	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->size == 0 || f->type == CFT_GATES)
			continue;
		if (memcmp(cfg_field_cptr(a, f), cfg_field_cptr(b, f),
		    f->size) != 0)
			abort();
	}
	if (a->ngates != b->ngates)
		abort();
	for (g = 0; g < a->ngates; g++) {
		for (k = 0; k < b->ngates; k++)
			if (strcmp(a->gates[g].name, b->gates[k].name) == 0)
				break;
		if (k == b->ngates || a->gates[g].enabled != b->gates[k].enabled)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kp_config cfg, back;
	struct log_options lo = { 0, false, 2, true };
	char err[1024], *out, *out2;
	size_t len, len2;

	log_set_options(&lo);
	err[0] = '\0';
	if (config_file_parse(&cfg, (const char *)data, size, "fuzz.yaml",
	    NULL, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	config_apply_platform_defaults(&cfg);
	if (config_validate(&cfg, err, sizeof(err)) != 0)
		return 0;
	if ((out = config_write_yaml(&cfg, &len, err, sizeof(err))) == NULL)
		abort();
	if (config_file_parse(&back, out, len, "written.yaml", NULL, err,
	    sizeof(err)) != 0)
		abort();
	config_apply_platform_defaults(&back);
	same(&cfg, &back);
	if ((out2 = config_write_yaml(&back, &len2, err, sizeof(err))) == NULL ||
	    len2 != len || memcmp(out, out2, len) != 0)
		abort();
	free(out);
	free(out2);
	return 0;
}
