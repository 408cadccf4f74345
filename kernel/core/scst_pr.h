/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistent reservations (SPC-4 5.9, PERSISTENT RESERVE IN/OUT) and the
 * SPC-2 reservations of RESERVE/RELEASE(6/10): the state of one logical
 * unit and every rule that changes or consults it. Portable (kernel and
 * user space, see scst_portable.h): no locks, no allocation, no I/O. The
 * caller serialises access to a struct scst_pr_state and learns through
 * struct scst_pr_ops which I_T nexuses get a Unit Attention or lose their
 * tasks.
 *
 * An I_T nexus is named by the initiator port's TransportID and the
 * relative target port identifier of the target port. The core builds the
 * TransportID of a session from its initiator name (scst_pr_make_tid()):
 *
 *  - "iqn.x,i,0x<12 hex digits>" (an iSCSI initiator port name with its
 *    ISID): iSCSI TransportID, FORMAT CODE 01b;
 *  - anything else, e.g. an scst_local session name: iSCSI TransportID,
 *    FORMAT CODE 00b, with the name as iSCSI name. It is the only
 *    TransportID format that carries a free-form string, so an initiator
 *    can name an scst_local session in SPEC_I_PT and REGISTER AND MOVE
 *    (sg_persist --transport-id=iqn.foo takes any name).
 *
 * iSCSI names compare case-insensitively (RFC 3722 normalises them to
 * lower case); a format 00b TransportID in a parameter list names every
 * initiator port with that iSCSI name, whatever its ISID (SPC-4 7.6.4.6).
 */
#ifndef SCST_PR_H
#define SCST_PR_H

#include "scst_cdb.h"

#define SCST_PR_MAX_REGS	32	/* registrations per logical unit */
#define SCST_PR_TID_MAX		256	/* bytes of one TransportID */

/* PERSISTENT RESERVE OUT TYPE field */
#define SCST_PR_TYPE_WE		0x1	/* write exclusive */
#define SCST_PR_TYPE_EA		0x3	/* exclusive access */
#define SCST_PR_TYPE_WE_RO	0x5	/* write exclusive, registrants only */
#define SCST_PR_TYPE_EA_RO	0x6	/* exclusive access, registrants only */
#define SCST_PR_TYPE_WE_AR	0x7	/* write exclusive, all registrants */
#define SCST_PR_TYPE_EA_AR	0x8	/* exclusive access, all registrants */

#define SCST_PR_PROTO_ISCSI	0x5	/* PROTOCOL IDENTIFIER of iSCSI */

/**
 * struct scst_pr_nexus - an I_T nexus as persistent reservations see it
 * @rtpi: relative target port identifier
 * @tid_len: bytes in @tid (a multiple of 4, at least 24 for iSCSI)
 * @tid: the initiator port's TransportID
 */
struct scst_pr_nexus {
	u16 rtpi;
	u16 tid_len;
	u8 tid[SCST_PR_TID_MAX];
};

/**
 * struct scst_pr_reg - one registration
 * @used: the slot holds a registration
 * @all_tg_pt: registered through every target port (ALL_TG_PT=1)
 * @key: the reservation key, never 0
 * @nx: the I_T nexus; with @all_tg_pt, @nx.rtpi is the port it came in on
 */
struct scst_pr_reg {
	bool used;
	bool all_tg_pt;
	u64 key;
	struct scst_pr_nexus nx;
};

/**
 * struct scst_pr_state - reservation state of one logical unit
 * @generation: PRgeneration, counts the PR OUT commands that changed
 *	registrations (SPC-4 6.15.2)
 * @aptpl: the state persists through power loss (the last registering
 *	command had APTPL=1)
 * @held: a persistent reservation exists
 * @type: its SCST_PR_TYPE_*
 * @holder: index in @regs of the holder; unused by the all registrants
 *	types, where every registration holds the reservation
 * @spc2_held: an SPC-2 reservation (RESERVE(6/10)) exists
 * @spc2_holder: the I_T nexus holding it
 * @regs: the registrations; slots with !used are free
 */
struct scst_pr_state {
	u32 generation;
	bool aptpl;
	bool held;
	u8 type;
	u8 holder;
	bool spc2_held;
	struct scst_pr_nexus spc2_holder;
	struct scst_pr_reg regs[SCST_PR_MAX_REGS];
};

