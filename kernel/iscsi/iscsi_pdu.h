/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI PDUs (RFC 7143 chapter 11): the 48-byte Basic Header Segment of
 * every opcode, a validating decoder for the PDUs a target receives,
 * builders for the PDUs it sends, CmdSN serial arithmetic and the CRC32C
 * digest.
 *
 * Portable (DEVELOPERS principle 7): compiles into the kernel and into the
 * user-space library scst_portable, which scstadmd (login, discovery)
 * links too. Nothing here knows about sockets or iSER: a transport hands
 * complete headers in and takes complete headers out (principle 3).
 *
 * Layouts are byte arrays rather than __be32 fields so that the same
 * structs work in C++ and need no packing; multi-byte fields are read and
 * written with get/put_unaligned_be*().
 */
#ifndef ISCSI_PDU_H
#define ISCSI_PDU_H

#include "core/scst_portable.h"

#define ISC_BHS_LEN		48
#define ISC_DIGEST_LEN		4
#define ISC_RSVD_TAG		0xffffffffU	/* "no tag" ITT/TTT */
/* The 24-bit DataSegmentLength field bounds every data segment. */
#define ISC_MAX_DSL		0xffffffU
/* TotalAHSLength counts 4-byte words in one byte. */
#define ISC_MAX_AHS_LEN		(255 * 4)

/* Byte 0: bit 6 is I (immediate delivery), bits 0-5 the opcode. */
#define ISC_OPCODE_MASK		0x3f
#define ISC_OP_IMMEDIATE	0x40

enum isc_opcode {
	/* initiator to target */
	ISC_OP_NOP_OUT		= 0x00,
	ISC_OP_SCSI_CMD		= 0x01,
	ISC_OP_TMF_REQ		= 0x02,
	ISC_OP_LOGIN_REQ	= 0x03,
	ISC_OP_TEXT_REQ		= 0x04,
	ISC_OP_DATA_OUT		= 0x05,
	ISC_OP_LOGOUT_REQ	= 0x06,
	ISC_OP_SNACK		= 0x10,
	/* target to initiator */
	ISC_OP_NOP_IN		= 0x20,
	ISC_OP_SCSI_RSP		= 0x21,
	ISC_OP_TMF_RSP		= 0x22,
	ISC_OP_LOGIN_RSP	= 0x23,
	ISC_OP_TEXT_RSP		= 0x24,
	ISC_OP_DATA_IN		= 0x25,
	ISC_OP_LOGOUT_RSP	= 0x26,
	ISC_OP_R2T		= 0x31,
	ISC_OP_ASYNC_MSG	= 0x32,
	ISC_OP_REJECT		= 0x3f,
};

/* Byte 1 flags. */
#define ISC_FLAG_FINAL		0x80	/* F; T (transit) in Login PDUs */
#define ISC_FLAG_CONT		0x40	/* C in Login and Text PDUs */
#define ISC_CMD_READ		0x40	/* R */
#define ISC_CMD_WRITE		0x20	/* W */
#define ISC_CMD_ATTR_MASK	0x07
#define ISC_LOGIN_CSG_SHIFT	2
#define ISC_LOGIN_CSG_MASK	0x0c
#define ISC_LOGIN_NSG_MASK	0x03
#define ISC_DATAIN_ACK		0x40	/* A */
#define ISC_RSP_BIDI_OVERFLOW	0x10	/* o */
#define ISC_RSP_BIDI_UNDERFLOW	0x08	/* u */
#define ISC_RSP_OVERFLOW	0x04	/* O */
#define ISC_RSP_UNDERFLOW	0x02	/* U */
#define ISC_DATAIN_STATUS	0x01	/* S */
#define ISC_TMF_FUNC_MASK	0x7f
#define ISC_LOGOUT_REASON_MASK	0x7f
#define ISC_SNACK_TYPE_MASK	0x0f

/* Login stages (CSG/NSG). */
enum isc_stage {
	ISC_STAGE_SECURITY	= 0,
	ISC_STAGE_OPERATIONAL	= 1,
	ISC_STAGE_FULL_FEATURE	= 3,
};

