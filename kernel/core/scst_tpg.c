// SPDX-License-Identifier: GPL-2.0
/*
 * ALUA rules (SPC-4 5.15): access states, the commands each state admits,
 * REPORT TARGET PORT GROUPS encoding and SET TARGET PORT GROUPS parsing.
 * See scst_tpg.h. Portable: compiles into the kernel module and into the
 * user-space library scst_portable.
 */
#include "scst_tpg.h"

#define TPG_OP_LOG_SELECT	0x4c

/* READ/WRITE BUFFER MODE field values that only touch the echo buffer. */
#define TPG_BUF_ECHO		0x0a
#define TPG_BUF_ECHO_DESC	0x0b

/* Supported-state bits of a target port group descriptor (byte 1). */
#define TPG_T_SUP		0x80
#define TPG_O_SUP		0x40
#define TPG_LBD_SUP		0x10
#define TPG_U_SUP		0x08
#define TPG_S_SUP		0x04
#define TPG_AN_SUP		0x02
#define TPG_AO_SUP		0x01

#define TPG_DESC_LEN		8
#define TPG_PORT_LEN		4
#define STPG_HDR_LEN		4
#define STPG_DESC_LEN		4

static const struct {
	u8 state;
	const char *name;
} scst_alua_states[] = {
	{ SCST_ALUA_ACTIVE, "active" },
	{ SCST_ALUA_NONOPTIMIZED, "nonoptimized" },
	{ SCST_ALUA_STANDBY, "standby" },
	{ SCST_ALUA_UNAVAILABLE, "unavailable" },
	{ SCST_ALUA_LBA_DEPENDENT, "lba_dependent" },
	{ SCST_ALUA_OFFLINE, "offline" },
	{ SCST_ALUA_TRANSITIONING, "transitioning" },
};

/**
 * scst_alua_state_name() - SCST's name of an access state
 * @state: SCST_ALUA_*
 *
 * Return: "active", "nonoptimized", "standby", "unavailable",
 * "lba_dependent", "offline" or "transitioning" (the names of scst.conf and sysfs), NULL for a code that
 * is not one of the states the target supports.
 */
const char *scst_alua_state_name(u8 state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(scst_alua_states); i++)
		if (scst_alua_states[i].state == state)
			return scst_alua_states[i].name;
	return NULL;
}
EXPORT_SYMBOL_GPL(scst_alua_state_name);

/**
 * scst_alua_state_parse() - the access state of a name
 * @name: NUL-terminated, as scst_alua_state_name() returns it
 * @state: out: SCST_ALUA_*
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int scst_alua_state_parse(const char *name, u8 *state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(scst_alua_states); i++) {
		if (strcmp(scst_alua_states[i].name, name))
			continue;
		*state = scst_alua_states[i].state;
		return 0;
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(scst_alua_state_parse);

/* Commands every access state admits: they describe the LU or its paths. */
static bool scst_alua_always(const u8 *cdb, unsigned int cdb_len)
{
	u8 sa = cdb_len > 1 ? cdb[1] & 0x1f : 0;

	switch (cdb[0]) {
	case SCST_OP_INQUIRY:
	case SCST_OP_REPORT_LUNS:
	case SCST_OP_REQUEST_SENSE:
		return true;
	case SCST_OP_READ_BUFFER:
		return sa == TPG_BUF_ECHO || sa == TPG_BUF_ECHO_DESC;
	case SCST_OP_WRITE_BUFFER:
		return sa == TPG_BUF_ECHO;
	case SCST_OP_SERVICE_ACTION_IN_16:
		return sa == SCST_SAI_REPORT_REFERRALS;
	case SCST_OP_MAINTENANCE_IN:
		return sa == SCST_MI_REPORT_TARGET_PORT_GROUPS ||
		       sa == SCST_MI_REPORT_SUPPORTED_OPCODES ||
		       sa == SCST_MI_REPORT_SUPPORTED_TMFS;
	default:
		return false;
	}
}

/* The standby state also lets through what configures the LU (SPC-4 5.15.2.4.4). */
static bool scst_alua_standby_ok(const u8 *cdb, unsigned int cdb_len)
{
	u8 sa = cdb_len > 1 ? cdb[1] & 0x1f : 0;

	switch (cdb[0]) {
	case TPG_OP_LOG_SELECT:
	case SCST_OP_LOG_SENSE:
	case SCST_OP_MODE_SELECT_6:
	case SCST_OP_MODE_SELECT_10:
	case SCST_OP_MODE_SENSE_6:
	case SCST_OP_MODE_SENSE_10:
	case SCST_OP_RECEIVE_DIAGNOSTIC:
	case SCST_OP_SEND_DIAGNOSTIC:
	case SCST_OP_PERSISTENT_RESERVE_IN:
	case SCST_OP_PERSISTENT_RESERVE_OUT:
	/* SBC-3 4.x: the capacity, so that a standby path can be set up. */
	case SCST_OP_READ_CAPACITY_10:
		return true;
	case SCST_OP_SERVICE_ACTION_IN_16:
		return sa == SCST_SAI_READ_CAPACITY_16;
	case SCST_OP_MAINTENANCE_OUT:
		return sa == SCST_MO_SET_TARGET_PORT_GROUPS;
	default:
		return false;
	}
}

