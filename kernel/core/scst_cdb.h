/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CDB decoding, sense data and LUN encoding: portable (kernel and user
 * space) logic with no state. See scst_cdb.c and scst_sense.c.
 */
#ifndef SCST_CDB_H
#define SCST_CDB_H

#include "scst_portable.h"
#include "scst_const.h"

/**
 * enum scst_data_dir - direction of a command's data transfer
 * @SCST_DIR_NONE: no data
 * @SCST_DIR_IN: data goes to the initiator (READ)
 * @SCST_DIR_OUT: data comes from the initiator (WRITE)
 * @SCST_DIR_BIDI: both
 */
#ifndef SCST_DIR_DEFINED		/* include/scst.h has the same enum */
#define SCST_DIR_DEFINED
enum scst_data_dir {
	SCST_DIR_NONE = 0,
	SCST_DIR_IN = 1,
	SCST_DIR_OUT = 2,
	SCST_DIR_BIDI = 3,
};
#endif

/**
 * struct scst_sense - sense data content, independent of the format
 * @key: sense key (SCST_SK_*)
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 * @info_valid: @info is valid
 * @info: INFORMATION field (e.g. the offset of a miscompare)
 * @csi_valid: @csi is valid
 * @csi: COMMAND-SPECIFIC INFORMATION field (EXTENDED COPY: the number of
 *	the segment that failed)
 * @sks_valid: the sense-key specific field (field pointer) is valid
 * @sks_cd: the error is in the CDB (1) or in the parameter list (0)
 * @sks_sd: COPY ABORTED segment pointer: @sks_field counts from the start
 *	of the segment descriptor (1) or of the parameter list (0)
 * @sks_bpv: @sks_bit is valid
 * @sks_bit: number of the (leftmost) bit in error
 * @sks_field: byte offset of the field in error
 */
struct scst_sense {
	u8 key;
	u8 asc;
	u8 ascq;
	bool info_valid;
	u64 info;
	bool csi_valid;
	u32 csi;
	bool sks_valid;
	bool sks_cd;
	bool sks_sd;
	bool sks_bpv;
	u8 sks_bit;
	u16 sks_field;
};

/* struct scst_cdb_info.flags and struct scst_op_desc.flags */
#define SCST_CDB_LBA		BIT(0)	/* lba/nblocks are valid */
#define SCST_CDB_MEDIUM		BIT(1)	/* accesses the medium */
#define SCST_CDB_WRITE		BIT(2)	/* modifies the medium */
#define SCST_CDB_FUA		BIT(3)
#define SCST_CDB_DPO		BIT(4)
#define SCST_CDB_BYTCHK		BIT(5)	/* VERIFY/WRITE AND VERIFY compare data */
#define SCST_CDB_IMMED		BIT(6)
#define SCST_CDB_ALLOC_LEN	BIT(7)	/* data_len is an allocation length */
#define SCST_CDB_LOCAL		BIT(8)	/* handled by the core, not the device */
#define SCST_CDB_NO_UA		BIT(9)	/* allowed with a pending unit attention */
#define SCST_CDB_NOT_READY_OK	BIT(10)	/* allowed when the LU is not ready */
#define SCST_CDB_UNMAP		BIT(11)	/* WRITE SAME with the UNMAP bit */
#define SCST_CDB_NDOB		BIT(12)	/* WRITE SAME(16) without a data-out buffer */
#define SCST_CDB_PARAM_LEN	BIT(13)	/* data_len is a parameter list length */

/* struct scst_op_desc.need: the LU feature a command depends on */
#define SCST_NEED_PR		BIT(0)	/* persistent reservations */
#define SCST_NEED_ALUA		BIT(1)	/* ALUA (target port groups) */
#define SCST_NEED_ALUA_EXPLICIT	BIT(2)	/* explicit ALUA (SET TPGs) */
#define SCST_NEED_CAW		BIT(3)	/* COMPARE AND WRITE */
#define SCST_NEED_XCOPY		BIT(4)	/* EXTENDED COPY */
#define SCST_NEED_THIN		BIT(5)	/* thin provisioning */
#define SCST_NEED_REFERRALS	BIT(6)	/* user data segments (LBA dependent) */

