// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI text keys and the target side of their negotiation (RFC 7143
 * chapters 6 and 13). Portable: compiles into the kernel and into the
 * user-space library scst_portable (see core/scst_portable.h).
 */
#include "iscsi_text.h"

#define ISC_P(field)	offsetof(struct isc_params, field)
#define ISC_NUM_MAX24	0xffffffU	/* 2^24 - 1 */

/*
 * Every key the target knows, indexed by enum isc_key_id. Declarative
 * keys have no result function; "Irrelevant when Discovery" keys carry
 * ISC_KF_NORMAL; keys only the target sends are answered Reject when an
 * initiator sends them.
 */
static const struct isc_key_desc isc_keys[ISC_KEY_COUNT] = {
	[ISC_KEY_HEADER_DIGEST] = {
		"HeaderDigest", ISC_KT_LIST, ISC_KF_LOGIN | ISC_KF_CONN,
		ISC_TEXT_MAX_STD, 0, 0, ISC_DIGEST_NONE, ISC_P(header_digest),
	},
	[ISC_KEY_DATA_DIGEST] = {
		"DataDigest", ISC_KT_LIST, ISC_KF_LOGIN | ISC_KF_CONN,
		ISC_TEXT_MAX_STD, 0, 0, ISC_DIGEST_NONE, ISC_P(data_digest),
	},
	[ISC_KEY_MAX_CONNECTIONS] = {
		"MaxConnections", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 1, 65535, 1, ISC_P(max_connections),
	},
	[ISC_KEY_SEND_TARGETS] = {
		"SendTargets", ISC_KT_SEND_TARGETS, ISC_KF_FFP,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_TARGET_NAME] = {
		"TargetName", ISC_KT_DECL_TEXT, ISC_KF_LOGIN,
		ISC_NAME_MAX, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_INITIATOR_NAME] = {
		"InitiatorName", ISC_KT_DECL_TEXT, ISC_KF_LOGIN,
		ISC_NAME_MAX, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_TARGET_ALIAS] = {
		"TargetAlias", ISC_KT_DECL_TEXT, ISC_KF_TARGET_SENDS,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_INITIATOR_ALIAS] = {
		"InitiatorAlias", ISC_KT_DECL_TEXT, 0,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_TARGET_ADDRESS] = {
		"TargetAddress", ISC_KT_DECL_TEXT, ISC_KF_TARGET_SENDS,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_TPGT] = {
		"TargetPortalGroupTag", ISC_KT_DECL_NUM,
		ISC_KF_LOGIN | ISC_KF_TARGET_SENDS | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 0, 65535, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_INITIAL_R2T] = {
		"InitialR2T", ISC_KT_BOOL_OR,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 0, 1, 1, ISC_P(initial_r2t),
	},
	[ISC_KEY_IMMEDIATE_DATA] = {
		"ImmediateData", ISC_KT_BOOL_AND,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 0, 1, 1, ISC_P(immediate_data),
	},
	[ISC_KEY_MAX_RECV_DSL] = {
		"MaxRecvDataSegmentLength", ISC_KT_DECL_NUM, ISC_KF_CONN,
		ISC_TEXT_MAX_STD, 512, ISC_NUM_MAX24, 8192, ISC_P(max_xmit_dsl),
	},
	[ISC_KEY_MAX_BURST] = {
		"MaxBurstLength", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 512, ISC_NUM_MAX24, 262144, ISC_P(max_burst),
	},
	[ISC_KEY_FIRST_BURST] = {
		"FirstBurstLength", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 512, ISC_NUM_MAX24, 65536, ISC_P(first_burst),
	},
	[ISC_KEY_TIME2WAIT] = {
		"DefaultTime2Wait", ISC_KT_NUM_MAX,
		ISC_KF_LOGIN | ISC_KF_LEADING,
		ISC_TEXT_MAX_STD, 0, 3600, 2, ISC_P(time2wait),
	},
	[ISC_KEY_TIME2RETAIN] = {
		"DefaultTime2Retain", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING,
		ISC_TEXT_MAX_STD, 0, 3600, 20, ISC_P(time2retain),
	},
	[ISC_KEY_MAX_OUTSTANDING_R2T] = {
		"MaxOutstandingR2T", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 1, 65535, 1, ISC_P(max_outstanding_r2t),
	},
	[ISC_KEY_DATA_PDU_IN_ORDER] = {
		"DataPDUInOrder", ISC_KT_BOOL_OR,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 0, 1, 1, ISC_P(data_pdu_in_order),
	},
	[ISC_KEY_DATA_SEQ_IN_ORDER] = {
		"DataSequenceInOrder", ISC_KT_BOOL_OR,
		ISC_KF_LOGIN | ISC_KF_LEADING | ISC_KF_NORMAL,
		ISC_TEXT_MAX_STD, 0, 1, 1, ISC_P(data_seq_in_order),
	},
	[ISC_KEY_ERL] = {
		"ErrorRecoveryLevel", ISC_KT_NUM_MIN,
		ISC_KF_LOGIN | ISC_KF_LEADING,
		ISC_TEXT_MAX_STD, 0, 2, 0, ISC_P(erl),
	},
	[ISC_KEY_SESSION_TYPE] = {
		"SessionType", ISC_KT_DECL_TEXT,
		ISC_KF_LOGIN | ISC_KF_LEADING,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_AUTH_METHOD] = {
		"AuthMethod", ISC_KT_LIST,
		ISC_KF_LOGIN | ISC_KF_SECURITY | ISC_KF_CONN,
		ISC_TEXT_MAX_STD, 0, 0, ISC_AUTH_NONE, ISC_P(auth_method),
	},
	/* CHAP values are binary (hex or base64): large-binary-value. */
	[ISC_KEY_CHAP_A] = {
		"CHAP_A", ISC_KT_CHAP, ISC_KF_LOGIN | ISC_KF_SECURITY,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_CHAP_I] = {
		"CHAP_I", ISC_KT_CHAP, ISC_KF_LOGIN | ISC_KF_SECURITY,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_CHAP_C] = {
		"CHAP_C", ISC_KT_CHAP, ISC_KF_LOGIN | ISC_KF_SECURITY,
		ISC_TEXT_MAX_VALUE, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_CHAP_N] = {
		"CHAP_N", ISC_KT_CHAP, ISC_KF_LOGIN | ISC_KF_SECURITY,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_CHAP_R] = {
		"CHAP_R", ISC_KT_CHAP, ISC_KF_LOGIN | ISC_KF_SECURITY,
		ISC_TEXT_MAX_VALUE, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_IF_MARKER] = {
		"IFMarker", ISC_KT_OBSOLETE, ISC_KF_LOGIN,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_OF_MARKER] = {
		"OFMarker", ISC_KT_OBSOLETE, ISC_KF_LOGIN,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_IF_MARK_INT] = {
		"IFMarkInt", ISC_KT_OBSOLETE, ISC_KF_LOGIN,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
	[ISC_KEY_OF_MARK_INT] = {
		"OFMarkInt", ISC_KT_OBSOLETE, ISC_KF_LOGIN,
		ISC_TEXT_MAX_STD, 0, 0, 0, ISC_NO_PARAM,
	},
};

/* Values of the list keys, indexed by enum isc_digest / isc_auth. */
static const char * const isc_digest_names[] = { "None", "CRC32C" };
static const char * const isc_auth_names[] = { "None", "CHAP" };

/* How the target answers a key of the current request. */
enum isc_answer {
	ISC_ANS_NONE = 0,	/* absent, declarative, or our offer's answer */
	ISC_ANS_VALUE,		/* the negotiated value */
	ISC_ANS_REJECT,
	ISC_ANS_IRRELEVANT,
	ISC_ANS_NO,		/* obsolete marker keys (13.26) */
};

const struct isc_key_desc *isc_key_info(enum isc_key_id id)
{
	return (unsigned int)id < ISC_KEY_COUNT ? &isc_keys[id] : NULL;
}
EXPORT_SYMBOL_GPL(isc_key_info);

static bool isc_str_eq(const char *s, u32 len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

int isc_key_lookup(const char *name, u32 len)
{
	unsigned int i;

	for (i = 0; i < ISC_KEY_COUNT; i++)
		if (isc_str_eq(name, len, isc_keys[i].name))
			return i;
	return -1;
}
EXPORT_SYMBOL_GPL(isc_key_lookup);

static u32 *isc_param(struct isc_params *p, const struct isc_key_desc *d)
{
	return (u32 *)((u8 *)p + d->param);
}

static u32 isc_param_get(const struct isc_params *p,
			 const struct isc_key_desc *d)
{
	return *(const u32 *)((const u8 *)p + d->param);
}

void isc_params_default(struct isc_params *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ISC_KEY_COUNT; i++)
		if (isc_keys[i].param != ISC_NO_PARAM)
			*isc_param(p, &isc_keys[i]) = isc_keys[i].def;
	p->max_recv_dsl = isc_keys[ISC_KEY_MAX_RECV_DSL].def;
}
EXPORT_SYMBOL_GPL(isc_params_default);

void isc_tgt_config_default(struct isc_tgt_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	isc_params_default(&cfg->limits);
	cfg->header_digests = BIT(ISC_DIGEST_NONE) | BIT(ISC_DIGEST_CRC32C);
	cfg->data_digests = BIT(ISC_DIGEST_NONE) | BIT(ISC_DIGEST_CRC32C);
	cfg->auth_methods = BIT(ISC_AUTH_NONE);
	cfg->tpgt = 1;
}
EXPORT_SYMBOL_GPL(isc_tgt_config_default);

/* Key names: letters, digits and ".-+@_"; "X#" opens registered keys. */
static bool isc_key_name_ok(const char *k, u32 len)
{
	u32 i;
	char c;

	if (len == 0 || len > ISC_TEXT_MAX_KEY)
		return false;
	for (i = 0; i < len; i++) {
		c = k[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '+' || c == '@' || c == '_')
			continue;
		if (c == '#' && i == 1 && k[0] == 'X')
			continue;
		return false;
	}
	return true;
}

int isc_text_next(const u8 *buf, u32 len, u32 *pos, struct isc_kv *kv)
{
	const u8 *nul, *eq;
	u32 start;

	while (*pos < len && buf[*pos] == 0)
		(*pos)++;
	if (*pos >= len)
		return 0;
	start = *pos;
	nul = memchr(buf + start, 0, len - start);
	if (!nul)
		return -EINVAL;
	/* Values may contain '=' (base64), key names cannot. */
	eq = memchr(buf + start, '=', nul - (buf + start));
	if (!eq)
		return -EINVAL;
	kv->key = (const char *)buf + start;
	kv->key_len = eq - (buf + start);
	kv->val = (const char *)eq + 1;
	kv->val_len = nul - eq - 1;
	if (!isc_key_name_ok(kv->key, kv->key_len) ||
	    kv->val_len > ISC_TEXT_MAX_VALUE)
		return -EINVAL;
	*pos = nul - buf + 1;
	return 1;
}
EXPORT_SYMBOL_GPL(isc_text_next);

static int isc_text_add_n(u8 *buf, u32 cap, u32 *len, const char *key,
			  u32 key_len, const char *val, u32 val_len)
{
	u32 need = key_len + 1 + val_len + 1;

	if (*len > cap || need > cap - *len)
		return -ENOSPC;
	memcpy(buf + *len, key, key_len);
	buf[*len + key_len] = '=';
	memcpy(buf + *len + key_len + 1, val, val_len);
	buf[*len + need - 1] = 0;
	*len += need;
	return 0;
}

int isc_text_add(u8 *buf, u32 cap, u32 *len, const char *key,
		 const char *val)
{
	return isc_text_add_n(buf, cap, len, key, strlen(key), val,
			      strlen(val));
}
EXPORT_SYMBOL_GPL(isc_text_add);

/* Decimal digits of @v at the end of @tmp (11 bytes); returns the start. */
static char *isc_u32_str(u32 v, char *tmp)
{
	char *p = tmp + 10;

	*p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return p;
}

int isc_text_add_u32(u8 *buf, u32 cap, u32 *len, const char *key, u32 val)
{
	char tmp[11];

	return isc_text_add(buf, cap, len, key, isc_u32_str(val, tmp));
}
EXPORT_SYMBOL_GPL(isc_text_add_u32);

/*
 * numerical-value (6.1): a decimal constant without leading zeros or a
 * 0x/0X hex constant. Returns 0, -EINVAL (syntax) or -ERANGE (> 2^32-1,
 * valid syntax but outside every range the target knows).
 */
static int isc_parse_num(const char *s, u32 len, u32 *out)
{
	u64 v = 0;
	u32 i = 0, base = 10, d;
	bool big = false;
	char c;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len > 1 && s[0] == '0') {
		return -EINVAL;
	}
	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v * base + d;
		if (v > U32_MAX) {
			big = true;
			v = U32_MAX;
		}
	}
	*out = (u32)v;
	return big ? -ERANGE : 0;
}

