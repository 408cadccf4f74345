// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random CDBs, parameter lists and buffer sizes through
 * scst_cdb_decode(), scst_spc_emulate() and the sense builder/parser.
 * Build with -DSCST_FUZZ=ON and clang (see tests/unit/CMakeLists.txt).
 *
 * The parameter list also goes through the UNMAP parser, and the
 * descriptors it accepts through the GET LBA STATUS builder.
 *
 * Input layout: byte 0 buffer length, byte 1 flags, bytes 2..17 the CDB,
 * the rest the parameter list.
 */
#include <stdlib.h>
#include <string.h>

#include "scst_sbc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* UNMAP descriptors that pass validation must lie within the LU. */
static void fuzz_unmap(const struct scst_lu_desc *lu, const u8 *param,
		       u32 len, u8 *buf, u32 buf_len)
{
	struct scst_lba_extent ext[8];
	struct scst_sense sense;
	unsigned int n, i;
	u32 nblocks;
	u64 lba;

	if (scst_unmap_parse(param, len, lu, &n, &sense))
		return;
	for (i = 0; i < n; i++) {
		scst_unmap_desc(param, i, &lba, &nblocks);
		if (nblocks && (lba >= lu->nblocks || nblocks > lu->nblocks - lba))
			abort();
		if (i < ARRAY_SIZE(ext)) {
			ext[i].lba = lba;
			ext[i].nblocks = nblocks;
			ext[i].status = (u8)(i & 1);
		}
	}
	if (scst_lba_status_build(buf, buf_len, ext,
				  n < ARRAY_SIZE(ext) ? n : ARRAY_SIZE(ext)) > buf_len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 luns[] = { 0, 1, 255, 256, 16383, 16384 };
	struct scst_lu_desc lu;
	struct scst_mode_params cur, saved;
	struct scst_cdb_info ci;
	struct scst_sense sense, back;
	struct scst_emul e;
	u8 cdb[16], sbuf[SCST_SENSE_BUFFERSIZE];
	unsigned int cdb_len, n;
	u8 *buf, flags;
	u32 buf_len;

	if (size < 2)
		return 0;
	buf_len = data[0];
	flags = data[1];
	memset(cdb, 0, sizeof(cdb));
	cdb_len = size - 2 < 16 ? (unsigned int)(size - 2) : 16;
	memcpy(cdb, data + 2, cdb_len);

	memset(&lu, 0, sizeof(lu));
	lu.pdt = SCST_TYPE_DISK;
	lu.block_size = (flags & 1) ? 4096 : 512;
	lu.nblocks = (flags & 2) ? 0x123456789ull : 2048;
	lu.read_only = flags & 4;
	lu.thin_provisioned = flags & 8;
	lu.pr_supported = flags & 16;
	lu.alua_supported = flags & 32;
	lu.alua_explicit = flags & 64;
	lu.caw_supported = lu.xcopy_supported = flags & 128;
	lu.wce_changeable = true;
	memcpy(lu.vendor, "SCST", 5);
	memcpy(lu.product, "FUZZ", 5);
	memcpy(lu.revision, "1", 2);
	memset(lu.serial, '7', sizeof(lu.serial) - 1);
	lu.naa_id_len = 16;
	lu.rel_tgt_port_id = 1;
	lu.tgt_port_name = "iqn.2024-01.org.example:fuzz";
	scst_mode_params_default(&lu, &cur);
	saved = cur;

	if (scst_cdb_decode(cdb, cdb_len, lu.block_size, &ci, &sense) == 0)
		scst_cdb_check_range(&ci, lu.nblocks, &sense);

	buf = malloc(buf_len ? buf_len : 1);
	if (!buf)
		return 0;
	memset(&e, 0, sizeof(e));
	e.lu = &lu;
	e.mode_cur = &cur;
	e.mode_saved = (flags & 1) ? &saved : NULL;
	e.cdb = cdb;
	e.cdb_len = cdb_len;
	e.buf = buf;
	e.buf_len = buf_len;
	e.param = size > 18 ? data + 18 : NULL;
	e.param_len = size > 18 ? (u32)(size - 18) : 0;
	e.luns = luns;
	e.nluns = ARRAY_SIZE(luns);
	if (scst_spc_emulate(&e) == SCST_EMUL_CHECK) {
		n = scst_sense_build(sbuf, sizeof(sbuf), flags & 2, &e.sense);
		if (scst_sense_parse(sbuf, n, &back) || back.key != e.sense.key)
			abort();
	}
	if (e.resp_len > buf_len)
		abort();
	fuzz_unmap(&lu, e.param, e.param_len, buf, buf_len);
	free(buf);
	/* Parse the input itself as sense data too. */
	scst_sense_parse(data, (unsigned int)size, &back);
	return 0;
}
