// SPDX-License-Identifier: GPL-2.0
/*
 * SPC-4/SBC-3 emulation of the non-data-path commands of a disk.
 * Portable: compiles into the kernel module and into the user-space
 * library scst_portable. Stateless; every response is written through a
 * bounds-checked writer, so nothing is ever written beyond the buffer.
 */
#include "scst_spc.h"
#include "scst_xcopy.h"

/* Bounded response writer: bytes at or beyond @cap are dropped. */
struct scst_out {
	u8 *buf;
	u32 cap;
};

static void scst_out_init(struct scst_out *o, struct scst_emul *e, u32 alloc)
{
	o->buf = e->buf;
	o->cap = e->buf ? min_t(u32, e->buf_len, alloc) : 0;
	if (o->cap)
		memset(o->buf, 0, o->cap);
}

static void scst_out8(const struct scst_out *o, u32 off, u8 v)
{
	if (off < o->cap)
		o->buf[off] = v;
}

static void scst_out16(const struct scst_out *o, u32 off, u16 v)
{
	scst_out8(o, off, (u8)(v >> 8));
	scst_out8(o, off + 1, (u8)v);
}

static void scst_out32(const struct scst_out *o, u32 off, u32 v)
{
	scst_out16(o, off, (u16)(v >> 16));
	scst_out16(o, off + 2, (u16)v);
}

static void scst_out64(const struct scst_out *o, u32 off, u64 v)
{
	scst_out32(o, off, (u32)(v >> 32));
	scst_out32(o, off + 4, (u32)v);
}

static void scst_out_mem(const struct scst_out *o, u32 off, const void *src,
			 u32 n)
{
	const u8 *p = src;
	u32 i;

	for (i = 0; i < n && off + i < o->cap; i++)
		o->buf[off + i] = p[i];
}

/* A NUL-terminated string of at most @width bytes, space padded. */
static void scst_out_str(const struct scst_out *o, u32 off, const char *s,
			 u32 width)
{
	u32 n = s ? (u32)strnlen(s, width) : 0;

	scst_out_mem(o, off, s, n);
	for (; n < width; n++)
		scst_out8(o, off + n, ' ');
}

static enum scst_emul_result scst_emul_done(struct scst_emul *e,
					    const struct scst_out *o, u64 total)
{
	e->resp_len = (u32)min_t(u64, total, o->cap);
	return SCST_EMUL_DONE;
}

static enum scst_emul_result scst_emul_bad_cdb(struct scst_emul *e, u16 byte,
					       int bit)
{
	scst_sense_invalid_field(&e->sense, true, byte, bit);
	return SCST_EMUL_CHECK;
}

static enum scst_emul_result scst_emul_bad_param(struct scst_emul *e,
						 u32 byte, int bit)
{
	scst_sense_invalid_field(&e->sense, false, (u16)min_t(u32, byte, 0xffff),
				 bit);
	return SCST_EMUL_CHECK;
}

static enum scst_emul_result scst_emul_check(struct scst_emul *e, u8 key,
					     u8 asc, u8 ascq)
{
	scst_sense_set(&e->sense, key, asc, ascq);
	return SCST_EMUL_CHECK;
}

static int scst_high_bit(u8 v)
{
	int bit = 7;

	while (bit > 0 && !(v & BIT(bit)))
		bit--;
	return bit;
}

/**
 * scst_mode_params_default() - the default mode parameter values
 * @lu: the logical unit
 * @mp: out: the defaults: WCE from @lu->wce_default, TAS and DEXCPT set,
 *	everything else clear
 */
void scst_mode_params_default(const struct scst_lu_desc *lu,
			      struct scst_mode_params *mp)
{
	memset(mp, 0, sizeof(*mp));
	mp->wce = lu->wce_default;
	mp->tas = true;
	mp->dexcpt = true;
}
EXPORT_SYMBOL_GPL(scst_mode_params_default);

/* Mode parameters with every changeable field set to all ones. */
static void scst_mode_params_mask(const struct scst_lu_desc *lu,
				  struct scst_mode_params *mp)
{
	mp->wce = lu->wce_changeable;
	mp->rcd = true;
	mp->d_sense = true;
	mp->swp = true;
	mp->tas = true;
	mp->qerr = 3;
	mp->dexcpt = true;
	mp->mrie = 0x0f;
}

/**
 * scst_mode_params_equal() - whether @a and @b hold the same values
 * @a: mode parameters
 * @b: mode parameters
 */
bool scst_mode_params_equal(const struct scst_mode_params *a,
			    const struct scst_mode_params *b)
{
	return a->wce == b->wce && a->rcd == b->rcd &&
	       a->d_sense == b->d_sense && a->swp == b->swp &&
	       a->tas == b->tas && a->qerr == b->qerr &&
	       a->dexcpt == b->dexcpt && a->mrie == b->mrie;
}

/*
 * The text form of the mode parameters ("wce=1 rcd=0 ..."), which the
 * devices/<dev>/mode_saved file shows and takes, so that the saved values
 * outlive the device in a configuration file. @max is the largest value;
 * QERR 2 is reserved as in MODE SELECT.
 */
static const struct scst_mode_field {
	const char *name;
	u8 off;
	u8 max;
} scst_mode_fields[] = {
	{ "wce", offsetof(struct scst_mode_params, wce), 1 },
	{ "rcd", offsetof(struct scst_mode_params, rcd), 1 },
	{ "d_sense", offsetof(struct scst_mode_params, d_sense), 1 },
	{ "swp", offsetof(struct scst_mode_params, swp), 1 },
	{ "tas", offsetof(struct scst_mode_params, tas), 1 },
	{ "qerr", offsetof(struct scst_mode_params, qerr), 3 },
	{ "dexcpt", offsetof(struct scst_mode_params, dexcpt), 1 },
	{ "mrie", offsetof(struct scst_mode_params, mrie), 6 },
};