static int isc_parse_bool(const char *s, u32 len)
{
	if (isc_str_eq(s, len, "Yes"))
		return 1;
	if (isc_str_eq(s, len, "No"))
		return 0;
	return -EINVAL;
}

static const char * const *isc_list_names(enum isc_key_id id, u32 *n)
{
	*n = 2;
	return id == ISC_KEY_AUTH_METHOD ? isc_auth_names : isc_digest_names;
}

static u8 isc_list_mask(const struct isc_tgt_config *cfg, enum isc_key_id id)
{
	if (id == ISC_KEY_HEADER_DIGEST)
		return cfg->header_digests;
	if (id == ISC_KEY_DATA_DIGEST)
		return cfg->data_digests;
	return cfg->auth_methods;
}

/*
 * The first value of the initiator's list that the target allows: its
 * index, -ENOENT if none is, -EINVAL for a malformed list (empty values).
 * Unknown values are skipped (6.2.1).
 */
static int isc_list_pick(const char *s, u32 len, const char * const *names,
			 u32 nnames, u8 allowed)
{
	u32 start = 0, end, i;

	if (len == 0)
		return -EINVAL;
	while (start <= len) {
		end = start;
		while (end < len && s[end] != ',')
			end++;
		if (end == start)
			return -EINVAL;
		for (i = 0; i < nnames; i++)
			if ((allowed & BIT(i)) &&
			    isc_str_eq(s + start, end - start, names[i]))
				return i;
		start = end + 1;
	}
	return -ENOENT;
}

