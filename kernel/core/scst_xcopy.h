/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EXTENDED COPY (LID1) and RECEIVE COPY RESULTS, SPC-4 6.4 and 6.18:
 * parameter list parsing and validation, segment checks against the copy
 * targets, and the RECEIVE COPY RESULTS and Third-party Copy VPD page
 * encodings. Portable (kernel and user space), stateless; the core
 * resolves the copy targets and moves the data (scst_copy.c).
 */
#ifndef SCST_XCOPY_H
#define SCST_XCOPY_H

#include "scst_cdb.h"

#define SCST_XCOPY_HDR_LEN		16	/* parameter list header */
#define SCST_XCOPY_CSCD_LEN		32	/* CSCD descriptors E0h..E9h */
#define SCST_XCOPY_B2B_LEN		28	/* block to block segment */

#define SCST_XCOPY_CSCD_ID		0xe4	/* identification descriptor */
#define SCST_XCOPY_SEG_B2B		0x02	/* block device to block device */

/* What the copy manager supports: RECEIVE COPY RESULTS and VPD 8Fh say so. */
#define SCST_XCOPY_MAX_CSCD		16
#define SCST_XCOPY_MAX_SEGS		64
#define SCST_XCOPY_MAX_LIST_LEN		(SCST_XCOPY_MAX_CSCD * SCST_XCOPY_CSCD_LEN + \
					 SCST_XCOPY_MAX_SEGS * SCST_XCOPY_B2B_LEN)
#define SCST_XCOPY_MAX_SEG_BYTES	(256U << 20)
#define SCST_XCOPY_MAX_COPIES		16	/* per I_T nexus, identified */
#define SCST_XCOPY_GRANULARITY_LOG2	9	/* data segment granularity */
#define SCST_XCOPY_DESIG_MAX		20	/* designator bytes in a CSCD */

/* LIST ID USAGE (parameter list byte 1, bits 4..3). */
#define SCST_XCOPY_LID_HOLD		0	/* keep the status for RCR */
#define SCST_XCOPY_LID_DISCARD		2	/* unique, nothing kept */
#define SCST_XCOPY_LID_NONE		3	/* LIST ID is 0, no RCR */

/* RECEIVE COPY RESULTS, COPY STATUS: COPY MANAGER STATUS. */
#define SCST_XCOPY_IN_PROGRESS		0
#define SCST_XCOPY_DONE_GOOD		1
#define SCST_XCOPY_DONE_ERROR		2

/**
 * struct scst_xcopy_cscd - an identification CSCD descriptor (E4h)
 * @off: offset of the descriptor in the parameter list
 * @pdt: PERIPHERAL DEVICE TYPE
 * @desig_type: DESIGNATOR TYPE (SCST_DESIG_*)
 * @assoc: ASSOCIATION
 * @codeset: CODE SET
 * @desig_len: bytes in @desig
 * @desig: the designator, as in the Device Identification VPD page
 * @block_len: DISK BLOCK LENGTH (may be 0: not given)
 */
struct scst_xcopy_cscd {
	u16 off;
	u8 pdt;
	u8 desig_type;
	u8 assoc;
	u8 codeset;
	u8 desig_len;
	u8 desig[SCST_XCOPY_DESIG_MAX];
	u32 block_len;
};

/**
 * struct scst_xcopy_seg - a block to block segment descriptor (02h)
 * @off: offset of the descriptor in the parameter list
 * @src: SOURCE CSCD DESCRIPTOR ID (an index into the CSCD list)
 * @dst: DESTINATION CSCD DESCRIPTOR ID
 * @dc: DC: @nblocks counts destination blocks instead of source blocks
 * @nblocks: BLOCK DEVICE NUMBER OF BLOCKS
 * @src_lba: SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS
 * @dst_lba: DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS
 */
struct scst_xcopy_seg {
	u16 off;
	u16 src;
	u16 dst;
	bool dc;
	u16 nblocks;
	u64 src_lba;
	u64 dst_lba;
};

/**
 * struct scst_xcopy_list - a parsed EXTENDED COPY(LID1) parameter list
 * @list_id: LIST ID
 * @lid_usage: LIST ID USAGE (SCST_XCOPY_LID_*)
 * @ncscd: entries in @cscd
 * @nseg: entries in @seg
 * @cscd: the CSCD descriptors
 * @seg: the segment descriptors
 */
struct scst_xcopy_list {
	u8 list_id;
	u8 lid_usage;
	unsigned int ncscd;
	unsigned int nseg;
	struct scst_xcopy_cscd cscd[SCST_XCOPY_MAX_CSCD];
	struct scst_xcopy_seg seg[SCST_XCOPY_MAX_SEGS];
};

/**
 * struct scst_xcopy_target - what the core found for one CSCD descriptor
 * @found: a logical unit the I_T nexus can see has the designator
 * @block_size: its logical block size
 * @nblocks: its capacity in logical blocks
 */
struct scst_xcopy_target {
	bool found;
	u32 block_size;
	u64 nblocks;
};

/**
 * struct scst_xcopy_extent - what one segment copies, from
 *	scst_xcopy_check_seg()
 * @src: source CSCD index
 * @dst: destination CSCD index
 * @src_lba: first source block
 * @dst_lba: first destination block
 * @bytes: bytes to copy, a multiple of both block sizes
 */
struct scst_xcopy_extent {
	u16 src;
	u16 dst;
	u64 src_lba;
	u64 dst_lba;
	u64 bytes;
};

/**
 * struct scst_xcopy_result - one copy operation, for RECEIVE COPY RESULTS
 * @state: SCST_XCOPY_IN_PROGRESS, _DONE_GOOD or _DONE_ERROR
 * @segs_done: segments processed
 * @bytes_done: bytes written to the destinations
 * @status: the SCSI status of the EXTENDED COPY, once done
 * @sense_len: bytes in @sense
 * @sense: its sense data
 */
struct scst_xcopy_result {
	u8 state;
	u16 segs_done;
	u64 bytes_done;
	u8 status;
	u8 sense_len;
	u8 sense[SCST_SENSE_BUFFERSIZE];
};

int scst_xcopy_parse(const u8 *param, u32 len, struct scst_xcopy_list *l,
		     struct scst_sense *sense);
int scst_xcopy_check_seg(const struct scst_xcopy_list *l, unsigned int i,
			 const struct scst_xcopy_target *t,
			 struct scst_xcopy_extent *ext,
			 struct scst_sense *sense);
void scst_xcopy_seg_sense(struct scst_sense *s, u8 key, u8 asc, u8 ascq,
			  unsigned int seg, int field);

u32 scst_rcr_op_params(u8 *buf, u32 len);
u32 scst_rcr_copy_status(u8 *buf, u32 len, const struct scst_xcopy_result *r);
u32 scst_rcr_failed_segs(u8 *buf, u32 len, const struct scst_xcopy_result *r);
u32 scst_rcr_receive_data(u8 *buf, u32 len);
u32 scst_xcopy_vpd_tpc(u8 *buf, u32 len);

#endif /* SCST_XCOPY_H */
