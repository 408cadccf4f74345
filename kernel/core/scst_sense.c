// SPDX-License-Identifier: GPL-2.0
/*
 * Sense data (SPC-4 4.5): building fixed and descriptor format sense data
 * from a struct scst_sense and parsing it back. Portable: compiles into
 * the kernel module and into the user-space library scst_portable.
 */
#include "scst_cdb.h"

/* Sense data is never longer than this here: 8 + 12 + 12 + 8 bytes. */
#define SCST_SENSE_BUILD_MAX	40

/**
 * scst_sense_set() - set sense key and additional sense code
 * @s: sense to fill; everything else in it is cleared
 * @key: sense key (SCST_SK_*)
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 */
void scst_sense_set(struct scst_sense *s, u8 key, u8 asc, u8 ascq)
{
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->asc = asc;
	s->ascq = ascq;
}
EXPORT_SYMBOL_GPL(scst_sense_set);

/**
 * scst_sense_invalid_field() - ILLEGAL REQUEST with a field pointer
 * @s: sense to fill; everything else in it is cleared
 * @in_cdb: true: INVALID FIELD IN CDB, false: INVALID FIELD IN PARAMETER
 *	LIST
 * @byte: byte offset of the field in error in the CDB or parameter list
 * @bit: leftmost bit of the field in error (0..7), -1 for no bit pointer
 */
void scst_sense_invalid_field(struct scst_sense *s, bool in_cdb, u16 byte,
			      int bit)
{
	if (in_cdb)
		scst_sense_set(s, SCST_SK_ILLEGAL_REQUEST,
			       SCST_ASC_INVALID_FIELD_IN_CDB,
			       SCST_ASCQ_INVALID_FIELD_IN_CDB);
	else
		scst_sense_set(s, SCST_SK_ILLEGAL_REQUEST,
			       SCST_ASC_INVALID_FIELD_IN_PARAM_LIST,
			       SCST_ASCQ_INVALID_FIELD_IN_PARAM_LIST);
	s->sks_valid = true;
	s->sks_cd = in_cdb;
	s->sks_field = byte;
	if (bit >= 0 && bit <= 7) {
		s->sks_bpv = true;
		s->sks_bit = (u8)bit;
	}
}
EXPORT_SYMBOL_GPL(scst_sense_invalid_field);

/* The three bytes of the sense-key specific field (field pointer). */
static void scst_sense_put_sks(u8 *p, const struct scst_sense *s)
{
	p[0] = 0x80;
	if (s->sks_cd)
		p[0] |= 0x40;
	if (s->sks_sd)
		p[0] |= 0x20;
	if (s->sks_bpv)
		p[0] |= 0x08 | (s->sks_bit & 7);
	put_unaligned_be16(s->sks_field, p + 1);
}

static unsigned int scst_sense_fixed(u8 *b, const struct scst_sense *s)
{
	b[0] = SCST_SENSE_FIXED_CURRENT;
	b[2] = s->key & 0x0f;
	/* INFORMATION has 4 bytes here: VALID=0 when it does not fit. */
	if (s->info_valid && s->info <= U32_MAX) {
		b[0] |= 0x80;
		put_unaligned_be32((u32)s->info, b + 3);
	}
	b[7] = SCST_SENSE_FIXED_LEN - 8;
	if (s->csi_valid)
		put_unaligned_be32(s->csi, b + 8);
	b[12] = s->asc;
	b[13] = s->ascq;
	if (s->sks_valid)
		scst_sense_put_sks(b + 15, s);
	return SCST_SENSE_FIXED_LEN;
}

static unsigned int scst_sense_desc(u8 *b, const struct scst_sense *s)
{
	unsigned int n = 8;

	b[0] = SCST_SENSE_DESC_CURRENT;
	b[1] = s->key & 0x0f;
	b[2] = s->asc;
	b[3] = s->ascq;
	if (s->info_valid) {
		b[n] = 0x00;		/* information descriptor */
		b[n + 1] = 0x0a;
		b[n + 2] = 0x80;	/* VALID */
		put_unaligned_be64(s->info, b + n + 4);
		n += 12;
	}
	if (s->csi_valid) {
		b[n] = 0x01;		/* command-specific information */
		b[n + 1] = 0x0a;
		put_unaligned_be64(s->csi, b + n + 4);
		n += 12;
	}
	if (s->sks_valid) {
		b[n] = 0x02;		/* sense key specific descriptor */
		b[n + 1] = 0x06;
		scst_sense_put_sks(b + n + 4, s);
		n += 8;
	}
	b[7] = (u8)(n - 8);
	return n;
}

