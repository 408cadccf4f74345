/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI text keys (RFC 7143 chapter 6 and 13): parsing of key=value data
 * segments and the target side of login and text negotiation.
 *
 * Portable (DEVELOPERS principle 7): the daemon runs login and discovery
 * with it, the kernel the full feature phase Text Requests.
 *
 * The engine answers what the initiator offers, declares the target's own
 * values, offers the target's limits that the defaults would exceed, and
 * yields the negotiated parameters. It does not do CHAP itself: it hands
 * the CHAP_* keys to the caller, which computes and appends the answer.
 */
#ifndef ISCSI_TEXT_H
#define ISCSI_TEXT_H

#include "iscsi_pdu.h"

#define ISC_TEXT_MAX_KEY	63	/* key name bytes (6.1) */
#define ISC_TEXT_MAX_VALUE	8192	/* value bytes, large-binary-value */
#define ISC_TEXT_MAX_STD	255	/* value bytes of most standard keys */
#define ISC_NAME_MAX		223	/* iSCSI name bytes (4.2.7.1) */
#define ISC_LOGIN_MAX_DSL	8192	/* MaxRecvDataSegmentLength in login */

/* One key=value pair, pointing into the parsed buffer (not terminated). */
struct isc_kv {
	const char *key;
	u32 key_len;
	const char *val;
	u32 val_len;
};

/*
 * Next key=value pair of @buf from *@pos: 1 with @kv set, 0 at the end,
 * -EINVAL for a malformed pair (no '=', bad key name, value too long, not
 * NUL-terminated). Empty strings (extra NULs) are skipped.
 */
int isc_text_next(const u8 *buf, u32 len, u32 *pos, struct isc_kv *kv);

/*
 * Append "key=value\0" to @buf (@len bytes used of @cap). -ENOSPC if it
 * does not fit; @len is then unchanged.
 */
int isc_text_add(u8 *buf, u32 cap, u32 *len, const char *key,
		 const char *val);
int isc_text_add_u32(u8 *buf, u32 cap, u32 *len, const char *key, u32 val);

enum isc_key_id {
	ISC_KEY_HEADER_DIGEST,
	ISC_KEY_DATA_DIGEST,
	ISC_KEY_MAX_CONNECTIONS,
	ISC_KEY_SEND_TARGETS,
	ISC_KEY_TARGET_NAME,
	ISC_KEY_INITIATOR_NAME,
	ISC_KEY_TARGET_ALIAS,
	ISC_KEY_INITIATOR_ALIAS,
	ISC_KEY_TARGET_ADDRESS,
	ISC_KEY_TPGT,
	ISC_KEY_INITIAL_R2T,
	ISC_KEY_IMMEDIATE_DATA,
	ISC_KEY_MAX_RECV_DSL,
	ISC_KEY_MAX_BURST,
	ISC_KEY_FIRST_BURST,
	ISC_KEY_TIME2WAIT,
	ISC_KEY_TIME2RETAIN,
	ISC_KEY_MAX_OUTSTANDING_R2T,
	ISC_KEY_DATA_PDU_IN_ORDER,
	ISC_KEY_DATA_SEQ_IN_ORDER,
	ISC_KEY_ERL,
	ISC_KEY_SESSION_TYPE,
	ISC_KEY_AUTH_METHOD,
	ISC_KEY_CHAP_A,
	ISC_KEY_CHAP_I,
	ISC_KEY_CHAP_C,
	ISC_KEY_CHAP_N,
	ISC_KEY_CHAP_R,
	/* RFC 3720 keys that RFC 7143 13.26 obsoletes */
	ISC_KEY_IF_MARKER,
	ISC_KEY_OF_MARKER,
	ISC_KEY_IF_MARK_INT,
	ISC_KEY_OF_MARK_INT,
	ISC_KEY_COUNT
};

/* How a key is negotiated (RFC 7143 6.2). */
enum isc_key_type {
	ISC_KT_LIST,		/* acceptor picks the first value it supports */
	ISC_KT_BOOL_OR,		/* result is the OR of both values */
	ISC_KT_BOOL_AND,	/* result is the AND of both values */
	ISC_KT_NUM_MIN,		/* result is the smaller number */
	ISC_KT_NUM_MAX,		/* result is the larger number */
	ISC_KT_DECL_NUM,	/* declarative number: no answer */
	ISC_KT_DECL_TEXT,	/* declarative text: no answer */
	ISC_KT_CHAP,		/* passed to the authenticator */
	ISC_KT_SEND_TARGETS,	/* full feature phase discovery */
	ISC_KT_OBSOLETE,	/* answered "No" or "Reject" (13.26) */
};

/* Where a key may be used (RFC 7143 13 "Use" and "Senders"). */
#define ISC_KF_LEADING		BIT(0)	/* LO: leading connection only */
#define ISC_KF_LOGIN		BIT(1)	/* IO: login only */
#define ISC_KF_FFP		BIT(2)	/* FFO: full feature phase only */
#define ISC_KF_SECURITY		BIT(3)	/* security stage only */
#define ISC_KF_NORMAL		BIT(4)	/* Irrelevant for Discovery */
#define ISC_KF_TARGET_SENDS	BIT(5)	/* only the target sends it */
#define ISC_KF_CONN		BIT(6)	/* connection-only scope */

struct isc_key_desc {
	const char *name;
	u8 type;		/* enum isc_key_type */
	u8 flags;		/* ISC_KF_* */
	u16 max_len;		/* value bytes */
	u32 min, max;		/* numerical range */
	u32 def;		/* default; booleans 1 = Yes */
	u16 param;		/* offsetof(struct isc_params, ...) */
};

