// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI sessions: creation from a connection scstadmd hands over,
 * reinstatement (RFC 7143 6.3.5), the CmdSN window and StatSN.
 *
 * A session has exactly one connection (MaxConnections=1, ERL 0) and ends
 * with it: the transport's receive side notices the end of the connection
 * and calls isc_conn_closed(), which tears the session down in its own
 * context. A session that has to go for another reason (reinstatement,
 * target disabled or deleted) is only shut down, which makes its receive
 * side end.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <linux/string.h>

#include "isc_priv.h"

static DEFINE_IDA(isc_tsih_ida);

/* Under isc_mutex. */
static struct isc_session *isc_session_find(struct isc_tgt *tgt,
					    const char *initiator, u64 isid)
{
	struct isc_session *sess;

	list_for_each_entry(sess, &tgt->sessions, list)
		if (sess->isid == isid && !strcmp(sess->initiator, initiator))
			return sess;
	return NULL;
}

/* Make @sess end; its connection's receive side tears it down. */
static void isc_session_shutdown(struct isc_session *sess)
{
	isc_conn_fail(sess->conn, "reinstated by a new login");
}

/*
 * Ask every initiator of @tgt to log out; the connections of those that
 * do not are closed after ISC_ASYNC_LOGOUT_SECS (the watchdog).
 */
void isc_session_logout_all(struct isc_tgt *tgt)
{
	struct isc_session *sess;

	lockdep_assert_held(&isc_mutex);
	list_for_each_entry(sess, &tgt->sessions, list)
		isc_conn_request_logout(sess->conn, ISC_ASYNC_LOGOUT_SECS);
}

/* Wait until the sessions of @tgt have unregistered from the core. */
void isc_session_wait_tgt(struct isc_tgt *tgt)
{
	wait_var_event(&tgt->nr_sessions, !atomic_read(&tgt->nr_sessions));
}

/*
 * Called by the connection's teardown once the core no longer knows the
 * session and before the connection is freed: from here on nothing finds
 * the session, so nothing reaches the connection through it.
 */
void isc_session_unlink(struct isc_session *sess)
{
	mutex_lock(&isc_mutex);
	list_del(&sess->list);
	if (!sess->keep_tsih)
		ida_free(&isc_tsih_ida, sess->tsih);
	mutex_unlock(&isc_mutex);
}

/* The connection is gone too: free the session. */
void isc_session_destroy(struct isc_session *sess)
{
	struct isc_tgt *tgt = sess->tgt;
	struct completion *gone = sess->gone;

	kfree(sess->initiator);
	kfree(sess);
	if (atomic_dec_and_test(&tgt->nr_sessions))
		wake_up_var(&tgt->nr_sessions);
	if (gone)
		complete(gone);
}

/*
 * Reinstatement: the same initiator logs in again with the same ISID, so
 * its old session is dead to it (RFC 7143 6.3.5). End the old one and
 * wait, so that its commands are gone before the new session starts.
 * Drops and retakes isc_mutex; returns the TSIH the old session gives up
 * when @take_tsih, else 0.
 */
static u16 isc_session_reinstate(struct isc_session *old, bool take_tsih)
{
	DECLARE_COMPLETION_ONSTACK(gone);
	u16 tsih = 0;

	old->gone = &gone;
	if (take_tsih) {
		old->keep_tsih = true;
		tsih = old->tsih;
	}
	isc_session_shutdown(old);
	mutex_unlock(&isc_mutex);
	wait_for_completion(&gone);
	mutex_lock(&isc_mutex);
	return tsih;
}

static void isc_conn_limits(struct isc_conn *conn)
{
	struct isc_rx_limits *lim = &conn->lim;

	memset(lim, 0, sizeof(*lim));
	lim->max_recv_dsl = conn->p.max_recv_dsl;
	lim->first_burst = conn->p.first_burst;
	lim->immediate_data = conn->p.immediate_data;
	lim->initial_r2t = conn->p.initial_r2t;
	lim->erl = conn->p.erl;
}

/**
 * isc_session_conn_add() - start the full feature phase of a connection
 * @target: the target's name
 * @a: what the login negotiated, and the socket: its reference becomes
 *     ours on success (a->sock is cleared), stays the caller's on failure
 * @tsih: the session's TSIH, on success
 * @why: a message for the extack, on failure
 *
 * Return: 0 or a negative errno.
 */
