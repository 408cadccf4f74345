// SPDX-License-Identifier: GPL-2.0
/*
 * The transport-independent side of a connection: what a received PDU
 * means (isc_conn_rx_hdr() and isc_conn_rx_done(), called by the
 * transport's receive side, one PDU at a time), sending, the PDUs that
 * are not about SCSI commands (NOP, Logout, Text, Reject) and the
 * teardown when the connection ends.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>

#include "isc_priv.h"

/*
 * Take tx_mutex. Its holder may be waiting for something the caller's
 * transport holds (the TCP receive thread's socket lock): the transport
 * lets go of it before the caller waits.
 */
void isc_conn_tx_lock(struct isc_conn *conn)
{
	if (mutex_trylock(&conn->tx_mutex))
		return;
	if (conn->ops->tx_wait)
		conn->ops->tx_wait(conn);
	mutex_lock(&conn->tx_mutex);
}

/* Send @pdu; conn->tx_mutex held, sequence numbers already in it. */
int isc_conn_xmit(struct isc_conn *conn, struct isc_tx_pdu *pdu)
{
	int res;

	lockdep_assert_held(&conn->tx_mutex);
	if (conn->tx_dead)
		return -EPIPE;
	/* The watchdog ends a send the initiator does not take. */
	WRITE_ONCE(conn->tx_since, jiffies | 1);
	res = conn->ops->send_pdu(conn, pdu);
	WRITE_ONCE(conn->tx_since, 0);
	if (res) {
		/* Half a PDU went out: nothing can follow it. */
		conn->tx_dead = true;
		conn->ops->shutdown(conn);
	}
	return res;
}

/*
 * Send @pdu, whose header only lacks StatSN, ExpCmdSN and MaxCmdSN (at
 * the same place in every target PDU but Data-In): they are filled in
 * here, in sending order.
 */
int isc_conn_send(struct isc_conn *conn, struct isc_tx_pdu *pdu,
		  bool new_statsn)
{
	struct isc_sn sn;
	u8 *h = pdu->bhs;
	int res;

	isc_conn_tx_lock(conn);
	isc_fill_sn(conn, &sn, new_statsn);
	put_unaligned_be32(sn.statsn, h + 24);
	put_unaligned_be32(sn.exp_cmdsn, h + 28);
	put_unaligned_be32(sn.max_cmdsn, h + 32);
	res = isc_conn_xmit(conn, pdu);
	mutex_unlock(&conn->tx_mutex);
	return res;
}

int isc_conn_send_reject(struct isc_conn *conn, const u8 *bad_bhs, u8 reason)
{
	struct isc_tx_pdu pdu = {
		.buf = bad_bhs,
		.data_len = ISC_BHS_LEN,
	};
	struct isc_sn sn = {};

	pr_warn_ratelimited("%s: rejecting a %s PDU: reason %#x\n",
			    conn->sess->initiator,
			    isc_opcode_name(isc_bhs_opcode(bad_bhs)), reason);
	isc_build_reject(pdu.bhs, reason, 0, &sn);
	isc_bhs_set_dlength(pdu.bhs, ISC_BHS_LEN);
	return isc_conn_send(conn, &pdu, true);
}

/* ---- liveness: NOP-In pings, timeouts, logout requests ---- */

/**
 * isc_conn_fail() - end @conn now
 * @conn: the connection
 * @why: a string literal for the log line of the teardown; the first
 *       reason given is the one that counts
 *
 * Any context that may sleep.
 */
void isc_conn_fail(struct isc_conn *conn, const char *why)
{
	cmpxchg(&conn->end_reason, NULL, why);
	conn->ops->shutdown(conn);
}

/* Have the watchdog look at @conn now, e.g. for a new deadline. */
static void isc_conn_kick(struct isc_conn *conn)
{
	mod_delayed_work(system_wq, &conn->watchdog, 0);
}