#define ISC_NO_PARAM		0xffff

const struct isc_key_desc *isc_key_info(enum isc_key_id id);
/* The id of a key name, or -1 if the key is not a standard one we know. */
int isc_key_lookup(const char *name, u32 len);

/* List values, as bits of isc_tgt_config masks. */
enum isc_digest {
	ISC_DIGEST_NONE		= 0,
	ISC_DIGEST_CRC32C	= 1,
};

enum isc_auth {
	ISC_AUTH_NONE		= 0,
	ISC_AUTH_CHAP		= 1,
};

/*
 * The operational parameters: the target's limits in isc_tgt_config, the
 * negotiated result in isc_neg. Booleans are 0/1. The layout is indexed by
 * the key table, hence all u32.
 */
struct isc_params {
	u32 header_digest;	/* enum isc_digest */
	u32 data_digest;
	u32 max_connections;
	u32 initial_r2t;
	u32 immediate_data;
	u32 max_recv_dsl;	/* we receive at most (our declaration) */
	u32 max_xmit_dsl;	/* we send at most (initiator's) */
	u32 max_burst;
	u32 first_burst;
	u32 time2wait;
	u32 time2retain;
	u32 max_outstanding_r2t;
	u32 data_pdu_in_order;
	u32 data_seq_in_order;
	u32 erl;
	u32 auth_method;	/* enum isc_auth */
	u32 discovery;		/* SessionType=Discovery */
};

/* The defaults of RFC 7143 13 (what applies if nothing is negotiated). */
void isc_params_default(struct isc_params *p);

struct isc_tgt_config {
	/* preferred values / limits; digests and auth use the masks */
	struct isc_params limits;
	u8 header_digests;	/* BIT(enum isc_digest) allowed */
	u8 data_digests;
	u8 auth_methods;	/* BIT(enum isc_auth) allowed */
	u16 tpgt;		/* TargetPortalGroupTag */
	const char *target_alias;	/* NULL: not sent */
};

/* Limits a target can start from: the defaults, digests optional. */
void isc_tgt_config_default(struct isc_tgt_config *cfg);

/* The CHAP keys of the last request, for the authenticator. */
struct isc_chap_keys {
	struct isc_kv a, i, c, n, r;	/* val NULL: absent */
};

/*
 * The negotiation state of one connection's login (or of its full feature
 * phase Text exchanges). About 1.4 KiB: the kernel allocates it.
 */
struct isc_neg {
	const struct isc_tgt_config *cfg;
	struct isc_params p;		/* negotiated so far */
	u64 received;			/* BIT(key id): sent by the initiator */
	u64 declared;			/* sent by us (declared or offered) */
	u64 offered;			/* offered by us, answer pending */
	bool leading;			/* TSIH 0: a new session */
	bool started;			/* the first request was processed */
	bool in_security;		/* a security stage took place */
	/* may the response to the last request set T (transit)? */
	bool transit_ok;
	u16 status;			/* ISC_LOGIN_* of the last request */
	struct isc_chap_keys chap;	/* pointers into the last input */
	char initiator_name[ISC_NAME_MAX + 1];
	char target_name[ISC_NAME_MAX + 1];
	char initiator_alias[ISC_TEXT_MAX_STD + 1];
	/* full feature phase: a SendTargets request and its value */
	bool send_targets;
	char send_targets_val[ISC_NAME_MAX + 1];
	/* scratch of one request: the answer kind and value per key */
	u8 ans[ISC_KEY_COUNT];
	u32 ini[ISC_KEY_COUNT];
};

void isc_neg_init(struct isc_neg *n, const struct isc_tgt_config *cfg,
		  bool leading);

/*
 * One Login Request's data segment (all its C-bit continuations joined)
 * in stage @csg; @transit and @nsg are the request's T and NSG. Writes the
 * answer keys to @out and returns the login status: ISC_LOGIN_OK or the
 * failure to send. On success n->transit_ok says whether the response may
 * transit (false while the target waits for answers to its own offers);
 * after a transit to full feature phase n->p holds the result. A failed
 * request leaves n->p as it was.
 */
u16 isc_neg_login(struct isc_neg *n, u8 csg, bool transit, u8 nsg,
		  const u8 *in, u32 in_len, u8 *out, u32 out_cap,
		  u32 *out_len);

/*
 * One Text Request's data segment in full feature phase: answers
 * SendTargets (flagged in n->send_targets for isc_sendtargets_add()),
 * MaxRecvDataSegmentLength, and Reject/NotUnderstood for the rest.
 * Returns 0 or -ENOSPC/-EINVAL (malformed text: send a Reject PDU).
 */
int isc_neg_text(struct isc_neg *n, const u8 *in, u32 in_len, u8 *out,
		 u32 out_cap, u32 *out_len);

/* A portal for SendTargets: IPv4 or IPv6 literal (no brackets). */
struct isc_portal {
	const char *addr;
	u16 port;
	u16 tpgt;
};

/*
 * SendTargets answer for one target: TargetName=@name and one
 * TargetAddress=addr:port,tpgt per portal. -ENOSPC if it does not fit
 * (nothing of the target is added then).
 */
int isc_sendtargets_add(u8 *buf, u32 cap, u32 *len, const char *name,
			const struct isc_portal *portals, u32 nportals);

#endif /* ISCSI_TEXT_H */
