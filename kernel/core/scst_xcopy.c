// SPDX-License-Identifier: GPL-2.0
/*
 * EXTENDED COPY (LID1) parameter list parsing and validation, RECEIVE COPY
 * RESULTS and Third-party Copy VPD page encodings (SPC-4 6.4, 6.18, 7.8.17).
 * Portable: compiles into the kernel module and into the user-space
 * library scst_portable. Stateless.
 *
 * The copy manager supports identification CSCD descriptors (E4h) and block
 * to block segment descriptors (02h), no inline or held data. The whole
 * parameter list is checked before any data moves, so that a list with an
 * error copies nothing.
 */
#include "scst_xcopy.h"

static int scst_xcopy_err(struct scst_sense *s, u8 asc, u8 ascq, u32 field)
{
	scst_sense_set(s, SCST_SK_ILLEGAL_REQUEST, asc, ascq);
	s->sks_valid = true;
	s->sks_field = (u16)min_t(u32, field, 0xffff);
	return -EINVAL;
}

static int scst_xcopy_bad_field(struct scst_sense *s, u32 field, int bit)
{
	scst_sense_invalid_field(s, false, (u16)min_t(u32, field, 0xffff), bit);
	return -EINVAL;
}

static int scst_xcopy_len_error(struct scst_sense *s)
{
	/* The PARAMETER LIST LENGTH field of the CDB. */
	scst_sense_invalid_field(s, true, 10, -1);
	s->asc = SCST_ASC_PARAMETER_LIST_LENGTH_ERROR;
	s->ascq = SCST_ASCQ_PARAMETER_LIST_LENGTH_ERROR;
	return -EINVAL;
}

/* A CSCD descriptor: only the identification descriptor is supported. */
static int scst_xcopy_parse_cscd(const u8 *d, u16 off,
				 struct scst_xcopy_cscd *c,
				 struct scst_sense *sense)
{
	/* E0h..EAh, FEh and FFh are CSCD descriptors SPC-4 defines. */
	if (d[0] != SCST_XCOPY_CSCD_ID)
		return scst_xcopy_err(sense, SCST_ASC_UNSUPPORTED_TARGET_DESC,
				      SCST_ASCQ_UNSUPPORTED_TARGET_DESC, off);
	/*
	 * LU ID TYPE is ignored (SPC-4: the designator identifies the LU),
	 * and so is the obsolete NUL bit. Only block devices are copied.
	 */
	c->off = off;
	c->pdt = d[1] & 0x1f;
	if (c->pdt != SCST_TYPE_DISK)
		return scst_xcopy_bad_field(sense, off + 1, 4);
	c->codeset = d[4] & 0x0f;
	c->assoc = (d[5] >> 4) & 0x03;
	c->desig_type = d[5] & 0x0f;
	c->desig_len = d[7];
	if (c->desig_len > SCST_XCOPY_DESIG_MAX)
		return scst_xcopy_bad_field(sense, off + 7, -1);
	memcpy(c->desig, d + 8, c->desig_len);
	c->block_len = get_unaligned_be24(d + 29);
	return 0;
}

static int scst_xcopy_parse_seg(const u8 *d, u32 left, u16 off,
				struct scst_xcopy_seg *g,
				struct scst_sense *sense)
{
	u32 dlen;

	if (left < 4)
		return scst_xcopy_len_error(sense);
	dlen = get_unaligned_be16(d + 2);
	if (d[0] != SCST_XCOPY_SEG_B2B)
		return scst_xcopy_err(sense, SCST_ASC_UNSUPPORTED_SEGMENT_DESC,
				      SCST_ASCQ_UNSUPPORTED_SEGMENT_DESC, off);
	if (dlen != SCST_XCOPY_B2B_LEN - 4)
		return scst_xcopy_bad_field(sense, off + 2, -1);
	if (left < SCST_XCOPY_B2B_LEN)
		return scst_xcopy_len_error(sense);
	g->off = off;
	g->dc = !!(d[1] & 0x02);
	g->src = get_unaligned_be16(d + 4);
	g->dst = get_unaligned_be16(d + 6);
	g->nblocks = get_unaligned_be16(d + 10);
	g->src_lba = get_unaligned_be64(d + 12);
	g->dst_lba = get_unaligned_be64(d + 20);
	return 0;
}

