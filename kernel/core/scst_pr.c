// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent reservations (SPC-4 5.9) and SPC-2 RESERVE/RELEASE: the rules,
 * independent of how the core locks, stores or delivers anything. See
 * scst_pr.h. Portable: compiles into the kernel module and into the
 * user-space library scst_portable.
 */
#include "scst_pr.h"

/* Byte 20 of the basic PR OUT parameter list. */
#define PR_SPEC_I_PT		0x08
#define PR_ALL_TG_PT		0x04
#define PR_APTPL		0x01
/* Byte 17 of the REGISTER AND MOVE parameter list. */
#define PR_MOVE_UNREG		0x02

#define PR_BASIC_LEN		24	/* basic PR OUT parameter list */
#define PR_ISCSI_SEP		",i,0x"	/* iSCSI initiator port separator */
#define PR_ISCSI_SEP_LEN	5

#define PR_NO_HOLDER		0xff

void scst_pr_init(struct scst_pr_state *st)
{
	memset(st, 0, sizeof(*st));
	st->holder = PR_NO_HOLDER;
}
EXPORT_SYMBOL_GPL(scst_pr_init);

/* Whether scst_pr_check() may refuse anything: the fast path's test. */
bool scst_pr_active(const struct scst_pr_state *st)
{
	return st->held || st->spc2_held;
}
EXPORT_SYMBOL_GPL(scst_pr_active);

static bool pr_type_valid(u8 type)
{
	switch (type) {
	case SCST_PR_TYPE_WE:
	case SCST_PR_TYPE_EA:
	case SCST_PR_TYPE_WE_RO:
	case SCST_PR_TYPE_EA_RO:
	case SCST_PR_TYPE_WE_AR:
	case SCST_PR_TYPE_EA_AR:
		return true;
	}
	return false;
}

static bool pr_type_all_regs(u8 type)
{
	return type == SCST_PR_TYPE_WE_AR || type == SCST_PR_TYPE_EA_AR;
}

/* Types whose release tells the other registrants (SPC-4 5.9.11.2). */
static bool pr_type_regs_only_or_all(u8 type)
{
	return type != SCST_PR_TYPE_WE && type != SCST_PR_TYPE_EA;
}

static char pr_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Where PR_ISCSI_SEP starts in @s (of @len bytes), or @len. */
static u32 pr_sep_pos(const char *s, u32 len)
{
	u32 i;

	for (i = 0; i + PR_ISCSI_SEP_LEN <= len; i++)
		if (!memcmp(s + i, PR_ISCSI_SEP, PR_ISCSI_SEP_LEN))
			return i;
	return len;
}

/* Store the iSCSI name @name (@len bytes) in @nx as a TransportID. */
static int pr_build_iscsi_tid(const char *name, u32 len,
			      struct scst_pr_nexus *nx)
{
	u32 total, i;

	/* Header, the name, its NUL, padded to 4 bytes; 24 at least. */
	total = 4 + ((len + 1 + 3) & ~3U);
	if (total < 24)
		total = 24;
	if (!len || total > SCST_PR_TID_MAX)
		return -EINVAL;
	memset(nx->tid, 0, sizeof(nx->tid));
	nx->tid[0] = SCST_PR_PROTO_ISCSI;
	if (pr_sep_pos(name, len) < len)
		nx->tid[0] |= 0x40;		/* FORMAT CODE 01b */
	put_unaligned_be16(total - 4, nx->tid + 2);
	for (i = 0; i < len; i++)
		nx->tid[4 + i] = pr_lower(name[i]);
	nx->tid_len = total;
	return 0;
}

/**
 * scst_pr_make_tid() - the TransportID of an initiator name
 * @name: NUL-terminated initiator name
 * @nx: its tid and tid_len are set; rtpi is left alone
 *
 * Return: 0, or -EINVAL for an empty or too long name.
 */
int scst_pr_make_tid(const char *name, struct scst_pr_nexus *nx)
{
	return pr_build_iscsi_tid(name, strnlen(name, SCST_PR_TID_MAX),
				  nx);
}
EXPORT_SYMBOL_GPL(scst_pr_make_tid);

/**
 * scst_pr_parse_tid() - one TransportID of a parameter list
 * @p: its first byte
 * @len: bytes left in the parameter list from @p
 * @nx: out: tid and tid_len, in the canonical form of scst_pr_make_tid()
 * @used: out: bytes the TransportID takes in the list
 *
 * Only iSCSI TransportIDs are accepted: no other transport reaches the
 * core yet, and each transport's nexuses are named in its own format.
 *
 * Return: 0, or the negative byte offset from @p of the field in error
 * minus one (-1: byte 0, the protocol or format).
 */
int scst_pr_parse_tid(const u8 *p, u32 len, struct scst_pr_nexus *nx,
		      u32 *used)
{
	u32 addl, nlen, sep;
	const char *name;
	u8 fmt;

	if (len < 4)
		return -1;
	if ((p[0] & 0x0f) != SCST_PR_PROTO_ISCSI)
		return -1;
	fmt = p[0] >> 6;
	if (fmt > 1)
		return -1;
	addl = get_unaligned_be16(p + 2);
	if (addl < 20 || (addl & 3) || 4 + addl > len ||
	    4 + addl > SCST_PR_TID_MAX)
		return -3;
	name = (const char *)p + 4;
	nlen = strnlen(name, addl);
	if (nlen == addl || !nlen)
		return -5;			/* not NUL-terminated, empty */
	sep = pr_sep_pos(name, nlen);
	/* Format 01b carries ",i,0x" and an ISID, 00b never. */
	if ((fmt == 1) != (sep < nlen))
		return -5;
	if (pr_build_iscsi_tid(name, nlen, nx))
		return -5;
	*used = 4 + addl;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_pr_parse_tid);