int isc_session_conn_add(const char *target, struct isc_conn_args *a,
			 u16 *tsih, const char **why)
{
	struct isc_session *sess, *old;
	struct isc_conn *conn;
	struct isc_tgt *tgt;
	u16 new_tsih = 0;
	int res;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!sess || !conn) {
		res = -ENOMEM;
		goto out_free;
	}
	sess->initiator = kstrdup(a->initiator, GFP_KERNEL);
	if (!sess->initiator) {
		res = -ENOMEM;
		goto out_free;
	}
	sess->isid = a->isid;
	sess->exp_cmdsn = a->exp_cmdsn;
	/*
	 * The final login response granted one command (scstadmd): the
	 * window opens as far as the core allows with our first PDU.
	 */
	sess->max_cmdsn = a->exp_cmdsn;
	spin_lock_init(&sess->sn_lock);
	sess->conn = conn;
	conn->sess = sess;
	conn->cid = a->cid;
	conn->p = a->p;
	conn->stat_sn = a->stat_sn;
	mutex_init(&conn->tx_mutex);
	spin_lock_init(&conn->task_lock);
	xa_init(&conn->tasks);
	INIT_LIST_HEAD(&conn->run_list);
	isc_conn_limits(conn);
	isc_conn_init_liveness(conn);

	mutex_lock(&isc_mutex);
	for (;;) {
		tgt = isc_tgt_find(target);
		if (!tgt || !READ_ONCE(tgt->enabled)) {
			*why = "no such enabled iSCSI target";
			res = -ENOENT;
			goto out_unlock;
		}
		old = isc_session_find(tgt, a->initiator, a->isid);
		if (!old)
			break;
		/* Only one reinstatement takes the TSIH of the old session. */
		new_tsih = isc_session_reinstate(old, a->tsih &&
						 a->tsih == old->tsih) ?:
			   new_tsih;
	}
	if (a->tsih && new_tsih != a->tsih) {
		*why = "no session with this TSIH";
		res = -ENOENT;
		goto out_unlock;
	}
	if (!new_tsih) {
		res = ida_alloc_range(&isc_tsih_ida, 1, U16_MAX, GFP_KERNEL);
		if (res < 0) {
			*why = "no free TSIH";
			goto out_unlock;
		}
		new_tsih = res;
	}
	sess->tsih = new_tsih;
	sess->tgt = tgt;
	sess->queue_depth = READ_ONCE(tgt->params[ISC_TP_QUEUED_COMMANDS]);
	isc_aimd_init(&sess->busy, sess->queue_depth);

	sess->scst_sess = scst_register_session(tgt->scst_tgt, a->initiator,
						sess);
	if (IS_ERR(sess->scst_sess)) {
		res = PTR_ERR(sess->scst_sess);
		*why = "the target core refused the session";
		goto out_tsih;
	}
	res = isc_tcp_attach(conn, a->sock);
	if (res) {
		*why = "cannot use the socket";
		goto out_unreg;
	}
	a->sock = NULL;
	list_add_tail(&sess->list, &tgt->sessions);
	atomic_inc(&tgt->nr_sessions);
	conn->ops->start(conn);
	isc_conn_start_liveness(conn);
	mutex_unlock(&isc_mutex);
	*tsih = new_tsih;
	pr_info("%s: session %s tsih %u up\n", target, a->initiator, new_tsih);
	return 0;

out_unreg:
	scst_unregister_session(sess->scst_sess);
out_tsih:
	ida_free(&isc_tsih_ida, new_tsih);
out_unlock:
	mutex_unlock(&isc_mutex);
out_free:
	if (sess)
		kfree(sess->initiator);
	kfree(sess);
	kfree(conn);
	return res;
}

/*
 * The most commands the session may have between their CmdSN and their
 * response: QueuedCommands, no more than the core takes without TASK SET
 * FULL, and what the BUSY responses leave (sess->busy, at most
 * QueuedCommands). Those come when a command gets no buffer (sgv_max_mb):
 * buffer memory is shared by all sessions and its use depends on the
 * commands' sizes, so the window cannot know beforehand how many fit. It
 * learns it from the BUSY responses instead, the way TCP learns the
 * capacity of a path from lost packets (isc_aimd_rsp()): a few commands
 * get BUSY each time the window grows too large, not every command over
 * the memory. sn_lock held.
 */
static u32 isc_session_limit(struct isc_session *sess)
{
	u32 core = scst_sess_get_max_cmds(sess->scst_sess);
	u32 limit = min(sess->busy.limit, sess->queue_depth);

	return core ? min(core, limit) : limit;
}

/*
 * Move MaxCmdSN on as far as the commands in flight allow, and return
 * it; sn_lock held. A granted CmdSN cannot be taken back (the initiator
 * ignores a smaller MaxCmdSN, RFC 7143 4.2.2.1), so the CmdSNs granted
 * and not yet received count as commands already. With all of them in
 * use the window is closed: MaxCmdSN = ExpCmdSN - 1.
 */