/**
 * scst_xcopy_parse() - parse and check an EXTENDED COPY(LID1) parameter list
 * @param: the parameter list
 * @len: bytes at @param (the PARAMETER LIST LENGTH, or less if fewer came)
 * @l: out: the list
 * @sense: out: the sense data when the list is refused
 *
 * An empty parameter list, or one without descriptors, is not an error: it
 * copies nothing (@l->nseg 0). Errors, all ILLEGAL REQUEST:
 *  - 1..15 bytes, descriptors beyond @len, or a descriptor list longer than
 *    SCST_XCOPY_MAX_LIST_LEN: PARAMETER LIST LENGTH ERROR;
 *  - LIST ID USAGE 01b, or 11b with a LIST ID other than 0, a CSCD
 *    DESCRIPTOR LIST LENGTH not a multiple of 32 or 0 with segments, a
 *    CSCD of another peripheral device type than a disk, a designator
 *    longer than 20 bytes, a segment descriptor of the wrong length:
 *    INVALID FIELD IN PARAMETER LIST with a field pointer;
 *  - inline data: INLINE DATA LENGTH EXCEEDED (the maximum is 0);
 *  - more than SCST_XCOPY_MAX_CSCD or SCST_XCOPY_MAX_SEGS descriptors: TOO
 *    MANY TARGET or SEGMENT DESCRIPTORS;
 *  - a descriptor type other than E4h or 02h: UNSUPPORTED TARGET or
 *    SEGMENT DESCRIPTOR TYPE CODE, with a field pointer to it.
 *
 * Return: 0, or -EINVAL with @sense filled in.
 */
int scst_xcopy_parse(const u8 *param, u32 len, struct scst_xcopy_list *l,
		     struct scst_sense *sense)
{
	u32 cscd_len, seg_len, inl, off, end;
	unsigned int i;
	int res;

	l->list_id = 0;
	l->lid_usage = SCST_XCOPY_LID_NONE;
	l->ncscd = 0;
	l->nseg = 0;
	if (!len)
		return 0;
	if (len < SCST_XCOPY_HDR_LEN)
		return scst_xcopy_len_error(sense);
	l->list_id = param[0];
	l->lid_usage = (param[1] >> 3) & 0x03;
	if (l->lid_usage == 1)
		return scst_xcopy_bad_field(sense, 1, 4);
	if (l->lid_usage == SCST_XCOPY_LID_NONE && l->list_id)
		return scst_xcopy_bad_field(sense, 0, -1);
	cscd_len = get_unaligned_be16(param + 2);
	seg_len = get_unaligned_be32(param + 8);
	inl = get_unaligned_be32(param + 12);
	if (seg_len > SCST_XCOPY_MAX_LIST_LEN ||
	    cscd_len + seg_len > SCST_XCOPY_MAX_LIST_LEN)
		return scst_xcopy_len_error(sense);
	if ((u64)SCST_XCOPY_HDR_LEN + cscd_len + seg_len + inl > len)
		return scst_xcopy_len_error(sense);
	if (inl)
		return scst_xcopy_err(sense, SCST_ASC_INLINE_DATA_LENGTH_EXCEEDED,
				      SCST_ASCQ_INLINE_DATA_LENGTH_EXCEEDED, 12);
	if (cscd_len % SCST_XCOPY_CSCD_LEN || (!cscd_len && seg_len))
		return scst_xcopy_bad_field(sense, 2, -1);
	if (cscd_len / SCST_XCOPY_CSCD_LEN > SCST_XCOPY_MAX_CSCD)
		return scst_xcopy_err(sense, SCST_ASC_TOO_MANY_TARGET_DESCS,
				      SCST_ASCQ_TOO_MANY_TARGET_DESCS, 2);

	off = SCST_XCOPY_HDR_LEN;
	for (i = 0; i < cscd_len / SCST_XCOPY_CSCD_LEN; i++) {
		res = scst_xcopy_parse_cscd(param + off, (u16)off,
					    &l->cscd[i], sense);
		if (res)
			return res;
		off += SCST_XCOPY_CSCD_LEN;
	}
	l->ncscd = i;