/* The iSCSI name of a canonical TransportID, without any ISID part. */
static u32 pr_tid_name_len(const struct scst_pr_nexus *nx)
{
	const char *name = (const char *)nx->tid + 4;
	u32 n = strnlen(name, nx->tid_len - 4);

	return pr_sep_pos(name, n);
}

/*
 * Whether two TransportIDs name the same initiator port, or one of them
 * (format 00b) names every port of the other's iSCSI name.
 */
static bool pr_tid_match(const struct scst_pr_nexus *a,
			 const struct scst_pr_nexus *b)
{
	u32 la, lb;

	if ((a->tid[0] & 0x0f) != (b->tid[0] & 0x0f))
		return false;
	if ((a->tid[0] & 0x40) && (b->tid[0] & 0x40))
		return a->tid_len == b->tid_len &&
		       !memcmp(a->tid, b->tid, a->tid_len);
	la = pr_tid_name_len(a);
	lb = pr_tid_name_len(b);
	return la == lb && !memcmp(a->tid + 4, b->tid + 4, la);
}

bool scst_pr_nexus_eq(const struct scst_pr_nexus *a,
		      const struct scst_pr_nexus *b)
{
	return a->rtpi == b->rtpi && pr_tid_match(a, b);
}
EXPORT_SYMBOL_GPL(scst_pr_nexus_eq);

/* Whether @reg is a registration of the I_T nexus @nx. */
bool scst_pr_reg_covers(const struct scst_pr_reg *reg,
			const struct scst_pr_nexus *nx)
{
	return reg->used && pr_tid_match(&reg->nx, nx) &&
	       (reg->all_tg_pt || reg->nx.rtpi == nx->rtpi);
}
EXPORT_SYMBOL_GPL(scst_pr_reg_covers);

static int pr_find_reg(const struct scst_pr_state *st,
		       const struct scst_pr_nexus *nx)
{
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++)
		if (scst_pr_reg_covers(&st->regs[i], nx))
			return i;
	return -1;
}

static int pr_free_slot(const struct scst_pr_state *st)
{
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++)
		if (!st->regs[i].used)
			return i;
	return -1;
}

static unsigned int pr_nregs(const struct scst_pr_state *st)
{
	unsigned int i, n = 0;

	for (i = 0; i < SCST_PR_MAX_REGS; i++)
		n += st->regs[i].used;
	return n;
}

static bool pr_is_holder(const struct scst_pr_state *st, int idx)
{
	if (!st->held || idx < 0)
		return false;
	return pr_type_all_regs(st->type) || idx == st->holder;
}

/* ---- conflicts ---- */

/*
 * What a command of an I_T nexus that does not hold the reservation may
 * do, SPC-4 table 47 (5.9.1) and SBC-3 table 13.
 */
enum pr_class {
	PR_CLASS_CONFLICT,	/* anything not listed: writes, MODE SENSE, ... */
	PR_CLASS_READ,		/* reads the medium */
	PR_CLASS_ALLOWED,	/* never conflicts */
};

struct pr_op_class {
	u8 opcode;
	s16 sa;			/* -1: every service action */
	u8 cls;
};

static const struct pr_op_class pr_op_classes[] = {
	{ SCST_OP_TEST_UNIT_READY,		-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_REQUEST_SENSE,		-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_READ_6,			-1,	PR_CLASS_READ },
	{ SCST_OP_INQUIRY,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_RESERVE_6,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_RELEASE_6,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_READ_CAPACITY_10,		-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_READ_10,			-1,	PR_CLASS_READ },
	{ SCST_OP_VERIFY_10,			-1,	PR_CLASS_READ },
	{ 0x34 /* PRE-FETCH(10) */,		-1,	PR_CLASS_READ },
	{ 0x4d /* LOG SENSE */,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_RESERVE_10,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_RELEASE_10,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_PERSISTENT_RESERVE_IN,	-1,	PR_CLASS_ALLOWED },
	/* PR OUT decides for itself (registered or not, key, ...). */
	{ SCST_OP_PERSISTENT_RESERVE_OUT,	-1,	PR_CLASS_ALLOWED },
	{ 0x88 /* READ(16) */,			-1,	PR_CLASS_READ },
	{ SCST_OP_VERIFY_16,			-1,	PR_CLASS_READ },
	{ 0x90 /* PRE-FETCH(16) */,		-1,	PR_CLASS_READ },
	{ SCST_OP_SERVICE_ACTION_IN_16,		0x10,	PR_CLASS_ALLOWED },
	{ SCST_OP_SERVICE_ACTION_IN_16,		0x12,	PR_CLASS_READ },
	{ SCST_OP_REPORT_LUNS,			-1,	PR_CLASS_ALLOWED },
	{ SCST_OP_MAINTENANCE_IN,		-1,	PR_CLASS_ALLOWED },
	{ 0xa8 /* READ(12) */,			-1,	PR_CLASS_READ },
	{ 0xab /* READ MEDIA SERIAL NUMBER */,	0x01,	PR_CLASS_ALLOWED },
	{ SCST_OP_VERIFY_12,			-1,	PR_CLASS_READ },
};