/**
 * struct scst_pr_ops - what a PR OUT command does to other I_T nexuses
 * @ua: establish the Unit Attention @aq (ASC << 8 | ASCQ) on every I_T
 *	nexus @reg stands for (through every port when @reg->all_tg_pt)
 * @abort: PREEMPT AND ABORT: abort the tasks of the I_T nexuses of @reg.
 *	May be NULL.
 *
 * Both are called with the state in the middle of a change: they must not
 * call back into the engine. @reg may be a copy of a removed registration.
 */
struct scst_pr_ops {
	void (*ua)(void *ctx, const struct scst_pr_reg *reg, u16 aq);
	void (*abort)(void *ctx, const struct scst_pr_reg *reg);
};

/* Unit Attentions the engine raises (ASC << 8 | ASCQ). */
#define SCST_PR_AQ_RESERVATIONS_PREEMPTED	0x2a03
#define SCST_PR_AQ_RESERVATIONS_RELEASED	0x2a04
#define SCST_PR_AQ_REGISTRATIONS_PREEMPTED	0x2a05

/**
 * enum scst_pr_result - outcome of a reservation command
 * @SCST_PR_GOOD: GOOD status
 * @SCST_PR_CHECK: CHECK CONDITION with scst_pr_cmd.sense
 * @SCST_PR_CONFLICT: RESERVATION CONFLICT status
 */
enum scst_pr_result {
	SCST_PR_GOOD = 0,
	SCST_PR_CHECK = 1,
	SCST_PR_CONFLICT = 2,
};

/**
 * struct scst_pr_cmd - one PERSISTENT RESERVE IN/OUT, RESERVE or RELEASE
 * @st: the logical unit's state
 * @nx: the I_T nexus the command came in on
 * @cdb: the CDB (10 bytes for PR, 6 or 10 for RESERVE/RELEASE)
 * @param: PR OUT parameter list
 * @param_len: bytes at @param (the PARAMETER LIST LENGTH of the CDB)
 * @buf: PR IN response buffer
 * @buf_len: size of @buf
 * @ops: callbacks, may be NULL (no Unit Attentions, no aborts)
 * @ctx: first argument of the callbacks
 * @resp_len: out: PR IN bytes written to @buf
 * @changed: out: the state changed (a save is due when @st->aptpl, and
 *	a saved copy is stale when not)
 * @sense: out: the sense data of SCST_PR_CHECK
 */
struct scst_pr_cmd {
	struct scst_pr_state *st;
	const struct scst_pr_nexus *nx;
	const u8 *cdb;
	const u8 *param;
	u32 param_len;
	u8 *buf;
	u32 buf_len;
	const struct scst_pr_ops *ops;
	void *ctx;
	u32 resp_len;
	bool changed;
	struct scst_sense sense;
};

void scst_pr_init(struct scst_pr_state *st);
bool scst_pr_active(const struct scst_pr_state *st);
int scst_pr_make_tid(const char *name, struct scst_pr_nexus *nx);
bool scst_pr_nexus_eq(const struct scst_pr_nexus *a,
		      const struct scst_pr_nexus *b);
bool scst_pr_reg_covers(const struct scst_pr_reg *reg,
			const struct scst_pr_nexus *nx);
int scst_pr_parse_tid(const u8 *p, u32 len, struct scst_pr_nexus *nx,
		      u32 *used);

enum scst_pr_result scst_pr_check(const struct scst_pr_state *st,
				  const struct scst_pr_nexus *nx,
				  const u8 *cdb);
enum scst_pr_result scst_pr_in(struct scst_pr_cmd *c);
enum scst_pr_result scst_pr_out(struct scst_pr_cmd *c);
enum scst_pr_result scst_pr_reserve(struct scst_pr_cmd *c);
enum scst_pr_result scst_pr_release(struct scst_pr_cmd *c);
bool scst_pr_nexus_loss(struct scst_pr_state *st,
			const struct scst_pr_nexus *nx);
bool scst_pr_reset(struct scst_pr_state *st);

/* APTPL file: a header, the registrations, a CRC32C. */
#define SCST_PR_FILE_MAX	(32 + SCST_PR_MAX_REGS * (16 + SCST_PR_TID_MAX) + 4)

u32 scst_pr_serialize(const struct scst_pr_state *st, u64 seq, u8 *buf,
		      u32 len);
int scst_pr_deserialize(const u8 *buf, u32 len, struct scst_pr_state *st,
			u64 *seq);

#endif /* SCST_PR_H */
