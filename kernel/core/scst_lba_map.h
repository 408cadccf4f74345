/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The logical block dependent access state (SPC-4 5.15.2.4.x, SBC-3 4.27
 * "referrals"): a device's user data segments, each with the access state
 * it has through every target port group of the device group. Parsing and
 * printing the map (sysfs lba_map, scst.conf), the state of an LBA range
 * for a group, the medium access rule and the REPORT REFERRALS parameter
 * data. Portable (kernel and user space, see scst_portable.h) and
 * stateless: the core keeps the map of each device (scst_alua.c).
 */
#ifndef SCST_LBA_MAP_H
#define SCST_LBA_MAP_H

#include "scst_cdb.h"

/* Limits of one device's map. */
#define SCST_LBA_MAP_MAX_SEGS		256
#define SCST_LBA_MAP_MAX_TPGS		16

/**
 * struct scst_lba_tpg - a segment's access state through one port group
 * @group_id: TARGET PORT GROUP (1..65535)
 * @state: SCST_ALUA_ACTIVE, _NONOPTIMIZED, _STANDBY or _UNAVAILABLE
 */
struct scst_lba_tpg {
	u16 group_id;
	u8 state;
};

/**
 * struct scst_lba_seg - one user data segment
 * @first: FIRST USER DATA SEGMENT LBA
 * @last: LAST USER DATA SEGMENT LBA (>= @first)
 * @ntpgs: entries in @tpgs (1..SCST_LBA_MAP_MAX_TPGS)
 * @tpgs: its state through each group named; a group not named is not
 *	restricted in the segment
 */
struct scst_lba_seg {
	u64 first;
	u64 last;
	unsigned int ntpgs;
	struct scst_lba_tpg tpgs[SCST_LBA_MAP_MAX_TPGS];
};

int scst_lba_map_parse(const char *text, struct scst_lba_seg *segs,
		       unsigned int max, unsigned int *n,
		       unsigned int *err_pos);
unsigned int scst_lba_map_format(const struct scst_lba_seg *segs,
				 unsigned int n, char *buf, unsigned int len);
u8 scst_lba_map_state(const struct scst_lba_seg *segs, unsigned int n,
		      u16 group_id, u64 lba, u64 nblocks);
int scst_lba_map_check(const struct scst_lba_seg *segs, unsigned int n,
		       u16 group_id, const struct scst_cdb_info *ci,
		       const u8 *cdb, unsigned int cdb_len,
		       struct scst_sense *sense);
u32 scst_referrals_build(const struct scst_lba_seg *segs, unsigned int n,
			 u64 lba, bool one_seg, u8 *buf, u32 buf_len);

#endif /* SCST_LBA_MAP_H */