/*
 * Per reservation type and command class (read, other): bit 0 set when a
 * registered I_T nexus that is not a holder conflicts, bit 1 when an I_T
 * nexus that is not registered does.
 */
#define PR_C_REG	BIT(0)
#define PR_C_UNREG	BIT(1)

static const u8 pr_conflicts[9][2] = {
	[SCST_PR_TYPE_WE]	= { 0, PR_C_REG | PR_C_UNREG },
	[SCST_PR_TYPE_EA]	= { PR_C_REG | PR_C_UNREG, PR_C_REG | PR_C_UNREG },
	[SCST_PR_TYPE_WE_RO]	= { 0, PR_C_UNREG },
	[SCST_PR_TYPE_EA_RO]	= { PR_C_UNREG, PR_C_UNREG },
	[SCST_PR_TYPE_WE_AR]	= { 0, PR_C_UNREG },
	[SCST_PR_TYPE_EA_AR]	= { PR_C_UNREG, PR_C_UNREG },
};

static enum pr_class pr_cmd_class(const u8 *cdb)
{
	unsigned int i;

	/* SBC-3: only the forms that change nothing are allowed. */
	if (cdb[0] == SCST_OP_START_STOP_UNIT)
		return (cdb[4] & 0xf1) == 0x01 ? PR_CLASS_ALLOWED :
						 PR_CLASS_CONFLICT;
	if (cdb[0] == SCST_OP_PREVENT_ALLOW_MEDIUM_REMOVAL)
		return (cdb[4] & 3) ? PR_CLASS_CONFLICT : PR_CLASS_ALLOWED;
	for (i = 0; i < ARRAY_SIZE(pr_op_classes); i++) {
		const struct pr_op_class *c = &pr_op_classes[i];

		if (c->opcode == cdb[0] &&
		    (c->sa < 0 || c->sa == (cdb[1] & 0x1f)))
			return c->cls;
	}
	return PR_CLASS_CONFLICT;
}

/* What an SPC-2 reservation of another I_T nexus lets through. */
static bool pr_spc2_allowed(const u8 *cdb)
{
	switch (cdb[0]) {
	case SCST_OP_INQUIRY:
	case SCST_OP_REQUEST_SENSE:
	case SCST_OP_REPORT_LUNS:
	case SCST_OP_RELEASE_6:
	case SCST_OP_RELEASE_10:
	case SCST_OP_MAINTENANCE_IN:
		return true;
	case SCST_OP_PREVENT_ALLOW_MEDIUM_REMOVAL:
		return !(cdb[4] & 3);
	}
	return false;
}

/**
 * scst_pr_check() - whether a command conflicts with a reservation
 * @st: the logical unit's state
 * @nx: the I_T nexus the command came in on
 * @cdb: the command
 *
 * Return: SCST_PR_GOOD to execute it, SCST_PR_CONFLICT to answer
 * RESERVATION CONFLICT.
 */
enum scst_pr_result scst_pr_check(const struct scst_pr_state *st,
				  const struct scst_pr_nexus *nx,
				  const u8 *cdb)
{
	enum pr_class cls;
	int idx;
	u8 bits;

	if (st->spc2_held && !scst_pr_nexus_eq(&st->spc2_holder, nx) &&
	    !pr_spc2_allowed(cdb))
		return SCST_PR_CONFLICT;
	if (!st->held)
		return SCST_PR_GOOD;
	idx = pr_find_reg(st, nx);
	if (pr_is_holder(st, idx))
		return SCST_PR_GOOD;
	cls = pr_cmd_class(cdb);
	if (cls == PR_CLASS_ALLOWED)
		return SCST_PR_GOOD;
	bits = pr_conflicts[st->type][cls == PR_CLASS_READ ? 0 : 1];
	if (bits & (idx >= 0 ? PR_C_REG : PR_C_UNREG))
		return SCST_PR_CONFLICT;
	return SCST_PR_GOOD;
}
EXPORT_SYMBOL_GPL(scst_pr_check);

/* ---- helpers of the service actions ---- */

static enum scst_pr_result pr_check(struct scst_pr_cmd *c, u16 aq)
{
	scst_sense_set(&c->sense, SCST_SK_ILLEGAL_REQUEST, (u8)(aq >> 8),
		       (u8)aq);
	return SCST_PR_CHECK;
}

static enum scst_pr_result pr_invalid(struct scst_pr_cmd *c, bool in_cdb,
				      u16 byte, int bit)
{
	scst_sense_invalid_field(&c->sense, in_cdb, byte, bit);
	return SCST_PR_CHECK;
}

#define PR_AQ_PARAM_LIST_LENGTH		0x1a00
#define PR_AQ_INVALID_RELEASE		0x2604
#define PR_AQ_NO_REG_RESOURCES		0x5504