/* Sends what the watchdog and isc_conn_request_logout() ask for. */
static void isc_conn_ctl_work(struct work_struct *work)
{
	struct isc_conn *conn = container_of(work, struct isc_conn, ctl_work);
	struct isc_tx_pdu pdu = {};
	struct isc_sn sn = {};

	if (test_and_clear_bit(ISC_CONN_LOGOUT_SEND, &conn->flags)) {
		isc_build_async_logout(pdu.bhs, READ_ONCE(conn->logout_secs),
				       &sn);
		isc_conn_send(conn, &pdu, true);
	}
	if (test_and_clear_bit(ISC_CONN_PING_SEND, &conn->flags)) {
		memset(&pdu, 0, sizeof(pdu));
		/* A target ping: ITT reserved, StatSN not advanced. */
		isc_build_nop_in(pdu.bhs, ISC_RSVD_TAG,
				 READ_ONCE(conn->ping_ttt), 0, 0, &sn);
		/*
		 * NopInTimeout counts from here: a send that waits behind a
		 * blocked one is RspTimeout's business.
		 */
		if (!isc_conn_send(conn, &pdu, false))
			WRITE_ONCE(conn->ping_sent, jiffies);
	}
	if (test_and_clear_bit(ISC_CONN_WINDOW_SEND, &conn->flags)) {
		memset(&pdu, 0, sizeof(pdu));
		/* No ping: ITT and TTT reserved, no answer, no StatSN. */
		isc_build_nop_in(pdu.bhs, ISC_RSVD_TAG, ISC_RSVD_TAG, 0, 0,
				 &sn);
		isc_conn_send(conn, &pdu, false);
	}
}

/*
 * Send the current window in a NOP-In (RFC 7143 11.19): a command left
 * without a response, e.g. aborted, while the window was closed. Any
 * context.
 */
void isc_conn_reopen_window(struct isc_conn *conn)
{
	set_bit(ISC_CONN_WINDOW_SEND, &conn->flags);
	queue_work(system_wq, &conn->ctl_work);
}

static unsigned long isc_conn_param_jiffies(struct isc_conn *conn,
					    enum isc_tgt_param param)
{
	return (unsigned long)READ_ONCE(conn->sess->tgt->params[param]) * HZ;
}

/* Has @deadline come? If not, bring *@next forward to it. */
static bool isc_due(unsigned long now, unsigned long deadline,
		    unsigned long *next)
{
	if (time_after_eq(now, deadline))
		return true;
	if (time_before(deadline, *next))
		*next = deadline;
	return false;
}

/* Start a NOP-In ping; the watchdog's context. */
static void isc_conn_ping(struct isc_conn *conn, unsigned long now)
{
	u32 ttt = conn->ping_ttt + 1;

	if (ttt == ISC_RSVD_TAG)
		ttt++;
	WRITE_ONCE(conn->ping_ttt, ttt);
	WRITE_ONCE(conn->ping_sent, now);
	set_bit(ISC_CONN_PING_OUT, &conn->flags);
	set_bit(ISC_CONN_PING_SEND, &conn->flags);
	queue_work(system_wq, &conn->ctl_work);
}

/*
 * The deadlines of a connection: an idle initiator gets a ping, a ping
 * without an answer, write data that does not come, a send that does
 * not end, a command the backend does not finish and a logout that does
 * not happen end the connection (ERL 0: the session goes with it, its
 * commands are aborted, a stuck one once it ends). Runs when the
 * next deadline is due, and at least once per RspTimeout, the longest a
 * command or a send that begins meanwhile may take.
 */