	end = off + seg_len;
	for (i = 0; off < end; i++) {
		if (i >= SCST_XCOPY_MAX_SEGS)
			return scst_xcopy_err(sense, SCST_ASC_TOO_MANY_SEGMENT_DESCS,
					      SCST_ASCQ_TOO_MANY_SEGMENT_DESCS,
					      8);
		res = scst_xcopy_parse_seg(param + off, end - off, (u16)off,
					   &l->seg[i], sense);
		if (res)
			return res;
		off += SCST_XCOPY_B2B_LEN;
	}
	l->nseg = i;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_xcopy_parse);

/**
 * scst_xcopy_seg_sense() - COPY ABORTED style sense data for a segment
 * @s: out: the sense data
 * @key: sense key (SCST_SK_COPY_ABORTED)
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 * @seg: the number of the segment: COMMAND-SPECIFIC INFORMATION
 * @field: the field in error, counted from the start of the segment
 *	descriptor (segment pointer with SD=1), -1: none
 */
void scst_xcopy_seg_sense(struct scst_sense *s, u8 key, u8 asc, u8 ascq,
			  unsigned int seg, int field)
{
	scst_sense_set(s, key, asc, ascq);
	s->csi_valid = true;
	s->csi = seg;
	if (field >= 0) {
		s->sks_valid = true;
		s->sks_sd = true;
		s->sks_field = (u16)field;
	}
}
EXPORT_SYMBOL_GPL(scst_xcopy_seg_sense);

static int scst_xcopy_seg_abort(struct scst_sense *s, u8 asc, u8 ascq,
				unsigned int seg, int field)
{
	scst_xcopy_seg_sense(s, SCST_SK_COPY_ABORTED, asc, ascq, seg, field);
	return -EINVAL;
}

/**
 * scst_xcopy_check_seg() - check one segment against its copy targets
 * @l: the list, from scst_xcopy_parse()
 * @i: segment number, below @l->nseg
 * @t: the targets the core resolved, one per CSCD of @l
 * @ext: out: what the segment copies
 * @sense: out: the sense data when the segment cannot be copied
 *
 * Errors, all COPY ABORTED with the segment number in the COMMAND-SPECIFIC
 * INFORMATION and a segment pointer to the field in error:
 *  - a CSCD index beyond the list: NO ADDITIONAL SENSE INFORMATION;
 *  - a CSCD that names no logical unit this I_T nexus can see: COPY
 *    TARGET DEVICE NOT REACHABLE;
 *  - a length that is not whole blocks of both devices, or a range beyond
 *    the capacity of either: NO ADDITIONAL SENSE INFORMATION, as the
 *    copy manager found it before anything was copied.
 *
 * Return: 0, or -EINVAL with @sense filled in.
 */
int scst_xcopy_check_seg(const struct scst_xcopy_list *l, unsigned int i,
			 const struct scst_xcopy_target *t,
			 struct scst_xcopy_extent *ext,
			 struct scst_sense *sense)
{
	const struct scst_xcopy_seg *g = &l->seg[i];
	const struct scst_xcopy_target *src, *dst;
	u64 sblocks, dblocks;

	if (g->src >= l->ncscd)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 4);
	if (g->dst >= l->ncscd)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 6);
	src = &t[g->src];
	dst = &t[g->dst];
	if (!src->found)
		return scst_xcopy_seg_abort(sense,
					    SCST_ASC_COPY_TARGET_NOT_REACHABLE,
					    SCST_ASCQ_COPY_TARGET_NOT_REACHABLE,
					    i, 4);
	if (!dst->found)
		return scst_xcopy_seg_abort(sense,
					    SCST_ASC_COPY_TARGET_NOT_REACHABLE,
					    SCST_ASCQ_COPY_TARGET_NOT_REACHABLE,
					    i, 6);
	if (!src->block_size || !dst->block_size)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 10);
	ext->src = g->src;
	ext->dst = g->dst;
	ext->src_lba = g->src_lba;
	ext->dst_lba = g->dst_lba;
	ext->bytes = (u64)g->nblocks *
		     (g->dc ? dst->block_size : src->block_size);
	if (ext->bytes % src->block_size || ext->bytes % dst->block_size)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 10);
	sblocks = ext->bytes / src->block_size;
	dblocks = ext->bytes / dst->block_size;
	if (g->src_lba > src->nblocks || sblocks > src->nblocks - g->src_lba)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 12);
	if (g->dst_lba > dst->nblocks || dblocks > dst->nblocks - g->dst_lba)
		return scst_xcopy_seg_abort(sense, 0, 0, i, 20);
	return 0;
}
EXPORT_SYMBOL_GPL(scst_xcopy_check_seg);

