// SPDX-License-Identifier: GPL-2.0
/*
 * SBC-4 thin provisioning helpers: UNMAP parameter list validation and
 * GET LBA STATUS response building. Portable: compiles into the kernel
 * module and into the user-space library scst_portable.
 */
#include "scst_sbc.h"

/**
 * scst_unmap_parse() - validate an UNMAP parameter list
 * @param: the parameter list as received
 * @len: bytes at @param (the PARAMETER LIST LENGTH, or less if the
 *	initiator sent less)
 * @lu: the logical unit: capacity and the Block Limits VPD maxima
 * @ndesc: out: complete block descriptors to process
 * @sense: out: the sense data when the list is rejected
 *
 * The whole list is checked before anything is deallocated, so that a
 * rejected command changes nothing. An empty list (length 0) is not an
 * error (SBC-4 5.32.1). A trailing partial descriptor is ignored, as SBC-4
 * requires, and so is a descriptor of zero blocks, whatever its LBA.
 *
 * Errors, all ILLEGAL REQUEST:
 *  - 1..7 bytes: PARAMETER LIST LENGTH ERROR, field pointer to the
 *    PARAMETER LIST LENGTH in CDB byte 7;
 *  - UNMAP BLOCK DESCRIPTOR DATA LENGTH beyond the data sent, or more
 *    descriptors than MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT: INVALID FIELD
 *    IN PARAMETER LIST pointing at byte 2;
 *  - a descriptor of more than MAXIMUM UNMAP LBA COUNT blocks: INVALID
 *    FIELD IN PARAMETER LIST pointing at its NUMBER OF LOGICAL BLOCKS;
 *  - a range beyond the capacity: LOGICAL BLOCK ADDRESS OUT OF RANGE.
 * A maximum of 0 in @lu means no limit.
 *
 * Return: 0, or -EINVAL with @sense filled in.
 */