/**
 * struct scst_op_desc - one row of the opcode table
 * @name: command name, as in the standards
 * @opcode: operation code
 * @sa: service action, when @has_sa
 * @has_sa: the opcode has service actions (byte 1, bits 4..0)
 * @cdb_len: CDB length in bytes
 * @dir: data direction when there is data to transfer
 * @kind: decoding rule (internal to scst_cdb.c)
 * @lba_off: byte offset of the LBA field (0: none)
 * @lba_len: size of the LBA field in bytes
 * @len_off: byte offset of the length field (0: none)
 * @len_len: size of the length field in bytes
 * @len_type: meaning of the length field (internal to scst_cdb.c)
 * @fixed_len: data length of commands with a fixed-size response
 * @need: SCST_NEED_* feature that the LU must have for the command
 * @timeout: nominal command timeout in seconds
 * @flags: static SCST_CDB_* flags
 * @usage: CDB usage data: byte 0 is the opcode, byte 1 of a command with
 *	service actions holds the service action in bits 4..0, all other
 *	bits set are the bits an initiator may set (SPC-4 6.35.3)
 */
struct scst_op_desc {
	const char *name;
	u8 opcode;
	u8 sa;
	bool has_sa;
	u8 cdb_len;
	u8 dir;
	u8 kind;
	u8 lba_off;
	u8 lba_len;
	u8 len_off;
	u8 len_len;
	u8 len_type;
	u8 fixed_len;
	u8 need;
	u16 timeout;
	u32 flags;
	u8 usage[16];
};

/**
 * struct scst_cdb_info - what scst_cdb_decode() found in a CDB
 * @op: the opcode table row
 * @dir: data direction (SCST_DIR_NONE when @data_len is 0)
 * @lba: first logical block, valid when @flags has SCST_CDB_LBA
 * @nblocks: transfer length in logical blocks for medium access
 *	(READ(6)/WRITE(6): 0 means 256; SYNCHRONIZE CACHE: 0 means up to
 *	the end of the medium)
 * @data_len: bytes the initiator sends or receives: nblocks * block_size,
 *	an allocation length or a parameter list length; for VERIFY with
 *	BYTCHK and WRITE AND VERIFY the bytes sent
 * @flags: SCST_CDB_*
 */
struct scst_cdb_info {
	const struct scst_op_desc *op;
	enum scst_data_dir dir;
	u64 lba;
	u32 nblocks;
	u32 data_len;
	u32 flags;
};

/**
 * struct scst_cdb_fit - a command's data phase fitted to the initiator's
 *	expectation, see scst_cdb_fit()
 * @bufflen: bytes of the data buffer (0: no data phase)
 * @xfer_cap: data-in bytes the initiator takes at most
 * @nblocks: logical blocks to access (the CDB's, or fewer)
 * @overflow: the CDB asks for more data than the initiator expects
 */
struct scst_cdb_fit {
	u32 bufflen;
	u32 xfer_cap;
	u32 nblocks;
	bool overflow;
};

const char *scst_op_name(const struct scst_op_desc *op);
const struct scst_op_desc *scst_op_find(u8 opcode, u8 sa);
bool scst_op_has_sa(u8 opcode);
unsigned int scst_op_count(void);
const struct scst_op_desc *scst_op_at(unsigned int i);
int scst_cdb_decode(const u8 *cdb, unsigned int cdb_len, u32 block_size,
		    struct scst_cdb_info *ci, struct scst_sense *sense);
int scst_cdb_check_range(const struct scst_cdb_info *ci, u64 capacity_blocks,
			 struct scst_sense *sense);
int scst_cdb_fit(const struct scst_cdb_info *ci, enum scst_data_dir exp_dir,
		 u32 exp_len, u32 block_size, bool round_up,
		 struct scst_cdb_fit *fit, struct scst_sense *sense);

void scst_sense_set(struct scst_sense *s, u8 key, u8 asc, u8 ascq);
void scst_sense_invalid_field(struct scst_sense *s, bool in_cdb, u16 byte,
			      int bit);
unsigned int scst_sense_build(u8 *buf, unsigned int buf_len, bool descriptor,
			      const struct scst_sense *s);
int scst_sense_parse(const u8 *buf, unsigned int len, struct scst_sense *s);

/* Largest LUN that scst_lun_encode() and scst_lun_decode() handle. */
#define SCST_MAX_LUN		16383

int scst_lun_encode(u64 lun, u8 out[8]);
int scst_lun_decode(const u8 *in, unsigned int len, u64 *lun);

#endif /* SCST_CDB_H */