/* Copy the response built in @tmp (@total bytes) into @buf, truncated. */
static u32 scst_xcopy_put(u8 *buf, u32 len, const u8 *tmp, u32 total)
{
	u32 n = min(len, total);

	if (n)
		memcpy(buf, tmp, n);
	return n;
}

/**
 * scst_rcr_op_params() - RECEIVE COPY RESULTS, OPERATING PARAMETERS
 * @buf: out: the response
 * @len: bytes at @buf (the allocation length or less)
 *
 * Return: bytes written at @buf.
 */
u32 scst_rcr_op_params(u8 *buf, u32 len)
{
	static const u8 codes[] = { SCST_XCOPY_SEG_B2B, SCST_XCOPY_CSCD_ID };
	u8 r[44 + sizeof(codes)] = { 0 };

	put_unaligned_be32(sizeof(r) - 4, r);
	r[4] = 0x01;				/* SNLID */
	put_unaligned_be16(SCST_XCOPY_MAX_CSCD, r + 8);
	put_unaligned_be16(SCST_XCOPY_MAX_SEGS, r + 10);
	put_unaligned_be32(SCST_XCOPY_MAX_LIST_LEN, r + 12);
	put_unaligned_be32(SCST_XCOPY_MAX_SEG_BYTES, r + 16);
	/* No inline data, no held data, no stream devices: 20..33 zero. */
	put_unaligned_be16(SCST_XCOPY_MAX_COPIES, r + 34);
	r[36] = SCST_XCOPY_MAX_COPIES;
	r[37] = SCST_XCOPY_GRANULARITY_LOG2;
	r[43] = sizeof(codes);
	memcpy(r + 44, codes, sizeof(codes));
	return scst_xcopy_put(buf, len, r, sizeof(r));
}
EXPORT_SYMBOL_GPL(scst_rcr_op_params);

/**
 * scst_rcr_copy_status() - RECEIVE COPY RESULTS, COPY STATUS
 * @buf: out: the response
 * @len: bytes at @buf
 * @r: the copy operation
 *
 * The TRANSFER COUNT is in the smallest unit (bytes, KiB, MiB, ...) in
 * which it fits in 32 bits.
 *
 * Return: bytes written at @buf.
 */
u32 scst_rcr_copy_status(u8 *buf, u32 len, const struct scst_xcopy_result *r)
{
	u8 b[12] = { 0 };
	u64 count = r->bytes_done;
	u8 unit = 0;

	while (count > U32_MAX) {
		count >>= 10;
		unit++;
	}
	put_unaligned_be32(sizeof(b) - 4, b);
	b[4] = r->state & 0x7f;
	put_unaligned_be16(r->segs_done, b + 5);
	b[7] = unit;
	put_unaligned_be32((u32)count, b + 8);
	return scst_xcopy_put(buf, len, b, sizeof(b));
}
EXPORT_SYMBOL_GPL(scst_rcr_copy_status);

/**
 * scst_rcr_failed_segs() - RECEIVE COPY RESULTS, FAILED SEGMENT DETAILS
 * @buf: out: the response
 * @len: bytes at @buf
 * @r: the copy operation, done
 *
 * Return: bytes written at @buf.
 */