/*
 * iSCSI names (4.2.7): "iqn.", "eui." or "naa." and then the characters
 * that stringprep leaves; upper case is tolerated (it is compared
 * case-insensitively by the daemon anyway).
 */
static bool isc_name_ok(const char *s, u32 len)
{
	u32 i;
	char c;

	if (len < 5 || len > ISC_NAME_MAX)
		return false;
	if (memcmp(s, "iqn.", 4) && memcmp(s, "eui.", 4) &&
	    memcmp(s, "naa.", 4))
		return false;
	for (i = 4; i < len; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == ':'))
			return false;
	}
	return true;
}

static bool isc_text_value_ok(const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		if ((u8)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void isc_copy_str(char *dst, u32 cap, const char *s, u32 len)
{
	len = min(len, cap - 1);
	memcpy(dst, s, len);
	dst[len] = 0;
}

/* The result function of a negotiated key (6.2.2). */
static u32 isc_result(const struct isc_key_desc *d, u32 ini, u32 tgt)
{
	switch (d->type) {
	case ISC_KT_BOOL_OR:
		return ini | tgt;
	case ISC_KT_BOOL_AND:
		return ini & tgt;
	case ISC_KT_NUM_MIN:
		return min(ini, tgt);
	case ISC_KT_NUM_MAX:
		return max(ini, tgt);
	default:
		return ini;
	}
}

void isc_neg_init(struct isc_neg *n, const struct isc_tgt_config *cfg,
		  bool leading)
{
	memset(n, 0, sizeof(*n));
	n->cfg = cfg;
	n->leading = leading;
	isc_params_default(&n->p);
}
EXPORT_SYMBOL_GPL(isc_neg_init);

/* The answer to a key the target offered: must be a legal result. */
static u16 isc_offer_answer(struct isc_neg *n, enum isc_key_id id,
			    const struct isc_kv *kv)
{
	const struct isc_key_desc *d = &isc_keys[id];
	u32 tgt = isc_param_get(&n->cfg->limits, d), v, nn;
	const char * const *names;
	int r;

	n->offered &= ~BIT_ULL(id);
	switch (d->type) {
	case ISC_KT_LIST:
		names = isc_list_names(id, &nn);
		r = isc_list_pick(kv->val, kv->val_len, names, nn,
				  isc_list_mask(n->cfg, id));
		/* An answer is one value, not a list. */
		if (r < 0 || !isc_str_eq(kv->val, kv->val_len, names[r]))
			return ISC_LOGIN_INITIATOR_ERROR;
		v = r;
		break;
	case ISC_KT_BOOL_OR:
	case ISC_KT_BOOL_AND:
		r = isc_parse_bool(kv->val, kv->val_len);
		if (r < 0 || (u32)r != isc_result(d, r, tgt))
			return ISC_LOGIN_INITIATOR_ERROR;
		v = r;
		break;
	default:
		if (isc_parse_num(kv->val, kv->val_len, &v) || v < d->min ||
		    v > d->max || v != isc_result(d, v, tgt))
			return ISC_LOGIN_INITIATOR_ERROR;
		break;
	}
	*isc_param(&n->p, d) = v;
	return ISC_LOGIN_OK;
}

/* Declarative text keys of the initiator. */
static u16 isc_declared_text(struct isc_neg *n, enum isc_key_id id,
			     const struct isc_kv *kv)
{
	switch (id) {
	case ISC_KEY_SESSION_TYPE:
		if (isc_str_eq(kv->val, kv->val_len, "Discovery"))
			n->p.discovery = 1;
		else if (isc_str_eq(kv->val, kv->val_len, "Normal"))
			n->p.discovery = 0;
		else
			return ISC_LOGIN_SESSION_TYPE;
		return ISC_LOGIN_OK;
	case ISC_KEY_INITIATOR_NAME:
		if (!isc_name_ok(kv->val, kv->val_len))
			return ISC_LOGIN_INITIATOR_ERROR;
		isc_copy_str(n->initiator_name, sizeof(n->initiator_name),
			     kv->val, kv->val_len);
		return ISC_LOGIN_OK;
	case ISC_KEY_TARGET_NAME:
		if (!isc_name_ok(kv->val, kv->val_len))
			return ISC_LOGIN_NOT_FOUND;
		isc_copy_str(n->target_name, sizeof(n->target_name),
			     kv->val, kv->val_len);
		return ISC_LOGIN_OK;
	default:	/* InitiatorAlias */
		if (!isc_text_value_ok(kv->val, kv->val_len))
			return ISC_LOGIN_INITIATOR_ERROR;
		isc_copy_str(n->initiator_alias, sizeof(n->initiator_alias),
			     kv->val, kv->val_len);
		return ISC_LOGIN_OK;
	}
}

static void isc_chap_key(struct isc_neg *n, enum isc_key_id id,
			 const struct isc_kv *kv)
{
	struct isc_kv *slot[] = {
		&n->chap.a, &n->chap.i, &n->chap.c, &n->chap.n, &n->chap.r,
	};

	*slot[id - ISC_KEY_CHAP_A] = *kv;
}

/* Pass 1 for one known key: validate, record, decide the answer. */
static u16 isc_login_key(struct isc_neg *n, u8 csg, enum isc_key_id id,
			 const struct isc_kv *kv)
{
	const struct isc_key_desc *d = &isc_keys[id];
	const char * const *names;
	u32 v, nn;
	int r;

	/* No key may be negotiated or declared twice in a login (6.2). */
	if (n->received & BIT_ULL(id))
		return ISC_LOGIN_INITIATOR_ERROR;
	n->received |= BIT_ULL(id);
	if (kv->val_len > d->max_len)
		return ISC_LOGIN_INITIATOR_ERROR;
	if (n->offered & BIT_ULL(id))
		return isc_offer_answer(n, id, kv);
	if (d->flags & (ISC_KF_FFP | ISC_KF_TARGET_SENDS)) {
		n->ans[id] = ISC_ANS_REJECT;
		return ISC_LOGIN_OK;
	}
	/* Security keys outside the security stage break the login. */
	if ((d->flags & ISC_KF_SECURITY) && csg != ISC_STAGE_SECURITY)
		return ISC_LOGIN_INITIATOR_ERROR;
	if ((d->flags & ISC_KF_LEADING) && !n->leading) {
		n->ans[id] = ISC_ANS_IRRELEVANT;
		return ISC_LOGIN_OK;
	}

	switch (d->type) {
	case ISC_KT_LIST:
		names = isc_list_names(id, &nn);
		r = isc_list_pick(kv->val, kv->val_len, names, nn,
				  isc_list_mask(n->cfg, id));
		if (r < 0) {
			n->ans[id] = ISC_ANS_REJECT;
		} else {
			n->ini[id] = r;
			n->ans[id] = ISC_ANS_VALUE;
		}
		return ISC_LOGIN_OK;
	case ISC_KT_BOOL_OR:
	case ISC_KT_BOOL_AND:
		r = isc_parse_bool(kv->val, kv->val_len);
		if (r < 0) {
			n->ans[id] = ISC_ANS_REJECT;
		} else {
			n->ini[id] = r;
			n->ans[id] = ISC_ANS_VALUE;
		}
		return ISC_LOGIN_OK;
	case ISC_KT_NUM_MIN:
	case ISC_KT_NUM_MAX:
	case ISC_KT_DECL_NUM:
		r = isc_parse_num(kv->val, kv->val_len, &v);
		if (r == -EINVAL) {
			n->ans[id] = ISC_ANS_REJECT;
			return ISC_LOGIN_OK;
		}
		/* An out-of-range number is a protocol error (6.2.2). */
		if (r || v < d->min || v > d->max)
			return ISC_LOGIN_INITIATOR_ERROR;
		n->ini[id] = v;
		if (d->type == ISC_KT_DECL_NUM) {
			*isc_param(&n->p, d) = v;
			return ISC_LOGIN_OK;
		}
		n->ans[id] = ISC_ANS_VALUE;
		return ISC_LOGIN_OK;
	case ISC_KT_DECL_TEXT:
		return isc_declared_text(n, id, kv);
	case ISC_KT_CHAP:
		isc_chap_key(n, id, kv);
		return ISC_LOGIN_OK;
	case ISC_KT_OBSOLETE:
		/* 13.26: never NotUnderstood; markers "No", intervals Reject */
		n->ans[id] = (id == ISC_KEY_IF_MARKER ||
			      id == ISC_KEY_OF_MARKER) ?
			     ISC_ANS_NO : ISC_ANS_REJECT;
		return ISC_LOGIN_OK;
	}
	return ISC_LOGIN_OK;
}

/* Between the passes: relevance and the results of this request's keys. */
static u16 isc_login_results(struct isc_neg *n)
{
	const struct isc_params *lim = &n->cfg->limits;
	const struct isc_key_desc *d;
	u32 ini_max_burst;
	unsigned int i;

	for (i = 0; i < ISC_KEY_COUNT; i++) {
		d = &isc_keys[i];
		if (n->ans[i] == ISC_ANS_NONE)
			continue;
		if ((d->flags & ISC_KF_NORMAL) && n->p.discovery) {
			n->ans[i] = ISC_ANS_IRRELEVANT;
			continue;
		}
		if (n->ans[i] != ISC_ANS_VALUE)
			continue;
		if (d->type == ISC_KT_LIST)
			*isc_param(&n->p, d) = n->ini[i];
		else
			*isc_param(&n->p, d) = isc_result(d, n->ini[i],
							  isc_param_get(lim, d));
	}
	if (n->ans[ISC_KEY_AUTH_METHOD] == ISC_ANS_REJECT)
		return ISC_LOGIN_AUTH_FAILED;

	/* The initiator's own FirstBurstLength may not exceed its burst. */
	if (n->ans[ISC_KEY_FIRST_BURST] == ISC_ANS_VALUE) {
		ini_max_burst = n->ans[ISC_KEY_MAX_BURST] == ISC_ANS_VALUE ?
				n->ini[ISC_KEY_MAX_BURST] :
				n->p.max_burst;
		if (n->ini[ISC_KEY_FIRST_BURST] > ini_max_burst)
			return ISC_LOGIN_INITIATOR_ERROR;
		/* 13.14: no unsolicited data at all, nothing to bound. */
		if (n->p.initial_r2t && !n->p.immediate_data)
			n->ans[ISC_KEY_FIRST_BURST] = ISC_ANS_IRRELEVANT;
	}
	n->p.first_burst = min(n->p.first_burst, n->p.max_burst);
	return ISC_LOGIN_OK;
}

/* Would the default of an unnegotiated key break the target's limit? */
static bool isc_offer_needed(const struct isc_neg *n, enum isc_key_id id)
{
	const struct isc_key_desc *d = &isc_keys[id];
	u32 tgt;

	if ((n->received | n->declared) & BIT_ULL(id))
		return false;
	if (((d->flags & ISC_KF_LEADING) && !n->leading) ||
	    ((d->flags & ISC_KF_NORMAL) && n->p.discovery))
		return false;
	switch (d->type) {
	case ISC_KT_LIST:
		return id != ISC_KEY_AUTH_METHOD &&
		       !(isc_list_mask(n->cfg, id) & BIT(d->def));
	case ISC_KT_BOOL_OR:
	case ISC_KT_BOOL_AND:
	case ISC_KT_NUM_MIN:
	case ISC_KT_NUM_MAX:
		tgt = isc_param_get(&n->cfg->limits, d);
		return isc_result(d, d->def, tgt) != d->def;
	default:
		return false;
	}
}

static const char *isc_bool_str(u32 v)
{
	return v ? "Yes" : "No";
}

/* The value the target offers for @id: its own limit or allowed value. */
static int isc_add_offer(struct isc_neg *n, enum isc_key_id id, u8 *out,
			 u32 cap, u32 *len)
{
	const struct isc_key_desc *d = &isc_keys[id];
	const char * const *names;
	u32 nn, i;
	u8 mask;

	switch (d->type) {
	case ISC_KT_LIST:
		names = isc_list_names(id, &nn);
		mask = isc_list_mask(n->cfg, id);
		for (i = 0; i < nn; i++)
			if (mask & BIT(i))
				break;
		if (i == nn)
			return -EINVAL;
		return isc_text_add(out, cap, len, d->name, names[i]);
	case ISC_KT_BOOL_OR:
	case ISC_KT_BOOL_AND:
		return isc_text_add(out, cap, len, d->name,
				    isc_bool_str(isc_param_get(&n->cfg->limits,
							       d)));
	default:
		return isc_text_add_u32(out, cap, len, d->name,
					isc_param_get(&n->cfg->limits, d));
	}
}

/* Pass 2: answer every key in the order received. */
static int isc_login_answers(struct isc_neg *n, const u8 *in, u32 in_len,
			     u8 *out, u32 cap, u32 *len)
{
	const struct isc_key_desc *d;
	const char * const *names;
	struct isc_kv kv;
	u32 pos = 0, nn, v;
	int id, r = 0;

	while (!r && isc_text_next(in, in_len, &pos, &kv) > 0) {
		id = isc_key_lookup(kv.key, kv.key_len);
		if (id < 0) {
			/* X-, X# and unknown keys alike (6.2, 13.27) */
			r = isc_text_add_n(out, cap, len, kv.key, kv.key_len,
					   "NotUnderstood", 13);
			continue;
		}
		d = &isc_keys[id];
		switch (n->ans[id]) {
		case ISC_ANS_VALUE:
			v = isc_param_get(&n->p, d);
			if (d->type == ISC_KT_LIST) {
				names = isc_list_names(id, &nn);
				r = isc_text_add(out, cap, len, d->name,
						 names[v]);
			} else if (d->type == ISC_KT_BOOL_OR ||
				   d->type == ISC_KT_BOOL_AND) {
				r = isc_text_add(out, cap, len, d->name,
						 isc_bool_str(v));
			} else {
				r = isc_text_add_u32(out, cap, len, d->name, v);
			}
			break;
		case ISC_ANS_REJECT:
			r = isc_text_add(out, cap, len, d->name, "Reject");
			break;
		case ISC_ANS_IRRELEVANT:
			r = isc_text_add(out, cap, len, d->name, "Irrelevant");
			break;
		case ISC_ANS_NO:
			r = isc_text_add(out, cap, len, d->name, "No");
			break;
		}
	}
	return r;
}

/* Declarations and offers of the target, appended after the answers. */
static int isc_login_declare(struct isc_neg *n, bool operational, u8 *out,
			     u32 cap, u32 *len)
{
	const struct isc_tgt_config *cfg = n->cfg;
	unsigned int i;
	int r;

	/* 13.9: the tag goes in the first response of a Normal session. */
	if (!n->p.discovery && !(n->declared & BIT_ULL(ISC_KEY_TPGT))) {
		r = isc_text_add_u32(out, cap, len, "TargetPortalGroupTag",
				     cfg->tpgt);
		if (r)
			return r;
		n->declared |= BIT_ULL(ISC_KEY_TPGT);
		if (cfg->target_alias) {
			r = isc_text_add(out, cap, len, "TargetAlias",
					 cfg->target_alias);
			if (r)
				return r;
			n->declared |= BIT_ULL(ISC_KEY_TARGET_ALIAS);
		}
	}
	if (!operational)
		return 0;
	if (!(n->declared & BIT_ULL(ISC_KEY_MAX_RECV_DSL))) {
		r = isc_text_add_u32(out, cap, len, "MaxRecvDataSegmentLength",
				     cfg->limits.max_recv_dsl);
		if (r)
			return r;
		n->declared |= BIT_ULL(ISC_KEY_MAX_RECV_DSL);
		n->p.max_recv_dsl = cfg->limits.max_recv_dsl;
	}
	for (i = 0; i < ISC_KEY_COUNT; i++) {
		if (!isc_offer_needed(n, i))
			continue;
		r = isc_add_offer(n, i, out, cap, len);
		if (r)
			return r;
		n->declared |= BIT_ULL(i);
		n->offered |= BIT_ULL(i);
	}
	return 0;
}

u16 isc_neg_login(struct isc_neg *n, u8 csg, bool transit, u8 nsg,
		  const u8 *in, u32 in_len, u8 *out, u32 out_cap,
		  u32 *out_len)
{
	struct isc_params saved = n->p;
	struct isc_kv kv;
	u32 pos = 0;
	bool operational;
	int id, r;
	u16 st;

	*out_len = 0;
	memset(n->ans, 0, sizeof(n->ans));
	memset(&n->chap, 0, sizeof(n->chap));
	n->transit_ok = false;

	while ((r = isc_text_next(in, in_len, &pos, &kv)) > 0) {
		id = isc_key_lookup(kv.key, kv.key_len);
		if (id < 0)
			continue;
		st = isc_login_key(n, csg, id, &kv);
		if (st != ISC_LOGIN_OK)
			goto fail;
	}
	st = ISC_LOGIN_INITIATOR_ERROR;
	if (r < 0)
		goto fail;

	if (!n->started) {
		/* 13.5, 13.4: who and to whom, in the first request */
		st = ISC_LOGIN_MISSING_PARAM;
		if (!(n->received & BIT_ULL(ISC_KEY_INITIATOR_NAME)) ||
		    (!n->p.discovery &&
		     !(n->received & BIT_ULL(ISC_KEY_TARGET_NAME))))
			goto fail;
		n->started = true;
		/* Skipping the security stage means no authentication. */
		st = ISC_LOGIN_AUTH_FAILED;
		if (csg != ISC_STAGE_SECURITY &&
		    !(n->cfg->auth_methods & BIT(ISC_AUTH_NONE)))
			goto fail;
	}
	if (csg == ISC_STAGE_SECURITY)
		n->in_security = true;
	/* Leaving the security stage needs an agreed method. */
	st = ISC_LOGIN_AUTH_FAILED;
	if (csg == ISC_STAGE_SECURITY && transit &&
	    !(n->received & BIT_ULL(ISC_KEY_AUTH_METHOD)) &&
	    !(n->cfg->auth_methods & BIT(ISC_AUTH_NONE)))
		goto fail;

	st = isc_login_results(n);
	if (st != ISC_LOGIN_OK)
		goto fail;

	st = ISC_LOGIN_OUT_OF_RESOURCES;
	if (isc_login_answers(n, in, in_len, out, out_cap, out_len))
		goto fail;
	operational = csg == ISC_STAGE_OPERATIONAL ||
		      (transit && nsg == ISC_STAGE_FULL_FEATURE);
	if (isc_login_declare(n, operational, out, out_cap, out_len))
		goto fail;
	/* Hold the transit until the initiator has answered our offers. */
	n->transit_ok = !n->offered;
	n->status = ISC_LOGIN_OK;
	return ISC_LOGIN_OK;

fail:
	/* A failed login ends here: leave the parameters consistent. */
	n->p = saved;
	*out_len = 0;
	n->status = st;
	return st;
}
EXPORT_SYMBOL_GPL(isc_neg_login);

int isc_neg_text(struct isc_neg *n, const u8 *in, u32 in_len, u8 *out,
		 u32 out_cap, u32 *out_len)
{
	const struct isc_key_desc *d;
	struct isc_kv kv;
	u32 pos = 0, v;
	u64 seen = 0;
	const char *ans;
	int id, r;

	*out_len = 0;
	n->send_targets = false;
	n->send_targets_val[0] = 0;
	while ((r = isc_text_next(in, in_len, &pos, &kv)) > 0) {
		id = isc_key_lookup(kv.key, kv.key_len);
		if (id < 0) {
			r = isc_text_add_n(out, out_cap, out_len, kv.key,
					   kv.key_len, "NotUnderstood", 13);
			if (r)
				return r;
			continue;
		}
		d = &isc_keys[id];
		ans = NULL;
		if (seen & BIT_ULL(id)) {
			ans = "Reject";
		} else if (id == ISC_KEY_SEND_TARGETS) {
			/* "All", a target name, or empty: this target */
			if (kv.val_len && !isc_str_eq(kv.val, kv.val_len, "All") &&
			    !isc_name_ok(kv.val, kv.val_len)) {
				ans = "Reject";
			} else {
				n->send_targets = true;
				isc_copy_str(n->send_targets_val,
					     sizeof(n->send_targets_val),
					     kv.val, kv.val_len);
			}
		} else if (id == ISC_KEY_MAX_RECV_DSL) {
			/* Declarative in every phase (13.12). */
			if (isc_parse_num(kv.val, kv.val_len, &v) ||
			    v < d->min || v > d->max)
				ans = "Reject";
			else
				n->p.max_xmit_dsl = v;
		} else if (id == ISC_KEY_INITIATOR_ALIAS) {
			if (isc_text_value_ok(kv.val, kv.val_len))
				isc_copy_str(n->initiator_alias,
					     sizeof(n->initiator_alias),
					     kv.val, kv.val_len);
		} else {
			/* Login-only keys cannot be renegotiated here. */
			ans = "Reject";
		}
		seen |= BIT_ULL(id);
		if (ans) {
			r = isc_text_add(out, out_cap, out_len, d->name, ans);
			if (r)
				return r;
		}
	}
	return r;
}
EXPORT_SYMBOL_GPL(isc_neg_text);

/* "addr:port,tpgt", IPv6 literals in brackets (13.8). */
static int isc_add_address(u8 *buf, u32 cap, u32 *len,
			   const struct isc_portal *pt)
{
	char val[ISC_TEXT_MAX_STD + 1], tmp[11];
	const char *num;
	bool v6 = strchr(pt->addr, ':');
	u32 alen = strlen(pt->addr), o = 0, l;

	if (alen + 2 + 1 + 5 + 1 + 5 > ISC_TEXT_MAX_STD)
		return -EINVAL;
	if (v6)
		val[o++] = '[';
	memcpy(val + o, pt->addr, alen);
	o += alen;
	if (v6)
		val[o++] = ']';
	val[o++] = ':';
	num = isc_u32_str(pt->port, tmp);
	l = strlen(num);
	memcpy(val + o, num, l);
	o += l;
	val[o++] = ',';
	num = isc_u32_str(pt->tpgt, tmp);
	l = strlen(num);
	memcpy(val + o, num, l);
	o += l;
	val[o] = 0;
	return isc_text_add(buf, cap, len, "TargetAddress", val);
}

int isc_sendtargets_add(u8 *buf, u32 cap, u32 *len, const char *name,
			const struct isc_portal *portals, u32 nportals)
{
	u32 start = *len, i;
	int r;

	r = isc_text_add(buf, cap, len, "TargetName", name);
	for (i = 0; !r && i < nportals; i++)
		r = isc_add_address(buf, cap, len, &portals[i]);
	if (r)
		*len = start;
	return r;
}
EXPORT_SYMBOL_GPL(isc_sendtargets_add);
