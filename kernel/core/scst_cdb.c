// SPDX-License-Identifier: GPL-2.0
/*
 * CDB decoding: the opcode table and scst_cdb_decode(), plus SAM-5 LUN
 * encoding. Portable: compiles into the kernel module and into the
 * user-space library scst_portable (see scst_portable.h).
 */
#include "scst_cdb.h"

/* How scst_cdb_decode() interprets the length field of a row. */
enum scst_len_type {
	SCST_LEN_NONE = 0,
	SCST_LEN_BLOCKS,	/* transfer length in logical blocks */
	SCST_LEN_ALLOC,		/* allocation length in bytes */
	SCST_LEN_PARAM,		/* parameter list length in bytes */
	SCST_LEN_FIXED,		/* fixed-size response: fixed_len bytes */
};

/* Command-specific decoding rules. */
enum scst_cdb_kind {
	SCST_K_PLAIN = 0,
	SCST_K_RW6,		/* 21-bit LBA, transfer length 0 means 256 */
	SCST_K_RW,		/* READ/WRITE(10/12/16): DPO, FUA */
	SCST_K_VERIFY,		/* BYTCHK decides whether data is sent */
	SCST_K_WRITE_VERIFY,	/* DPO, BYTCHK */
	SCST_K_WRITE_SAME,	/* one block of data, UNMAP, NDOB */
	SCST_K_CAW,		/* 2 * NUMBER OF LOGICAL BLOCKS of data */
	SCST_K_SYNC_CACHE,	/* IMMED in byte 1 bit 1 */
	SCST_K_START_STOP,	/* IMMED in byte 1 bit 0 */
};

/*
 * The opcode table, sorted by opcode and service action. Every command
 * that the target knows has one row (one per service action); anything
 * else is an INVALID COMMAND OPERATION CODE.
 */
