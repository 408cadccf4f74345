// SPDX-License-Identifier: GPL-2.0
/*
 * The logical block dependent access state: user data segment maps and
 * REPORT REFERRALS. See scst_lba_map.h. Portable: compiles into the kernel
 * module and into the user-space library scst_portable.
 */
#include "scst_lba_map.h"
#include "scst_tpg.h"

#define REF_HDR_LEN		4
#define REF_DESC_LEN		20
#define REF_TPG_LEN		4

static bool lm_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';';
}

/* A decimal number at *p that fits u64; *p moves past it. */
static int lm_number(const char **p, u64 *v)
{
	const char *s = *p;
	u64 n = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		u64 d = (u64)(*s - '0');

		if (n > (~0ULL - d) / 10)
			return -EINVAL;
		n = n * 10 + d;
	}
	*p = s;
	*v = n;
	return 0;
}

/* An access state name a segment can have; *p moves past it. */
static int lm_state(const char **p, u8 *state)
{
	static const char *const names[] = {
		[SCST_ALUA_ACTIVE] = "active",
		[SCST_ALUA_NONOPTIMIZED] = "nonoptimized",
		[SCST_ALUA_STANDBY] = "standby",
		[SCST_ALUA_UNAVAILABLE] = "unavailable",
	};
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		len = (unsigned int)strlen(names[i]);
		if (strncmp(*p, names[i], len) ||
		    ((*p)[len] && (*p)[len] != ',' && !lm_space((*p)[len])))
			continue;
		*p += len;
		*state = (u8)i;
		return 0;
	}
	return -EINVAL;
}

/* One "FIRST-LAST:GID=STATE[,GID=STATE...]" at *p. */
static int lm_segment(const char **p, struct scst_lba_seg *seg)
{
	unsigned int i;
	u64 v;

	memset(seg, 0, sizeof(*seg));
	if (lm_number(p, &seg->first) || *(*p)++ != '-' ||
	    lm_number(p, &seg->last) || *(*p)++ != ':' ||
	    seg->last < seg->first)
		return -EINVAL;
	for (;;) {
		struct scst_lba_tpg *t;

		if (lm_number(p, &v) || !v || v > 0xffff || *(*p)++ != '=')
			return -EINVAL;
		for (i = 0; i < seg->ntpgs; i++)
			if (seg->tpgs[i].group_id == v)
				return -EINVAL;
		if (seg->ntpgs == SCST_LBA_MAP_MAX_TPGS)
			return -ENOSPC;
		t = &seg->tpgs[seg->ntpgs++];
		t->group_id = (u16)v;
		if (lm_state(p, &t->state))
			return -EINVAL;
		if (**p != ',')
			break;
		(*p)++;
	}
	return **p && !lm_space(**p) ? -EINVAL : 0;
}

/**
 * scst_lba_map_parse() - a device's user data segments from their text
 * @text: NUL-terminated: segments "FIRST-LAST:GID=STATE[,GID=STATE...]"
 *	separated by blanks, newlines or ';' (LBAs and group ids in decimal,
 *	states active, nonoptimized, standby or unavailable); empty or
 *	"none" for no segment
 * @segs: out: the segments
 * @max: room in @segs
 * @n: out: segments in @segs
 * @err_pos: out: byte offset in @text of the segment refused
 *
 * The segments must be in ascending order of LBA without overlapping, a
 * group at most once in a segment.
 *
 * Return: 0, -EINVAL for text that is not a map, -ENOSPC for more than
 * @max segments or SCST_LBA_MAP_MAX_TPGS groups in one segment.
 */
int scst_lba_map_parse(const char *text, struct scst_lba_seg *segs,
		       unsigned int max, unsigned int *n,
		       unsigned int *err_pos)
{
	const char *p = text, *start;
	unsigned int k = 0;
	int res;

	*n = 0;
	*err_pos = 0;
	while (lm_space(*p))
		p++;
	if (!strncmp(p, "none", 4)) {
		for (start = p + 4; lm_space(*start); start++)
			;
		if (!*start)
			return 0;
	}
	while (*p) {
		start = p;
		*err_pos = (unsigned int)(p - text);
		if (k == max)
			return -ENOSPC;
		res = lm_segment(&p, &segs[k]);
		if (res)
			return res;
		if (k && segs[k].first <= segs[k - 1].last)
			return -EINVAL;
		k++;
		while (lm_space(*p))
			p++;
		if (p == start)
			return -EINVAL;
	}
	*n = k;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_lba_map_parse);