int scst_unmap_parse(const u8 *param, u32 len, const struct scst_lu_desc *lu,
		     unsigned int *ndesc, struct scst_sense *sense)
{
	unsigned int n, i;
	u32 bd_len, nblocks;
	u64 lba;

	*ndesc = 0;
	if (!len)
		return 0;
	if (len < SCST_UNMAP_HDR_LEN) {
		scst_sense_invalid_field(sense, true, 7, -1);
		sense->asc = SCST_ASC_PARAMETER_LIST_LENGTH_ERROR;
		sense->ascq = SCST_ASCQ_PARAMETER_LIST_LENGTH_ERROR;
		return -EINVAL;
	}
	bd_len = get_unaligned_be16(param + 2);
	if (bd_len > len - SCST_UNMAP_HDR_LEN) {
		scst_sense_invalid_field(sense, false, 2, -1);
		return -EINVAL;
	}
	n = bd_len / SCST_UNMAP_DESC_LEN;
	if (lu->max_unmap_desc_count && n > lu->max_unmap_desc_count) {
		scst_sense_invalid_field(sense, false, 2, -1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		scst_unmap_desc(param, i, &lba, &nblocks);
		if (!nblocks)
			continue;
		if (lu->max_unmap_lba_count &&
		    nblocks > lu->max_unmap_lba_count) {
			scst_sense_invalid_field(sense, false,
						 SCST_UNMAP_HDR_LEN +
						 i * SCST_UNMAP_DESC_LEN + 8,
						 -1);
			return -EINVAL;
		}
		if (lba >= lu->nblocks || nblocks > lu->nblocks - lba) {
			scst_sense_set(sense, SCST_SK_ILLEGAL_REQUEST,
				       SCST_ASC_LBA_OUT_OF_RANGE,
				       SCST_ASCQ_LBA_OUT_OF_RANGE);
			return -EINVAL;
		}
	}
	*ndesc = n;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_unmap_parse);

/**
 * scst_unmap_desc() - one block descriptor of a validated UNMAP list
 * @param: the parameter list, validated by scst_unmap_parse()
 * @i: descriptor index, below the count scst_unmap_parse() returned
 * @lba: out: UNMAP LOGICAL BLOCK ADDRESS
 * @nblocks: out: NUMBER OF LOGICAL BLOCKS (may be 0: nothing to do)
 */
void scst_unmap_desc(const u8 *param, unsigned int i, u64 *lba, u32 *nblocks)
{
	const u8 *d = param + SCST_UNMAP_HDR_LEN + i * SCST_UNMAP_DESC_LEN;

	*lba = get_unaligned_be64(d);
	*nblocks = get_unaligned_be32(d + 8);
}
EXPORT_SYMBOL_GPL(scst_unmap_desc);

/**
 * scst_lba_status_max_desc() - LBA status descriptors worth collecting
 * @alloc_len: the ALLOCATION LENGTH of GET LBA STATUS
 *
 * Return: how many descriptors fit in @alloc_len, at least 1 (the first
 * descriptor says the most and a short allocation length only truncates).
 */
unsigned int scst_lba_status_max_desc(u32 alloc_len)
{
	if (alloc_len < SCST_LBA_STATUS_HDR_LEN + SCST_LBA_STATUS_DESC_LEN)
		return 1;
	return (alloc_len - SCST_LBA_STATUS_HDR_LEN) /
		SCST_LBA_STATUS_DESC_LEN;
}
EXPORT_SYMBOL_GPL(scst_lba_status_max_desc);

/* Write descriptor @i if it fits in @buf_len. */
static void scst_lba_status_put(u8 *buf, u32 buf_len, unsigned int i,
				u64 lba, u32 nblocks, u8 status)
{
	u32 off = SCST_LBA_STATUS_HDR_LEN + i * SCST_LBA_STATUS_DESC_LEN;
	u8 d[SCST_LBA_STATUS_DESC_LEN] = { 0 };

	if (off >= buf_len)
		return;
	put_unaligned_be64(lba, d);
	put_unaligned_be32(nblocks, d + 8);
	d[12] = status & 0x0f;
	memcpy(buf + off, d, min_t(u32, sizeof(d), buf_len - off));
}

/**
 * scst_lba_status_build() - the GET LBA STATUS parameter data
 * @buf: out: the response
 * @buf_len: bytes at @buf (the allocation length or less); the response
 *	is truncated to it
 * @ext: extents in ascending order, the first one at the STARTING LOGICAL
 *	BLOCK ADDRESS
 * @n: entries in @ext
 *
 * Adjacent extents with the same status are merged and extents of more
 * than 2^32 - 1 blocks are split, as a descriptor's NUMBER OF LOGICAL
 * BLOCKS has 32 bits; empty extents are skipped. The PARAMETER DATA
 * LENGTH says how long the complete response is.
 *
 * Return: bytes written at @buf.
 */
u32 scst_lba_status_build(u8 *buf, u32 buf_len,
			  const struct scst_lba_extent *ext, unsigned int n)
{
	u8 hdr[SCST_LBA_STATUS_HDR_LEN] = { 0 };
	unsigned int i, nd = 0;
	u64 lba = 0, left = 0;
	u8 status = 0;
	u32 chunk, total;

	for (i = 0; i <= n; i++) {
		/* Merge a contiguous extent of the same status, else flush. */
		if (i < n && left && ext[i].status == status &&
		    ext[i].lba == lba + left) {
			left += ext[i].nblocks;
			continue;
		}
		while (left) {
			chunk = (u32)min_t(u64, left, U32_MAX);
			scst_lba_status_put(buf, buf_len, nd++, lba, chunk,
					    status);
			lba += chunk;
			left -= chunk;
		}
		if (i < n) {
			lba = ext[i].lba;
			left = ext[i].nblocks;
			status = ext[i].status;
		}
	}
	total = SCST_LBA_STATUS_HDR_LEN + nd * SCST_LBA_STATUS_DESC_LEN;
	put_unaligned_be32(total - 4, hdr);
	memcpy(buf, hdr, min_t(u32, sizeof(hdr), buf_len));
	return min(total, buf_len);
}
EXPORT_SYMBOL_GPL(scst_lba_status_build);