/* Every field is a bool or a u8 (a bool is one byte holding 0 or 1). */
static u8 *scst_mode_field(struct scst_mode_params *mp,
			   const struct scst_mode_field *f)
{
	return (u8 *)mp + f->off;
}

/**
 * scst_mode_params_format() - write the text form of @mp
 * @mp: mode parameters
 * @buf: out: "wce=1 rcd=0 d_sense=0 ...", NUL-terminated
 * @len: size of @buf
 *
 * Return: the length of the text, or -ENOSPC if @buf is too small.
 */
int scst_mode_params_format(const struct scst_mode_params *mp, char *buf,
			    u32 len)
{
	struct scst_mode_params v = *mp;
	u32 i, n = 0, l;

	for (i = 0; i < ARRAY_SIZE(scst_mode_fields); i++) {
		const struct scst_mode_field *f = &scst_mode_fields[i];

		l = strlen(f->name);
		/* blank, name, '=', one digit (values are < 10), NUL */
		if (n + 1 + l + 2 + 1 > len)
			return -ENOSPC;
		if (i)
			buf[n++] = ' ';
		memcpy(buf + n, f->name, l);
		n += l;
		buf[n++] = '=';
		buf[n++] = '0' + min_t(u8, *scst_mode_field(&v, f), 9);
	}
	buf[n] = 0;
	return n;
}
EXPORT_SYMBOL_GPL(scst_mode_params_format);

static bool scst_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/**
 * scst_mode_params_parse() - take values from their text form
 * @lu: the logical unit, which says whether WCE can change
 * @text: "name=value" words separated by blanks, any subset of the fields
 *	scst_mode_params_format() writes, or the word "default"
 * @len: length of @text
 * @mp: in: the values to start from; out: the result, unchanged on error
 *
 * Return: 0, or -EINVAL for an unknown name, a value that is malformed,
 * out of range or reserved, or a WCE change the unit does not allow.
 */