static void isc_conn_watchdog(struct work_struct *work)
{
	struct isc_conn *conn = container_of(to_delayed_work(work),
					     struct isc_conn, watchdog);
	unsigned long interval = isc_conn_param_jiffies(conn, ISC_TP_NOP_IN_INTERVAL);
	unsigned long nop_timeout = isc_conn_param_jiffies(conn, ISC_TP_NOP_IN_TIMEOUT);
	unsigned long rsp_timeout = isc_conn_param_jiffies(conn, ISC_TP_RSP_TIMEOUT);
	unsigned long now = jiffies, next = now + rsp_timeout, t;
	bool logged_out = READ_ONCE(conn->logged_out);
	const char *why = NULL;

	t = READ_ONCE(conn->tx_since);
	if (t && isc_due(now, t + rsp_timeout, &next))
		why = "a send blocked for RspTimeout";
	if (!why && isc_conn_oldest_data_wait(conn, &t) &&
	    isc_due(now, t + rsp_timeout, &next))
		why = "no write data for RspTimeout";
	/* ERL 0 cannot give up on one command: the session goes. */
	if (!why && isc_conn_oldest_run(conn, &t) &&
	    isc_due(now, t + rsp_timeout, &next))
		why = "a command not done within RspTimeout";
	if (!why && test_bit(ISC_CONN_LOGOUT_DUE, &conn->flags) &&
	    isc_due(now, READ_ONCE(conn->logout_by), &next))
		why = logged_out ? "not closed after the logout" :
		      "no logout after the target asked for one";
	if (!why && test_bit(ISC_CONN_PING_OUT, &conn->flags)) {
		if (isc_due(now, READ_ONCE(conn->ping_sent) + nop_timeout,
			    &next))
			why = "no answer to a NOP-In ping for NopInTimeout";
	} else if (!why && interval && !logged_out &&
		   isc_due(now, READ_ONCE(conn->last_rx) + interval, &next)) {
		isc_conn_ping(conn, now);
		isc_due(now, now + nop_timeout, &next);
	}
	if (why) {
		pr_warn("%s: %s: closing the connection\n",
			conn->sess->initiator, why);
		isc_conn_fail(conn, why);
		return;
	}
	queue_delayed_work(system_wq, &conn->watchdog, next - now);
}

/*
 * A command went to the backend at @since while none was there: the
 * watchdog looks by @since + RspTimeout. It does anyway, unless RspTimeout
 * was lowered while it slept.
 */
void isc_conn_watch_run(struct isc_conn *conn, unsigned long since)
{
	unsigned long due = since + isc_conn_param_jiffies(conn, ISC_TP_RSP_TIMEOUT);
	struct timer_list *t = &conn->watchdog.timer;

	if (timer_pending(t) && time_after(READ_ONCE(t->expires), due))
		mod_delayed_work(system_wq, &conn->watchdog,
				 time_after(due, jiffies) ? due - jiffies : 0);
}

void isc_conn_init_liveness(struct isc_conn *conn)
{
	INIT_DELAYED_WORK(&conn->watchdog, isc_conn_watchdog);
	INIT_WORK(&conn->ctl_work, isc_conn_ctl_work);
	conn->last_rx = jiffies;
}

/* The connection runs: isc_mutex held, the session is listed. */
void isc_conn_start_liveness(struct isc_conn *conn)
{
	queue_delayed_work(system_wq, &conn->watchdog, 0);
}

/**
 * isc_conn_request_logout() - ask the initiator to log out within @secs
 * @conn: a connection whose session is listed (isc_mutex held)
 * @secs: the time it gets, after which the connection is closed
 *
 * Sends an Async Message (AsyncEvent 1, RFC 7143 11.9.1); a second
 * request changes nothing.
 */
void isc_conn_request_logout(struct isc_conn *conn, u16 secs)
{
	lockdep_assert_held(&isc_mutex);
	if (READ_ONCE(conn->logged_out) ||
	    test_bit(ISC_CONN_LOGOUT_DUE, &conn->flags))
		return;
	WRITE_ONCE(conn->logout_secs, secs);
	WRITE_ONCE(conn->logout_by, jiffies + secs * HZ);
	set_bit(ISC_CONN_LOGOUT_DUE, &conn->flags);
	set_bit(ISC_CONN_LOGOUT_SEND, &conn->flags);
	queue_work(system_wq, &conn->ctl_work);
	isc_conn_kick(conn);
}

/* ---- tasks with data pending ---- */

struct isc_task *isc_conn_task_get(struct isc_conn *conn, u32 itt)
{
	struct isc_task *task;

	spin_lock(&conn->task_lock);
	task = xa_load(&conn->tasks, itt);
	if (task)
		refcount_inc(&task->ref);
	spin_unlock(&conn->task_lock);
	return task;
}

void isc_conn_task_put(struct isc_task *task)
{
	if (refcount_dec_and_test(&task->ref))
		task->conn->ops->free_task(task);
}

/* ---- NOP, Logout, Text ---- */