/* Task attributes of the SCSI Command PDU (SAM). */
enum isc_task_attr {
	ISC_ATTR_UNTAGGED	= 0,
	ISC_ATTR_SIMPLE		= 1,
	ISC_ATTR_ORDERED	= 2,
	ISC_ATTR_HEAD_OF_QUEUE	= 3,
	ISC_ATTR_ACA		= 4,
};

/* Task management functions (RFC 7143 11.5.1, RFC 7144 for 9-12). */
enum isc_tmf_func {
	ISC_TMF_ABORT_TASK		= 1,
	ISC_TMF_ABORT_TASK_SET		= 2,
	ISC_TMF_CLEAR_ACA		= 3,
	ISC_TMF_CLEAR_TASK_SET		= 4,
	ISC_TMF_LUN_RESET		= 5,
	ISC_TMF_TARGET_WARM_RESET	= 6,
	ISC_TMF_TARGET_COLD_RESET	= 7,
	ISC_TMF_TASK_REASSIGN		= 8,
	ISC_TMF_QUERY_TASK		= 9,
	ISC_TMF_QUERY_TASK_SET		= 10,
	ISC_TMF_IT_NEXUS_RESET		= 11,
	ISC_TMF_QUERY_ASYNC_EVENT	= 12,
};

/* Task management responses (RFC 7143 11.6.1). */
enum isc_tmf_response {
	ISC_TMF_RSP_COMPLETE		= 0,
	ISC_TMF_RSP_NO_TASK		= 1,
	ISC_TMF_RSP_NO_LUN		= 2,
	ISC_TMF_RSP_TASK_ALLEGIANT	= 3,
	ISC_TMF_RSP_NO_FAILOVER		= 4,
	ISC_TMF_RSP_NOT_SUPPORTED	= 5,
	ISC_TMF_RSP_AUTH_FAILED		= 6,
	ISC_TMF_RSP_REJECTED		= 255,
};

/* Logout reasons and responses (RFC 7143 11.14.1, 11.15.1). */
enum isc_logout_reason {
	ISC_LOGOUT_CLOSE_SESSION	= 0,
	ISC_LOGOUT_CLOSE_CONN		= 1,
	ISC_LOGOUT_RECOVERY		= 2,
};

enum isc_logout_response {
	ISC_LOGOUT_RSP_OK		= 0,
	ISC_LOGOUT_RSP_NO_CID		= 1,
	ISC_LOGOUT_RSP_NO_RECOVERY	= 2,
	ISC_LOGOUT_RSP_FAILED		= 3,
};

/* SCSI Response "Response" field (RFC 7143 11.4.3). */
#define ISC_RSP_COMPLETED	0x00
#define ISC_RSP_TARGET_FAILURE	0x01

/* Asynchronous events (RFC 7143 11.9.1). */
enum isc_async_event {
	ISC_ASYNC_SCSI_EVENT		= 0,
	ISC_ASYNC_LOGOUT_REQUEST	= 1,
	ISC_ASYNC_DROP_CONN		= 2,
	ISC_ASYNC_DROP_ALL_CONNS	= 3,
	ISC_ASYNC_RENEGOTIATE		= 4,
	ISC_ASYNC_VENDOR		= 255,
};

/* Reject reasons (RFC 7143 11.17.1). */
enum isc_reject_reason {
	ISC_REJECT_NONE			= 0x00,
	ISC_REJECT_DIGEST_ERROR		= 0x02,
	ISC_REJECT_SNACK_REJECT		= 0x03,
	ISC_REJECT_PROTOCOL_ERROR	= 0x04,
	ISC_REJECT_CMD_NOT_SUPPORTED	= 0x05,
	ISC_REJECT_IMM_CMD_REJECT	= 0x06,
	ISC_REJECT_TASK_IN_PROGRESS	= 0x07,
	ISC_REJECT_INVALID_DATA_ACK	= 0x08,
	ISC_REJECT_INVALID_PDU_FIELD	= 0x09,
	ISC_REJECT_OUT_OF_RESOURCES	= 0x0a,
	ISC_REJECT_WAITING_FOR_LOGOUT	= 0x0c,
};

/*
 * Login status, class in the high byte and detail in the low byte
 * (RFC 7143 11.13.5).
 */
