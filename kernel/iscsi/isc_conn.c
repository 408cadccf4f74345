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

#include "isc_priv.h"

/* Send @pdu; conn->tx_mutex held, sequence numbers already in it. */
int isc_conn_xmit(struct isc_conn *conn, struct isc_tx_pdu *pdu)
{
	int res;

	lockdep_assert_held(&conn->tx_mutex);
	if (conn->tx_dead)
		return -EPIPE;
	res = conn->ops->send_pdu(conn, pdu);
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

	mutex_lock(&conn->tx_mutex);
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
	if (!res && rsp == ISC_LOGOUT_RSP_OK)
		conn->logged_out = true;
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
			rx->buf = kmalloc(pi->data_len, GFP_KERNEL);
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
		kfree(rx->buf);
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
	mutex_lock(&conn->tx_mutex);
	conn->tx_dead = true;
	mutex_unlock(&conn->tx_mutex);

	isc_conn_abort_tasks(conn);
	scst_unregister_session(sess->scst_sess);
	WARN_ON_ONCE(!xa_empty(&conn->tasks));
	xa_destroy(&conn->tasks);

	pr_info("%s: session %s tsih %u down\n",
		scst_tgt_get_name(sess->tgt->scst_tgt), sess->initiator,
		sess->tsih);
	conn->ops->release(conn);
	kfree(conn);
	isc_session_destroy(sess);
}