static int isc_nop_out_done(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	const struct isc_pdu_info *pi = &rx->pi;
	struct isc_tx_pdu pdu = {
		.buf = rx->buf,
		.data_len = pi->data_len,
	};
	struct isc_sn sn = {};

	/* A reply to our own ping, or a ping that wants no answer. */
	if (pi->itt == ISC_RSVD_TAG)
		return 0;
	isc_build_nop_in(pdu.bhs, pi->itt, ISC_RSVD_TAG, pi->lun,
			 pi->data_len, &sn);
	return isc_conn_send(conn, &pdu, true);
}

static int isc_logout_rx(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	struct isc_tx_pdu pdu = {};
	struct isc_sn sn = {};
	u8 rsp = ISC_LOGOUT_RSP_OK;
	int res;

	/* One connection: closing it or the session is the same. */
	if (rx->pi.func == ISC_LOGOUT_RECOVERY)
		rsp = ISC_LOGOUT_RSP_NO_RECOVERY;
	else if (rx->pi.func == ISC_LOGOUT_CLOSE_CONN &&
		 rx->pi.cid != conn->cid)
		rsp = ISC_LOGOUT_RSP_NO_CID;
	isc_build_logout_rsp(pdu.bhs, rx->pi.itt, rsp, 0, 0, &sn);
	res = isc_conn_send(conn, &pdu, true);
	if (!res && rsp == ISC_LOGOUT_RSP_OK) {
		cmpxchg(&conn->end_reason, NULL, "logged out");
		WRITE_ONCE(conn->logged_out, true);
		/* The initiator closes; if it does not, we do. */
		WRITE_ONCE(conn->logout_by, jiffies + ISC_LOGOUT_CLOSE_SECS * HZ);
		set_bit(ISC_CONN_LOGOUT_DUE, &conn->flags);
		isc_conn_kick(conn);
	}
	return res;
}

/*
 * Text in full feature phase: we have nothing to renegotiate, so the
 * answer is an empty final Text Response (the initiator's keys keep
 * their negotiated values).
 */
static int isc_text_rx(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	struct isc_tx_pdu pdu = {};
	struct isc_sn sn = {};

	isc_build_text_rsp(pdu.bhs, rx->pi.itt, ISC_RSVD_TAG, rx->pi.lun,
			   true, false, 0, &sn);
	return isc_conn_send(conn, &pdu, true);
}

/* ---- receiving ---- */

static bool isc_opcode_has_cmdsn(u8 opcode)
{
	switch (opcode) {
	case ISC_OP_NOP_OUT:
	case ISC_OP_SCSI_CMD:
	case ISC_OP_TMF_REQ:
	case ISC_OP_TEXT_REQ:
	case ISC_OP_LOGOUT_REQ:
		return true;
	default:
		return false;
	}
}

/* Ignore the rest of this PDU: its data goes nowhere. */
static void isc_rx_ignore(struct isc_rx_pdu *rx)
{
	rx->pi.opcode = ISC_OP_REJECT;
	rx->buf = NULL;
	rx->sg = NULL;
}

/**
 * isc_conn_rx_hdr() - a header (with its AHS) has arrived
 * @conn: the connection
 * @rx: the header; on return, where its data segment goes
 *
 * Return: 0, or a negative errno to end the connection.
 */