/**
 * scst_alua_check() - whether a target port group's state admits a command
 * @state: the access state of the group of the command's target port
 * @cdb: the CDB (at least one byte)
 * @cdb_len: its length
 * @sense: out: the sense data when it does not
 *
 * Active/optimized and active/non-optimized admit everything, so does
 * logical block dependent here: its medium access is the state of the
 * user data segments (scst_lba_map_check()). The other states admit
 * INQUIRY, REPORT LUNS, REQUEST SENSE, REPORT TARGET PORT GROUPS, REPORT
 * REFERRALS, REPORT SUPPORTED OPERATION CODES/TASK MANAGEMENT FUNCTIONS and
 * the echo buffer modes of READ/WRITE BUFFER; standby also LOG SELECT/
 * SENSE, MODE SELECT/SENSE, RECEIVE/SEND DIAGNOSTIC, PERSISTENT RESERVE
 * IN/OUT, READ CAPACITY and SET TARGET PORT GROUPS, unavailable also SET
 * TARGET PORT GROUPS. Anything else is NOT READY with LOGICAL UNIT NOT
 * ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION (04h/0Ah), TARGET PORT
 * IN STANDBY STATE (04h/0Bh) or TARGET PORT IN UNAVAILABLE STATE
 * (04h/0Ch), or LOGICAL UNIT NOT READY, OFFLINE (04h/12h).
 *
 * Return: 0 when admitted, -EAGAIN with @sense otherwise.
 */
int scst_alua_check(u8 state, const u8 *cdb, unsigned int cdb_len,
		    struct scst_sense *sense)
{
	u8 sa = cdb_len > 1 ? cdb[1] & 0x1f : 0;
	u8 ascq;

	if (state == SCST_ALUA_ACTIVE || state == SCST_ALUA_NONOPTIMIZED ||
	    state == SCST_ALUA_LBA_DEPENDENT)
		return 0;
	if (!cdb_len || scst_alua_always(cdb, cdb_len))
		return 0;
	switch (state) {
	case SCST_ALUA_STANDBY:
		if (scst_alua_standby_ok(cdb, cdb_len))
			return 0;
		ascq = SCST_ASCQ_NOT_READY_ALUA_STANDBY;
		break;
	case SCST_ALUA_UNAVAILABLE:
		if (cdb[0] == SCST_OP_MAINTENANCE_OUT &&
		    sa == SCST_MO_SET_TARGET_PORT_GROUPS)
			return 0;
		ascq = SCST_ASCQ_NOT_READY_ALUA_UNAVAILABLE;
		break;
	case SCST_ALUA_TRANSITIONING:
		ascq = SCST_ASCQ_NOT_READY_ALUA_TRANSITION;
		break;
	default:
		ascq = SCST_ASCQ_NOT_READY_OFFLINE;
		break;
	}
	scst_sense_set(sense, SCST_SK_NOT_READY, SCST_ASC_NOT_READY, ascq);
	return -EAGAIN;
}
EXPORT_SYMBOL_GPL(scst_alua_check);

/**
 * scst_rtpg_format() - the parameter data format a REPORT TPGS asks for
 * @cdb: the CDB of REPORT TARGET PORT GROUPS
 * @cdb_len: its length (12)
 * @extended: out: the extended header format (001b) rather than the
 *	length only header (000b)
 * @sense: out: INVALID FIELD IN CDB for another format
 *
 * Return: 0 or -EINVAL.
 */
int scst_rtpg_format(const u8 *cdb, unsigned int cdb_len, bool *extended,
		     struct scst_sense *sense)
{
	u8 fmt = cdb_len > 1 ? cdb[1] >> 5 : 0;

	if (fmt > 1) {
		scst_sense_invalid_field(sense, true, 1, 7);
		return -EINVAL;
	}
	*extended = fmt == 1;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_rtpg_format);

static void tpg_put(u8 *buf, u32 buf_len, u32 off, u8 v)
{
	if (off < buf_len)
		buf[off] = v;
}

static void tpg_put16(u8 *buf, u32 buf_len, u32 off, u16 v)
{
	tpg_put(buf, buf_len, off, (u8)(v >> 8));
	tpg_put(buf, buf_len, off + 1, (u8)v);
}

