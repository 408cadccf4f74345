/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scst_iscsi: the full feature phase of iSCSI sessions in the kernel.
 *
 * scstadmd runs login and discovery and hands each logged-in connection to
 * us over generic netlink (include/uapi/scst_iscsi_netlink.h, isc_nl.c).
 *
 * Objects:
 *   isc_tgt      an SCST target of driver "iscsi" and its iSCSI parameters
 *   isc_session  one I_T nexus: an scst_session, ISID, TSIH, CmdSN window
 *   isc_conn     the session's connection (MaxConnections=1, ERL 0)
 *   isc_task     one SCSI command: the scst_cmd plus the iSCSI state of
 *                its data transfer
 *
 * Layers: a transport (isc_tcp.c; iSER later) moves whole PDUs. It calls
 * isc_conn_rx_hdr() with each received header, which says where the data
 * segment goes (a command's pages, a small buffer, or nowhere), then
 * isc_conn_rx_done() once the segment is in; and it sends the struct
 * isc_tx_pdu the upper layer builds. Nothing above the ops table knows
 * what a socket is.
 *
 * Locking: isc_mutex protects the target list and every target's session
 * list. conn->tx_mutex serialises sending and the StatSN it hands out.
 * conn->task_lock protects the task table and the transfer state of tasks.
 */
#ifndef ISC_PRIV_H
#define ISC_PRIV_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/scatterlist.h>
#include <linux/net.h>

#include "scst.h"
#include "scst_sgv.h"
#include "iscsi_pdu.h"
#include "iscsi_text.h"

#define ISC_DRIVER_NAME		"iscsi"

/* ---- targets ---- */

/* Target attributes, in the order of isc_tgt_attrs[] (isc_main.c). */
enum isc_tgt_param {
	ISC_TP_HEADER_DIGEST,		/* BIT(enum isc_digest) mask */
	ISC_TP_DATA_DIGEST,
	ISC_TP_INITIAL_R2T,
	ISC_TP_IMMEDIATE_DATA,
	ISC_TP_MAX_RECV_DSL,
	ISC_TP_MAX_XMIT_DSL,
	ISC_TP_MAX_BURST,
	ISC_TP_FIRST_BURST,
	ISC_TP_MAX_OUTSTANDING_R2T,
	ISC_TP_QUEUED_COMMANDS,
	ISC_TP_NOP_IN_INTERVAL,		/* seconds, 0: no pings */
	ISC_TP_NOP_IN_TIMEOUT,		/* seconds */
	ISC_TP_RSP_TIMEOUT,		/* seconds */
	ISC_TP_COUNT
};

/*
 * How long an initiator asked to log out (target disabled or deleted)
 * has before its connection is closed: the Async Message's Parameter3.
 */
#define ISC_ASYNC_LOGOUT_SECS	5
/* How long after the Logout Response the initiator has to close. */
#define ISC_LOGOUT_CLOSE_SECS	2

struct isc_tgt {
	struct scst_tgt *scst_tgt;
	struct list_head list;		/* isc_tgts */
	struct list_head sessions;	/* isc_session.list */
	atomic_t nr_sessions;		/* not yet destroyed */
	bool enabled;
	u32 params[ISC_TP_COUNT];
};

/* ---- sessions ---- */

struct isc_session {
	struct isc_tgt *tgt;
	struct scst_session *scst_sess;
	struct list_head list;		/* tgt->sessions, under isc_mutex */
	char *initiator;
	u64 isid;
	u16 tsih;
	u32 queue_depth;		/* QueuedCommands: the most admitted */

	/*
	 * The CmdSN window (isc_session.c) admits no more commands than the
	 * core takes: MaxCmdSN only moves on while the commands in the core
	 * plus the CmdSNs granted and not yet received stay within
	 * scst_sess_get_max_cmds(), QueuedCommands and busy.limit, which
	 * BUSY and TASK SET FULL responses shrink (buffer memory,
	 * sgv_max_mb) and the other responses let grow back (AIMD).
	 */
	spinlock_t sn_lock;		/* the fields below */
	u32 exp_cmdsn;
	u32 max_cmdsn;			/* the highest MaxCmdSN granted */
	u32 nr_cmds;			/* commands received, no response yet */
	u32 nr_cmds_peak;		/* the most nr_cmds has been */
	bool window_shut;		/* the last MaxCmdSN sent closed it */
	u32 windows_closed;		/* times the initiator used it up */
	u32 busy_rsps;			/* BUSY or TASK SET FULL responses */
	struct isc_aimd busy;		/* the limit they leave, <= queue_depth */

	struct isc_conn *conn;
	bool keep_tsih;			/* a reinstating session took it */
	/* completed once the session is gone (reinstatement waits) */
	struct completion *gone;
};

/* ---- connections ---- */

struct isc_conn;
struct isc_task;

/*
 * A PDU to send: a header and an optional data segment. @task is set for
 * Data-In: the transport may then send @sg's pages without a copy and
 * keep them past send_pdu(), holding the task with isc_task_tx_hold()
 * until it lets go of them (isc_task_tx_put(), process context).
 */
struct isc_tx_pdu {
	u8 bhs[ISC_BHS_LEN];
	/* the data segment: @buf, or @sg from byte @sg_off on */
	const void *buf;
	struct scatterlist *sg;
	u32 sg_off;
	u32 data_len;
	struct isc_task *task;
};

/* Where the transport puts a received data segment. */
struct isc_rx_pdu {
	u8 bhs[ISC_BHS_LEN];
	u8 ahs[ISC_MAX_AHS_LEN];
	struct isc_pdu_info pi;
	/* destination: @buf (linear), @sg from byte @sg_off, or discard */
	void *buf;
	struct scatterlist *sg;
	u32 sg_off;
	struct isc_task *task;		/* Data-Out: its task, a reference */
	bool data_digest_bad;
	bool failed;			/* the data could not be read */
};

/*
 * A transport, at PDU level (DEVELOPERS principle 3): TCP now, iSER
 * later, with the same session state machine above.
 *
 * @start:	begin receiving; the connection is fully set up. From
 *		here on the transport ends by calling isc_conn_closed().
 * @send_pdu:	send @pdu with its padding and the negotiated digests;
 *		called with conn->tx_mutex held. 0 or a negative errno.
 * @tx_end:	(optional) the last PDU of @task was sent, or sending it
 *		failed; tx_mutex held. What send_pdu() kept of the task's
 *		pages may be released once the transport is done with them.
 * @shutdown:	stop both directions now: receiving ends (the transport
 *		then calls isc_conn_closed()), sending fails. Any context
 *		that may sleep; may be called more than once.
 * @tx_wait:	(optional) the caller is about to wait for tx_mutex, held
 *		by another context: let go of what that context may need
 *		to finish its send.
 * @release:	free the transport's state; nothing runs on it anymore.
 * @alloc_task/@free_task: a task with room for the transport's needs.
 */
struct isc_transport_ops {
	const char *name;
	void (*start)(struct isc_conn *conn);
	int (*send_pdu)(struct isc_conn *conn, const struct isc_tx_pdu *pdu);
	void (*tx_end)(struct isc_conn *conn, struct isc_task *task);
	void (*shutdown)(struct isc_conn *conn);
	void (*tx_wait)(struct isc_conn *conn);
	void (*release)(struct isc_conn *conn);
	struct isc_task *(*alloc_task)(struct isc_conn *conn, gfp_t gfp);
	void (*free_task)(struct isc_task *task);
};

struct isc_conn {
	struct isc_session *sess;
	const struct isc_transport_ops *ops;
	void *transport;		/* the transport's state */
	u16 cid;
	struct isc_params p;		/* negotiated */
	struct isc_rx_limits lim;

	struct mutex tx_mutex;
	u32 stat_sn;			/* next StatSN, under tx_mutex */
	bool tx_dead;			/* a send failed, under tx_mutex */

	spinlock_t task_lock;
	struct xarray tasks;		/* ITT -> isc_task with data pending */
	/*
	 * Tasks the backend has, oldest first, for RspTimeout: from their
	 * submission to their response, except while waiting for write
	 * data. Under task_lock.
	 */
	struct list_head run_list;
	u32 next_ttt;			/* under task_lock */
	u32 ttt_span;			/* TTTs issued, up to ISC_TTT_SPAN */
	bool closing;			/* no more tasks, under task_lock */
	bool logged_out;		/* Logout Response sent */

	/*
	 * Liveness (isc_conn.c). The watchdog runs when the next deadline
	 * is due, never sends (a send may block): it asks ctl_work to.
	 */
	struct delayed_work watchdog;
	struct work_struct ctl_work;	/* sends pings and logout requests */
	unsigned long flags;		/* ISC_CONN_* bits */
	unsigned long last_rx;		/* jiffies: the last PDU received */
	unsigned long tx_since;		/* jiffies|1: a send began, 0: none */
	unsigned long ping_sent;	/* jiffies, with ISC_CONN_PING_OUT */
	u32 ping_ttt;
	u16 logout_secs;		/* the Async Message's Parameter3 */
	unsigned long logout_by;	/* jiffies, with ISC_CONN_LOGOUT_DUE */
	const char *end_reason;		/* why the connection ends, or NULL */
};

/* conn->flags */
enum {
	ISC_CONN_PING_OUT,		/* a NOP-In ping waits for its answer */
	ISC_CONN_PING_SEND,		/* ctl_work: send a ping */
	ISC_CONN_LOGOUT_SEND,		/* ctl_work: send an Async logout request */
	ISC_CONN_LOGOUT_DUE,		/* closed unless gone by logout_by */
	ISC_CONN_WINDOW_SEND,		/* ctl_work: a NOP-In reopens the window */
};

/* ---- tasks ---- */

enum isc_task_state {
	ISC_TASK_NEW,		/* command received, core not yet asked */
	ISC_TASK_QUEUED,	/* in the core, rdy_to_xfer not called */
	ISC_TASK_DATA_WAIT,	/* rdy_to_xfer: waiting for Data-Out */
	ISC_TASK_EXEC,		/* data complete, in the core */
};

struct isc_task {
	struct isc_conn *conn;
	refcount_t ref;		/* core + task table + rx lookups */
	enum isc_task_state state;
	u32 itt;
	u64 lun;
	u32 cmdsn;
	u32 exp_xfer_len;
	bool write;
	bool in_table;		/* in conn->tasks */
	bool all_in;		/* a write whose data all came immediate */
	/*
	 * write data: our buffer from the core's SGV cache, the command's
	 * (scst_cmd_set_tgt_sg()); empty when none could be had (no_buf)
	 */
	struct scst_sgv_buf wbuf;
	bool no_buf;		/* a write without a buffer: answered BUSY */
	u32 received;		/* write bytes received */
	u32 unsol_end;		/* unsolicited data ends here */
	u32 r2t_next;		/* next offset to solicit */
	u32 r2t_sn;
	u32 r2t_out;		/* R2Ts outstanding */
	u32 datasn_out;		/* next Data-Out DataSN, rx thread only */
	bool data_bad;		/* Data-Out out of sequence: dropped */
	u32 ttt;
	u32 datasn_in;		/* Data-In PDUs sent */
	unsigned long data_since;	/* jiffies: DATA_WAIT, last progress */
	bool counted;		/* in sess->nr_cmds */
	struct list_head run_entry;	/* conn->run_list, or empty */
	unsigned long run_since;	/* jiffies: on run_list since */
	/*
	 * Holds on the response's buffer: xmit_response()'s own and the
	 * transport's while it still sends from the pages. The core gets
	 * the command back (scst_tgt_cmd_done()) when the last one goes.
	 */
	refcount_t tx_ref;
	/* the scst_cmd, scst_cmd_size() bytes (the core's type is opaque) */
	u8 cmd_mem[] __aligned(sizeof(void *));
};

static inline struct scst_cmd *isc_task_cmd(struct isc_task *task)
{
	return (struct scst_cmd *)task->cmd_mem;
}

/* isc_main.c */
extern struct mutex isc_mutex;
extern struct list_head isc_tgt_list;
extern const struct scst_tgt_template isc_tgtt;
struct isc_tgt *isc_tgt_find(const char *name);

/* isc_session.c */
struct isc_conn_args {
	const char *initiator;
	u64 isid;
	u16 tsih;
	u16 cid;
	u32 exp_cmdsn;
	u32 stat_sn;
	struct isc_params p;
	u16 tpgt;
	struct socket *sock;
};

int isc_session_conn_add(const char *target, struct isc_conn_args *a,
			 u16 *tsih, const char **why);
void isc_session_logout_all(struct isc_tgt *tgt);
void isc_session_wait_tgt(struct isc_tgt *tgt);
void isc_session_unlink(struct isc_session *sess);
void isc_session_destroy(struct isc_session *sess);
bool isc_session_cmdsn_rx(struct isc_session *sess,
			  const struct isc_pdu_info *pi);
bool isc_session_cmdsn_pending(struct isc_session *sess, u32 cmdsn);
/* How a SCSI command ends, for the window (isc_session_cmd_end()). */
enum isc_cmd_end {
	ISC_CMD_END_NO_RSP,	/* no response: aborted, or not for the core */
	ISC_CMD_END_RSP,	/* a response follows */
	ISC_CMD_END_BUSY,	/* a response with BUSY or TASK SET FULL */
};

void isc_session_cmd_end(struct isc_session *sess, u32 cmdsn,
			 enum isc_cmd_end how);
void isc_fill_sn(struct isc_conn *conn, struct isc_sn *sn, bool new_statsn);

/* isc_conn.c */
void isc_conn_init_liveness(struct isc_conn *conn);
void isc_conn_start_liveness(struct isc_conn *conn);
void isc_conn_fail(struct isc_conn *conn, const char *why);
void isc_conn_request_logout(struct isc_conn *conn, u16 secs);
void isc_conn_reopen_window(struct isc_conn *conn);
void isc_conn_watch_run(struct isc_conn *conn, unsigned long since);
int isc_conn_rx_hdr(struct isc_conn *conn, struct isc_rx_pdu *rx);
int isc_conn_rx_done(struct isc_conn *conn, struct isc_rx_pdu *rx);
void isc_conn_closed(struct isc_conn *conn);
void isc_conn_tx_lock(struct isc_conn *conn);
int isc_conn_xmit(struct isc_conn *conn, struct isc_tx_pdu *pdu);
int isc_conn_send(struct isc_conn *conn, struct isc_tx_pdu *pdu,
		  bool new_statsn);
int isc_conn_send_reject(struct isc_conn *conn, const u8 *bad_bhs, u8 reason);
void isc_conn_task_put(struct isc_task *task);
struct isc_task *isc_conn_task_get(struct isc_conn *conn, u32 itt);

/* isc_cmd.c */
int isc_cmd_rx(struct isc_conn *conn, struct isc_rx_pdu *rx);
void isc_cmd_rx_immediate_done(struct isc_conn *conn, struct isc_rx_pdu *rx,
			       bool bad);
struct isc_task *isc_task_alloc_default(struct isc_conn *conn, gfp_t gfp);
void isc_task_free_default(struct isc_task *task);
int isc_data_out_rx(struct isc_conn *conn, struct isc_rx_pdu *rx);
int isc_data_out_done(struct isc_conn *conn, struct isc_rx_pdu *rx);
int isc_tmf_rx(struct isc_conn *conn, struct isc_rx_pdu *rx);
void isc_conn_abort_tasks(struct isc_conn *conn);
bool isc_conn_oldest_data_wait(struct isc_conn *conn, unsigned long *since);
bool isc_conn_oldest_run(struct isc_conn *conn, unsigned long *since);
int isc_rdy_to_xfer(struct scst_cmd *cmd);
int isc_xmit_response(struct scst_cmd *cmd);
void isc_task_tx_hold(struct isc_task *task);
void isc_task_tx_put(struct isc_task *task);
void isc_on_free_cmd(struct scst_cmd *cmd);
void isc_task_mgmt_fn_done(struct scst_mgmt_cmd *mcmd);
int isc_cmd_init(void);
void isc_cmd_exit(void);

/* isc_tcp.c */
extern const struct isc_transport_ops isc_tcp_ops;
int isc_tcp_attach(struct isc_conn *conn, struct socket *sock);
int isc_tcp_init(void);
void isc_tcp_exit(void);

/* isc_nl.c */
int isc_nl_init(void);
void isc_nl_exit(void);

#endif /* ISC_PRIV_H */