#define ISC_LOGIN_STATUS(cls, det)	((u16)(((cls) << 8) | (det)))
#define ISC_LOGIN_OK			ISC_LOGIN_STATUS(0, 0)
#define ISC_LOGIN_TGT_MOVED_TEMP	ISC_LOGIN_STATUS(1, 1)
#define ISC_LOGIN_TGT_MOVED_PERM	ISC_LOGIN_STATUS(1, 2)
#define ISC_LOGIN_INITIATOR_ERROR	ISC_LOGIN_STATUS(2, 0)
#define ISC_LOGIN_AUTH_FAILED		ISC_LOGIN_STATUS(2, 1)
#define ISC_LOGIN_AUTHZ_FAILED		ISC_LOGIN_STATUS(2, 2)
#define ISC_LOGIN_NOT_FOUND		ISC_LOGIN_STATUS(2, 3)
#define ISC_LOGIN_TGT_REMOVED		ISC_LOGIN_STATUS(2, 4)
#define ISC_LOGIN_UNSUPPORTED_VERSION	ISC_LOGIN_STATUS(2, 5)
#define ISC_LOGIN_TOO_MANY_CONNS	ISC_LOGIN_STATUS(2, 6)
#define ISC_LOGIN_MISSING_PARAM		ISC_LOGIN_STATUS(2, 7)
#define ISC_LOGIN_CANT_INCLUDE		ISC_LOGIN_STATUS(2, 8)
#define ISC_LOGIN_SESSION_TYPE		ISC_LOGIN_STATUS(2, 9)
#define ISC_LOGIN_NO_SESSION		ISC_LOGIN_STATUS(2, 10)
#define ISC_LOGIN_INVALID_REQUEST	ISC_LOGIN_STATUS(2, 11)
#define ISC_LOGIN_TARGET_ERROR		ISC_LOGIN_STATUS(3, 0)
#define ISC_LOGIN_SERVICE_UNAVAIL	ISC_LOGIN_STATUS(3, 1)
#define ISC_LOGIN_OUT_OF_RESOURCES	ISC_LOGIN_STATUS(3, 2)

/*
 * Wire layouts. Every struct is exactly ISC_BHS_LEN bytes (checked in
 * iscsi_pdu.c). Fields named rsvd* must be sent as zero.
 */

/* The fields common to every opcode. */
struct isc_bhs {
	u8 opcode;
	u8 flags;
	u8 spec2[2];
	u8 ahs_len;		/* TotalAHSLength, 4-byte words */
	u8 dlength[3];		/* DataSegmentLength, bytes */
	u8 lun[8];		/* or opcode-specific */
	u8 itt[4];
	u8 spec20[28];
};

struct isc_nop_out {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 rsvd32[16];
};

struct isc_scsi_cmd {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 exp_xfer_len[4];
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 cdb[16];
};

struct isc_tmf_req {
	u8 opcode;
	u8 flags;		/* F and the function */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 rtt[4];		/* Referenced Task Tag */
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 ref_cmdsn[4];
	u8 exp_datasn[4];
	u8 rsvd40[8];
};

struct isc_login_req {
	u8 opcode;
	u8 flags;		/* T, C, CSG, NSG */
	u8 version_max;
	u8 version_min;
	u8 ahs_len;
	u8 dlength[3];
	u8 isid[6];
	u8 tsih[2];
	u8 itt[4];
	u8 cid[2];
	u8 rsvd22[2];
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 rsvd32[16];
};

struct isc_text_req {
	u8 opcode;
	u8 flags;		/* F, C */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 rsvd32[16];
};

struct isc_data_out {
	u8 opcode;
	u8 flags;		/* F */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 rsvd24[4];
	u8 exp_statsn[4];
	u8 rsvd32[4];
	u8 datasn[4];
	u8 offset[4];
	u8 rsvd44[4];
};

struct isc_logout_req {
	u8 opcode;
	u8 flags;		/* F and the reason code */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 rsvd8[8];
	u8 itt[4];
	u8 cid[2];
	u8 rsvd22[2];
	u8 cmdsn[4];
	u8 exp_statsn[4];
	u8 rsvd32[16];
};

struct isc_snack {
	u8 opcode;
	u8 flags;		/* F and the type */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];		/* or SNACK Tag */
	u8 rsvd24[4];
	u8 exp_statsn[4];
	u8 rsvd32[8];
	u8 begrun[4];
	u8 runlength[4];
};