static void tpg_put32(u8 *buf, u32 buf_len, u32 off, u32 v)
{
	tpg_put16(buf, buf_len, off, (u16)(v >> 16));
	tpg_put16(buf, buf_len, off + 2, (u16)v);
}

/**
 * scst_rtpg_build() - the REPORT TARGET PORT GROUPS parameter data
 * @extended: extended header format (8 bytes) instead of length only (4)
 * @trans_time: IMPLICIT TRANSITION TIME in seconds (extended format)
 * @tpgs: the target port groups of the logical unit
 * @n: entries in @tpgs
 * @buf: response buffer, zeroed by the caller
 * @buf_len: its size: the response is truncated there
 *
 * Every descriptor reports the states this target supports (T_SUP,
 * O_SUP, LBD_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP), at most 255 target ports each.
 * RETURN DATA LENGTH is the length of the whole response, not of what
 * fits into @buf.
 *
 * Return: the full length of the response.
 */
u32 scst_rtpg_build(bool extended, u8 trans_time,
		    const struct scst_tpg_info *tpgs, unsigned int n,
		    u8 *buf, u32 buf_len)
{
	u32 hdr = extended ? 8 : 4, off = hdr;
	unsigned int i, j, nports;

	for (i = 0; i < n; i++) {
		const struct scst_tpg_info *t = &tpgs[i];

		nports = min_t(unsigned int, t->nports, 255);
		tpg_put(buf, buf_len, off,
			(t->preferred ? 0x80 : 0) | (t->state & 0x0f));
		tpg_put(buf, buf_len, off + 1, TPG_T_SUP | TPG_O_SUP |
			TPG_LBD_SUP | TPG_U_SUP | TPG_S_SUP | TPG_AN_SUP | TPG_AO_SUP);
		tpg_put16(buf, buf_len, off + 2, t->group_id);
		tpg_put(buf, buf_len, off + 5, t->status);
		tpg_put(buf, buf_len, off + 7, (u8)nports);
		off += TPG_DESC_LEN;
		for (j = 0; j < nports; j++) {
			tpg_put16(buf, buf_len, off + 2, t->ports[j]);
			off += TPG_PORT_LEN;
		}
	}
	if (extended) {
		tpg_put32(buf, buf_len, 0, off - 4);
		tpg_put(buf, buf_len, 4, 0x10);		/* FORMAT TYPE 001b */
		tpg_put(buf, buf_len, 5, trans_time);
	} else {
		tpg_put32(buf, buf_len, 0, off - 4);
	}
	return off;
}
EXPORT_SYMBOL_GPL(scst_rtpg_build);

/**
 * scst_stpg_parse() - the descriptors of a SET TARGET PORT GROUPS list
 * @param: the parameter list
 * @len: its length (the PARAMETER LIST LENGTH, or what arrived)
 * @out: the descriptors found
 * @max: room in @out
 * @n: out: descriptors in @out
 * @sense: out: why the list is refused
 *
 * The list is a 4-byte reserved header and 4-byte descriptors. A length
 * that cuts a descriptor is PARAMETER LIST LENGTH ERROR; a state that
 * cannot be asked for (only active/optimized, active/non-optimized,
 * standby and unavailable can), a group named twice or more groups than
 * @max is INVALID FIELD IN PARAMETER LIST pointing at the field. Whether
 * a group exists is the caller's to check. An empty list is valid.
 *
 * Return: 0 or -EINVAL with @sense.
 */
int scst_stpg_parse(const u8 *param, u32 len, struct scst_stpg_desc *out,
		    unsigned int max, unsigned int *n,
		    struct scst_sense *sense)
{
	unsigned int i, k = 0;
	u32 off;

	*n = 0;
	if (!len)
		return 0;
	if (len < STPG_HDR_LEN || (len - STPG_HDR_LEN) % STPG_DESC_LEN) {
		scst_sense_set(sense, SCST_SK_ILLEGAL_REQUEST,
			       SCST_ASC_PARAMETER_LIST_LENGTH_ERROR,
			       SCST_ASCQ_PARAMETER_LIST_LENGTH_ERROR);
		return -EINVAL;
	}
	for (off = STPG_HDR_LEN; off < len; off += STPG_DESC_LEN) {
		const u8 *d = param + off;
		u16 id = (u16)((d[2] << 8) | d[3]);
		u8 state = d[0] & 0x0f;

		if (state > SCST_ALUA_UNAVAILABLE) {
			scst_sense_invalid_field(sense, false, (u16)off, 3);
			return -EINVAL;
		}
		for (i = 0; i < k; i++)
			if (out[i].group_id == id)
				break;
		if (i < k || k == max) {
			scst_sense_invalid_field(sense, false, (u16)(off + 2),
						 -1);
			return -EINVAL;
		}
		out[k].group_id = id;
		out[k].state = state;
		out[k].offset = (u16)off;
		k++;
	}
	*n = k;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_stpg_parse);
