/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Asymmetric logical unit access (ALUA, SPC-4 5.15): the access states,
 * which commands each state lets through, the REPORT TARGET PORT GROUPS
 * response and the SET TARGET PORT GROUPS parameter list. Portable (kernel
 * and user space, see scst_portable.h) and stateless: the core keeps the
 * device and target port groups (scst_alua.c).
 */
#ifndef SCST_TPG_H
#define SCST_TPG_H

#include "scst_cdb.h"

/* ASYMMETRIC ACCESS STATE codes (SPC-4 table 165). */
#define SCST_ALUA_ACTIVE		0x0	/* active/optimized */
#define SCST_ALUA_NONOPTIMIZED		0x1	/* active/non-optimized */
#define SCST_ALUA_STANDBY		0x2
#define SCST_ALUA_UNAVAILABLE		0x3
#define SCST_ALUA_LBA_DEPENDENT		0x4	/* per user data segment */
#define SCST_ALUA_OFFLINE		0xe
#define SCST_ALUA_TRANSITIONING		0xf

/* STATUS CODE of a target port group descriptor. */
#define SCST_TPG_STATUS_NONE		0x0
#define SCST_TPG_STATUS_STPG		0x1	/* altered by SET TPGs */
#define SCST_TPG_STATUS_IMPLICIT	0x2	/* altered by the target */

/* Largest state name, with its NUL ("transitioning"). */
#define SCST_ALUA_STATE_NAME_MAX	16

/**
 * struct scst_tpg_info - one target port group as RTPG reports it
 * @group_id: TARGET PORT GROUP
 * @state: SCST_ALUA_*
 * @status: SCST_TPG_STATUS_*
 * @preferred: PREF bit
 * @nports: entries in @ports
 * @ports: relative target port identifiers of the group's ports
 */
struct scst_tpg_info {
	u16 group_id;
	u8 state;
	u8 status;
	bool preferred;
	unsigned int nports;
	const u16 *ports;
};

/**
 * struct scst_stpg_desc - one descriptor of a SET TARGET PORT GROUPS list
 * @group_id: TARGET PORT GROUP
 * @state: the state asked for (SCST_ALUA_ACTIVE..SCST_ALUA_UNAVAILABLE)
 * @offset: byte offset of the descriptor in the parameter list
 */
struct scst_stpg_desc {
	u16 group_id;
	u8 state;
	u16 offset;
};

const char *scst_alua_state_name(u8 state);
int scst_alua_state_parse(const char *name, u8 *state);
int scst_alua_check(u8 state, const u8 *cdb, unsigned int cdb_len,
		    struct scst_sense *sense);
int scst_rtpg_format(const u8 *cdb, unsigned int cdb_len, bool *extended,
		     struct scst_sense *sense);
u32 scst_rtpg_build(bool extended, u8 trans_time,
		    const struct scst_tpg_info *tpgs, unsigned int n,
		    u8 *buf, u32 buf_len);
int scst_stpg_parse(const u8 *param, u32 len, struct scst_stpg_desc *out,
		    unsigned int max, unsigned int *n,
		    struct scst_sense *sense);

#endif /* SCST_TPG_H */
