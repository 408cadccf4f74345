/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SBC-4 thin provisioning helpers: UNMAP parameter list validation and
 * GET LBA STATUS response building. Portable (kernel and user space),
 * stateless; the device handler does the I/O.
 */
#ifndef SCST_SBC_H
#define SCST_SBC_H

#include "scst_spc.h"

/* UNMAP parameter list: an 8-byte header, then 16-byte block descriptors. */
#define SCST_UNMAP_HDR_LEN		8
#define SCST_UNMAP_DESC_LEN		16

/* GET LBA STATUS: an 8-byte header, then 16-byte LBA status descriptors. */
#define SCST_LBA_STATUS_HDR_LEN		8
#define SCST_LBA_STATUS_DESC_LEN	16

/* PROVISIONING STATUS of an LBA status descriptor (SBC-4 5.7.3). */
#define SCST_LBA_MAPPED			0
#define SCST_LBA_DEALLOCATED		1
#define SCST_LBA_ANCHORED		2

/**
 * struct scst_lba_extent - a run of blocks with one provisioning status
 * @lba: first logical block
 * @nblocks: number of logical blocks
 * @status: SCST_LBA_MAPPED, SCST_LBA_DEALLOCATED or SCST_LBA_ANCHORED
 */
struct scst_lba_extent {
	u64 lba;
	u64 nblocks;
	u8 status;
};

int scst_unmap_parse(const u8 *param, u32 len, const struct scst_lu_desc *lu,
		     unsigned int *ndesc, struct scst_sense *sense);
void scst_unmap_desc(const u8 *param, unsigned int i, u64 *lba, u32 *nblocks);
unsigned int scst_lba_status_max_desc(u32 alloc_len);
u32 scst_lba_status_build(u8 *buf, u32 buf_len,
			  const struct scst_lba_extent *ext, unsigned int n);

#endif /* SCST_SBC_H */