u32 scst_rcr_failed_segs(u8 *buf, u32 len, const struct scst_xcopy_result *r)
{
	u8 b[60 + SCST_SENSE_BUFFERSIZE] = { 0 };
	u32 n = min_t(u32, r->sense_len, SCST_SENSE_BUFFERSIZE);

	put_unaligned_be32(60 + n - 4, b);
	b[56] = r->status;
	put_unaligned_be16((u16)n, b + 58);
	memcpy(b + 60, r->sense, n);
	return scst_xcopy_put(buf, len, b, 60 + n);
}
EXPORT_SYMBOL_GPL(scst_rcr_failed_segs);

/**
 * scst_rcr_receive_data() - RECEIVE COPY RESULTS, RECEIVE DATA
 * @buf: out: the response
 * @len: bytes at @buf
 *
 * The copy manager holds no data (HELD DATA LIMIT 0): AVAILABLE DATA 0.
 *
 * Return: bytes written at @buf.
 */
u32 scst_rcr_receive_data(u8 *buf, u32 len)
{
	static const u8 b[4];

	return scst_xcopy_put(buf, len, b, sizeof(b));
}
EXPORT_SYMBOL_GPL(scst_rcr_receive_data);

/**
 * scst_xcopy_vpd_tpc() - the descriptors of the Third-party Copy VPD page
 * @buf: out: the third-party copy descriptors (page bytes 4 on)
 * @len: bytes at @buf
 *
 * Supported Commands, Parameter Data, Supported Descriptors, Supported
 * CSCD Descriptor IDs (none) and General Copy Operations, each padded to
 * a multiple of 4 bytes.
 *
 * Return: the length of all the descriptors (what the PAGE LENGTH says);
 * at most @len bytes of them are written.
 */
u32 scst_xcopy_vpd_tpc(u8 *buf, u32 len)
{
	u8 b[112] = { 0 };
	u32 o = 0;

	/* Supported Commands: 83h/00h, 84h/00h 01h 03h 04h. */
	put_unaligned_be16(0x0001, b + o);
	put_unaligned_be16(12, b + o + 2);
	b[o + 4] = 9;
	b[o + 5] = SCST_OP_EXTENDED_COPY;
	b[o + 6] = 1;
	b[o + 7] = SCST_XCOPY_LID1;
	b[o + 8] = SCST_OP_RECEIVE_COPY_RESULTS;
	b[o + 9] = 4;
	b[o + 10] = SCST_RCR_COPY_STATUS;
	b[o + 11] = SCST_RCR_RECEIVE_DATA;
	b[o + 12] = SCST_RCR_OPERATING_PARAMETERS;
	b[o + 13] = SCST_RCR_FAILED_SEGMENT_DETAILS;
	o += 16;
	/* Parameter Data. */
	put_unaligned_be16(0x0004, b + o);
	put_unaligned_be16(0x1c, b + o + 2);
	put_unaligned_be16(SCST_XCOPY_MAX_CSCD, b + o + 8);
	put_unaligned_be16(SCST_XCOPY_MAX_SEGS, b + o + 10);
	put_unaligned_be32(SCST_XCOPY_MAX_LIST_LEN, b + o + 12);
	o += 32;
	/* Supported Descriptors. */
	put_unaligned_be16(0x0008, b + o);
	put_unaligned_be16(4, b + o + 2);
	b[o + 4] = 2;
	b[o + 5] = SCST_XCOPY_SEG_B2B;
	b[o + 6] = SCST_XCOPY_CSCD_ID;
	o += 8;
	/* Supported CSCD Descriptor IDs: none. */
	put_unaligned_be16(0x000c, b + o);
	put_unaligned_be16(4, b + o + 2);
	o += 8;
	/* General Copy Operations. */
	put_unaligned_be16(0x8001, b + o);
	put_unaligned_be16(0x20, b + o + 2);
	put_unaligned_be32(SCST_XCOPY_MAX_COPIES, b + o + 4);
	put_unaligned_be32(SCST_XCOPY_MAX_COPIES, b + o + 8);
	put_unaligned_be32(SCST_XCOPY_MAX_SEG_BYTES, b + o + 12);
	b[o + 16] = SCST_XCOPY_GRANULARITY_LOG2;
	b[o + 17] = 0;
	o += 36;
	scst_xcopy_put(buf, len, b, o);
	return o;
}
EXPORT_SYMBOL_GPL(scst_xcopy_vpd_tpc);