static void lm_putc(char *buf, unsigned int len, unsigned int *off, char c)
{
	if (*off + 1 < len)
		buf[*off] = c;
	(*off)++;
}

static void lm_puts(char *buf, unsigned int len, unsigned int *off,
		    const char *s)
{
	while (*s)
		lm_putc(buf, len, off, *s++);
}

static void lm_putu(char *buf, unsigned int len, unsigned int *off, u64 v)
{
	char d[21];
	unsigned int i = 0;

	do {
		d[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		lm_putc(buf, len, off, d[--i]);
}

/**
 * scst_lba_map_format() - the text of a map, as scst_lba_map_parse() reads it
 * @segs: the segments
 * @n: entries in @segs (0: "none")
 * @buf: out: the text, NUL-terminated when @len > 0 (cut to fit)
 * @len: size of @buf
 *
 * Segments are separated by one blank.
 *
 * Return: the length of the whole text, without its NUL.
 */
unsigned int scst_lba_map_format(const struct scst_lba_seg *segs,
				 unsigned int n, char *buf, unsigned int len)
{
	unsigned int i, j, off = 0;

	if (!n)
		lm_puts(buf, len, &off, "none");
	for (i = 0; i < n; i++) {
		const struct scst_lba_seg *s = &segs[i];

		if (i)
			lm_putc(buf, len, &off, ' ');
		lm_putu(buf, len, &off, s->first);
		lm_putc(buf, len, &off, '-');
		lm_putu(buf, len, &off, s->last);
		lm_putc(buf, len, &off, ':');
		for (j = 0; j < s->ntpgs; j++) {
			if (j)
				lm_putc(buf, len, &off, ',');
			lm_putu(buf, len, &off, s->tpgs[j].group_id);
			lm_putc(buf, len, &off, '=');
			lm_puts(buf, len, &off,
				scst_alua_state_name(s->tpgs[j].state));
		}
	}
	if (len)
		buf[min(off, len - 1)] = '\0';
	return off;
}
EXPORT_SYMBOL_GPL(scst_lba_map_format);

/* How much a state keeps the medium from a port: higher is worse. */
static unsigned int lm_rank(u8 state)
{
	switch (state) {
	case SCST_ALUA_ACTIVE:
		return 0;
	case SCST_ALUA_NONOPTIMIZED:
		return 1;
	case SCST_ALUA_STANDBY:
		return 2;
	default:
		return 3;
	}
}

/**
 * scst_lba_map_state() - the access state of an LBA range through a group
 * @segs: the device's segments, ascending
 * @n: entries in @segs
 * @group_id: the target port group of the I_T nexus
 * @lba: first logical block
 * @nblocks: logical blocks (0 counts as 1)
 *
 * A range over several segments gets the least accessible of their
 * states (unavailable, then standby, then active/non-optimized). Blocks
 * in no segment, and segments that do not name @group_id, are
 * active/optimized.
 *
 * Return: SCST_ALUA_ACTIVE, _NONOPTIMIZED, _STANDBY or _UNAVAILABLE.
 */
u8 scst_lba_map_state(const struct scst_lba_seg *segs, unsigned int n,
		      u16 group_id, u64 lba, u64 nblocks)
{
	u64 last = nblocks > 1 ? lba + (nblocks - 1) : lba;
	u8 state = SCST_ALUA_ACTIVE;
	unsigned int i, j;

	if (last < lba)			/* wrapped */
		last = ~0ULL;
	for (i = 0; i < n; i++) {
		const struct scst_lba_seg *s = &segs[i];

		if (s->first > last)
			break;
		if (s->last < lba)
			continue;
		for (j = 0; j < s->ntpgs; j++) {
			if (s->tpgs[j].group_id != group_id)
				continue;
			if (lm_rank(s->tpgs[j].state) > lm_rank(state))
				state = s->tpgs[j].state;
		}
	}
	return state;
}
EXPORT_SYMBOL_GPL(scst_lba_map_state);

/**
 * scst_lba_map_check() - whether a port group in the logical block
 *	dependent state admits a command
 * @segs: the device's segments, ascending
 * @n: entries in @segs
 * @group_id: the target port group of the I_T nexus
 * @ci: the decoded command
 * @cdb: its CDB
 * @cdb_len: the CDB's length
 * @sense: out: the sense data when it does not
 *
 * A command that accesses the medium at an LBA range is processed as the
 * state of its segments for the group (scst_lba_map_state()) says, with
 * scst_alua_check()'s rules: active/optimized and active/non-optimized
 * admit it, standby and unavailable refuse it with NOT READY, TARGET
 * PORT IN STANDBY STATE or TARGET PORT IN UNAVAILABLE STATE. Any other
 * command is admitted. SYNCHRONIZE CACHE with NUMBER OF BLOCKS 0 reaches
 * the end of the medium.
 *
 * Return: 0 when admitted, -EAGAIN with @sense otherwise.
 */
int scst_lba_map_check(const struct scst_lba_seg *segs, unsigned int n,
		       u16 group_id, const struct scst_cdb_info *ci,
		       const u8 *cdb, unsigned int cdb_len,
		       struct scst_sense *sense)
{
	u64 nblocks;

	if ((ci->flags & (SCST_CDB_LBA | SCST_CDB_MEDIUM)) !=
	    (SCST_CDB_LBA | SCST_CDB_MEDIUM))
		return 0;
	nblocks = ci->nblocks;
	if (!nblocks && (cdb[0] == SCST_OP_SYNCHRONIZE_CACHE_10 ||
			 cdb[0] == SCST_OP_SYNCHRONIZE_CACHE_16))
		nblocks = ~0ULL - ci->lba + 1;
	return scst_alua_check(scst_lba_map_state(segs, n, group_id, ci->lba,
						  nblocks),
			       cdb, cdb_len, sense);
}
EXPORT_SYMBOL_GPL(scst_lba_map_check);

static void ref_put(u8 *buf, u32 buf_len, u32 off, u8 v)
{
	if (off < buf_len)
		buf[off] = v;
}

static void ref_put16(u8 *buf, u32 buf_len, u32 off, u16 v)
{
	ref_put(buf, buf_len, off, (u8)(v >> 8));
	ref_put(buf, buf_len, off + 1, (u8)v);
}

static void ref_put64(u8 *buf, u32 buf_len, u32 off, u64 v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		ref_put(buf, buf_len, off + i, (u8)(v >> (56 - 8 * i)));
}

/**
 * scst_referrals_build() - the REPORT REFERRALS parameter data (SBC-3)
 * @segs: the device's segments, ascending
 * @n: entries in @segs
 * @lba: the LOGICAL BLOCK ADDRESS of the CDB
 * @one_seg: ONE_SEG: only the segment that contains @lba
 * @buf: response buffer, zeroed by the caller
 * @buf_len: its size: the response is cut there
 *
 * A user data segment referral descriptor for each segment from the one
 * that contains @lba (or the first after it) to the last, with a target
 * port group descriptor (asymmetric access state, group) for each group
 * the segment names. USER DATA SEGMENT REFERRAL DESCRIPTOR LENGTH is that
 * of all descriptors, not of what fits into @buf (at most 65535).
 *
 * Return: the full length of the response.
 */
u32 scst_referrals_build(const struct scst_lba_seg *segs, unsigned int n,
			 u64 lba, bool one_seg, u8 *buf, u32 buf_len)
{
	u32 off = REF_HDR_LEN;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		const struct scst_lba_seg *s = &segs[i];

		if (s->last < lba)
			continue;
		if (one_seg && s->first > lba)
			break;
		ref_put(buf, buf_len, off + 3, (u8)s->ntpgs);
		ref_put64(buf, buf_len, off + 4, s->first);
		ref_put64(buf, buf_len, off + 12, s->last);
		off += REF_DESC_LEN;
		for (j = 0; j < s->ntpgs; j++) {
			ref_put(buf, buf_len, off, s->tpgs[j].state & 0x0f);
			ref_put16(buf, buf_len, off + 2, s->tpgs[j].group_id);
			off += REF_TPG_LEN;
		}
		if (one_seg)
			break;
	}
	ref_put16(buf, buf_len, 2, (u16)min_t(u32, off - REF_HDR_LEN, 0xffff));
	return off;
}
EXPORT_SYMBOL_GPL(scst_referrals_build);