static void pr_ua(struct scst_pr_cmd *c, const struct scst_pr_reg *reg,
		  u16 aq)
{
	if (c->ops && c->ops->ua)
		c->ops->ua(c->ctx, reg, aq);
}

/* Raise @aq on every registration except @except's. */
static void pr_ua_others(struct scst_pr_cmd *c, int except, u16 aq)
{
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++)
		if (i != except && c->st->regs[i].used)
			pr_ua(c, &c->st->regs[i], aq);
}

/*
 * Drop registration @idx. A holder's reservation goes with it, except of
 * the all registrants types while another registration is left; the
 * other registrants hear of it for the types they could use.
 */
static void pr_unregister(struct scst_pr_cmd *c, int idx)
{
	struct scst_pr_state *st = c->st;

	st->regs[idx].used = false;
	if (!pr_is_holder(st, idx))
		return;
	if (pr_type_all_regs(st->type) && pr_nregs(st))
		return;
	st->held = false;
	st->holder = PR_NO_HOLDER;
	if (st->type == SCST_PR_TYPE_WE_RO || st->type == SCST_PR_TYPE_EA_RO)
		pr_ua_others(c, -1, SCST_PR_AQ_RESERVATIONS_RELEASED);
}

/*
 * Remove every registration with @key except the issuer's (@self),
 * telling each one and aborting its tasks for PREEMPT AND ABORT.
 * Returns how many went.
 */
static unsigned int pr_preempt_key(struct scst_pr_cmd *c, int self, u64 key,
				   bool all, bool abort)
{
	struct scst_pr_state *st = c->st;
	struct scst_pr_reg gone;
	unsigned int n = 0;
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++) {
		if (!st->regs[i].used || i == self ||
		    (!all && st->regs[i].key != key))
			continue;
		gone = st->regs[i];
		st->regs[i].used = false;
		pr_ua(c, &gone, SCST_PR_AQ_REGISTRATIONS_PREEMPTED);
		if (abort && c->ops && c->ops->abort)
			c->ops->abort(c->ctx, &gone);
		n++;
	}
	return n;
}

/* ---- PERSISTENT RESERVE IN ---- */

static void pr_put(struct scst_pr_cmd *c, u32 off, const void *src, u32 n)
{
	if (off >= c->buf_len)
		return;
	memcpy(c->buf + off, src, min(n, c->buf_len - off));
}

static void pr_put_be32(struct scst_pr_cmd *c, u32 off, u32 v)
{
	u8 b[4];

	put_unaligned_be32(v, b);
	pr_put(c, off, b, 4);
}

static void pr_put_be64(struct scst_pr_cmd *c, u32 off, u64 v)
{
	u8 b[8];

	put_unaligned_be64(v, b);
	pr_put(c, off, b, 8);
}

static void pr_read_keys(struct scst_pr_cmd *c)
{
	const struct scst_pr_state *st = c->st;
	u32 off = 8;
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++) {
		if (!st->regs[i].used)
			continue;
		pr_put_be64(c, off, st->regs[i].key);
		off += 8;
	}
	pr_put_be32(c, 0, st->generation);
	pr_put_be32(c, 4, off - 8);
	c->resp_len = min(off, c->buf_len);
}

static void pr_read_reservation(struct scst_pr_cmd *c)
{
	const struct scst_pr_state *st = c->st;
	u8 d[16] = { 0 };	/* from byte 8 of the response */

	pr_put_be32(c, 0, st->generation);
	pr_put_be32(c, 4, st->held ? 16 : 0);
	c->resp_len = min(8U, c->buf_len);
	if (!st->held)
		return;
	/* All registrants types have no one key: report 0 (SPC-4 6.15.3). */
	if (!pr_type_all_regs(st->type))
		put_unaligned_be64(st->regs[st->holder].key, d);
	d[13] = st->type;		/* SCOPE 0h: logical unit */
	pr_put(c, 8, d, sizeof(d));
	c->resp_len = min(24U, c->buf_len);
}

