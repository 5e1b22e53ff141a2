/*
 * fuzz_config_decode.c: a helper's receiving side of its link to the
 * supervisor: the configuration in MSG_SUPERVISOR_START (a msgpack map
 * keyed by YAML path, common/config_codec.c).  A decode either fails with
 * a message or gives a configuration that encodes and decodes to the
 * same bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kp_config cfg, back;
	static int quiet;
	struct log_options lo;
	struct mp_buf b1, b2;
	struct mp_cur c;
	char err[1024];

	if (!quiet++) {
		memset(&lo, 0, sizeof(lo));
		lo.silent = true;
		log_init("fuzz");
		log_set_options(&lo);
	}
	config_defaults(&cfg);
	mp_cur_init(&c, data, size);
	if (config_decode(&cfg, &c, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	mp_buf_init(&b1);
	mp_buf_init(&b2);
	config_encode(&cfg, &b1);
	config_defaults(&back);
	mp_cur_init(&c, b1.sb.data, b1.sb.size);
	if (config_decode(&back, &c, err, sizeof(err)) != 0)
		__builtin_trap();
	config_encode(&back, &b2);
	if (b1.sb.size != b2.sb.size ||
	    memcmp(b1.sb.data, b2.sb.data, b1.sb.size) != 0)
		__builtin_trap();
	mp_buf_free(&b1);
	mp_buf_free(&b2);
	return 0;
}