struct isc_nop_in {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 rsvd36[12];
};

struct isc_scsi_rsp {
	u8 opcode;
	u8 flags;		/* F, o, u, O, U */
	u8 response;
	u8 status;
	u8 ahs_len;
	u8 dlength[3];
	u8 rsvd8[8];
	u8 itt[4];
	u8 snack_tag[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 exp_datasn[4];
	u8 bidi_residual[4];
	u8 residual[4];
};

struct isc_tmf_rsp {
	u8 opcode;
	u8 flags;
	u8 response;
	u8 rsvd3;
	u8 ahs_len;
	u8 dlength[3];
	u8 rsvd8[8];
	u8 itt[4];
	u8 rsvd20[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 rsvd36[12];
};

struct isc_login_rsp {
	u8 opcode;
	u8 flags;		/* T, C, CSG, NSG */
	u8 version_max;
	u8 version_active;
	u8 ahs_len;
	u8 dlength[3];
	u8 isid[6];
	u8 tsih[2];
	u8 itt[4];
	u8 rsvd20[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 status_class;
	u8 status_detail;
	u8 rsvd38[10];
};

struct isc_text_rsp {
	u8 opcode;
	u8 flags;		/* F, C */
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 rsvd36[12];
};

struct isc_data_in {
	u8 opcode;
	u8 flags;		/* F, A, O, U, S */
	u8 rsvd2;
	u8 status;
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 datasn[4];
	u8 offset[4];
	u8 residual[4];
};

struct isc_logout_rsp {
	u8 opcode;
	u8 flags;
	u8 response;
	u8 rsvd3;
	u8 ahs_len;
	u8 dlength[3];
	u8 rsvd8[8];
	u8 itt[4];
	u8 rsvd20[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 rsvd36[4];
	u8 time2wait[2];
	u8 time2retain[2];
	u8 rsvd44[4];
};

struct isc_r2t {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];
	u8 ttt[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 r2tsn[4];
	u8 offset[4];
	u8 desired_len[4];
};

struct isc_async_msg {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 ahs_len;
	u8 dlength[3];
	u8 lun[8];
	u8 itt[4];		/* always ISC_RSVD_TAG */
	u8 rsvd20[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 event;
	u8 vcode;
	u8 param1[2];
	u8 param2[2];
	u8 param3[2];
	u8 rsvd44[4];
};

struct isc_reject {
	u8 opcode;
	u8 flags;
	u8 reason;
	u8 rsvd3;
	u8 ahs_len;
	u8 dlength[3];
	u8 rsvd8[8];
	u8 itt[4];		/* always ISC_RSVD_TAG */
	u8 rsvd20[4];
	u8 statsn[4];
	u8 exp_cmdsn[4];
	u8 max_cmdsn[4];
	u8 datasn[4];		/* DataSN/R2TSN or reserved */
	u8 rsvd40[8];
};

/* Accessors of the common fields. */
static inline u8 isc_bhs_opcode(const void *bhs)
{
	return ((const u8 *)bhs)[0] & ISC_OPCODE_MASK;
}

static inline bool isc_bhs_immediate(const void *bhs)
{
	return ((const u8 *)bhs)[0] & ISC_OP_IMMEDIATE;
}

static inline u32 isc_bhs_ahs_bytes(const void *bhs)
{
	return (u32)((const struct isc_bhs *)bhs)->ahs_len * 4;
}

static inline u32 isc_bhs_dlength(const void *bhs)
{
	return get_unaligned_be24(((const struct isc_bhs *)bhs)->dlength);
}

static inline void isc_bhs_set_dlength(void *bhs, u32 len)
{
	put_unaligned_be24(len, ((struct isc_bhs *)bhs)->dlength);
}

static inline u32 isc_bhs_itt(const void *bhs)
{
	return get_unaligned_be32(((const struct isc_bhs *)bhs)->itt);
}

/* Padding: every segment is padded to a multiple of 4 bytes. */
static inline u32 isc_pad_len(u32 len)
{
	return (4 - (len & 3)) & 3;
}

static inline u32 isc_padded(u32 len)
{
	return len + isc_pad_len(len);
}

/*
 * Serial number arithmetic (RFC 1982, SERIAL_BITS = 32) for CmdSN, StatSN,
 * DataSN and R2TSN. Two numbers 2^31 apart are neither less nor greater
 * than each other: both comparisons are false.
 */
static inline bool isc_sn_lt(u32 a, u32 b)
{
	return a != b && (u32)(b - a) < 0x80000000U;
}

static inline bool isc_sn_gt(u32 a, u32 b)
{
	return a != b && (u32)(a - b) < 0x80000000U;
}

static inline bool isc_sn_le(u32 a, u32 b)
{
	return a == b || isc_sn_lt(a, b);
}

static inline bool isc_sn_ge(u32 a, u32 b)
{
	return a == b || isc_sn_gt(a, b);
}

/*
 * Target Transfer Tags of R2Ts are handed out in sequence, skipping the
 * reserved 0xffffffff: *@next is the next one, *@span counts the numbers
 * used so far, up to ISC_TTT_SPAN. A Data-Out whose task is gone is a
 * late PDU of a command already answered or aborted when its TTT was
 * issued (dropped), and garbage when it never was (rejected).
 */
#define ISC_TTT_SPAN		0x40000000U

u32 isc_ttt_alloc(u32 *next, u32 *span);
bool isc_ttt_issued(u32 ttt, u32 next, u32 span);

/* Where a received non-immediate CmdSN falls relative to the window. */
enum isc_cmdsn_verdict {
	ISC_CMDSN_IN_ORDER,	/* == ExpCmdSN: execute, advance ExpCmdSN */
	ISC_CMDSN_AHEAD,	/* within (ExpCmdSN, MaxCmdSN]: hold */
	ISC_CMDSN_OUTSIDE,	/* stale or beyond MaxCmdSN: drop silently */
};

enum isc_cmdsn_verdict isc_cmdsn_check(u32 cmdsn, u32 exp_cmdsn,
				       u32 max_cmdsn);

/*
 * A limit on the commands a CmdSN window admits that follows a resource
 * the window cannot see, such as the target's buffer memory: a BUSY or
 * TASK SET FULL response says the target ran out of it. Like TCP's
 * congestion window (AIMD):
 *  - multiplicative decrease: a BUSY response shrinks @limit to half the
 *    commands in flight (at least 1). Once per round trip: a BUSY to a
 *    command admitted before the last shrink (CmdSN up to the MaxCmdSN
 *    granted then, @recover_sn) was already accounted for;
 *  - additive increase: every @limit other responses raise it by one, up
 *    to the cap (QueuedCommands).
 * A limit never takes back CmdSNs already granted; it only keeps MaxCmdSN
 * from moving on. The caller serialises the calls.
 */
struct isc_aimd {
	u32 limit;		/* the most commands admitted */
	u32 low;		/* the least @limit has been */
	u32 shrinks;		/* times a BUSY shrank it */
	u32 credit;		/* responses towards the next step up */
	u32 recover_sn;		/* MaxCmdSN when it last shrank */
	bool recovering;	/* a BUSY up to @recover_sn does not count */
};

void isc_aimd_init(struct isc_aimd *w, u32 cap);
void isc_aimd_rsp(struct isc_aimd *w, u32 cap, u32 cmdsn, bool busy,
		  u32 in_flight, u32 max_cmdsn);

/*
 * MaxCmdSN for a queue that can take @free more commands: the window is
 * [ExpCmdSN, ExpCmdSN + free - 1]; free == 0 closes it (MaxCmdSN =
 * ExpCmdSN - 1, RFC 7143 4.2.2.1).
 */
static inline u32 isc_max_cmdsn(u32 exp_cmdsn, u32 free)
{
	return exp_cmdsn + free - 1;
}

/*
 * CRC32C (Castagnoli) for header and data digests. isc_crc32c() continues
 * a running CRC (start with ISC_CRC32C_SEED); isc_crc32c_final() turns it
 * into the digest value. The digest goes on the wire least significant
 * byte first (RFC 3720 B.4).
 */
#define ISC_CRC32C_SEED		0xffffffffU

u32 isc_crc32c(u32 crc, const void *buf, u32 len);

static inline u32 isc_crc32c_final(u32 crc)
{
	return ~crc;
}

u32 isc_digest(const void *buf, u32 len);
/* The digest of a data segment with its padding (zero bytes). */
u32 isc_data_digest(const void *buf, u32 len);

static inline void isc_put_digest(u32 digest, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)digest;
	b[1] = (u8)(digest >> 8);
	b[2] = (u8)(digest >> 16);
	b[3] = (u8)(digest >> 24);
}

static inline u32 isc_get_digest(const void *p)
{
	const u8 *b = (const u8 *)p;

	return b[0] | ((u32)b[1] << 8) | ((u32)b[2] << 16) |
	       ((u32)b[3] << 24);
}

/* What the connection is doing, for which PDUs it accepts. */
enum isc_phase {
	ISC_PHASE_LOGIN,		/* only Login Requests */
	ISC_PHASE_FULL,			/* Normal session, full feature */
	ISC_PHASE_DISCOVERY,		/* Discovery session, full feature */
};

/* The negotiated limits that the decoder checks against. */
struct isc_rx_limits {
	u32 max_recv_dsl;	/* our MaxRecvDataSegmentLength */
	u32 first_burst;	/* FirstBurstLength */
	bool immediate_data;	/* ImmediateData */
	bool initial_r2t;	/* InitialR2T */
	u8 erl;			/* ErrorRecoveryLevel */
	/*
	 * RFC 7143 11.2 makes receivers ignore reserved fields; strict mode
	 * rejects a PDU whose reserved bits are not zero (for testing
	 * initiators, not for production).
	 */
	bool strict_reserved;
};

/* The decoder's verdict on a received header. */
enum isc_verdict {
	ISC_PDU_OK = 0,
	/* send a Reject with .reject_reason, then go on */
	ISC_PDU_REJECT,
	/* send a Reject with .reject_reason, then close the connection */
	ISC_PDU_REJECT_CLOSE,
	/* login phase: send a Login Response with .login_status, close */
	ISC_PDU_LOGIN_FAIL,
};

/* A decoded initiator PDU: the fields the state machine needs. */
struct isc_pdu_info {
	u8 opcode;
	bool immediate;
	bool final;		/* F (T for Login) */
	bool cont;		/* C: Login and Text */
	u8 flags;		/* byte 1 as received */
	u32 ahs_len;		/* bytes */
	u32 data_len;		/* DataSegmentLength, without padding */
	/*
	 * The 8 LUN bytes as one big-endian number, not interpreted: the
	 * core maps them (scst_lun_decode()) and answers an unknown LUN.
	 */
	u64 lun;
	u32 itt;
	u32 ttt;		/* NOP-Out, Text, Data-Out, SNACK */
	u32 cmdsn;		/* requests with a CmdSN */
	u32 exp_statsn;
	/* SCSI Command */
	bool read, write;
	u8 attr;
	u32 exp_xfer_len;
	/* Data-Out */
	u32 datasn;
	u32 offset;
	/* Task Management: function; Logout: reason; SNACK: type */
	u8 func;
	u32 rtt;		/* TMF Referenced Task Tag */
	u32 ref_cmdsn;
	u32 exp_datasn;
	/* Login */
	u8 csg, nsg;
	u8 version_max, version_min;
	u16 tsih;
	u16 cid;		/* Login and Logout */
	u8 isid[6];
	/* SNACK */
	u32 begrun, runlength;