int isc_conn_rx_hdr(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	struct isc_pdu_info *pi = &rx->pi;
	int res;

	rx->buf = NULL;
	rx->sg = NULL;
	rx->task = NULL;
	/* Any PDU shows the initiator is alive: no ping is outstanding. */
	WRITE_ONCE(conn->last_rx, jiffies);
	clear_bit(ISC_CONN_PING_OUT, &conn->flags);
	switch (isc_pdu_decode(rx->bhs, ISC_PHASE_FULL, &conn->lim, pi)) {
	case ISC_PDU_OK:
		break;
	case ISC_PDU_REJECT:
		res = isc_conn_send_reject(conn, rx->bhs, pi->reject_reason);
		isc_rx_ignore(rx);
		return res;
	default:
		isc_conn_send_reject(conn, rx->bhs, pi->reject_reason);
		return -EPROTO;
	}
	if (conn->logged_out)
		return -EPROTO;
	if (isc_opcode_has_cmdsn(pi->opcode) &&
	    !isc_session_cmdsn_rx(conn->sess, pi)) {
		isc_rx_ignore(rx);
		return 0;
	}

	switch (pi->opcode) {
	case ISC_OP_SCSI_CMD:
		return isc_cmd_rx(conn, rx);
	case ISC_OP_DATA_OUT:
		return isc_data_out_rx(conn, rx);
	case ISC_OP_NOP_OUT:
		if (pi->data_len && pi->itt != ISC_RSVD_TAG) {
			/* Up to MaxRecvDataSegmentLength of ping data. */
			rx->buf = kvmalloc(pi->data_len, GFP_KERNEL);
			if (!rx->buf)
				return -ENOMEM;
		}
		return 0;
	case ISC_OP_TMF_REQ:
		return isc_tmf_rx(conn, rx);
	case ISC_OP_LOGOUT_REQ:
		return isc_logout_rx(conn, rx);
	case ISC_OP_TEXT_REQ:
		return isc_text_rx(conn, rx);
	default:
		/* SNACK: nothing to resend at ERL 0. */
		res = isc_conn_send_reject(conn, rx->bhs,
					   ISC_REJECT_CMD_NOT_SUPPORTED);
		isc_rx_ignore(rx);
		return res;
	}
}

/**
 * isc_conn_rx_done() - the data segment of @rx has arrived
 * @conn: the connection
 * @rx: the PDU, as isc_conn_rx_hdr() left it; rx->failed if its data
 *      could not be read (the connection is ending)
 *
 * Return: 0, or a negative errno to end the connection.
 */
int isc_conn_rx_done(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	bool bad = rx->failed || rx->data_digest_bad;
	int res = 0;

	/* A long data segment is progress too. */
	WRITE_ONCE(conn->last_rx, jiffies);
	/*
	 * ERL 0 cannot recover a PDU whose data is corrupt: Reject it and
	 * end the connection; the initiator reinstates the session.
	 */
	if (rx->failed) {
		res = -EIO;
	} else if (rx->data_digest_bad) {
		isc_conn_send_reject(conn, rx->bhs, ISC_REJECT_DIGEST_ERROR);
		res = -EBADMSG;
	}
	switch (rx->pi.opcode) {
	case ISC_OP_SCSI_CMD:
		/* The core owns the command already: it must see it. */
		isc_cmd_rx_immediate_done(conn, rx, bad);
		break;
	case ISC_OP_DATA_OUT:
		if (!bad)
			res = isc_data_out_done(conn, rx);
		if (rx->task)
			isc_conn_task_put(rx->task);
		break;
	case ISC_OP_NOP_OUT:
		if (!bad)
			res = isc_nop_out_done(conn, rx);
		kvfree(rx->buf);
		break;
	default:
		break;
	}
	rx->buf = NULL;
	rx->task = NULL;
	return res;
}

/**
 * isc_conn_closed() - the transport's receive side has ended
 * @conn: the connection, which this frees with its session
 *
 * Called by the transport in process context, once, when nothing will
 * be received anymore. Commands in flight are aborted: the ones waiting
 * for data get it never, the others find the sending side dead, and the
 * core frees them all before scst_unregister_session() returns.
 */
void isc_conn_closed(struct isc_conn *conn)
{
	struct isc_session *sess = conn->sess;

	conn->ops->shutdown(conn);
	isc_conn_tx_lock(conn);
	conn->tx_dead = true;
	mutex_unlock(&conn->tx_mutex);

	isc_conn_abort_tasks(conn);
	scst_unregister_session(sess->scst_sess);
	WARN_ON_ONCE(!xa_empty(&conn->tasks));
	xa_destroy(&conn->tasks);

	pr_info("%s: session %s tsih %u down: %s\n",
		scst_tgt_get_name(sess->tgt->scst_tgt), sess->initiator,
		sess->tsih, READ_ONCE(conn->end_reason) ?: "connection closed");
	/*
	 * Unlisted, the session leads nobody to the connection: then no
	 * work can be queued anymore, and the watchdog goes before the
	 * ctl_work it queues.
	 */
	isc_session_unlink(sess);
	cancel_delayed_work_sync(&conn->watchdog);
	cancel_work_sync(&conn->ctl_work);
	conn->ops->release(conn);
	kfree(conn);
	isc_session_destroy(sess);
}