static u32 isc_session_window(struct isc_session *sess)
{
	u32 granted = sess->max_cmdsn + 1 - sess->exp_cmdsn;
	u32 limit = isc_session_limit(sess);
	u32 used = sess->nr_cmds + granted;

	if (used < limit)
		sess->max_cmdsn += limit - used;
	return sess->max_cmdsn;
}

/*
 * Account a received request's CmdSN. Returns false for a PDU outside the
 * window, which RFC 7143 3.2.2.1 says to drop silently. With one
 * connection requests arrive in CmdSN order, so there is no reordering
 * queue: a gap would be an initiator bug, and is skipped over.
 */
bool isc_session_cmdsn_rx(struct isc_session *sess,
			  const struct isc_pdu_info *pi)
{
	bool ok = true;
	u32 max;

	spin_lock(&sess->sn_lock);
	max = sess->max_cmdsn;
	if (pi->immediate) {
		/* Immediate: CmdSN is the next one, not consumed. */
	} else if (isc_cmdsn_check(pi->cmdsn, sess->exp_cmdsn, max) ==
		   ISC_CMDSN_OUTSIDE) {
		ok = false;
	} else {
		if (pi->cmdsn != sess->exp_cmdsn)
			pr_warn_ratelimited("%s: CmdSN %u while %u expected\n",
					    sess->initiator, pi->cmdsn,
					    sess->exp_cmdsn);
		sess->exp_cmdsn = pi->cmdsn + 1;
		/* The last CmdSN granted: the initiator waits for more. */
		if (pi->cmdsn == max)
			sess->windows_closed++;
	}
	/* Until isc_session_cmd_end(), the command takes a place. */
	if (ok && pi->opcode == ISC_OP_SCSI_CMD &&
	    ++sess->nr_cmds > sess->nr_cmds_peak)
		sess->nr_cmds_peak = sess->nr_cmds;
	spin_unlock(&sess->sn_lock);
	return ok;
}

/**
 * isc_session_cmd_end() - a SCSI command no longer takes a place
 * @sess: its session
 * @cmdsn: its CmdSN
 * @how: whether its response is about to be sent (with the window), and
 *	 whether that is BUSY or TASK SET FULL
 *
 * Process context. A response adjusts the limit the BUSY responses set
 * (isc_aimd_rsp()). A window that closed and is not reopened by a
 * response would stall the initiator: a NOP-In then carries MaxCmdSN.
 */
void isc_session_cmd_end(struct isc_session *sess, u32 cmdsn,
			 enum isc_cmd_end how)
{
	bool reopen;

	spin_lock(&sess->sn_lock);
	if (how != ISC_CMD_END_NO_RSP) {
		if (how == ISC_CMD_END_BUSY)
			sess->busy_rsps++;
		isc_aimd_rsp(&sess->busy, sess->queue_depth, cmdsn,
			     how == ISC_CMD_END_BUSY, sess->nr_cmds,
			     sess->max_cmdsn);
	}
	sess->nr_cmds--;
	reopen = sess->window_shut && how == ISC_CMD_END_NO_RSP;
	spin_unlock(&sess->sn_lock);
	if (reopen)
		isc_conn_reopen_window(sess->conn);
}

/* Is @cmdsn in the window, a command that has not been received yet? */
bool isc_session_cmdsn_pending(struct isc_session *sess, u32 cmdsn)
{
	bool res;

	spin_lock(&sess->sn_lock);
	res = isc_cmdsn_check(cmdsn, sess->exp_cmdsn, sess->max_cmdsn) !=
	      ISC_CMDSN_OUTSIDE;
	spin_unlock(&sess->sn_lock);
	return res;
}

/*
 * The sequence numbers of a PDU to send; conn->tx_mutex held, so StatSN
 * goes out in order. @new_statsn: the PDU carries a status and consumes
 * a StatSN.
 */
void isc_fill_sn(struct isc_conn *conn, struct isc_sn *sn, bool new_statsn)
{
	struct isc_session *sess = conn->sess;

	lockdep_assert_held(&conn->tx_mutex);
	sn->statsn = new_statsn ? conn->stat_sn++ : conn->stat_sn;
	spin_lock(&sess->sn_lock);
	sn->exp_cmdsn = sess->exp_cmdsn;
	sn->max_cmdsn = isc_session_window(sess);
	sess->window_shut = sn->max_cmdsn == isc_max_cmdsn(sn->exp_cmdsn, 0);
	spin_unlock(&sess->sn_lock);
}