static void pr_report_caps(struct scst_pr_cmd *c)
{
	u8 d[8] = { 0, 8 };

	d[2] = 0x10 | 0x08 | 0x04 | 0x01;	/* CRH, SIP_C, ATP_C, PTPL_C */
	d[3] = 0x80;				/* TMV */
	if (c->st->aptpl)
		d[3] |= 0x01;			/* PTPL_A */
	d[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02; /* WR_EX_AR .. WR_EX */
	d[5] = 0x01;				/* EX_AC_AR */
	pr_put(c, 0, d, sizeof(d));
	c->resp_len = min(8U, c->buf_len);
}

static void pr_read_full_status(struct scst_pr_cmd *c)
{
	const struct scst_pr_state *st = c->st;
	u32 off = 8;
	int i;

	for (i = 0; i < SCST_PR_MAX_REGS; i++) {
		const struct scst_pr_reg *r = &st->regs[i];
		u8 d[24] = { 0 };

		if (!r->used)
			continue;
		put_unaligned_be64(r->key, d);
		if (r->all_tg_pt)
			d[12] |= 0x02;
		if (pr_is_holder(st, i)) {
			d[12] |= 0x01;
			d[13] = st->type;
		}
		put_unaligned_be16(r->nx.rtpi, d + 18);
		put_unaligned_be32(r->nx.tid_len, d + 20);
		pr_put(c, off, d, sizeof(d));
		pr_put(c, off + 24, r->nx.tid, r->nx.tid_len);
		off += 24 + r->nx.tid_len;
	}
	pr_put_be32(c, 0, st->generation);
	pr_put_be32(c, 4, off - 8);
	c->resp_len = min(off, c->buf_len);
}

/**
 * scst_pr_in() - PERSISTENT RESERVE IN
 * @c: the command; @buf and @buf_len are the response buffer
 *
 * The response is truncated to @buf_len; its length fields always give
 * the full length.
 */
enum scst_pr_result scst_pr_in(struct scst_pr_cmd *c)
{
	if (c->buf_len)
		memset(c->buf, 0, c->buf_len);
	c->resp_len = 0;
	switch (c->cdb[1] & 0x1f) {
	case SCST_PRIN_READ_KEYS:
		pr_read_keys(c);
		break;
	case SCST_PRIN_READ_RESERVATION:
		pr_read_reservation(c);
		break;
	case SCST_PRIN_REPORT_CAPABILITIES:
		pr_report_caps(c);
		break;
	case SCST_PRIN_READ_FULL_STATUS:
		pr_read_full_status(c);
		break;
	default:
		return pr_invalid(c, true, 1, 4);
	}
	return SCST_PR_GOOD;
}
EXPORT_SYMBOL_GPL(scst_pr_in);

/* ---- PERSISTENT RESERVE OUT ---- */

/*
 * Walk the TransportIDs of a SPEC_I_PT list. With @add false only check
 * them: each must parse, must not be registered already, must not repeat
 * and there must be room; with @add true register them all.
 */
static enum scst_pr_result pr_spec_i_pt(struct scst_pr_cmd *c, u64 key,
					bool all, bool add)
{
	struct scst_pr_state *st = c->st;
	u32 len = get_unaligned_be32(c->param + PR_BASIC_LEN);
	u32 off = PR_BASIC_LEN + 4, end = off + len, used;
	struct scst_pr_nexus nx;
	unsigned int n = 0;
	int res, slot;

	while (off < end) {
		res = scst_pr_parse_tid(c->param + off, end - off, &nx, &used);
		if (res)
			return pr_invalid(c, false, off - res - 1, -1);
		nx.rtpi = c->nx->rtpi;
		if (!add) {
			/* Already registered (the issuer too): refused. */
			if (pr_find_reg(st, &nx) >= 0 ||
			    scst_pr_nexus_eq(&nx, c->nx))
				return pr_invalid(c, false, off, -1);
			n++;
		} else if (pr_find_reg(st, &nx) < 0) {	/* not a repeat */
			slot = pr_free_slot(st);
			st->regs[slot].used = true;
			st->regs[slot].all_tg_pt = all;
			st->regs[slot].key = key;
			st->regs[slot].nx = nx;
		}
		off += used;
	}
	/* The issuer's registration needs a slot as well. */
	if (!add && n + 1 + pr_nregs(st) > SCST_PR_MAX_REGS)
		return pr_check(c, PR_AQ_NO_REG_RESOURCES);
	return SCST_PR_GOOD;
}

/* REGISTER and REGISTER AND IGNORE EXISTING KEY, SPC-4 5.9.7. */
static enum scst_pr_result pr_register(struct scst_pr_cmd *c, bool ignore)
{
	struct scst_pr_state *st = c->st;
	const u8 *p = c->param;
	u64 key = get_unaligned_be64(p), sark = get_unaligned_be64(p + 8);
	bool spec = p[20] & PR_SPEC_I_PT, all = p[20] & PR_ALL_TG_PT;
	int idx = pr_find_reg(st, c->nx), slot;
	enum scst_pr_result res;

	if (idx < 0) {
		if (!ignore && key)
			return SCST_PR_CONFLICT;
		if (!sark)
			return SCST_PR_GOOD;	/* nothing to unregister */
		if (spec) {
			res = pr_spec_i_pt(c, sark, all, false);
			if (res)
				return res;
		}
		slot = pr_free_slot(st);
		if (slot < 0)
			return pr_check(c, PR_AQ_NO_REG_RESOURCES);
		st->regs[slot].used = true;
		st->regs[slot].all_tg_pt = all;
		st->regs[slot].key = sark;
		st->regs[slot].nx = *c->nx;
		if (spec)
			pr_spec_i_pt(c, sark, all, true);
	} else {
		if (!ignore && key != st->regs[idx].key)
			return SCST_PR_CONFLICT;
		if (spec)
			return pr_invalid(c, false, 20, 3);
		if (sark)
			st->regs[idx].key = sark;
		else
			pr_unregister(c, idx);
	}
	st->aptpl = p[20] & PR_APTPL;
	st->generation++;
	c->changed = true;
	return SCST_PR_GOOD;
}

static enum scst_pr_result pr_reserve(struct scst_pr_cmd *c, int idx,
				      u8 type)
{
	struct scst_pr_state *st = c->st;

	if (st->held) {
		/* The holder may repeat itself, nobody else may reserve. */
		if (pr_is_holder(st, idx) && st->type == type)
			return SCST_PR_GOOD;
		return SCST_PR_CONFLICT;
	}
	st->held = true;
	st->type = type;
	st->holder = idx;
	c->changed = true;
	return SCST_PR_GOOD;
}

static enum scst_pr_result pr_release(struct scst_pr_cmd *c, int idx,
				      u8 type)
{
	struct scst_pr_state *st = c->st;

	if (!pr_is_holder(st, idx))
		return SCST_PR_GOOD;	/* nothing of ours to release */
	if (st->type != type)
		return pr_check(c, PR_AQ_INVALID_RELEASE);
	st->held = false;
	st->holder = PR_NO_HOLDER;
	if (pr_type_regs_only_or_all(type))
		pr_ua_others(c, idx, SCST_PR_AQ_RESERVATIONS_RELEASED);
	c->changed = true;
	return SCST_PR_GOOD;
}

static enum scst_pr_result pr_clear(struct scst_pr_cmd *c, int idx)
{
	struct scst_pr_state *st = c->st;
	int i;

	pr_ua_others(c, idx, SCST_PR_AQ_RESERVATIONS_PREEMPTED);
	for (i = 0; i < SCST_PR_MAX_REGS; i++)
		st->regs[i].used = false;
	st->held = false;
	st->holder = PR_NO_HOLDER;
	st->generation++;
	c->changed = true;
	return SCST_PR_GOOD;
}

/* PREEMPT and PREEMPT AND ABORT, SPC-4 5.9.11.4. */
static enum scst_pr_result pr_preempt(struct scst_pr_cmd *c, int idx,
				      u8 type, bool abort)
{
	struct scst_pr_state *st = c->st;
	u64 sark = get_unaligned_be64(c->param + 8);
	u8 old_type = st->type;
	int i;

	if (st->held && pr_type_all_regs(st->type) && !sark) {
		/* Zero preempts every other registrant of an AR type. */
		pr_preempt_key(c, idx, 0, true, abort);
		goto take;
	}
	if (st->held && !pr_type_all_regs(st->type) &&
	    sark == st->regs[st->holder].key) {
		pr_preempt_key(c, idx, sark, false, abort);
		goto take;
	}
	/* No reservation changes hands: only registrations go. */
	if (!sark)
		return pr_invalid(c, false, 8, -1);
	if (!pr_preempt_key(c, idx, sark, false, abort))
		return SCST_PR_CONFLICT;
	goto done;
take:
	st->held = true;
	st->holder = idx;
	st->type = type;
	if (old_type != type)
		for (i = 0; i < SCST_PR_MAX_REGS; i++)
			if (i != idx && st->regs[i].used)
				pr_ua(c, &st->regs[i],
				      SCST_PR_AQ_RESERVATIONS_RELEASED);
done:
	st->generation++;
	c->changed = true;
	return SCST_PR_GOOD;
}

/* REGISTER AND MOVE, SPC-4 5.9.8. */
static enum scst_pr_result pr_register_move(struct scst_pr_cmd *c, int idx)
{
	struct scst_pr_state *st = c->st;
	const u8 *p = c->param;
	u64 sark = get_unaligned_be64(p + 8);
	u32 tlen = get_unaligned_be32(p + 20), used;
	struct scst_pr_nexus dest;
	int res, didx;

	if (PR_BASIC_LEN + (u64)tlen > c->param_len)
		return pr_check(c, PR_AQ_PARAM_LIST_LENGTH);
	if (!st->held || !pr_is_holder(st, idx))
		return SCST_PR_CONFLICT;
	if (pr_type_all_regs(st->type))
		return pr_invalid(c, true, 2, 3);
	if (!sark)
		return pr_invalid(c, false, 8, -1);
	res = scst_pr_parse_tid(p + PR_BASIC_LEN, tlen, &dest, &used);
	if (res)
		return pr_invalid(c, false, PR_BASIC_LEN - res - 1, -1);
	dest.rtpi = get_unaligned_be16(p + 18);
	if (scst_pr_nexus_eq(&dest, c->nx))
		return pr_invalid(c, false, PR_BASIC_LEN, -1);
	didx = pr_find_reg(st, &dest);
	if (didx < 0) {
		didx = pr_free_slot(st);
		if (didx < 0)
			return pr_check(c, PR_AQ_NO_REG_RESOURCES);
		st->regs[didx].used = true;
		st->regs[didx].all_tg_pt = false;
		st->regs[didx].nx = dest;
	}
	st->regs[didx].key = sark;
	st->holder = didx;
	if (p[17] & PR_MOVE_UNREG)
		st->regs[idx].used = false;
	st->aptpl = p[17] & PR_APTPL;
	st->generation++;
	c->changed = true;
	return SCST_PR_GOOD;
}

/**
 * scst_pr_out() - PERSISTENT RESERVE OUT
 * @c: the command; @param and @param_len are the parameter list
 *
 * The caller has already refused the command if another I_T nexus holds
 * an SPC-2 reservation (scst_pr_check()).
 */
enum scst_pr_result scst_pr_out(struct scst_pr_cmd *c)
{
	struct scst_pr_state *st = c->st;
	u8 sa = c->cdb[1] & 0x1f, scope = c->cdb[2] >> 4, type = c->cdb[2] & 0xf;
	u32 cdb_len = get_unaligned_be32(c->cdb + 5);
	int idx;

	c->changed = false;
	if (cdb_len != c->param_len || c->param_len < PR_BASIC_LEN)
		return pr_check(c, PR_AQ_PARAM_LIST_LENGTH);
	/* SPEC_I_PT is for REGISTER only, whatever length follows. */
	if (sa == SCST_PROUT_REGISTER_AND_IGNORE &&
	    (c->param[20] & PR_SPEC_I_PT))
		return pr_invalid(c, false, 20, 3);
	if (sa != SCST_PROUT_REGISTER_AND_MOVE) {
		u64 want = PR_BASIC_LEN;

		if (c->param[20] & PR_SPEC_I_PT) {
			if (c->param_len < PR_BASIC_LEN + 4)
				return pr_check(c, PR_AQ_PARAM_LIST_LENGTH);
			want += 4 + get_unaligned_be32(c->param + PR_BASIC_LEN);
		}
		if (c->param_len != want)
			return pr_check(c, PR_AQ_PARAM_LIST_LENGTH);
	}
	switch (sa) {
	case SCST_PROUT_RESERVE:
	case SCST_PROUT_RELEASE:
	case SCST_PROUT_PREEMPT:
	case SCST_PROUT_PREEMPT_AND_ABORT:
		if (scope)
			return pr_invalid(c, true, 2, 7);
		if (!pr_type_valid(type))
			return pr_invalid(c, true, 2, 3);
		break;
	case SCST_PROUT_REGISTER:
	case SCST_PROUT_REGISTER_AND_IGNORE:
	case SCST_PROUT_CLEAR:
	case SCST_PROUT_REGISTER_AND_MOVE:
		break;
	default:
		return pr_invalid(c, true, 1, 4);
	}
	/* ALL_TG_PT means something for the registering actions only. */
	if (sa != SCST_PROUT_REGISTER && sa != SCST_PROUT_REGISTER_AND_IGNORE &&
	    sa != SCST_PROUT_REGISTER_AND_MOVE && (c->param[20] & PR_ALL_TG_PT))
		return pr_invalid(c, false, 20, 2);

	if (sa == SCST_PROUT_REGISTER)
		return pr_register(c, false);
	if (sa == SCST_PROUT_REGISTER_AND_IGNORE)
		return pr_register(c, true);

	/* Everything else needs a registration with the right key. */
	idx = pr_find_reg(st, c->nx);
	if (idx < 0 || st->regs[idx].key != get_unaligned_be64(c->param))
		return SCST_PR_CONFLICT;
	switch (sa) {
	case SCST_PROUT_RESERVE:
		return pr_reserve(c, idx, type);
	case SCST_PROUT_RELEASE:
		return pr_release(c, idx, type);
	case SCST_PROUT_CLEAR:
		return pr_clear(c, idx);
	case SCST_PROUT_PREEMPT:
		return pr_preempt(c, idx, type, false);
	case SCST_PROUT_PREEMPT_AND_ABORT:
		return pr_preempt(c, idx, type, true);
	default:
		return pr_register_move(c, idx);
	}
}
EXPORT_SYMBOL_GPL(scst_pr_out);

/* ---- SPC-2 RESERVE and RELEASE ---- */

/*
 * With persistent reservations in use, RESERVE and RELEASE follow SPC-4
 * 5.9.3 (CRH=1): a holder's RESERVE and a registrant's RELEASE succeed
 * without doing anything, everything else conflicts.
 */
enum scst_pr_result scst_pr_reserve(struct scst_pr_cmd *c)
{
	struct scst_pr_state *st = c->st;

	if (pr_nregs(st))
		return pr_is_holder(st, pr_find_reg(st, c->nx)) ?
			SCST_PR_GOOD : SCST_PR_CONFLICT;
	if (st->spc2_held && !scst_pr_nexus_eq(&st->spc2_holder, c->nx))
		return SCST_PR_CONFLICT;
	st->spc2_held = true;
	st->spc2_holder = *c->nx;
	return SCST_PR_GOOD;
}
EXPORT_SYMBOL_GPL(scst_pr_reserve);

/* RELEASE of someone else's reservation is GOOD and changes nothing. */
enum scst_pr_result scst_pr_release(struct scst_pr_cmd *c)
{
	struct scst_pr_state *st = c->st;

	if (pr_nregs(st))
		return pr_find_reg(st, c->nx) >= 0 ? SCST_PR_GOOD :
						     SCST_PR_CONFLICT;
	if (st->spc2_held && scst_pr_nexus_eq(&st->spc2_holder, c->nx))
		st->spc2_held = false;
	return SCST_PR_GOOD;
}
EXPORT_SYMBOL_GPL(scst_pr_release);

/*
 * I_T nexus loss ends the SPC-2 reservation of that nexus; persistent
 * reservations are not affected. Returns whether something changed.
 */
bool scst_pr_nexus_loss(struct scst_pr_state *st,
			const struct scst_pr_nexus *nx)
{
	if (!st->spc2_held || !scst_pr_nexus_eq(&st->spc2_holder, nx))
		return false;
	st->spc2_held = false;
	return true;
}
EXPORT_SYMBOL_GPL(scst_pr_nexus_loss);

/* LUN reset, hard reset: the SPC-2 reservation goes, PRs stay. */
bool scst_pr_reset(struct scst_pr_state *st)
{
	bool was = st->spc2_held;

	st->spc2_held = false;
	return was;
}
EXPORT_SYMBOL_GPL(scst_pr_reset);

/* ---- APTPL: the state on disk ---- */

/*
 * Layout, big endian:
 *   0  magic "SCSTPR01"
 *   8  save sequence number (the newer of two slots wins)
 *  16  PRgeneration
 *  20  held, type, index of the holder among the saved registrations, 0
 *  24  number of registrations
 *  28  reserved
 *  32  registrations: key (8), rtpi (2), all_tg_pt (1), 0 (1),
 *      TransportID length (2), 0 (2), TransportID
 *  ..  CRC32C of everything before it (4)
 * Only states with APTPL=1 are saved, so the flag is not stored.
 */
static const u8 pr_magic[8] = { 'S', 'C', 'S', 'T', 'P', 'R', '0', '1' };

/**
 * scst_pr_serialize() - the APTPL file image of a state
 * @st: the state
 * @seq: save sequence number to store
 * @buf: output, at least SCST_PR_FILE_MAX bytes
 * @len: size of @buf
 *
 * The SPC-2 reservation is not persistent and is not saved.
 *
 * Return: bytes written, 0 if @buf is too small.
 */
u32 scst_pr_serialize(const struct scst_pr_state *st, u64 seq, u8 *buf,
		      u32 len)
{
	u32 off = 32, n = 0;
	u8 holder = 0;
	int i;

	if (len < SCST_PR_FILE_MAX)
		return 0;
	memset(buf, 0, 32);
	for (i = 0; i < SCST_PR_MAX_REGS; i++) {
		const struct scst_pr_reg *r = &st->regs[i];

		if (!r->used)
			continue;
		if (st->held && i == st->holder)
			holder = n;
		put_unaligned_be64(r->key, buf + off);
		put_unaligned_be16(r->nx.rtpi, buf + off + 8);
		buf[off + 10] = r->all_tg_pt;
		buf[off + 11] = 0;
		put_unaligned_be16(r->nx.tid_len, buf + off + 12);
		put_unaligned_be16(0, buf + off + 14);
		memcpy(buf + off + 16, r->nx.tid, r->nx.tid_len);
		off += 16 + r->nx.tid_len;
		n++;
	}
	memcpy(buf, pr_magic, sizeof(pr_magic));
	put_unaligned_be64(seq, buf + 8);
	put_unaligned_be32(st->generation, buf + 16);
	buf[20] = st->held;
	buf[21] = st->held ? st->type : 0;
	buf[22] = holder;
	put_unaligned_be32(n, buf + 24);
	put_unaligned_be32(crc32c(~0U, buf, off), buf + off);
	return off + 4;
}
EXPORT_SYMBOL_GPL(scst_pr_serialize);

/**
 * scst_pr_deserialize() - a state from an APTPL file image
 * @buf: the file
 * @len: its size
 * @st: out: the state (APTPL set), untouched on error
 * @seq: out: the save sequence number
 *
 * Return: 0, or -EINVAL for a damaged or foreign file.
 */
int scst_pr_deserialize(const u8 *buf, u32 len, struct scst_pr_state *st,
			u64 *seq)
{
	u32 off = 32, n, i, tlen;
	u8 held, type, holder;
	struct scst_pr_reg *r;
	int slot = 0;

	if (len < 36 || memcmp(buf, pr_magic, sizeof(pr_magic)))
		return -EINVAL;
	n = get_unaligned_be32(buf + 24);
	if (n > SCST_PR_MAX_REGS)
		return -EINVAL;
	/* Walk the records once to find the CRC and check every length. */
	for (i = 0; i < n; i++) {
		if (off + 16 > len)
			return -EINVAL;
		tlen = get_unaligned_be16(buf + off + 12);
		if (tlen < 24 || tlen > SCST_PR_TID_MAX || (tlen & 3) ||
		    !get_unaligned_be64(buf + off) || buf[off + 10] > 1)
			return -EINVAL;
		off += 16 + tlen;
	}
	if (off + 4 != len ||
	    get_unaligned_be32(buf + off) != crc32c(~0U, buf, off))
		return -EINVAL;
	held = buf[20];
	type = buf[21];
	holder = buf[22];
	if (held > 1 || (held && !pr_type_valid(type)) ||
	    (held && holder >= n))
		return -EINVAL;

	scst_pr_init(st);
	st->aptpl = true;
	st->generation = get_unaligned_be32(buf + 16);
	st->held = held;
	st->type = held ? type : 0;
	st->holder = held ? holder : PR_NO_HOLDER;
	for (off = 32; slot < (int)n; slot++) {
		r = &st->regs[slot];
		r->used = true;
		r->key = get_unaligned_be64(buf + off);
		r->nx.rtpi = get_unaligned_be16(buf + off + 8);
		r->all_tg_pt = buf[off + 10];
		r->nx.tid_len = get_unaligned_be16(buf + off + 12);
		memcpy(r->nx.tid, buf + off + 16, r->nx.tid_len);
		off += 16 + r->nx.tid_len;
	}
	*seq = get_unaligned_be64(buf + 8);
	return 0;
}
EXPORT_SYMBOL_GPL(scst_pr_deserialize);