int scst_mode_params_parse(const struct scst_lu_desc *lu, const char *text,
			   u32 len, struct scst_mode_params *mp)
{
	struct scst_mode_params v = *mp;
	const struct scst_mode_field *f;
	u32 i = 0, start, eq, k, val;

	for (;;) {
		while (i < len && scst_is_blank(text[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !scst_is_blank(text[i]))
			i++;
		if (i - start == 7 && !memcmp(text + start, "default", 7)) {
			scst_mode_params_default(lu, &v);
			continue;
		}
		for (eq = start; eq < i && text[eq] != '='; eq++)
			;
		if (eq == i || eq + 1 == i)
			return -EINVAL;
		f = NULL;
		for (k = 0; k < ARRAY_SIZE(scst_mode_fields); k++)
			if (strlen(scst_mode_fields[k].name) == eq - start &&
			    !memcmp(scst_mode_fields[k].name, text + start,
				    eq - start))
				f = &scst_mode_fields[k];
		if (!f)
			return -EINVAL;
		val = 0;
		for (k = eq + 1; k < i; k++) {
			if (text[k] < '0' || text[k] > '9' || val > f->max)
				return -EINVAL;
			val = val * 10 + (text[k] - '0');
		}
		if (val > f->max || (f->max == 3 && val == 2))
			return -EINVAL;
		*scst_mode_field(&v, f) = val;
	}
	if (v.wce != mp->wce && !lu->wce_changeable)
		return -EINVAL;
	*mp = v;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_mode_params_parse);

/* Largest mode page that we implement (caching: 20 bytes). */
#define SCST_MODE_PAGE_MAX	20

static bool scst_mode_page_known(u8 page)
{
	return page == SCST_MP_CACHING || page == SCST_MP_CONTROL ||
	       page == SCST_MP_IEC;
}

/*
 * The image of mode page @page (byte 0 without PS) built from @mp.
 * Return: its length in bytes, 0 for a page that we do not implement.
 */
static u32 scst_mode_page(u8 page, const struct scst_mode_params *mp, u8 *p)
{
	memset(p, 0, SCST_MODE_PAGE_MAX);
	p[0] = page;
	switch (page) {
	case SCST_MP_CACHING:
		p[1] = 0x12;
		p[2] = (mp->wce ? 0x04 : 0) | (mp->rcd ? 0x01 : 0);
		return 20;
	case SCST_MP_CONTROL:
		p[1] = 0x0a;
		p[2] = mp->d_sense ? 0x04 : 0;
		p[3] = (mp->qerr & 3) << 1;
		p[4] = mp->swp ? 0x08 : 0;
		p[5] = mp->tas ? 0x40 : 0;
		return 12;
	case SCST_MP_IEC:
		p[1] = 0x0a;
		p[2] = mp->dexcpt ? 0x08 : 0;
		p[3] = mp->mrie & 0x0f;
		return 12;
	default:
		return 0;
	}
}

/*
 * Take the values of page @p (at parameter list offset @off) into @mp.
 * Return: 0, or -EINVAL for a reserved value, with its parameter list
 * offset in *@bad_byte and its leftmost bit in *@bad_bit.
 */
static int scst_mode_page_take(const u8 *p, u32 off, struct scst_mode_params *mp,
			       u32 *bad_byte, int *bad_bit)
{
	*bad_byte = off;
	*bad_bit = 5;
	switch (p[0] & 0x3f) {
	case SCST_MP_CACHING:
		mp->wce = !!(p[2] & 0x04);
		mp->rcd = !!(p[2] & 0x01);
		return 0;
	case SCST_MP_CONTROL:
		if (((p[3] >> 1) & 3) == 2) {	/* QERR 10b is reserved */
			*bad_byte = off + 3;
			*bad_bit = 2;
			return -EINVAL;
		}
		mp->d_sense = !!(p[2] & 0x04);
		mp->qerr = (p[3] >> 1) & 3;
		mp->swp = !!(p[4] & 0x08);
		mp->tas = !!(p[5] & 0x40);
		return 0;
	case SCST_MP_IEC:
		if ((p[3] & 0x0f) > 6) {	/* MRIE 7h..Fh are reserved */
			*bad_byte = off + 3;
			*bad_bit = 3;
			return -EINVAL;
		}
		mp->dexcpt = !!(p[2] & 0x08);
		mp->mrie = p[3] & 0x0f;
		return 0;
	default:
		return -EINVAL;
	}
}

static bool scst_write_protected(const struct scst_emul *e)
{
	return e->lu->read_only || (e->mode_cur && e->mode_cur->swp);
}

/* ---- INQUIRY ---- */

static const u8 scst_vpd_pages[] = {
	SCST_VPD_SUPPORTED_PAGES, SCST_VPD_UNIT_SERIAL, SCST_VPD_DEVICE_ID,
	SCST_VPD_EXTENDED_INQUIRY, SCST_VPD_THIRD_PARTY_COPY,
	SCST_VPD_BLOCK_LIMITS, SCST_VPD_BLOCK_DEV_CHARS,
	SCST_VPD_LB_PROVISIONING, SCST_VPD_REFERRALS,
};

static bool scst_vpd_supported(const struct scst_lu_desc *lu, u8 page)
{
	unsigned int i;

	if (page >= 0xb0 && lu->pdt != SCST_TYPE_DISK)
		return false;
	if (page == SCST_VPD_THIRD_PARTY_COPY && !lu->xcopy_supported)
		return false;
	if (page == SCST_VPD_REFERRALS && !lu->referrals)
		return false;
	for (i = 0; i < ARRAY_SIZE(scst_vpd_pages); i++) {
		if (scst_vpd_pages[i] == page)
			return true;
	}
	return false;
}

static enum scst_emul_result scst_inquiry_std(struct scst_emul *e, u32 alloc)
{
	const struct scst_lu_desc *lu = e->lu;
	struct scst_out o;
	u8 b5 = 0;

	scst_out_init(&o, e, alloc);
	scst_out8(&o, 0, lu->pdt & 0x1f);
	scst_out8(&o, 1, lu->removable ? 0x80 : 0);
	scst_out8(&o, 2, 0x06);			/* SPC-4 */
	scst_out8(&o, 3, 0x10 | 0x02);		/* HISUP, format 2 */
	scst_out8(&o, 4, 96 - 5);
	if (lu->alua_supported)
		b5 |= lu->alua_explicit ? 0x30 : 0x10;	/* TPGS */
	if (lu->xcopy_supported)
		b5 |= 0x08;			/* 3PC */
	scst_out8(&o, 5, b5);
	scst_out8(&o, 7, 0x02);			/* CMDQUE */
	scst_out_str(&o, 8, lu->vendor, 8);
	scst_out_str(&o, 16, lu->product, 16);
	scst_out_str(&o, 32, lu->revision, 4);
	scst_out16(&o, 58, SCST_VD_SAM5);
	scst_out16(&o, 60, SCST_VD_SPC4);
	scst_out16(&o, 62, SCST_VD_SBC3);
	scst_out16(&o, 64, lu->transport_vd);
	return scst_emul_done(e, &o, 96);
}

/* Header of a designation descriptor; returns the offset of its data. */
static u32 scst_desig(const struct scst_out *o, u32 off, u8 codeset,
		      u8 assoc, u8 type, u8 len)
{
	scst_out8(o, off, codeset);
	scst_out8(o, off + 1, (assoc << 4) | type);
	scst_out8(o, off + 3, len);
	return off + 4;
}

static u32 scst_vpd_device_id(const struct scst_lu_desc *lu,
			      const struct scst_out *o)
{
	u32 off = 4, n;

	if (lu->naa_id_len) {
		n = min_t(u32, lu->naa_id_len, sizeof(lu->naa_id));
		off = scst_desig(o, off, SCST_CODESET_BINARY, SCST_ASSOC_LU,
				 SCST_DESIG_NAA, n);
		scst_out_mem(o, off, lu->naa_id, n);
		off += n;
	}
	n = (u32)strnlen(lu->t10_dev_id, sizeof(lu->t10_dev_id));
	off = scst_desig(o, off, SCST_CODESET_ASCII, SCST_ASSOC_LU,
			 SCST_DESIG_T10_VENDOR, 8 + n);
	scst_out_str(o, off, lu->vendor, 8);
	scst_out_mem(o, off + 8, lu->t10_dev_id, n);
	off += 8 + n;
	if (lu->rel_tgt_port_id) {
		off = scst_desig(o, off, SCST_CODESET_BINARY,
				 SCST_ASSOC_TGT_PORT, SCST_DESIG_REL_TGT_PORT, 4);
		scst_out16(o, off + 2, lu->rel_tgt_port_id);
		off += 4;
	}
	if (lu->alua_supported) {
		off = scst_desig(o, off, SCST_CODESET_BINARY,
				 SCST_ASSOC_TGT_PORT, SCST_DESIG_TPG, 4);
		scst_out16(o, off + 2, lu->tpg_id);
		off += 4;
	}
	if (lu->tgt_port_name && lu->tgt_port_name[0]) {
		/* NUL-terminated, padded to a multiple of 4, at most 252 */
		n = (u32)strnlen(lu->tgt_port_name, 251);
		off = scst_desig(o, off, SCST_CODESET_UTF8,
				 SCST_ASSOC_TGT_PORT, SCST_DESIG_SCSI_NAME,
				 (n + 4) & ~3U);
		scst_out_mem(o, off, lu->tgt_port_name, n);
		off += (n + 4) & ~3U;
	}
	return off;
}

static u32 scst_vpd_block_limits(const struct scst_emul *e,
				 const struct scst_out *o)
{
	const struct scst_lu_desc *lu = e->lu;

	scst_out8(o, 4, 0x01);			/* WSNZ */
	if (lu->caw_supported)
		scst_out8(o, 5, lu->max_caw_blocks ?: 1);
	scst_out32(o, 8, lu->max_xfer_blocks);
	scst_out32(o, 12, lu->opt_xfer_blocks);
	if (lu->thin_provisioned) {
		scst_out32(o, 20, lu->max_unmap_lba_count);
		scst_out32(o, 24, lu->max_unmap_desc_count);
	}
	scst_out64(o, 36, lu->max_write_same_blocks);
	return 64;
}

static enum scst_emul_result scst_inquiry_vpd(struct scst_emul *e, u8 page,
					      u32 alloc)
{
	const struct scst_lu_desc *lu = e->lu;
	struct scst_out o;
	u32 len = 4, i, n;

	if (!scst_vpd_supported(lu, page))
		return scst_emul_bad_cdb(e, 2, -1);
	scst_out_init(&o, e, alloc);
	scst_out8(&o, 0, lu->pdt & 0x1f);
	scst_out8(&o, 1, page);
	switch (page) {
	case SCST_VPD_SUPPORTED_PAGES:
		for (i = 0; i < ARRAY_SIZE(scst_vpd_pages); i++) {
			if (scst_vpd_supported(lu, scst_vpd_pages[i]))
				scst_out8(&o, len++, scst_vpd_pages[i]);
		}
		break;
	case SCST_VPD_UNIT_SERIAL:
		n = (u32)strnlen(lu->serial, sizeof(lu->serial));
		scst_out_mem(&o, 4, lu->serial, n);
		len += n;
		break;
	case SCST_VPD_DEVICE_ID:
		len = scst_vpd_device_id(lu, &o);
		break;
	case SCST_VPD_EXTENDED_INQUIRY:
		scst_out8(&o, 5, 0x07);		/* HEADSUP, ORDSUP, SIMPSUP */
		scst_out8(&o, 6, 0x01);		/* V_SUP */
		if (lu->referrals)
			scst_out8(&o, 8, 0x10);	/* R_SUPP */
		len = 64;
		break;
	case SCST_VPD_THIRD_PARTY_COPY: {
		u8 tpc[128];

		n = scst_xcopy_vpd_tpc(tpc, sizeof(tpc));
		scst_out_mem(&o, 4, tpc, n);
		len += n;
		break;
	}
	case SCST_VPD_BLOCK_LIMITS:
		len = scst_vpd_block_limits(e, &o);
		break;
	case SCST_VPD_BLOCK_DEV_CHARS:
		n = lu->rotation_rate;
		if (!n && !lu->rotational)
			n = 1;			/* non-rotating medium */
		scst_out16(&o, 4, (u16)n);
		len = 64;			/* form factor 0: not reported */
		break;
	case SCST_VPD_REFERRALS:
		/* USER DATA SEGMENT SIZE and MULTIPLIER 0: see REPORT REFERRALS */
		len = 16;
		break;
	case SCST_VPD_LB_PROVISIONING:
		if (lu->thin_provisioned) {
			/* LBPU, LBPWS, LBPWS10, LBPRZ; thin provisioned */
			scst_out8(&o, 5, 0xe0 | (lu->lbprz ? 0x04 : 0));
			scst_out8(&o, 6, 0x02);
		}
		len = 8;
		break;
	}
	scst_out16(&o, 2, (u16)(len - 4));
	return scst_emul_done(e, &o, len);
}

static enum scst_emul_result scst_inquiry(struct scst_emul *e,
					  const struct scst_cdb_info *ci)
{
	if (!(e->cdb[1] & 0x01)) {
		if (e->cdb[2])
			return scst_emul_bad_cdb(e, 2, -1);
		return scst_inquiry_std(e, ci->data_len);
	}
	return scst_inquiry_vpd(e, e->cdb[2], ci->data_len);
}

/* ---- REQUEST SENSE ---- */

static enum scst_emul_result scst_request_sense(struct scst_emul *e,
						const struct scst_cdb_info *ci)
{
	struct scst_sense none;
	const struct scst_sense *s = e->req_sense;
	struct scst_out o;

	if (!s) {
		scst_sense_set(&none, SCST_SK_NO_SENSE,
			       SCST_ASC_NO_ADDITIONAL_SENSE,
			       SCST_ASCQ_NO_ADDITIONAL_SENSE);
		s = &none;
	}
	scst_out_init(&o, e, ci->data_len);
	e->resp_len = o.cap ? scst_sense_build(o.buf, o.cap, e->cdb[1] & 1, s) : 0;
	return SCST_EMUL_DONE;
}

/* ---- MODE SENSE / MODE SELECT ---- */

static void scst_mode_block_desc(const struct scst_out *o, u32 off,
				 const struct scst_lu_desc *lu, bool llbaa)
{
	if (llbaa) {
		scst_out64(o, off, lu->nblocks);
		scst_out32(o, off + 12, lu->block_size);
		return;
	}
	/* FFFFFFFFh when the capacity does not fit (SBC-3 6.4.2). */
	scst_out32(o, off, (u32)min_t(u64, lu->nblocks, U32_MAX));
	scst_out8(o, off + 5, (u8)(lu->block_size >> 16));
	scst_out16(o, off + 6, (u16)lu->block_size);
}

static enum scst_emul_result scst_mode_sense(struct scst_emul *e,
					     const struct scst_cdb_info *ci)
{
	const struct scst_lu_desc *lu = e->lu;
	bool ten = e->cdb[0] == SCST_OP_MODE_SENSE_10;
	bool llbaa = ten && (e->cdb[1] & 0x10);
	u8 pc = e->cdb[2] >> 6, page = e->cdb[2] & 0x3f, subpage = e->cdb[3];
	static const u8 pages[] = { SCST_MP_CACHING, SCST_MP_CONTROL,
				    SCST_MP_IEC };
	struct scst_mode_params mp;
	u8 img[SCST_MODE_PAGE_MAX];
	u32 off, bdlen = 0, n, i;
	struct scst_out o;
	u8 dsp;

	if (page != SCST_MP_ALL && !scst_mode_page_known(page))
		return scst_emul_bad_cdb(e, 2, 5);
	if (subpage != 0 && subpage != SCST_MP_SUBPAGE_ALL)
		return scst_emul_bad_cdb(e, 3, -1);
	switch (pc) {
	case SCST_MPC_CURRENT:
		if (e->mode_cur)
			mp = *e->mode_cur;
		else
			scst_mode_params_default(lu, &mp);
		break;
	case SCST_MPC_CHANGEABLE:
		scst_mode_params_mask(lu, &mp);
		break;
	case SCST_MPC_DEFAULT:
		scst_mode_params_default(lu, &mp);
		break;
	default:
		if (!e->mode_saved)
			return scst_emul_check(e, SCST_SK_ILLEGAL_REQUEST,
					       SCST_ASC_SAVING_PARAMS_NOT_SUPPORTED,
					       SCST_ASCQ_SAVING_PARAMS_NOT_SUPPORTED);
		mp = *e->mode_saved;
		break;
	}
	scst_out_init(&o, e, ci->data_len);
	off = ten ? 8 : 4;
	if (!(e->cdb[1] & 0x08) && lu->pdt == SCST_TYPE_DISK) {
		bdlen = llbaa ? 16 : 8;
		/* Nothing in the block descriptor is changeable. */
		if (pc != SCST_MPC_CHANGEABLE)
			scst_mode_block_desc(&o, off, lu, llbaa);
		off += bdlen;
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		if (page != SCST_MP_ALL && page != pages[i])
			continue;
		n = scst_mode_page(pages[i], &mp, img);
		if (e->mode_saved)
			img[0] |= 0x80;		/* PS */
		scst_out_mem(&o, off, img, n);
		off += n;
	}
	dsp = 0x10;				/* DPOFUA */
	if (scst_write_protected(e))
		dsp |= 0x80;			/* WP */
	if (ten) {
		scst_out16(&o, 0, (u16)(off - 2));
		scst_out8(&o, 3, dsp);
		scst_out8(&o, 4, bdlen == 16 ? 0x01 : 0);	/* LONGLBA */
		scst_out16(&o, 6, (u16)bdlen);
	} else {
		scst_out8(&o, 0, (u8)(off - 1));
		scst_out8(&o, 2, dsp);
		scst_out8(&o, 3, (u8)bdlen);
	}
	return scst_emul_done(e, &o, off);
}

static enum scst_emul_result scst_emul_list_len_error(struct scst_emul *e)
{
	return scst_emul_check(e, SCST_SK_ILLEGAL_REQUEST,
			       SCST_ASC_PARAMETER_LIST_LENGTH_ERROR,
			       SCST_ASCQ_PARAMETER_LIST_LENGTH_ERROR);
}

/* Check the block descriptors of a MODE SELECT parameter list. */
static enum scst_emul_result scst_mode_select_bd(struct scst_emul *e,
						 bool ten, u32 len, u32 *off)
{
	const u8 *p = e->param;
	u32 hdr = ten ? 8 : 4, bdlen, blen, boff;
	bool longlba = ten && (p[4] & 0x01);

	bdlen = ten ? get_unaligned_be16(p + 6) : p[3];
	*off = hdr;
	if (!bdlen)
		return SCST_EMUL_DONE;
	if (bdlen != (longlba ? 16U : 8U))
		return scst_emul_bad_param(e, ten ? 6 : 3, -1);
	if (len < hdr + bdlen)
		return scst_emul_list_len_error(e);
	/* The number of blocks is ignored; the block length must match. */
	if (longlba) {
		boff = hdr + 12;
		blen = get_unaligned_be32(p + boff);
	} else {
		boff = hdr + 5;
		blen = get_unaligned_be24(p + boff);
	}
	if (blen != e->lu->block_size)
		return scst_emul_bad_param(e, boff, -1);
	*off = hdr + bdlen;
	return SCST_EMUL_DONE;
}

/* Check one mode page at @off and take its values into @mp. */
static enum scst_emul_result scst_mode_select_page(struct scst_emul *e,
						   u32 len, u32 off,
						   struct scst_mode_params *mp,
						   u32 *page_len)
{
	const u8 *p = e->param + off;
	struct scst_mode_params mask;
	u8 cur[SCST_MODE_PAGE_MAX], chg[SCST_MODE_PAGE_MAX], bad;
	u32 n, i, bad_byte;
	int bad_bit;

	if (len - off < 2)
		return scst_emul_list_len_error(e);
	if (p[0] & 0x40)			/* SPF: no subpages here */
		return scst_emul_bad_param(e, off, 6);
	n = scst_mode_page(p[0] & 0x3f, e->mode_cur, cur);
	if (!n)
		return scst_emul_bad_param(e, off, 5);
	if (len - off < 2U + p[1])
		return scst_emul_list_len_error(e);
	if (p[1] + 2U != n)
		return scst_emul_bad_param(e, off + 1, -1);
	scst_mode_params_mask(e->lu, &mask);
	scst_mode_page(p[0] & 0x3f, &mask, chg);
	for (i = 2; i < n; i++) {
		bad = (p[i] ^ cur[i]) & ~chg[i];
		if (bad)
			return scst_emul_bad_param(e, off + i,
						   scst_high_bit(bad));
	}
	if (scst_mode_page_take(p, off, mp, &bad_byte, &bad_bit))
		return scst_emul_bad_param(e, bad_byte, bad_bit);
	*page_len = n;
	return SCST_EMUL_DONE;
}

static enum scst_emul_result scst_mode_select(struct scst_emul *e,
					      const struct scst_cdb_info *ci)
{
	bool ten = e->cdb[0] == SCST_OP_MODE_SELECT_10;
	bool sp = e->cdb[1] & 0x01;
	struct scst_mode_params mp;
	enum scst_emul_result r;
	u32 len, off, n;

	if (!(e->cdb[1] & 0x10))		/* PF */
		return scst_emul_bad_cdb(e, 1, 4);
	if (sp && !e->mode_saved)
		return scst_emul_check(e, SCST_SK_ILLEGAL_REQUEST,
				       SCST_ASC_SAVING_PARAMS_NOT_SUPPORTED,
				       SCST_ASCQ_SAVING_PARAMS_NOT_SUPPORTED);
	if (!e->mode_cur)
		return scst_emul_check(e, SCST_SK_HARDWARE_ERROR,
				       SCST_ASC_INTERNAL_TARGET_FAILURE,
				       SCST_ASCQ_INTERNAL_TARGET_FAILURE);
	if (!ci->data_len)
		return SCST_EMUL_DONE;
	len = e->param ? min_t(u32, ci->data_len, e->param_len) : 0;
	if (len < (ten ? 8U : 4U))
		return scst_emul_list_len_error(e);
	r = scst_mode_select_bd(e, ten, len, &off);
	if (r != SCST_EMUL_DONE)
		return r;
	mp = *e->mode_cur;
	while (off < len) {
		r = scst_mode_select_page(e, len, off, &mp, &n);
		if (r != SCST_EMUL_DONE)
			return r;
		off += n;
	}
	e->mode_changed = !scst_mode_params_equal(&mp, e->mode_cur);
	*e->mode_cur = mp;
	if (sp) {
		e->mode_saved_changed = !scst_mode_params_equal(&mp,
								e->mode_saved);
		*e->mode_saved = mp;
	}
	return SCST_EMUL_DONE;
}

/* ---- READ CAPACITY ---- */

static enum scst_emul_result scst_read_capacity(struct scst_emul *e,
						const struct scst_cdb_info *ci)
{
	const struct scst_lu_desc *lu = e->lu;
	bool sixteen = e->cdb[0] == SCST_OP_SERVICE_ACTION_IN_16;
	u64 last = lu->nblocks ? lu->nblocks - 1 : 0;
	struct scst_out o;
	bool pmi;
	u64 lba;

	if (sixteen) {
		pmi = e->cdb[14] & 0x01;
		lba = get_unaligned_be64(e->cdb + 2);
	} else {
		pmi = e->cdb[8] & 0x01;
		lba = get_unaligned_be32(e->cdb + 2);
	}
	if (!pmi && lba)
		return scst_emul_bad_cdb(e, 2, -1);
	scst_out_init(&o, e, ci->data_len);
	if (!sixteen) {
		scst_out32(&o, 0, (u32)min_t(u64, last, U32_MAX));
		scst_out32(&o, 4, lu->block_size);
		return scst_emul_done(e, &o, 8);
	}
	scst_out64(&o, 0, last);
	scst_out32(&o, 8, lu->block_size);
	if (lu->thin_provisioned)
		scst_out8(&o, 14, 0x80 | (lu->lbprz ? 0x40 : 0)); /* LBPME */
	return scst_emul_done(e, &o, 32);
}

/* ---- REPORT LUNS ---- */

static enum scst_emul_result scst_report_luns(struct scst_emul *e,
					      const struct scst_cdb_info *ci)
{
	struct scst_out o;
	unsigned int i;
	u32 off = 8;
	u8 lun[8];

	if (ci->data_len < 16)
		return scst_emul_bad_cdb(e, 6, -1);
	switch (e->cdb[2]) {
	case 0x00:	/* all LUNs but the well-known ones */
	case 0x02:	/* all LUNs */
		break;
	case 0x01:	/* well-known LUNs only: we have none */
		scst_out_init(&o, e, ci->data_len);
		return scst_emul_done(e, &o, 8);
	default:
		return scst_emul_bad_cdb(e, 2, -1);
	}
	scst_out_init(&o, e, ci->data_len);
	for (i = 0; e->luns && i < e->nluns && off <= U32_MAX - 8; i++) {
		if (scst_lun_encode(e->luns[i], lun))
			continue;	/* cannot be addressed */
		scst_out_mem(&o, off, lun, 8);
		off += 8;
	}
	scst_out32(&o, 0, off - 8);
	return scst_emul_done(e, &o, off);
}

/* ---- REPORT SUPPORTED OPERATION CODES / TMFs ---- */

static bool scst_op_known(u8 opcode)
{
	return scst_op_has_sa(opcode) || scst_op_find(opcode, 0);
}

/* Command timeouts descriptor (SPC-4 6.35.4): 12 bytes. */
static void scst_out_timeouts(const struct scst_out *o, u32 off,
			      const struct scst_op_desc *op)
{
	scst_out16(o, off, 0x0a);
	scst_out32(o, off + 4, op->timeout);		/* nominal */
	scst_out32(o, off + 8, 2U * op->timeout);	/* recommended */
}

static enum scst_emul_result scst_rsoc_all(struct scst_emul *e, u32 alloc,
					   bool rctd)
{
	const struct scst_op_desc *op;
	struct scst_out o;
	unsigned int i;
	u32 off = 4;

	scst_out_init(&o, e, alloc);
	for (i = 0; i < scst_op_count(); i++) {
		op = scst_op_at(i);
		if (!scst_op_supported(op, e->lu))
			continue;
		scst_out8(&o, off, op->opcode);
		scst_out16(&o, off + 2, op->has_sa ? op->sa : 0);
		scst_out8(&o, off + 5, (rctd ? 0x02 : 0) | (op->has_sa ? 0x01 : 0));
		scst_out16(&o, off + 6, op->cdb_len);
		off += 8;
		if (rctd) {
			scst_out_timeouts(&o, off, op);
			off += 12;
		}
	}
	scst_out32(&o, 0, off - 4);
	return scst_emul_done(e, &o, off);
}

static enum scst_emul_result scst_rsoc_one(struct scst_emul *e, u32 alloc,
					   bool rctd,
					   const struct scst_op_desc *op)
{
	struct scst_out o;
	u32 off = 4;

	scst_out_init(&o, e, alloc);
	if (!op || !scst_op_supported(op, e->lu)) {
		scst_out8(&o, 1, 0x01);		/* not supported */
		return scst_emul_done(e, &o, off);
	}
	scst_out8(&o, 1, (rctd ? 0x80 : 0) | 0x03);	/* CTDP, supported */
	scst_out16(&o, 2, op->cdb_len);
	scst_out_mem(&o, 4, op->usage, op->cdb_len);
	off += op->cdb_len;
	if (rctd) {
		scst_out_timeouts(&o, off, op);
		off += 12;
	}
	return scst_emul_done(e, &o, off);
}

static enum scst_emul_result scst_rsoc(struct scst_emul *e,
				       const struct scst_cdb_info *ci)
{
	const u8 *cdb = e->cdb;
	bool rctd = cdb[2] & 0x80;
	u8 opt = cdb[2] & 0x07, req_op = cdb[3];
	u16 req_sa = get_unaligned_be16(cdb + 4);
	const struct scst_op_desc *op = NULL;
	bool has_sa = scst_op_has_sa(req_op);

	switch (opt) {
	case 0:
		return scst_rsoc_all(e, ci->data_len, rctd);
	case 1:	/* one command without service action */
		if (has_sa)
			return scst_emul_bad_cdb(e, 2, 2);
		break;
	case 2:	/* one command with service action */
		if (!has_sa && scst_op_known(req_op))
			return scst_emul_bad_cdb(e, 2, 2);
		break;
	case 3:	/* one command, service action if it has them */
		break;
	default:
		return scst_emul_bad_cdb(e, 2, 2);
	}
	if (!has_sa)
		op = scst_op_find(req_op, 0);
	else if (req_sa <= 0x1f)
		op = scst_op_find(req_op, (u8)req_sa);
	return scst_rsoc_one(e, ci->data_len, rctd, op);
}

static enum scst_emul_result scst_report_tmfs(struct scst_emul *e,
					      const struct scst_cdb_info *ci)
{
	bool repd = e->cdb[2] & 0x80;
	struct scst_out o;

	if (ci->data_len < 4)
		return scst_emul_bad_cdb(e, 6, -1);
	scst_out_init(&o, e, ci->data_len);
	/* ATS ATSS CACAS CTSS LURS QTS TRS */
	scst_out8(&o, 0, 0xfe);
	/* QAES QTSS ITNRS */
	scst_out8(&o, 1, 0x07);
	scst_out8(&o, 3, repd ? 0x0c : 0);
	return scst_emul_done(e, &o, repd ? 16 : 4);
}

/**
 * scst_op_supported() - whether a logical unit supports a command
 * @op: opcode table row, may be NULL
 * @lu: the logical unit
 *
 * Commands for optional features (persistent reservations, ALUA, COMPARE
 * AND WRITE, EXTENDED COPY, thin provisioning) are supported only when the
 * LU has the feature. REPORT SUPPORTED OPERATION CODES lists exactly the
 * supported commands.
 *
 * Return: true if @op is not NULL and @lu supports it.
 */
bool scst_op_supported(const struct scst_op_desc *op,
		       const struct scst_lu_desc *lu)
{
	if (!op)
		return false;
	if ((op->need & SCST_NEED_PR) && !lu->pr_supported)
		return false;
	if ((op->need & SCST_NEED_ALUA) && !lu->alua_supported)
		return false;
	if ((op->need & SCST_NEED_ALUA_EXPLICIT) &&
	    !(lu->alua_supported && lu->alua_explicit))
		return false;
	if ((op->need & SCST_NEED_CAW) && !lu->caw_supported)
		return false;
	if ((op->need & SCST_NEED_XCOPY) && !lu->xcopy_supported)
		return false;
	if ((op->need & SCST_NEED_THIN) && !lu->thin_provisioned)
		return false;
	if ((op->need & SCST_NEED_REFERRALS) && !lu->referrals)
		return false;
	return true;
}
EXPORT_SYMBOL_GPL(scst_op_supported);

/**
 * scst_spc_check_limits() - check a command against the LU's block limits
 * @ci: decoded command
 * @lu: the logical unit
 * @sense: out: the sense data when a limit is exceeded
 *
 * The limits are those reported in the Block Limits VPD page: COMPARE AND
 * WRITE of more than @lu->max_caw_blocks (0: 1 block),
 * READ/WRITE/VERIFY/WRITE AND VERIFY of more than @lu->max_xfer_blocks
 * and WRITE SAME of more than @lu->max_write_same_blocks (0: no limit).
 *
 * Return: 0, or -EINVAL with ILLEGAL REQUEST, INVALID FIELD IN CDB
 * pointing at the transfer length field in @sense.
 */
int scst_spc_check_limits(const struct scst_cdb_info *ci,
			  const struct scst_lu_desc *lu,
			  struct scst_sense *sense)
{
	const struct scst_op_desc *op = ci->op;
	u64 max = 0;

	if (!op || !(ci->flags & SCST_CDB_MEDIUM) || !op->len_off)
		return 0;
	switch (op->opcode) {
	case SCST_OP_COMPARE_AND_WRITE:
		max = lu->max_caw_blocks ?: 1;
		break;
	case SCST_OP_WRITE_SAME_10:
	case SCST_OP_WRITE_SAME_16:
		max = lu->max_write_same_blocks;
		break;
	case SCST_OP_SYNCHRONIZE_CACHE_10:
	case SCST_OP_SYNCHRONIZE_CACHE_16:
		return 0;
	default:
		max = lu->max_xfer_blocks;
		break;
	}
	if (!max || ci->nblocks <= max)
		return 0;
	scst_sense_invalid_field(sense, true, op->len_off, -1);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(scst_spc_check_limits);

static enum scst_emul_result scst_emul_dispatch(struct scst_emul *e,
						const struct scst_cdb_info *ci)
{
	const struct scst_op_desc *op = ci->op;

	switch (op->opcode) {
	case SCST_OP_TEST_UNIT_READY:
	case SCST_OP_START_STOP_UNIT:
	case SCST_OP_PREVENT_ALLOW_MEDIUM_REMOVAL:
		return SCST_EMUL_DONE;
	case SCST_OP_REQUEST_SENSE:
		return scst_request_sense(e, ci);
	case SCST_OP_INQUIRY:
		return scst_inquiry(e, ci);
	case SCST_OP_MODE_SENSE_6:
	case SCST_OP_MODE_SENSE_10:
		return scst_mode_sense(e, ci);
	case SCST_OP_MODE_SELECT_6:
	case SCST_OP_MODE_SELECT_10:
		return scst_mode_select(e, ci);
	case SCST_OP_READ_CAPACITY_10:
		return scst_read_capacity(e, ci);
	case SCST_OP_SERVICE_ACTION_IN_16:
		if (op->sa == SCST_SAI_READ_CAPACITY_16)
			return scst_read_capacity(e, ci);
		return SCST_EMUL_NOT_MINE;
	case SCST_OP_REPORT_LUNS:
		return scst_report_luns(e, ci);
	case SCST_OP_MAINTENANCE_IN:
		if (op->sa == SCST_MI_REPORT_SUPPORTED_OPCODES)
			return scst_rsoc(e, ci);
		if (op->sa == SCST_MI_REPORT_SUPPORTED_TMFS)
			return scst_report_tmfs(e, ci);
		return SCST_EMUL_NOT_MINE;
	case SCST_OP_VERIFY_10:
	case SCST_OP_VERIFY_12:
	case SCST_OP_VERIFY_16:
		/* Without BYTCHK there is nothing to compare. */
		if (ci->flags & SCST_CDB_BYTCHK)
			return SCST_EMUL_NOT_MINE;
		return SCST_EMUL_DONE;
	default:
		return SCST_EMUL_NOT_MINE;
	}
}

/* No logical unit at this LUN: only the LUN-independent commands work. */
static enum scst_emul_result scst_emul_no_lu(struct scst_emul *e)
{
	struct scst_cdb_info ci;

	if (scst_cdb_decode(e->cdb, e->cdb_len, 512, &ci, &e->sense))
		return SCST_EMUL_CHECK;
	if (ci.op->opcode == SCST_OP_REPORT_LUNS)
		return scst_report_luns(e, &ci);
	if (ci.op->opcode == SCST_OP_MAINTENANCE_IN &&
	    ci.op->sa == SCST_MI_REPORT_SUPPORTED_TMFS)
		return scst_report_tmfs(e, &ci);
	return scst_emul_check(e, SCST_SK_ILLEGAL_REQUEST,
			       SCST_ASC_LUN_NOT_SUPPORTED,
			       SCST_ASCQ_LUN_NOT_SUPPORTED);
}

/**
 * scst_spc_emulate() - execute a non-data-path command of a disk
 * @e: the command, its LU and buffers; results are stored in it
 *
 * Decodes the CDB (scst_cdb_decode()), rejects commands that the LU does
 * not support (INVALID COMMAND OPERATION CODE), commands that modify the
 * medium of a write-protected LU (DATA PROTECT, WRITE PROTECTED), LBA
 * ranges beyond the capacity (LBA OUT OF RANGE) and transfers beyond the
 * block limits (scst_spc_check_limits()). It then executes TEST
 * UNIT READY, REQUEST SENSE (reporting @e->req_sense), INQUIRY with VPD
 * pages 0x00 0x80 0x83 0x86 0x8F 0xB0 0xB1 0xB2, MODE SENSE(6/10) and MODE
 * SELECT(6/10) for the caching, control and informational exceptions
 * pages, READ CAPACITY(10/16), REPORT LUNS, REPORT SUPPORTED OPERATION
 * CODES, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS, START STOP UNIT,
 * PREVENT ALLOW MEDIUM REMOVAL (both just accepted) and VERIFY without
 * BYTCHK. Everything else is left to the device handler.
 *
 * With no LU (@e->lu NULL: nothing at this LUN) only REPORT LUNS and
 * REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS are executed; anything else
 * that decodes is ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED.
 *
 * Responses are truncated to the allocation length and to @e->buf_len;
 * nothing is written at or beyond @e->buf + @e->buf_len.
 *
 * Return: SCST_EMUL_DONE (@e->resp_len bytes in @e->buf), SCST_EMUL_CHECK
 * (@e->sense) or SCST_EMUL_NOT_MINE.
 */
enum scst_emul_result scst_spc_emulate(struct scst_emul *e)
{
	struct scst_cdb_info ci;
	const struct scst_lu_desc *lu = e->lu;

	e->resp_len = 0;
	e->mode_changed = false;
	memset(&e->sense, 0, sizeof(e->sense));
	if (!lu)
		return scst_emul_no_lu(e);
	if (scst_cdb_decode(e->cdb, e->cdb_len, lu->block_size, &ci, &e->sense))
		return SCST_EMUL_CHECK;
	if (!scst_op_supported(ci.op, lu)) {
		scst_sense_invalid_field(&e->sense, true, ci.op->has_sa ? 1 : 0,
					 ci.op->has_sa ? 4 : -1);
		e->sense.asc = SCST_ASC_INVALID_OPCODE;
		e->sense.ascq = SCST_ASCQ_INVALID_OPCODE;
		return SCST_EMUL_CHECK;
	}
	if ((ci.flags & SCST_CDB_WRITE) && scst_write_protected(e))
		return scst_emul_check(e, SCST_SK_DATA_PROTECT,
				       SCST_ASC_WRITE_PROTECTED,
				       SCST_ASCQ_WRITE_PROTECTED);
	if (scst_cdb_check_range(&ci, lu->nblocks, &e->sense) ||
	    scst_spc_check_limits(&ci, lu, &e->sense))
		return SCST_EMUL_CHECK;
	return scst_emul_dispatch(e, &ci);
}
EXPORT_SYMBOL_GPL(scst_spc_emulate);
