/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Hand-over of logged-in iSCSI connections from scstadmd to the kernel.
 *
 * Family "scst_iscsi", version SCST_ISCSI_GENL_VERSION, owned by the iSCSI
 * target driver module (kernel/iscsi, target driver "iscsi"). Targets,
 * their LUNs, groups and attributes (IncomingUser, OutgoingUser, the iSCSI
 * keys) are configured like every other target, through the "scst" family
 * or sysfs (include/uapi/scst_netlink.h).
 *
 * scstadmd accepts a TCP connection, runs login (security and operational
 * negotiation) or a discovery session itself, and for a normal session
 * that reaches full feature phase:
 *
 *   1. sends ISC_CMD_CONN_ADD with the socket's file descriptor (in the
 *      sender's file table, as nbd does), the names, the session ids, the
 *      sequence numbers and the negotiated parameters (ISC_A_PARAMS);
 *   2. gets the session's TSIH back (ISC_A_TSIH): a new session for TSIH 0
 *      (after reinstating a session of the same initiator and ISID, RFC
 *      7143 6.3.5), the given one otherwise;
 *   3. sends the final Login Response with that TSIH and closes its own
 *      descriptor. The kernel does not send on the connection before it
 *      has received a PDU from the initiator, so the Login Response is
 *      always first on the wire.
 *
 * If CONN_ADD fails (extack says why), the daemon answers the login with a
 * target error status and closes the connection.
 *
 * Every command needs CAP_NET_ADMIN except the GETs.
 */
#ifndef _UAPI_SCST_ISCSI_NETLINK_H
#define _UAPI_SCST_ISCSI_NETLINK_H

#define SCST_ISCSI_GENL_NAME	"scst_iscsi"
#define SCST_ISCSI_GENL_VERSION	1

enum scst_iscsi_nl_cmd {
	ISC_CMD_UNSPEC,
	/*
	 * TARGET, INITIATOR, ISID, TSIH, CID, FD, EXP_CMD_SN, STAT_SN,
	 * PARAMS -> TSIH
	 */
	ISC_CMD_CONN_ADD,
	/* [TARGET] -> per session: TARGET, INITIATOR, ISID, TSIH, CONN_COUNT */
	ISC_CMD_SESSION_GET,

	__ISC_CMD_MAX,
};
#define ISC_CMD_MAX (__ISC_CMD_MAX - 1)

enum scst_iscsi_nl_attr {
	ISC_A_UNSPEC,
	ISC_A_TARGET,		/* string: target name (driver "iscsi") */
	ISC_A_INITIATOR,	/* string: InitiatorName */
	ISC_A_ISID,		/* u64: the 6-byte ISID, big-endian order */
	ISC_A_TSIH,		/* u16: 0 = new session */
	ISC_A_CID,		/* u16 */
	ISC_A_FD,		/* u32: connected TCP socket */
	ISC_A_EXP_CMD_SN,	/* u32: next CmdSN expected from the initiator */
	ISC_A_STAT_SN,		/* u32: StatSN of the first response to send */
	ISC_A_PARAMS,		/* nested: enum scst_iscsi_nl_param */
	ISC_A_CONN_COUNT,	/* u32 */
	ISC_A_PAD,

	__ISC_A_MAX,
};
#define ISC_A_MAX (__ISC_A_MAX - 1)

/*
 * The negotiated parameters (RFC 7143 13), all u32, booleans 0/1; one
 * attribute per field of struct isc_params (kernel/iscsi/iscsi_text.h).
 * Absent ones keep their RFC 7143 default.
 */
enum scst_iscsi_nl_param {
	ISC_P_UNSPEC,
	ISC_P_HEADER_DIGEST,		/* 0 None, 1 CRC32C */
	ISC_P_DATA_DIGEST,
	ISC_P_MAX_CONNECTIONS,
	ISC_P_INITIAL_R2T,
	ISC_P_IMMEDIATE_DATA,
	ISC_P_MAX_RECV_DSL,		/* the target's declaration */
	ISC_P_MAX_XMIT_DSL,		/* the initiator's declaration */
	ISC_P_MAX_BURST,
	ISC_P_FIRST_BURST,
	ISC_P_TIME2WAIT,
	ISC_P_TIME2RETAIN,
	ISC_P_MAX_OUTSTANDING_R2T,
	ISC_P_DATA_PDU_IN_ORDER,
	ISC_P_DATA_SEQ_IN_ORDER,
	ISC_P_ERL,
	ISC_P_TPGT,			/* TargetPortalGroupTag */

	__ISC_P_MAX,
};
#define ISC_P_MAX (__ISC_P_MAX - 1)

#endif /* _UAPI_SCST_ISCSI_NETLINK_H */