static const struct scst_op_desc scst_ops[] = {
	{
		.name = "TEST UNIT READY",
		.opcode = SCST_OP_TEST_UNIT_READY,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.usage = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "REQUEST SENSE",
		.opcode = SCST_OP_REQUEST_SENSE,
		.cdb_len = 6, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 4, .len_len = 1, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_LOCAL | SCST_CDB_NO_UA |
			 SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x03, 0x01, 0x00, 0x00, 0xff, 0x00 },
	},
	{
		.name = "FORMAT UNIT",
		.opcode = SCST_OP_FORMAT_UNIT,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 3600,
		.flags = SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x04, 0x0f, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "READ(6)",
		.opcode = SCST_OP_READ_6,
		.cdb_len = 6, .dir = SCST_DIR_IN, .kind = SCST_K_RW6,
		.lba_off = 1, .lba_len = 3,
		.len_off = 4, .len_len = 1, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x08, 0x1f, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "WRITE(6)",
		.opcode = SCST_OP_WRITE_6,
		.cdb_len = 6, .dir = SCST_DIR_OUT, .kind = SCST_K_RW6,
		.lba_off = 1, .lba_len = 3,
		.len_off = 4, .len_len = 1, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x0a, 0x1f, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "INQUIRY",
		.opcode = SCST_OP_INQUIRY,
		.cdb_len = 6, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 3, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_NO_UA |
			 SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x12, 0x01, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "MODE SELECT(6)",
		.opcode = SCST_OP_MODE_SELECT_6,
		.cdb_len = 6, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 4, .len_len = 1, .len_type = SCST_LEN_PARAM,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x15, 0x11, 0x00, 0x00, 0xff, 0x00 },
	},
	{
		.name = "RESERVE(6)",
		.opcode = SCST_OP_RESERVE_6,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x16, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "RELEASE(6)",
		.opcode = SCST_OP_RELEASE_6,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x17, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "MODE SENSE(6)",
		.opcode = SCST_OP_MODE_SENSE_6,
		.cdb_len = 6, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 4, .len_len = 1, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x1a, 0x08, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "START STOP UNIT",
		.opcode = SCST_OP_START_STOP_UNIT,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_START_STOP,
		.timeout = 60,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x1b, 0x01, 0x00, 0x00, 0x07, 0x00 },
	},
	{
		.name = "RECEIVE DIAGNOSTIC RESULTS",
		.opcode = SCST_OP_RECEIVE_DIAGNOSTIC,
		.cdb_len = 6, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 3, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x1c, 0x01, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "SEND DIAGNOSTIC",
		.opcode = SCST_OP_SEND_DIAGNOSTIC,
		.cdb_len = 6, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 3, .len_len = 2, .len_type = SCST_LEN_PARAM,
		.timeout = 60,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x1d, 0xf7, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PREVENT ALLOW MEDIUM REMOVAL",
		.opcode = SCST_OP_PREVENT_ALLOW_MEDIUM_REMOVAL,
		.cdb_len = 6, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x1e, 0x00, 0x00, 0x00, 0x03, 0x00 },
	},
	{
		.name = "READ CAPACITY(10)",
		.opcode = SCST_OP_READ_CAPACITY_10,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_type = SCST_LEN_FIXED, .fixed_len = 8,
		.timeout = 30,
		.usage = { 0x25, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x00 },
	},
	{
		.name = "READ(10)",
		.opcode = SCST_OP_READ_10,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x28, 0x1a, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "WRITE(10)",
		.opcode = SCST_OP_WRITE_10,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x2a, 0x1a, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "WRITE AND VERIFY(10)",
		.opcode = SCST_OP_WRITE_VERIFY_10,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_WRITE_VERIFY,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x2e, 0x16, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "VERIFY(10)",
		.opcode = SCST_OP_VERIFY_10,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_VERIFY,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x2f, 0x16, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "SYNCHRONIZE CACHE(10)",
		.opcode = SCST_OP_SYNCHRONIZE_CACHE_10,
		.cdb_len = 10, .dir = SCST_DIR_NONE, .kind = SCST_K_SYNC_CACHE,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x35, 0x06, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "WRITE BUFFER",
		.opcode = SCST_OP_WRITE_BUFFER,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 3, .len_type = SCST_LEN_PARAM,
		.timeout = 60,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "READ BUFFER",
		.opcode = SCST_OP_READ_BUFFER,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 3, .len_type = SCST_LEN_ALLOC,
		.timeout = 60,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x3c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "WRITE SAME(10)",
		.opcode = SCST_OP_WRITE_SAME_10,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_WRITE_SAME,
		.lba_off = 2, .lba_len = 4,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_BLOCKS,
		.timeout = 120,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x41, 0x08, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "UNMAP",
		.opcode = SCST_OP_UNMAP,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_THIN,
		.timeout = 120,
		.flags = SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0xff, 0xff, 0x00 },
	},
	{
		.name = "LOG SENSE",
		.opcode = SCST_OP_LOG_SENSE,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x4d, 0x00, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "MODE SELECT(10)",
		.opcode = SCST_OP_MODE_SELECT_10,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_PARAM,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x55, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "RESERVE(10)",
		.opcode = SCST_OP_RESERVE_10,
		.cdb_len = 10, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x56, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "RELEASE(10)",
		.opcode = SCST_OP_RELEASE_10,
		.cdb_len = 10, .dir = SCST_DIR_NONE, .kind = SCST_K_PLAIN,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x57, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "MODE SENSE(10)",
		.opcode = SCST_OP_MODE_SENSE_10,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x5a, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE IN - READ KEYS",
		.opcode = SCST_OP_PERSISTENT_RESERVE_IN,
		.sa = SCST_PRIN_READ_KEYS, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x5e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE IN - READ RESERVATION",
		.opcode = SCST_OP_PERSISTENT_RESERVE_IN,
		.sa = SCST_PRIN_READ_RESERVATION, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x5e, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE IN - REPORT CAPABILITIES",
		.opcode = SCST_OP_PERSISTENT_RESERVE_IN,
		.sa = SCST_PRIN_REPORT_CAPABILITIES, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x5e, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE IN - READ FULL STATUS",
		.opcode = SCST_OP_PERSISTENT_RESERVE_IN,
		.sa = SCST_PRIN_READ_FULL_STATUS, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 7, .len_len = 2, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x5e, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - REGISTER",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_REGISTER, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - RESERVE",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_RESERVE, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x01, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - RELEASE",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_RELEASE, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x02, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - CLEAR",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_CLEAR, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x03, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - PREEMPT",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_PREEMPT, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x04, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - PREEMPT AND ABORT",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_PREEMPT_AND_ABORT, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x05, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - REGISTER AND IGNORE EXISTING KEY",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_REGISTER_AND_IGNORE, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x06, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "PERSISTENT RESERVE OUT - REGISTER AND MOVE",
		.opcode = SCST_OP_PERSISTENT_RESERVE_OUT,
		.sa = SCST_PROUT_REGISTER_AND_MOVE, .has_sa = true,
		.cdb_len = 10, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 5, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_PR,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0x5f, 0x07, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00 },
	},
	{
		.name = "EXTENDED COPY(LID1)",
		.opcode = SCST_OP_EXTENDED_COPY,
		.sa = SCST_XCOPY_LID1, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_XCOPY,
		.timeout = 600,
		.usage = { 0x83, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "RECEIVE COPY RESULTS - COPY STATUS",
		.opcode = SCST_OP_RECEIVE_COPY_RESULTS,
		.sa = SCST_RCR_COPY_STATUS, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_XCOPY,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x84, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "RECEIVE COPY RESULTS - RECEIVE DATA",
		.opcode = SCST_OP_RECEIVE_COPY_RESULTS,
		.sa = SCST_RCR_RECEIVE_DATA, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_XCOPY,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x84, 0x01, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "RECEIVE COPY RESULTS - OPERATING PARAMETERS",
		.opcode = SCST_OP_RECEIVE_COPY_RESULTS,
		.sa = SCST_RCR_OPERATING_PARAMETERS, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_XCOPY,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x84, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "RECEIVE COPY RESULTS - FAILED SEGMENT DETAILS",
		.opcode = SCST_OP_RECEIVE_COPY_RESULTS,
		.sa = SCST_RCR_FAILED_SEGMENT_DETAILS, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_XCOPY,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0x84, 0x04, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "READ(16)",
		.opcode = SCST_OP_READ_16,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x88, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "COMPARE AND WRITE",
		.opcode = SCST_OP_COMPARE_AND_WRITE,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_CAW,
		.lba_off = 2, .lba_len = 8,
		.len_off = 13, .len_len = 1, .len_type = SCST_LEN_BLOCKS,
		.need = SCST_NEED_CAW,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x89, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "WRITE(16)",
		.opcode = SCST_OP_WRITE_16,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x8a, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "WRITE AND VERIFY(16)",
		.opcode = SCST_OP_WRITE_VERIFY_16,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_WRITE_VERIFY,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x8e, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "VERIFY(16)",
		.opcode = SCST_OP_VERIFY_16,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_VERIFY,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x8f, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "SYNCHRONIZE CACHE(16)",
		.opcode = SCST_OP_SYNCHRONIZE_CACHE_16,
		.cdb_len = 16, .dir = SCST_DIR_NONE, .kind = SCST_K_SYNC_CACHE,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0x91, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "WRITE SAME(16)",
		.opcode = SCST_OP_WRITE_SAME_16,
		.cdb_len = 16, .dir = SCST_DIR_OUT, .kind = SCST_K_WRITE_SAME,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 120,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0x93, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "READ CAPACITY(16)",
		.opcode = SCST_OP_SERVICE_ACTION_IN_16,
		.sa = SCST_SAI_READ_CAPACITY_16, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_ALLOC_LEN,
		.usage = { 0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 },
	},
	{
		.name = "GET LBA STATUS",
		.opcode = SCST_OP_SERVICE_ACTION_IN_16,
		.sa = SCST_SAI_GET_LBA_STATUS, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.lba_off = 2, .lba_len = 8,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_THIN,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_ALLOC_LEN,
		.usage = { 0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "REPORT REFERRALS",
		.opcode = SCST_OP_SERVICE_ACTION_IN_16,
		.sa = SCST_SAI_REPORT_REFERRALS, .has_sa = true,
		.cdb_len = 16, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 10, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_REFERRALS,
		.timeout = 30,
		.flags = SCST_CDB_ALLOC_LEN | SCST_CDB_LOCAL,
		.usage = { 0x9e, 0x13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 },
	},
	{
		.name = "REPORT LUNS",
		.opcode = SCST_OP_REPORT_LUNS,
		.cdb_len = 12, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_LOCAL | SCST_CDB_NO_UA |
			 SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0xa0, 0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "REPORT TARGET PORT GROUPS",
		.opcode = SCST_OP_MAINTENANCE_IN,
		.sa = SCST_MI_REPORT_TARGET_PORT_GROUPS, .has_sa = true,
		.cdb_len = 12, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.need = SCST_NEED_ALUA,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0xa3, 0x2a, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "REPORT SUPPORTED OPERATION CODES",
		.opcode = SCST_OP_MAINTENANCE_IN,
		.sa = SCST_MI_REPORT_SUPPORTED_OPCODES, .has_sa = true,
		.cdb_len = 12, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_LOCAL |
			 SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS",
		.opcode = SCST_OP_MAINTENANCE_IN,
		.sa = SCST_MI_REPORT_SUPPORTED_TMFS, .has_sa = true,
		.cdb_len = 12, .dir = SCST_DIR_IN, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_ALLOC,
		.timeout = 30,
		.flags = SCST_CDB_LOCAL |
			 SCST_CDB_NOT_READY_OK | SCST_CDB_ALLOC_LEN,
		.usage = { 0xa3, 0x0d, 0x80, 0x00, 0x00, 0x00, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "SET TARGET PORT GROUPS",
		.opcode = SCST_OP_MAINTENANCE_OUT,
		.sa = SCST_MO_SET_TARGET_PORT_GROUPS, .has_sa = true,
		.cdb_len = 12, .dir = SCST_DIR_OUT, .kind = SCST_K_PLAIN,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_PARAM,
		.need = SCST_NEED_ALUA_EXPLICIT,
		.timeout = 30,
		.flags = SCST_CDB_NOT_READY_OK,
		.usage = { 0xa4, 0x0a, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
			   0xff, 0xff, 0x00, 0x00 },
	},
	{
		.name = "READ(12)",
		.opcode = SCST_OP_READ_12,
		.cdb_len = 12, .dir = SCST_DIR_IN, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 4,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0xa8, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "WRITE(12)",
		.opcode = SCST_OP_WRITE_12,
		.cdb_len = 12, .dir = SCST_DIR_OUT, .kind = SCST_K_RW,
		.lba_off = 2, .lba_len = 4,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0xaa, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "WRITE AND VERIFY(12)",
		.opcode = SCST_OP_WRITE_VERIFY_12,
		.cdb_len = 12, .dir = SCST_DIR_OUT, .kind = SCST_K_WRITE_VERIFY,
		.lba_off = 2, .lba_len = 4,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM | SCST_CDB_WRITE,
		.usage = { 0xae, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x1f, 0x00 },
	},
	{
		.name = "VERIFY(12)",
		.opcode = SCST_OP_VERIFY_12,
		.cdb_len = 12, .dir = SCST_DIR_OUT, .kind = SCST_K_VERIFY,
		.lba_off = 2, .lba_len = 4,
		.len_off = 6, .len_len = 4, .len_type = SCST_LEN_BLOCKS,
		.timeout = 60,
		.flags = SCST_CDB_LBA | SCST_CDB_MEDIUM,
		.usage = { 0xaf, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0x1f, 0x00 },
	},
};

/**
 * scst_op_name() - name of a command
 * @op: opcode table row, may be NULL
 *
 * Return: the command's name as in the standards, "UNKNOWN" for NULL.
 */
const char *scst_op_name(const struct scst_op_desc *op)
{
	return op ? op->name : "UNKNOWN";
}
EXPORT_SYMBOL_GPL(scst_op_name);

/**
 * scst_op_count() - number of rows in the opcode table
 *
 * Return: the number of rows, for iterating with scst_op_at().
 */
unsigned int scst_op_count(void)
{
	return ARRAY_SIZE(scst_ops);
}
EXPORT_SYMBOL_GPL(scst_op_count);

/**
 * scst_op_at() - one row of the opcode table
 * @i: row index, below scst_op_count()
 *
 * The rows are sorted by opcode and service action.
 *
 * Return: the row, or NULL when @i is out of range.
 */
const struct scst_op_desc *scst_op_at(unsigned int i)
{
	return i < ARRAY_SIZE(scst_ops) ? &scst_ops[i] : NULL;
}
EXPORT_SYMBOL_GPL(scst_op_at);

/* The first row of @opcode: a binary search, this runs for every command. */
static const struct scst_op_desc *scst_op_first(u8 opcode)
{
	unsigned int lo = 0, hi = ARRAY_SIZE(scst_ops), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (scst_ops[mid].opcode < opcode)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ARRAY_SIZE(scst_ops) && scst_ops[lo].opcode == opcode)
		return &scst_ops[lo];
	return NULL;
}

/**
 * scst_op_find() - look a command up in the opcode table
 * @opcode: operation code
 * @sa: service action; ignored for opcodes without service actions
 *
 * Return: the row, or NULL if the command is not known.
 */
const struct scst_op_desc *scst_op_find(u8 opcode, u8 sa)
{
	const struct scst_op_desc *op = scst_op_first(opcode);
	const struct scst_op_desc *end = scst_ops + ARRAY_SIZE(scst_ops);

	if (!op || !op->has_sa)
		return op;
	for (; op < end && op->opcode == opcode; op++) {
		if (op->sa == sa)
			return op;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(scst_op_find);

/**
 * scst_op_has_sa() - whether an opcode has service actions
 * @opcode: operation code
 *
 * Return: true if @opcode is known and has service actions.
 */
bool scst_op_has_sa(u8 opcode)
{
	const struct scst_op_desc *op = scst_op_first(opcode);

	return op && op->has_sa;
}
EXPORT_SYMBOL_GPL(scst_op_has_sa);

static u64 scst_get_be(const u8 *p, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | *p++;
	return v;
}

static int scst_high_bit(u8 v)
{
	int bit = 7;

	while (bit > 0 && !(v & BIT(bit)))
		bit--;
	return bit;
}

static void scst_sense_invalid_opcode(struct scst_sense *s, u16 byte,
				      int bit)
{
	scst_sense_invalid_field(s, true, byte, bit);
	s->asc = SCST_ASC_INVALID_OPCODE;
	s->ascq = SCST_ASCQ_INVALID_OPCODE;
}

/* Reject bits that the usage data of the command does not allow. */
static int scst_check_usage(const struct scst_op_desc *op, const u8 *cdb,
			    struct scst_sense *sense)
{
	unsigned int i;
	u8 allowed, bad;

	for (i = 1; i < op->cdb_len; i++) {
		allowed = op->usage[i];
		if (i == 1 && op->has_sa)
			allowed |= 0x1f;
		bad = cdb[i] & ~allowed;
		if (bad) {
			scst_sense_invalid_field(sense, true, i,
						 scst_high_bit(bad));
			return -EINVAL;
		}
	}
	return 0;
}

/* VERIFY and WRITE AND VERIFY: BYTCHK 00b and 01b only. */
static int scst_decode_bytchk(const u8 *cdb, struct scst_cdb_info *ci,
			      struct scst_sense *sense)
{
	u8 bytchk = (cdb[1] >> 1) & 3;

	if (bytchk > 1) {
		scst_sense_invalid_field(sense, true, 1, 2);
		return -EINVAL;
	}
	if (bytchk)
		ci->flags |= SCST_CDB_BYTCHK;
	if (cdb[1] & 0x10)
		ci->flags |= SCST_CDB_DPO;
	return 0;
}

/*
 * Apply the command-specific rules of @op->kind. @bytes is the data length
 * computed from the length field; the rules may change it.
 */
static int scst_decode_kind(const struct scst_op_desc *op, const u8 *cdb,
			    u32 block_size, struct scst_cdb_info *ci,
			    u64 *bytes, struct scst_sense *sense)
{
	switch (op->kind) {
	case SCST_K_RW6:
		ci->lba &= 0x1fffff;
		if (!ci->nblocks)
			ci->nblocks = 256;
		*bytes = (u64)ci->nblocks * block_size;
		break;
	case SCST_K_RW:
	case SCST_K_CAW:
		if (cdb[1] & 0x10)
			ci->flags |= SCST_CDB_DPO;
		if (cdb[1] & 0x08)
			ci->flags |= SCST_CDB_FUA;
		if (op->kind == SCST_K_CAW)
			*bytes *= 2;
		break;
	case SCST_K_VERIFY:
		if (scst_decode_bytchk(cdb, ci, sense))
			return -EINVAL;
		if (!(ci->flags & SCST_CDB_BYTCHK))
			*bytes = 0;
		break;
	case SCST_K_WRITE_VERIFY:
		return scst_decode_bytchk(cdb, ci, sense);
	case SCST_K_WRITE_SAME:
		/* We report WSNZ=1: zero blocks is not "up to the end". */
		if (!ci->nblocks) {
			scst_sense_invalid_field(sense, true, op->len_off, -1);
			return -EINVAL;
		}
		if (cdb[1] & 0x08)
			ci->flags |= SCST_CDB_UNMAP;
		if (op->opcode == SCST_OP_WRITE_SAME_16 && (cdb[1] & 0x01)) {
			ci->flags |= SCST_CDB_NDOB;
			*bytes = 0;
		} else {
			*bytes = block_size;
		}
		break;
	case SCST_K_SYNC_CACHE:
		if (cdb[1] & 0x02)
			ci->flags |= SCST_CDB_IMMED;
		*bytes = 0;
		break;
	case SCST_K_START_STOP:
		if (cdb[1] & 0x01)
			ci->flags |= SCST_CDB_IMMED;
		break;
	default:
		break;
	}
	return 0;
}

/* Extract LBA, transfer length and data length of a validated CDB. */
static int scst_decode_fields(const struct scst_op_desc *op, const u8 *cdb,
			      u32 block_size, struct scst_cdb_info *ci,
			      struct scst_sense *sense)
{
	u64 len = 0, bytes = 0;

	if (op->lba_len)
		ci->lba = scst_get_be(cdb + op->lba_off, op->lba_len);
	if (op->len_len)
		len = scst_get_be(cdb + op->len_off, op->len_len);
	switch (op->len_type) {
	case SCST_LEN_BLOCKS:
		ci->nblocks = (u32)len;
		bytes = len * block_size;
		break;
	case SCST_LEN_PARAM:
		ci->flags |= SCST_CDB_PARAM_LEN;
		fallthrough;
	case SCST_LEN_ALLOC:
		bytes = len;
		break;
	case SCST_LEN_FIXED:
		bytes = op->fixed_len;
		break;
	default:
		break;
	}
	if (scst_decode_kind(op, cdb, block_size, ci, &bytes, sense))
		return -EINVAL;
	if (bytes > U32_MAX) {
		/* More than we can describe: too large a transfer length. */
		scst_sense_invalid_field(sense, true, op->len_off, -1);
		return -EINVAL;
	}
	ci->data_len = (u32)bytes;
	if (!ci->data_len)
		ci->dir = SCST_DIR_NONE;
	else if (op->kind == SCST_K_VERIFY)
		ci->dir = SCST_DIR_OUT;
	else
		ci->dir = (enum scst_data_dir)op->dir;
	return 0;
}

/**
 * scst_cdb_decode() - validate a CDB and extract what the core needs
 * @cdb: the CDB
 * @cdb_len: bytes available at @cdb; bytes beyond the command's CDB
 *	length (transport padding) are ignored
 * @block_size: logical block size of the LU, for data lengths in bytes
 * @ci: out: the decoded command, zeroed on error
 * @sense: out: the sense data when the CDB is rejected
 *
 * Errors, all with sense key ILLEGAL REQUEST and a field pointer into the
 * CDB: an unknown opcode is INVALID COMMAND OPERATION CODE pointing at
 * byte 0, an unknown service action the same pointing at byte 1 bit 4.
 * A CDB shorter than the command's CDB length (or empty) is INVALID FIELD
 * IN CDB pointing at byte 0 without a bit pointer. A bit set that the
 * command's usage data does not allow (reserved bits, unsupported
 * features such as RDPROTECT, NACA or LINK in the CONTROL byte) is
 * INVALID FIELD IN CDB pointing at the byte and its leftmost bad bit.
 * Unsupported field values (BYTCHK 1xb, WRITE SAME of 0 blocks since we
 * report WSNZ=1, a transfer of 4 GiB or more) are INVALID FIELD IN CDB.
 *
 * Return: 0 on success, -EINVAL with @sense filled in otherwise.
 */
int scst_cdb_decode(const u8 *cdb, unsigned int cdb_len, u32 block_size,
		    struct scst_cdb_info *ci, struct scst_sense *sense)
{
	const struct scst_op_desc *op;

	memset(ci, 0, sizeof(*ci));
	if (!cdb || !cdb_len) {
		scst_sense_invalid_field(sense, true, 0, -1);
		return -EINVAL;
	}
	op = scst_op_first(cdb[0]);
	if (!op) {
		scst_sense_invalid_opcode(sense, 0, -1);
		return -EINVAL;
	}
	if (cdb_len < op->cdb_len) {
		scst_sense_invalid_field(sense, true, 0, -1);
		return -EINVAL;
	}
	if (op->has_sa) {
		bool pr = op->need & SCST_NEED_PR;

		op = scst_op_find(cdb[0], cdb[1] & 0x1f);
		if (!op) {
			/* SPC-4 6.15.1, 6.16.1: PR IN/OUT name the field. */
			if (pr)
				scst_sense_invalid_field(sense, true, 1, 4);
			else
				scst_sense_invalid_opcode(sense, 1, 4);
			return -EINVAL;
		}
	}
	if (scst_check_usage(op, cdb, sense))
		return -EINVAL;
	ci->op = op;
	ci->flags = op->flags;
	if (scst_decode_fields(op, cdb, block_size, ci, sense)) {
		memset(ci, 0, sizeof(*ci));
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(scst_cdb_decode);

/**
 * scst_cdb_check_range() - check the LBA range of a command
 * @ci: decoded command
 * @capacity_blocks: capacity of the LU in logical blocks
 * @sense: out: the sense data when the range is out of bounds
 *
 * Commands without an LBA always pass. Otherwise the first LBA must be
 * below the capacity and LBA + nblocks must not exceed it (computed
 * without overflow); a zero transfer length checks the LBA only.
 *
 * Return: 0 if in range, -EINVAL with ILLEGAL REQUEST / LOGICAL BLOCK
 * ADDRESS OUT OF RANGE (no field pointer) in @sense otherwise.
 */
int scst_cdb_check_range(const struct scst_cdb_info *ci, u64 capacity_blocks,
			 struct scst_sense *sense)
{
	if (!(ci->flags & SCST_CDB_LBA))
		return 0;
	if (ci->lba < capacity_blocks &&
	    ci->nblocks <= capacity_blocks - ci->lba)
		return 0;
	scst_sense_set(sense, SCST_SK_ILLEGAL_REQUEST,
		       SCST_ASC_LBA_OUT_OF_RANGE, SCST_ASCQ_LBA_OUT_OF_RANGE);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(scst_cdb_check_range);

/**
 * scst_cdb_fit() - fit a command's data phase to what the initiator expects
 * @ci: the decoded CDB
 * @exp_dir: the direction the initiator announced (iSCSI R/W bits, ...)
 * @exp_len: its Expected Data Transfer Length
 * @block_size: the LU's logical block size
 * @round_up: reads may use a buffer larger than @exp_len (the core's own
 *	buffer, not the driver's)
 * @fit: out: the buffer, the blocks to access, and the overflow
 * @sense: out: the reason when the command cannot run
 *
 * A READ or WRITE for which the initiator expects less data than the CDB
 * asks for (an overflow, RFC 7143 11.4.5.1) accesses only what fits:
 * reads return the first @exp_len bytes (whole blocks are read), writes
 * write the first @exp_len / @block_size blocks if @exp_len is a whole
 * number of blocks and are refused with INVALID FIELD IN COMMAND
 * INFORMATION UNIT otherwise, like any other medium write that would get
 * less data than it needs. COMPARE AND WRITE must get exactly its two
 * halves: a mismatch means the NUMBER OF LOGICAL BLOCKS field is not the
 * one the initiator meant (INVALID FIELD IN CDB). Responses and parameter
 * lists are cut at @exp_len. An announced direction other than the CDB's
 * counts as no data.
 *
 * Return: 0, or -EINVAL with @sense set.
 */
int scst_cdb_fit(const struct scst_cdb_info *ci, enum scst_data_dir exp_dir,
		 u32 exp_len, u32 block_size, bool round_up,
		 struct scst_cdb_fit *fit, struct scst_sense *sense)
{
	u8 kind = ci->op ? ci->op->kind : SCST_K_PLAIN;
	bool medium = ci->flags & SCST_CDB_MEDIUM;
	u32 len;

	if (ci->dir != SCST_DIR_NONE && exp_dir != ci->dir)
		exp_len = 0;
	len = ci->data_len < exp_len ? ci->data_len : exp_len;
	fit->bufflen = len;
	fit->xfer_cap = len;
	fit->nblocks = ci->nblocks;
	fit->overflow = medium && ci->data_len > exp_len;

	if (kind == SCST_K_CAW && ci->data_len != exp_len) {
		scst_sense_invalid_field(sense, true, ci->op->len_off, -1);
		return -EINVAL;
	}
	if (!fit->overflow)
		return 0;
	if ((kind == SCST_K_RW || kind == SCST_K_RW6) &&
	    ci->dir == SCST_DIR_IN) {
		fit->nblocks = len / block_size;
		if (round_up && len % block_size)
			fit->nblocks++;
		fit->bufflen = fit->nblocks * block_size;
		if (!round_up)
			fit->xfer_cap = fit->bufflen;
		return 0;
	}
	if ((kind == SCST_K_RW || kind == SCST_K_RW6 ||
	     kind == SCST_K_WRITE_VERIFY) && !(len % block_size)) {
		fit->nblocks = len / block_size;
		return 0;
	}
	scst_sense_set(sense, SCST_SK_ILLEGAL_REQUEST,
		       SCST_ASC_INVALID_FIELD_IN_CMD_IU,
		       SCST_ASCQ_INVALID_FIELD_IN_CMD_IU);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(scst_cdb_fit);

/**
 * scst_lun_encode() - encode a LUN as an 8-byte SAM-5 LUN
 * @lun: LUN, 0..SCST_MAX_LUN
 * @out: out: the 8-byte LUN
 *
 * LUNs 0..255 use the peripheral device addressing method, 256..16383
 * the flat space addressing method; both are single level.
 *
 * Return: 0, or -EINVAL (and @out all zeroes) for a LUN above 16383.
 */
int scst_lun_encode(u64 lun, u8 out[8])
{
	memset(out, 0, 8);
	if (lun > SCST_MAX_LUN)
		return -EINVAL;
	if (lun > 255)
		out[0] = 0x40 | (u8)(lun >> 8);
	out[1] = (u8)lun;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_lun_encode);

/**
 * scst_lun_decode() - decode an 8-byte SAM-5 LUN
 * @in: the LUN as received
 * @len: bytes at @in, at least 8
 * @lun: out: the LUN
 *
 * Accepts single-level LUNs with the peripheral device addressing method
 * (bus identifier 0) or the flat space addressing method.
 *
 * Return: 0, or -EINVAL for a short buffer, the logical unit or extended
 * addressing method (including well-known LUNs), a bus identifier or a
 * second level.
 */
int scst_lun_decode(const u8 *in, unsigned int len, u64 *lun)
{
	unsigned int i;

	if (!in || len < 8)
		return -EINVAL;
	for (i = 2; i < 8; i++) {
		if (in[i])
			return -EINVAL;
	}
	switch (in[0] >> 6) {
	case 0:	/* peripheral device addressing */
		if (in[0] & 0x3f)
			return -EINVAL;
		*lun = in[1];
		return 0;
	case 1:	/* flat space addressing */
		*lun = ((u64)(in[0] & 0x3f) << 8) | in[1];
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(scst_lun_decode);
