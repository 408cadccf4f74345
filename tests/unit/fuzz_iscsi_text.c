// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random text data segments through the key=value
 * parser, a login negotiation of up to three requests and a full feature
 * phase Text exchange. Every answer must itself parse, fit the buffer and
 * leave consistent parameters. Build with -DSCST_FUZZ=ON and clang (see
 * tests/unit/CMakeLists.txt).
 *
 * Input layout: byte 0 target config, byte 1 stages, then the text;
 * 0xff bytes split it into the successive requests.
 */
#include <stdlib.h>
#include <string.h>

#include "iscsi_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const u8 *out, u32 len, u32 cap)
{
	struct isc_kv kv;
	u32 pos = 0;
	int r;

	if (len > cap)
		abort();
	while ((r = isc_text_next(out, len, &pos, &kv)) > 0)
		if (kv.key + kv.key_len > (const char *)out + len)
			abort();
	if (r < 0)
		abort();
}

static void check_params(const struct isc_params *p)
{
	if (p->first_burst > p->max_burst || p->max_burst < 512 ||
	    p->max_burst > 0xffffff || p->max_xmit_dsl < 512 ||
	    p->erl > 2 || p->header_digest > 1 || p->data_digest > 1 ||
	    p->initial_r2t > 1 || p->immediate_data > 1 ||
	    p->max_connections < 1 || p->time2wait > 3600)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 out[16384];
	struct isc_tgt_config cfg;
	struct isc_neg *n;
	struct isc_kv kv;
	const u8 *seg, *end, *next;
	u32 out_len, pos, cap;
	u8 stages;
	int i;
	u16 st;

	if (size < 2)
		return 0;
	isc_tgt_config_default(&cfg);
	cfg.header_digests = (data[0] & 3) ? (data[0] & 3) : 1;
	cfg.data_digests = ((data[0] >> 2) & 3) ? ((data[0] >> 2) & 3) : 1;
	cfg.auth_methods = (data[0] & 0x10) ? BIT(ISC_AUTH_CHAP) :
			   BIT(ISC_AUTH_NONE);
	cfg.limits.immediate_data = !(data[0] & 0x20);
	cfg.limits.max_burst = (data[0] & 0x40) ? 16384 : 1048576;
	cfg.limits.first_burst = 8192;
	cfg.limits.time2wait = (data[0] & 0x80) ? 10 : 2;
	cfg.target_alias = "fuzz";
	stages = data[1];
	cap = (stages & 0x80) ? 64 : sizeof(out);

	n = malloc(sizeof(*n));
	if (!n)
		return 0;
	isc_neg_init(n, &cfg, !(stages & 0x40));

	/* The whole input through the raw parser. */
	pos = 0;
	while (isc_text_next(data + 2, (u32)(size - 2), &pos, &kv) > 0)
		if (kv.val + kv.val_len > (const char *)data + size ||
		    kv.key_len > ISC_TEXT_MAX_KEY)
			abort();

	seg = data + 2;
	end = data + size;
	for (i = 0; i < 3 && seg <= end; i++) {
		next = memchr(seg, 0xff, end - seg);
		if (!next)
			next = end;
		st = isc_neg_login(n, (stages >> (2 * i)) & 1,
				   (stages >> (2 * i + 1)) & 1,
				   ((stages >> (2 * i + 1)) & 1) ? 3 : 1,
				   seg, (u32)(next - seg), out, cap, &out_len);
		if (st != ISC_LOGIN_OK) {
			if (out_len || st != n->status)
				abort();
			break;
		}
		check_answer(out, out_len, cap);
		check_params(&n->p);
		seg = next + 1;
	}
	if (isc_neg_text(n, data + 2, (u32)(size - 2), out, cap, &out_len) == 0)
		check_answer(out, out_len, cap);
	check_params(&n->p);
	free(n);
	return 0;
}