	/* the verdict's details */
	u8 reject_reason;	/* enum isc_reject_reason */
	u16 login_status;	/* ISC_LOGIN_STATUS() */
};

enum isc_verdict isc_pdu_decode(const void *bhs, enum isc_phase phase,
				const struct isc_rx_limits *lim,
				struct isc_pdu_info *pi);

const char *isc_opcode_name(u8 opcode);

/* Additional Header Segments of a SCSI Command (RFC 7143 11.2.2). */
#define ISC_AHS_EXT_CDB		1
#define ISC_AHS_BIDI_READ_LEN	2
#define ISC_MAX_CDB_LEN		(16 + 255 * 4)

struct isc_ahs_info {
	const u8 *ext_cdb;	/* CDB bytes beyond the BHS's 16 */
	u32 ext_cdb_len;
	bool has_bidi_len;
	u32 bidi_read_len;	/* Expected Bidirectional Read Data Length */
};

/* Parse @len bytes of AHS; returns a Reject reason or ISC_REJECT_NONE. */
u8 isc_ahs_parse(const u8 *ahs, u32 len, struct isc_ahs_info *ai);

/* The sequence numbers that every target PDU carries. */
struct isc_sn {
	u32 statsn;
	u32 exp_cmdsn;
	u32 max_cmdsn;
};

/*
 * Builders: each fills a whole ISC_BHS_LEN-byte header (zeroing reserved
 * fields) and sets DataSegmentLength; the caller sends the data segment,
 * its padding and the digests. None advances StatSN: the caller owns it.
 */

struct isc_scsi_rsp_args {
	u32 itt;
	u8 response;		/* ISC_RSP_* */
	u8 status;		/* SAM status */
	u32 exp_xfer_len;	/* from the command */
	u32 xfer_len;		/* what the command actually transfers */
	bool bidi;
	u32 bidi_exp_read_len;
	u32 bidi_read_len;
	u32 exp_datasn;		/* Data-In PDUs sent for the command */
	u32 sense_len;		/* sense bytes following, 0 for none */
};

void isc_build_scsi_rsp(void *bhs, const struct isc_scsi_rsp_args *a,
			const struct isc_sn *sn);
/*
 * The SCSI Response data segment carrying sense data: SenseLength and
 * the sense bytes. Returns the segment length (without padding) or 0 if
 * @cap is too small.
 */
u32 isc_build_sense_segment(u8 *buf, u32 cap, const u8 *sense,
			    u32 sense_len);

struct isc_data_in_args {
	u32 itt;
	u64 lun;
	u32 ttt;		/* ISC_RSVD_TAG unless ack is set */
	u32 datasn;
	u32 offset;
	u32 len;
	bool final;		/* last PDU of the sequence */
	bool ack;		/* A: ask for a DataACK SNACK (ERL > 0) */
	/* status phase collapsed into the last PDU (F must be set too) */
	bool has_status;
	u8 status;
	u32 exp_xfer_len;
	u32 xfer_len;
};

void isc_build_data_in(void *bhs, const struct isc_data_in_args *a,
		       const struct isc_sn *sn);

struct isc_r2t_args {
	u32 itt;
	u64 lun;
	u32 ttt;
	u32 r2tsn;
	u32 offset;
	u32 desired_len;
};

void isc_build_r2t(void *bhs, const struct isc_r2t_args *a,
		   const struct isc_sn *sn);

/*
 * NOP-In: a reply to a NOP-Out ping (itt from the ping, ttt ISC_RSVD_TAG)
 * or a target ping (itt ISC_RSVD_TAG, ttt a tag the initiator echoes).
 * For a target ping StatSN is not advanced (RFC 7143 11.19).
 */
void isc_build_nop_in(void *bhs, u32 itt, u32 ttt, u64 lun, u32 data_len,
		      const struct isc_sn *sn);

/* Reject: the data segment is the offending header (@bad_bhs). */
void isc_build_reject(void *bhs, u8 reason, u32 datasn,
		      const struct isc_sn *sn);

/* Asynchronous Message asking the initiator to log out within @secs. */
void isc_build_async_logout(void *bhs, u16 secs, const struct isc_sn *sn);

void isc_build_logout_rsp(void *bhs, u32 itt, u8 response, u16 time2wait,
			  u16 time2retain, const struct isc_sn *sn);

void isc_build_tmf_rsp(void *bhs, u32 itt, u8 response,
		       const struct isc_sn *sn);

struct isc_login_rsp_args {
	u32 itt;
	u8 isid[6];
	u16 tsih;
	bool transit;
	bool cont;
	u8 csg;
	u8 nsg;
	u16 status;		/* ISC_LOGIN_STATUS() */
	u32 data_len;
};

/*
 * A failed login (status class not 0) clears T, C, CSG and NSG as RFC
 * 7143 11.13 wants; StatSN is only meaningful on success.
 */
void isc_build_login_rsp(void *bhs, const struct isc_login_rsp_args *a,
			 const struct isc_sn *sn);

void isc_build_text_rsp(void *bhs, u32 itt, u32 ttt, u64 lun, bool final,
			bool cont, u32 data_len, const struct isc_sn *sn);

#endif /* ISCSI_PDU_H */
