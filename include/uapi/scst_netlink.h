/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The SCSI target's generic netlink protocol, shared by the kernel (scst.ko)
 * and user space (scstadmd, scstadmin).
 *
 * Family "scst", version SCST_GENL_VERSION, multicast group "events".
 *
 * Model: the same objects and the same core functions as the sysfs tree
 * /sys/kernel/scst_tgt, so the two interfaces cannot disagree:
 *
 *   global settings (name=value)
 *   handler (device handler, e.g. vdisk_fileio)
 *     device            name, handler, attributes (name=value strings)
 *   driver (target driver, e.g. iscsi, scst_local)
 *     target            name, enabled, rel_tgt_id, attributes
 *       LUN             number, device, read_only       (default group)
 *       group           name (ini_group)
 *         LUN           number, device, read_only
 *         initiator     name pattern ('*' and '?' wildcards)
 *       session         initiator name, group, LUN count
 *
 * Conventions:
 *  - Every object is addressed by names: SCST_A_DRIVER + SCST_A_TARGET
 *    (+ SCST_A_GROUP for a named group; absent means the default group).
 *  - *_GET with NLM_F_DUMP lists; without it returns one object.
 *  - Every command that changes something needs CAP_NET_ADMIN; GETs are
 *    open to all users, but the values of secret attributes (iSCSI's CHAP
 *    accounts) are only in the replies to CAP_NET_ADMIN.
 *  - Errors are a negative errno with an extended ack message naming the
 *    attribute (and NLMSGERR_ATTR_OFFS pointing at it where it applies).
 *  - Strict validation: unknown attributes and reserved header bits are
 *    rejected.
 *  - Attribute values of devices and targets are the strings their sysfs
 *    files show and accept (SCST_A_ATTR nests SCST_A_ATTR_NAME and
 *    SCST_A_ATTR_VALUE), so new handler attributes need no protocol change.
 *    A device's attributes are its handler's and the core's
 *    max_tgt_dev_commands.
 *    In replies, SCST_A_ATTR_KEY in SCST_A_ATTR marks a value that is
 *    configuration (given at creation or not the default: the "[key]" line
 *    of the sysfs file), what a saved configuration file holds.
 *  - Multi-valued attributes of drivers and targets (iSCSI's IncomingUser,
 *    OutgoingUser, allowed_portal) come as one SCST_A_ATTR per value, all
 *    with the same name and SCST_A_ATTR_KEY; ATTR_ADD and ATTR_DEL change
 *    one value each (SCST's add_attribute and add_target_attribute).
 */
#ifndef _UAPI_SCST_NETLINK_H
#define _UAPI_SCST_NETLINK_H

#define SCST_GENL_NAME		"scst"
#define SCST_GENL_VERSION	1
#define SCST_GENL_MCGRP_EVENTS	"events"

/* Limits user space can rely on. */
#define SCST_NL_NAME_MAX	256	/* names, including the NUL */
#define SCST_NL_VALUE_MAX	4096	/* attribute values and parameters */
#define SCST_NL_LUN_MAX		16383
/* a device's max_tgt_dev_commands: 0 (no limit) .. this */
#define SCST_NL_MAX_TGT_DEV_COMMANDS	65535

enum scst_nl_cmd {
	SCST_CMD_UNSPEC,

	SCST_CMD_GET_VERSION,		/* -> VERSION, GENL_VERSION */

	SCST_CMD_HANDLER_GET,		/* [HANDLER] -> HANDLER, ADD_PARAMS */

	/* [DEVICE] -> DEVICE, HANDLER, SIZE, BLOCK_SIZE, READ_ONLY, ATTR* */
	SCST_CMD_DEVICE_GET,
	SCST_CMD_DEVICE_ADD,		/* HANDLER, DEVICE, [PARAMS] */
	SCST_CMD_DEVICE_DEL,		/* DEVICE */
	SCST_CMD_DEVICE_SET,		/* DEVICE, ATTR (one name=value) */

	SCST_CMD_DRIVER_GET,		/* [DRIVER] -> DRIVER, ATTR* */
	/* DRIVER, MGMT_LINE: the driver's own verbs (add_session ...) */
	SCST_CMD_DRIVER_MGMT,

	/* DRIVER, [TARGET] -> DRIVER, TARGET, ENABLED, REL_TGT_ID, ATTR* */
	SCST_CMD_TARGET_GET,
	SCST_CMD_TARGET_ADD,		/* DRIVER, TARGET, [PARAMS] */
	SCST_CMD_TARGET_DEL,		/* DRIVER, TARGET */
	/* DRIVER, TARGET, ENABLED | REL_TGT_ID | ATTR */
	SCST_CMD_TARGET_SET,

	SCST_CMD_GROUP_GET,		/* DRIVER, TARGET -> GROUP, INITIATOR* */
	SCST_CMD_GROUP_ADD,		/* DRIVER, TARGET, GROUP */
	SCST_CMD_GROUP_DEL,		/* DRIVER, TARGET, GROUP */

	SCST_CMD_INITIATOR_ADD,		/* DRIVER, TARGET, GROUP, INITIATOR */
	SCST_CMD_INITIATOR_DEL,		/* DRIVER, TARGET, GROUP, INITIATOR */
	/* DRIVER, TARGET, GROUP, INITIATOR, DEST_GROUP */
	SCST_CMD_INITIATOR_MOVE,

	/* DRIVER, TARGET, [GROUP] -> LUN, DEVICE, READ_ONLY */
	SCST_CMD_LUN_GET,
	/* DRIVER, TARGET, [GROUP], LUN, DEVICE, [READ_ONLY] */
	SCST_CMD_LUN_ADD,
	SCST_CMD_LUN_DEL,		/* DRIVER, TARGET, [GROUP], LUN */
	SCST_CMD_LUN_REPLACE,		/* as LUN_ADD */
	SCST_CMD_LUN_CLEAR,		/* DRIVER, TARGET, [GROUP] */

	/* DRIVER, TARGET -> INITIATOR, GROUP, LUN_COUNT, ACTIVE_COMMANDS */
	SCST_CMD_SESSION_GET,

	/* Multicast events on "events"; same attributes as the GETs. */
	SCST_EVENT_DEVICE_ADDED,
	SCST_EVENT_DEVICE_REMOVED,
	SCST_EVENT_DEVICE_RESIZED,	/* DEVICE, SIZE */
	SCST_EVENT_SESSION_UP,		/* DRIVER, TARGET, INITIATOR */
	SCST_EVENT_SESSION_DOWN,
	/* CMD: which command changed it, and the object's names */
	SCST_EVENT_CONFIG_CHANGED,

	/*
	 * Global settings (the SGV cache's limits, also the scst module's
	 * parameters of the same names).
	 * -> VERSION, ACTIVE_COMMANDS, ATTR* (ATTR_KEY: not the default)
	 */
	SCST_CMD_GLOBAL_GET,
	SCST_CMD_GLOBAL_SET,		/* ATTR (one name=value) */

	/* DRIVER, [TARGET], ATTR: one value of a multi-valued attribute */
	SCST_CMD_ATTR_ADD,
	SCST_CMD_ATTR_DEL,

	/*
	 * ALUA: device groups, their devices and target port groups, and
	 * the targets of those. A dump has one message per object, in
	 * order: DEVICE_GROUP; DEVICE_GROUP, DEVICE; DEVICE_GROUP,
	 * TARGET_GROUP, ATTR* (group_id, state, preferred); DEVICE_GROUP,
	 * TARGET_GROUP, TARGET, ATTR (rel_tgt_id, of a remote target).
	 */
	SCST_CMD_DG_GET,
	SCST_CMD_DG_ADD,		/* DEVICE_GROUP */
	SCST_CMD_DG_DEL,		/* DEVICE_GROUP */
	SCST_CMD_DG_DEVICE_ADD,		/* DEVICE_GROUP, DEVICE */
	SCST_CMD_DG_DEVICE_DEL,		/* DEVICE_GROUP, DEVICE */
	SCST_CMD_TG_ADD,		/* DEVICE_GROUP, TARGET_GROUP */
	SCST_CMD_TG_DEL,		/* DEVICE_GROUP, TARGET_GROUP */
	/* DEVICE_GROUP, TARGET_GROUP, ATTR: group_id, state or preferred */
	SCST_CMD_TG_SET,
	SCST_CMD_TG_TARGET_ADD,		/* DEVICE_GROUP, TARGET_GROUP, TARGET */
	SCST_CMD_TG_TARGET_DEL,		/* DEVICE_GROUP, TARGET_GROUP, TARGET */
	/* DEVICE_GROUP, TARGET_GROUP, TARGET, ATTR: rel_tgt_id */
	SCST_CMD_TG_TARGET_SET,

	__SCST_CMD_MAX,
};
#define SCST_CMD_MAX (__SCST_CMD_MAX - 1)

enum scst_nl_attr {
	SCST_A_UNSPEC,
	SCST_A_VERSION,			/* string: module version */
	SCST_A_GENL_VERSION,		/* u32 */
	SCST_A_HANDLER,			/* string */
	SCST_A_DEVICE,			/* string */
	SCST_A_DRIVER,			/* string */
	SCST_A_TARGET,			/* string */
	SCST_A_GROUP,			/* string; absent: default group */
	SCST_A_DEST_GROUP,		/* string */
	SCST_A_INITIATOR,		/* string (a pattern in groups) */
	SCST_A_LUN,			/* u32, 0..SCST_NL_LUN_MAX */
	SCST_A_READ_ONLY,		/* u8, 0 or 1 */
	SCST_A_ENABLED,			/* u8, 0 or 1 */
	SCST_A_REL_TGT_ID,		/* u16 */
	SCST_A_SIZE,			/* u64, bytes */
	SCST_A_BLOCK_SIZE,		/* u32, bytes */
	SCST_A_PARAMS,			/* string "key=value; key=value" */
	SCST_A_ADD_PARAMS,		/* nested: SCST_A_ATTR_NAME per param */
	SCST_A_MGMT_LINE,		/* string */
	SCST_A_ATTR,			/* nested: ATTR_NAME, ATTR_VALUE */
	SCST_A_ATTR_NAME,		/* string */
	SCST_A_ATTR_VALUE,		/* string */
	SCST_A_LUN_COUNT,		/* u32 */
	SCST_A_ACTIVE_COMMANDS,		/* u32 */
	SCST_A_CMD,			/* u8: enum scst_nl_cmd (events) */
	SCST_A_PAD,
	SCST_A_ATTR_KEY,		/* flag in SCST_A_ATTR (replies only) */
	SCST_A_DEVICE_GROUP,		/* string: ALUA device group */
	SCST_A_TARGET_GROUP,		/* string: its target port group */

	__SCST_A_MAX,
};
#define SCST_A_MAX (__SCST_A_MAX - 1)

#endif /* _UAPI_SCST_NETLINK_H */