/**
 * scst_sense_build() - build sense data
 * @buf: out: sense data
 * @buf_len: size of @buf; longer sense data is truncated
 * @descriptor: descriptor format (0x72) instead of fixed format (0x70)
 * @s: the sense content
 *
 * Fixed format is 18 bytes with VALID and INFORMATION when @s->info_valid
 * (and the value fits in 4 bytes) and SKSV, C/D, BPV, the bit pointer and
 * the field pointer in bytes 15..17 when @s->sks_valid, and COMMAND-SPECIFIC
 * INFORMATION when @s->csi_valid. Descriptor format has an information
 * descriptor (type 0) when @s->info_valid, a command-specific information
 * descriptor (type 1) when @s->csi_valid and a sense key specific
 * descriptor (type 2) when @s->sks_valid.
 *
 * Return: number of bytes written to @buf.
 */
unsigned int scst_sense_build(u8 *buf, unsigned int buf_len, bool descriptor,
			      const struct scst_sense *s)
{
	u8 tmp[SCST_SENSE_BUILD_MAX];
	unsigned int n;

	memset(tmp, 0, sizeof(tmp));
	n = descriptor ? scst_sense_desc(tmp, s) : scst_sense_fixed(tmp, s);
	n = min_t(unsigned int, n, buf_len);
	if (n)
		memcpy(buf, tmp, n);
	return n;
}
EXPORT_SYMBOL_GPL(scst_sense_build);

static void scst_sense_get_sks(const u8 *p, struct scst_sense *s)
{
	if (!(p[0] & 0x80))
		return;
	s->sks_valid = true;
	s->sks_cd = !!(p[0] & 0x40);
	s->sks_sd = !!(p[0] & 0x20);
	s->sks_bpv = !!(p[0] & 0x08);
	s->sks_bit = s->sks_bpv ? (p[0] & 7) : 0;
	s->sks_field = get_unaligned_be16(p + 1);
}

static int scst_sense_parse_fixed(const u8 *b, unsigned int len,
				  struct scst_sense *s)
{
	s->key = b[2] & 0x0f;
	if (b[0] & 0x80) {
		s->info_valid = true;
		s->info = get_unaligned_be32(b + 3);
	}
	if (len >= 12) {
		s->csi = get_unaligned_be32(b + 8);
		s->csi_valid = s->csi != 0;
	}
	if (len > 12)
		s->asc = b[12];
	if (len > 13)
		s->ascq = b[13];
	if (len >= 18)
		scst_sense_get_sks(b + 15, s);
	return 0;
}

static int scst_sense_parse_desc(const u8 *b, unsigned int len,
				 struct scst_sense *s)
{
	unsigned int off = 8, dlen;

	s->key = b[1] & 0x0f;
	s->asc = b[2];
	s->ascq = b[3];
	while (off < len) {
		if (len - off < 2)
			return -EINVAL;
		dlen = b[off + 1] + 2;
		if (dlen > len - off)
			return -EINVAL;
		switch (b[off]) {
		case 0x00:	/* information */
			if (dlen != 12)
				return -EINVAL;
			s->info_valid = !!(b[off + 2] & 0x80);
			s->info = get_unaligned_be64(b + off + 4);
			break;
		case 0x01:	/* command-specific information */
			if (dlen != 12)
				return -EINVAL;
			s->csi_valid = true;
			s->csi = (u32)get_unaligned_be64(b + off + 4);
			break;
		case 0x02:	/* sense key specific */
			if (dlen != 8)
				return -EINVAL;
			scst_sense_get_sks(b + off + 4, s);
			break;
		default:
			break;
		}
		off += dlen;
	}
	return 0;
}

/**
 * scst_sense_parse() - parse fixed or descriptor format sense data
 * @buf: sense data
 * @len: bytes at @buf
 * @s: out: the sense content
 *
 * Only the bytes inside both @len and the ADDITIONAL SENSE LENGTH are
 * looked at. Current and deferred errors are accepted alike.
 *
 * Return: 0, or -EINVAL for an unknown response code, sense data shorter
 * than 8 bytes or a descriptor that overruns the sense data.
 */
int scst_sense_parse(const u8 *buf, unsigned int len, struct scst_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (!buf || len < 8)
		return -EINVAL;
	len = min_t(unsigned int, len, 8U + buf[7]);
	switch (buf[0] & 0x7f) {
	case SCST_SENSE_FIXED_CURRENT:
	case SCST_SENSE_FIXED_DEFERRED:
		return scst_sense_parse_fixed(buf, len, s);
	case SCST_SENSE_DESC_CURRENT:
	case SCST_SENSE_DESC_DEFERRED:
		if (scst_sense_parse_desc(buf, len, s)) {
			memset(s, 0, sizeof(*s));
			return -EINVAL;
		}
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(scst_sense_parse);
