// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI commands over iSCSI: SCSI Command, its write data (immediate,
 * unsolicited Data-Out, R2T and solicited Data-Out), Data-In with the
 * status in the last PDU, SCSI Response, and Task Management.
 *
 * Write data lands in a buffer we take from the core's SGV cache
 * (scst_sgv_buf_alloc()) before the core has seen the command, and hand
 * to the core as the command's (scst_cmd_set_tgt_sg()), so the transport
 * reads it straight from the socket to where the device handler takes it.
 * The buffer stays ours: the task gives it back when it is freed, after
 * on_free_cmd(). A recycled buffer holds an earlier command's data, so a
 * write runs only once all of its data is in; one that gets no buffer
 * (sgv_max_mb) is answered BUSY with its data dropped, and the CmdSN
 * window shrinks (isc_session_limit()). Read data goes out from the
 * core's buffer.
 *
 * A task's references: one for the core (dropped in on_free_cmd()), one
 * while it is in conn->tasks (writes that may get Data-Out, until their
 * response), one for the receive side while it reads a Data-Out into the
 * task's pages. A write whose data all came as immediate data gets no
 * Data-Out: it stays out of the table, like a read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/scatterlist.h>
#include <linux/jiffies.h>

#include "isc_priv.h"

/* R2Ts sent in one go; more follow as the solicited data arrives. */
#define ISC_R2T_BATCH	8

static struct kmem_cache *isc_task_cache;

struct isc_r2t_batch {
	unsigned int n;
	struct isc_r2t_args r2t[ISC_R2T_BATCH];
};

/* ---- tasks ---- */

static struct isc_task *isc_task_alloc(struct isc_conn *conn, gfp_t gfp)
{
	return kmem_cache_alloc(isc_task_cache, gfp);
}

static void isc_task_free(struct isc_task *task)
{
	kmem_cache_free(isc_task_cache, task);
}

/* Shared by the transports that need nothing per task of their own. */
struct isc_task *isc_task_alloc_default(struct isc_conn *conn, gfp_t gfp)
{
	return isc_task_alloc(conn, gfp);
}

void isc_task_free_default(struct isc_task *task)
{
	scst_sgv_buf_free(&task->wbuf);
	isc_task_free(task);
}

/*
 * Take @task out of the table: no Data-Out reaches it anymore. Once out
 * it never comes back, so an unlisted task needs no lock.
 */
static void isc_task_unlist(struct isc_task *task)
{
	struct isc_conn *conn = task->conn;
	bool put = false;

	if (!READ_ONCE(task->in_table))
		return;
	spin_lock(&conn->task_lock);
	if (task->in_table) {
		xa_erase(&conn->tasks, task->itt);
		task->in_table = false;
		put = true;
	}
	spin_unlock(&conn->task_lock);
	if (put)
		isc_conn_task_put(task);
}

/* @task is the backend's now: RspTimeout counts from here. */
static void isc_task_run(struct isc_task *task)
{
	struct isc_conn *conn = task->conn;
	bool first;

	spin_lock(&conn->task_lock);
	first = list_empty(&conn->run_list);
	task->run_since = jiffies;
	list_move_tail(&task->run_entry, &conn->run_list);
	spin_unlock(&conn->task_lock);
	if (first)
		isc_conn_watch_run(conn, task->run_since);
}

static void isc_task_unrun(struct isc_task *task)
{
	struct isc_conn *conn = task->conn;

	/* Only the task's own, sequential, steps change its entry. */
	if (list_empty(&task->run_entry))
		return;
	spin_lock(&conn->task_lock);
	list_del_init(&task->run_entry);
	spin_unlock(&conn->task_lock);
}

/*
 * @task no longer counts against the CmdSN window; @how: whether its
 * response, with the new window, goes out next, and if it is BUSY.
 */
static void isc_task_end(struct isc_task *task, enum isc_cmd_end how)
{
	isc_task_unrun(task);
	if (task->counted) {
		task->counted = false;
		isc_session_cmd_end(task->conn->sess, task->cmdsn, how);
	}
}

/*
 * The R2Ts that may go out now (conn->task_lock held): one per burst of
 * MaxBurstLength, at most MaxOutstandingR2T outstanding.
 */
static void isc_task_next_r2ts(struct isc_task *task, struct isc_r2t_batch *b)
{
	const struct isc_params *p = &task->conn->p;
	struct isc_r2t_args *r;

	b->n = 0;
	while (b->n < ISC_R2T_BATCH && task->r2t_out < p->max_outstanding_r2t &&
	       task->r2t_next < task->exp_xfer_len) {
		r = &b->r2t[b->n++];
		r->itt = task->itt;
		r->lun = task->lun;
		r->ttt = task->ttt;
		r->r2tsn = task->r2t_sn++;
		r->offset = task->r2t_next;
		r->desired_len = min(p->max_burst,
				     task->exp_xfer_len - task->r2t_next);
		task->r2t_next += r->desired_len;
		task->r2t_out++;
	}
}

static void isc_send_r2ts(struct isc_conn *conn, struct isc_r2t_batch *b)
{
	struct isc_tx_pdu pdu = {};
	struct isc_sn sn = {};
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		isc_build_r2t(pdu.bhs, &b->r2t[i], &sn);
		if (isc_conn_send(conn, &pdu, false))
			break;
	}
}

/*
 * What the write data that has arrived allows (conn->task_lock held):
 * true once it is all there, else the R2Ts for the rest, once the
 * unsolicited part is in.
 */
static bool isc_task_data_step(struct isc_task *task, struct isc_r2t_batch *b)
{
	b->n = 0;
	if (task->state != ISC_TASK_DATA_WAIT)
		return false;
	if (task->received >= task->exp_xfer_len) {
		task->state = ISC_TASK_EXEC;
		return true;
	}
	if (task->received >= task->unsol_end)
		isc_task_next_r2ts(task, b);
	return false;
}

/* All write data is in: whether the command may run. */
static enum scst_rx_status isc_task_rx_status(struct isc_task *task)
{
	return READ_ONCE(task->data_bad) ? SCST_RX_STATUS_ERROR :
					   SCST_RX_STATUS_SUCCESS;
}

/* ---- SCSI Command ---- */

static enum scst_queue_type isc_queue_type(u8 attr)
{
	switch (attr) {
	case ISC_ATTR_ORDERED:
		return SCST_QUEUE_ORDERED;
	case ISC_ATTR_HEAD_OF_QUEUE:
		return SCST_QUEUE_HEAD_OF_QUEUE;
	case ISC_ATTR_ACA:
		return SCST_QUEUE_ACA;
	default:
		return SCST_QUEUE_SIMPLE;
	}
}

static void isc_task_submit(struct isc_task *task)
{
	task->state = ISC_TASK_QUEUED;
	isc_task_run(task);
	/*
	 * The receive thread runs the command as far as it goes without
	 * waiting for a device: a quick one (nullio, emulated) up to its
	 * response, without handing it to a core thread and back. One that
	 * may block goes on in a core thread.
	 */
	scst_cmd_init_done(isc_task_cmd(task), SCST_CONTEXT_DIRECT_QUICK);
}

/* Reject the PDU of @rx and skip its data. */
static int isc_rx_reject(struct isc_conn *conn, struct isc_rx_pdu *rx,
			 u8 reason)
{
	int res = isc_conn_send_reject(conn, rx->bhs, reason);

	rx->pi.opcode = ISC_OP_REJECT;
	rx->sg = NULL;
	return res;
}

static int isc_cmd_new(struct isc_conn *conn, struct isc_rx_pdu *rx,
		       struct isc_task **started)
{
	const struct isc_pdu_info *pi = &rx->pi;
	const struct isc_scsi_cmd *hdr = (const void *)rx->bhs;
	u8 cdb[SCST_MAX_CDB_SIZE];
	struct isc_ahs_info ai = {};
	enum scst_data_dir dir;
	struct isc_task *task;
	struct scst_cmd *cmd;
	unsigned int cdb_len = sizeof(hdr->cdb);
	u8 reason;
	int res;

	if (pi->ahs_len) {
		reason = isc_ahs_parse(rx->ahs, pi->ahs_len, &ai);
		if (reason != ISC_REJECT_NONE)
			return isc_rx_reject(conn, rx, reason);
	}
	/* Bidirectional commands are not supported by the core yet. */
	if (ai.has_bidi_len || (pi->read && pi->write))
		return isc_rx_reject(conn, rx, ISC_REJECT_CMD_NOT_SUPPORTED);
	if (cdb_len + ai.ext_cdb_len > sizeof(cdb))
		return isc_rx_reject(conn, rx, ISC_REJECT_CMD_NOT_SUPPORTED);
	/* The data of a command can only be write data, and only as much. */
	if (pi->data_len && (!pi->write || pi->data_len > pi->exp_xfer_len))
		return isc_rx_reject(conn, rx, ISC_REJECT_PROTOCOL_ERROR);
	memcpy(cdb, hdr->cdb, cdb_len);
	if (ai.ext_cdb_len) {
		memcpy(cdb + cdb_len, ai.ext_cdb, ai.ext_cdb_len);
		cdb_len += ai.ext_cdb_len;
	}

	task = conn->ops->alloc_task(conn, GFP_KERNEL);
	if (!task)
		return -ENOMEM;
	memset(task, 0, offsetof(struct isc_task, cmd_mem));
	INIT_LIST_HEAD(&task->run_entry);
	task->conn = conn;
	refcount_set(&task->ref, 1);
	task->itt = pi->itt;
	task->lun = pi->lun;
	task->cmdsn = pi->cmdsn;
	task->exp_xfer_len = pi->exp_xfer_len;
	task->write = pi->write && pi->exp_xfer_len;

	/* No buffer (sgv_max_mb): not in the table, all its data dropped. */
	if (task->write &&
	    scst_sgv_buf_alloc(&task->wbuf, pi->exp_xfer_len, GFP_KERNEL))
		task->no_buf = true;
	if (task->write && !task->no_buf) {
		/*
		 * Unsolicited data: the immediate data, plus Data-Out up to
		 * FirstBurstLength unless InitialR2T or F says there is none.
		 */
		if (pi->final || conn->p.initial_r2t)
			task->unsol_end = pi->data_len;
		else
			task->unsol_end = min(conn->p.first_burst,
					      pi->exp_xfer_len);
		task->r2t_next = task->unsol_end;
		/* No Data-Out can follow: no need to find the task by ITT. */
		task->all_in = pi->data_len == pi->exp_xfer_len;
	}
	if (task->write && !task->no_buf && !task->all_in) {
		spin_lock(&conn->task_lock);
		res = xa_insert(&conn->tasks, task->itt, task, GFP_ATOMIC);
		if (!res) {
			task->in_table = true;
			refcount_inc(&task->ref);
		}
		spin_unlock(&conn->task_lock);
		if (res) {
			conn->ops->free_task(task);
			if (res != -EBUSY)
				return res;
			return isc_rx_reject(conn, rx,
					     ISC_REJECT_TASK_IN_PROGRESS);
		}
	}

	task->counted = true;
	*started = task;
	cmd = isc_task_cmd(task);
	scst_rx_cmd_prealloced(cmd, conn->sess->scst_sess, hdr->lun,
			       sizeof(hdr->lun), cdb, cdb_len);
	scst_cmd_set_tag(cmd, task->itt);
	scst_cmd_set_tgt_priv(cmd, task);
	scst_cmd_set_queue_type(cmd, isc_queue_type(pi->attr));
	if (task->write)
		dir = SCST_DIR_OUT;
	else if (pi->read)
		dir = SCST_DIR_IN;
	else
		dir = SCST_DIR_NONE;
	scst_cmd_set_expected(cmd, dir, pi->exp_xfer_len);
	if (task->wbuf.sg)
		scst_cmd_set_tgt_sg(cmd, task->wbuf.sg, task->wbuf.nents);

	if (pi->data_len) {
		/* Immediate data: straight into the command's pages. */
		rx->sg = task->wbuf.sg;
		rx->sg_off = 0;
		rx->task = task;
		return 0;
	}
	isc_task_submit(task);
	return 0;
}

int isc_cmd_rx(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	struct isc_task *task = NULL;
	int res = isc_cmd_new(conn, rx, &task);

	/* Not for the core after all: its place in the window is free. */
	if (!task)
		isc_session_cmd_end(conn->sess, rx->pi.cmdsn,
				    ISC_CMD_END_NO_RSP);
	return res;
}

/*
 * The immediate data is in, or is @bad: then the command must not run,
 * and out of the table (and not all_in) rdy_to_xfer() fails it.
 */
void isc_cmd_rx_immediate_done(struct isc_conn *conn, struct isc_rx_pdu *rx,
			       bool bad)
{
	struct isc_task *task = rx->task;

	if (!task)
		return;
	if (bad) {
		isc_task_unlist(task);
		task->all_in = false;
	} else if (!task->no_buf) {
		task->received = rx->pi.data_len;
	}
	isc_task_submit(task);
}

/* ---- Data-Out ---- */

/*
 * DataPDUInOrder and DataSequenceInOrder are Yes: the Data-Out PDUs of a
 * task come at increasing offsets without gaps, and each sequence (the
 * unsolicited one, one per R2T) numbers its PDUs from DataSN 0. Anything
 * else means lost PDUs, which error recovery level 0 cannot ask for
 * again: the task's data is dropped from there on, and once all of it
 * has come the command ends with CHECK CONDITION (RFC 7143 7.1.2, 7.8).
 * Rx thread only.
 */
static bool isc_data_out_in_sequence(struct isc_task *task,
				     const struct isc_pdu_info *pi)
{
	if (!task->data_bad &&
	    (pi->datasn != task->datasn_out || pi->offset != task->received)) {
		pr_warn_ratelimited("%s: ITT %#x: Data-Out DataSN %u offset %u, expected %u and %u\n",
				    task->conn->sess->initiator, task->itt,
				    pi->datasn, pi->offset, task->datasn_out,
				    task->received);
		task->data_bad = true;
	}
	task->datasn_out = pi->final ? 0 : task->datasn_out + 1;
	return !task->data_bad;
}

int isc_data_out_rx(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	const struct isc_pdu_info *pi = &rx->pi;
	struct isc_task *task;
	bool known;

	/*
	 * The command may have been answered already (an error before its
	 * data phase, or an abort): its remaining data is dropped.
	 */
	task = isc_conn_task_get(conn, pi->itt);
	if (!task) {
		/*
		 * Late data of a command answered or aborted carries no TTT
		 * (unsolicited) or one we gave out: dropped. Any other names
		 * no transfer there ever was.
		 */
		spin_lock(&conn->task_lock);
		known = pi->ttt == ISC_RSVD_TAG ||
			isc_ttt_issued(pi->ttt, conn->next_ttt, conn->ttt_span);
		spin_unlock(&conn->task_lock);
		if (known)
			return 0;
		return isc_rx_reject(conn, rx, ISC_REJECT_INVALID_PDU_FIELD);
	}
	if (pi->offset > task->exp_xfer_len ||
	    pi->data_len > task->exp_xfer_len - pi->offset) {
		isc_conn_task_put(task);
		isc_conn_send_reject(conn, rx->bhs, ISC_REJECT_PROTOCOL_ERROR);
		return -EPROTO;
	}
	rx->task = task;
	if (!isc_data_out_in_sequence(task, pi))
		return 0;	/* the data goes nowhere */
	rx->sg = task->wbuf.sg;
	rx->sg_off = pi->offset;
	return 0;
}

int isc_data_out_done(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	const struct isc_pdu_info *pi = &rx->pi;
	struct isc_task *task = rx->task;
	struct isc_r2t_batch b;
	bool complete;

	if (!task)
		return 0;
	spin_lock(&conn->task_lock);
	task->received += pi->data_len;
	task->data_since = jiffies;
	/* The last PDU of a solicited sequence ends its R2T. */
	if (pi->final && pi->ttt != ISC_RSVD_TAG && task->r2t_out)
		task->r2t_out--;
	complete = isc_task_data_step(task, &b);
	spin_unlock(&conn->task_lock);

	isc_send_r2ts(conn, &b);
	if (complete) {
		isc_task_run(task);
		scst_rx_data(isc_task_cmd(task), isc_task_rx_status(task),
			     SCST_CONTEXT_DIRECT_QUICK);
	}
	return 0;
}

/* The core has the buffer ready: solicit what has not come by itself. */
int isc_rdy_to_xfer(struct scst_cmd *cmd)
{
	struct isc_task *task = scst_cmd_get_tgt_priv(cmd);
	struct isc_conn *conn = task->conn;
	struct isc_r2t_batch b;
	bool complete;

	/* The core found a buffer after all: still nowhere for the data. */
	if (task->no_buf) {
		scst_rx_data(cmd, SCST_RX_STATUS_BUSY, SCST_CONTEXT_DIRECT_QUICK);
		return SCST_TGT_RES_SUCCESS;
	}
	/*
	 * All data came with the command (immediate): go on here (process
	 * context, the receive thread) as far as it goes without waiting
	 * for a device.
	 */
	if (task->all_in) {
		if (READ_ONCE(conn->closing))
			return SCST_TGT_RES_FATAL_ERROR;
		task->state = ISC_TASK_EXEC;
		scst_rx_data(cmd, SCST_RX_STATUS_SUCCESS,
			     SCST_CONTEXT_DIRECT_QUICK);
		return SCST_TGT_RES_SUCCESS;
	}
	spin_lock(&conn->task_lock);
	if (conn->closing || !task->in_table) {
		spin_unlock(&conn->task_lock);
		return SCST_TGT_RES_FATAL_ERROR;
	}
	task->state = ISC_TASK_DATA_WAIT;
	task->data_since = jiffies;
	task->ttt = isc_ttt_alloc(&conn->next_ttt, &conn->ttt_span);
	complete = isc_task_data_step(task, &b);
	/* Waiting for the initiator is not the backend's time. */
	if (!complete)
		list_del_init(&task->run_entry);
	spin_unlock(&conn->task_lock);

	isc_send_r2ts(conn, &b);
	/* All data came with the command (unsolicited Data-Out too). */
	if (complete)
		scst_rx_data(cmd, isc_task_rx_status(task),
			     SCST_CONTEXT_DIRECT_QUICK);
	return SCST_TGT_RES_SUCCESS;
}

/*
 * The connection is ending: no more data will come. Commands waiting for
 * theirs fail now; the others find the sending side dead.
 */
void isc_conn_abort_tasks(struct isc_conn *conn)
{
	struct isc_task *task;
	unsigned long idx = 0;

	for (;;) {
		bool wait;

		spin_lock(&conn->task_lock);
		conn->closing = true;
		task = xa_find(&conn->tasks, &idx, ULONG_MAX, XA_PRESENT);
		if (!task) {
			spin_unlock(&conn->task_lock);
			break;
		}
		xa_erase(&conn->tasks, idx);
		task->in_table = false;
		wait = task->state == ISC_TASK_DATA_WAIT;
		if (wait)
			task->state = ISC_TASK_EXEC;
		spin_unlock(&conn->task_lock);
		if (wait)
			scst_rx_data(isc_task_cmd(task),
				     SCST_RX_STATUS_ERROR_FATAL,
				     SCST_CONTEXT_THREAD);
		isc_conn_task_put(task);
	}
}

/*
 * The oldest time write data was last waited for (DATA_WAIT), in
 * *@since; false when no task waits for any.
 */
bool isc_conn_oldest_data_wait(struct isc_conn *conn, unsigned long *since)
{
	struct isc_task *task;
	unsigned long idx;
	bool found = false;

	spin_lock(&conn->task_lock);
	xa_for_each(&conn->tasks, idx, task) {
		if (task->state != ISC_TASK_DATA_WAIT)
			continue;
		if (!found || time_before(task->data_since, *since))
			*since = task->data_since;
		found = true;
	}
	spin_unlock(&conn->task_lock);
	return found;
}

/* When the oldest task the backend has got it, in *@since; false: none. */
bool isc_conn_oldest_run(struct isc_conn *conn, unsigned long *since)
{
	struct isc_task *task;

	spin_lock(&conn->task_lock);
	task = list_first_entry_or_null(&conn->run_list, struct isc_task,
					run_entry);
	if (task)
		*since = task->run_since;
	spin_unlock(&conn->task_lock);
	return task;
}

/* ---- responses ---- */

static void isc_send_status(struct isc_task *task, struct scst_cmd *cmd)
{
	struct isc_conn *conn = task->conn;
	const struct isc_params *p = &conn->p;
	enum scst_data_dir dir = scst_cmd_get_data_direction(cmd);
	unsigned int sense_len = scst_cmd_get_sense_len(cmd);
	u8 status = scst_cmd_get_status(cmd);
	u8 sbuf[2 + SCST_SENSE_BUFFERSIZE];
	struct isc_scsi_rsp_args ra = {};
	struct isc_data_in_args da = {};
	struct isc_tx_pdu pdu = {};
	u32 resp_len = 0, xfer_len = 0, off = 0, seq = 0, datasn = 0;
	struct isc_sn sn;
	bool in_data;
	s64 x;

	if (dir == SCST_DIR_IN)
		resp_len = min(scst_cmd_get_resp_data_len(cmd),
			       task->exp_xfer_len);
	/* What the command moved, or wanted to move (an overflow). */
	x = (s64)task->exp_xfer_len - scst_cmd_get_residual(cmd);
	xfer_len = clamp_t(s64, x, 0, U32_MAX);
	sense_len = min_t(unsigned int, sense_len, SCST_SENSE_BUFFERSIZE);
	/* Status goes with the data unless sense data needs a Response. */
	in_data = resp_len && status == SCST_STATUS_GOOD && !sense_len;

	isc_conn_tx_lock(conn);
	while (off < resp_len) {
		da.itt = task->itt;
		da.lun = task->lun;
		da.ttt = ISC_RSVD_TAG;
		da.datasn = datasn++;
		da.offset = off;
		da.len = min3(p->max_xmit_dsl, resp_len - off,
			      p->max_burst - seq);
		/* A sequence ends at MaxBurstLength or with the data. */
		da.final = off + da.len == resp_len ||
			   seq + da.len == p->max_burst;
		da.has_status = in_data && off + da.len == resp_len;
		da.status = status;
		da.exp_xfer_len = task->exp_xfer_len;
		da.xfer_len = xfer_len;
		isc_fill_sn(conn, &sn, da.has_status);
		isc_build_data_in(pdu.bhs, &da, &sn);
		pdu.sg = scst_cmd_get_sg(cmd);
		pdu.sg_off = off;
		pdu.data_len = da.len;
		pdu.task = task;
		if (isc_conn_xmit(conn, &pdu))
			break;
		off += da.len;
		seq = da.final ? 0 : seq + da.len;
	}
	if (resp_len && conn->ops->tx_end)
		conn->ops->tx_end(conn, task);
	if (in_data || off < resp_len)
		goto out;

	ra.itt = task->itt;
	ra.response = ISC_RSP_COMPLETED;
	ra.status = status;
	ra.exp_xfer_len = task->exp_xfer_len;
	ra.xfer_len = xfer_len;
	ra.exp_datasn = datasn;
	memset(&pdu, 0, sizeof(pdu));
	if (sense_len) {
		pdu.data_len = isc_build_sense_segment(sbuf, sizeof(sbuf),
						       scst_cmd_get_sense(cmd),
						       sense_len);
		pdu.buf = sbuf;
		ra.sense_len = sense_len;
	}
	isc_fill_sn(conn, &sn, true);
	isc_build_scsi_rsp(pdu.bhs, &ra, &sn);
	isc_conn_xmit(conn, &pdu);
out:
	mutex_unlock(&conn->tx_mutex);
}

void isc_task_tx_hold(struct isc_task *task)
{
	refcount_inc(&task->tx_ref);
}

/*
 * The transport lets go of the pages (zero copy: from its work item, once
 * TCP has freed the last skb that pointed to them). Process context: the
 * command is freed here, and on_free_cmd() takes conn->task_lock and the
 * session's sn_lock, which are not softirq-safe.
 */
void isc_task_tx_put(struct isc_task *task)
{
	if (refcount_dec_and_test(&task->tx_ref))
		scst_tgt_cmd_done(isc_task_cmd(task), SCST_CONTEXT_DIRECT);
}

/*
 * Send the data and status of @cmd. A send that fails ends the
 * connection, and its teardown is what the initiator sees: the command
 * is done either way, once the transport no longer needs its pages.
 */
int isc_xmit_response(struct scst_cmd *cmd)
{
	struct isc_task *task = scst_cmd_get_tgt_priv(cmd);
	bool aborted = scst_cmd_aborted(cmd);
	u8 status = scst_cmd_get_status(cmd);
	enum isc_cmd_end how = ISC_CMD_END_RSP;

	if (aborted)
		how = ISC_CMD_END_NO_RSP;
	else if (status == SCST_STATUS_BUSY ||
		 status == SCST_STATUS_TASK_SET_FULL)
		how = ISC_CMD_END_BUSY;
	isc_task_unlist(task);
	isc_task_end(task, how);
	refcount_set(&task->tx_ref, 1);
	/* An aborted task gets no response (RFC 7143 4.2.3.4). */
	if (!aborted)
		isc_send_status(task, cmd);
	isc_task_tx_put(task);
	return SCST_TGT_RES_SUCCESS;
}

void isc_on_free_cmd(struct scst_cmd *cmd)
{
	struct isc_task *task = scst_cmd_get_tgt_priv(cmd);

	isc_task_unlist(task);
	/* After xmit_response() (then from isc_task_tx_put()), or instead. */
	if (task->counted || !list_empty(&task->run_entry))
		isc_task_end(task, ISC_CMD_END_NO_RSP);
	isc_conn_task_put(task);
}

/* ---- Task Management ---- */

struct isc_tmf {
	struct isc_conn *conn;
	u32 itt;
	u8 func;
	bool ref_in_window;	/* RefCmdSN not yet received */
};

static int isc_tmf_fn(u8 func, u8 *fn)
{
	static const u8 map[] = {
		[ISC_TMF_ABORT_TASK]		= SCST_TMF_ABORT_TASK,
		[ISC_TMF_ABORT_TASK_SET]	= SCST_TMF_ABORT_TASK_SET,
		[ISC_TMF_CLEAR_ACA]		= SCST_TMF_CLEAR_ACA,
		[ISC_TMF_CLEAR_TASK_SET]	= SCST_TMF_CLEAR_TASK_SET,
		[ISC_TMF_LUN_RESET]		= SCST_TMF_LUN_RESET,
		[ISC_TMF_TARGET_WARM_RESET]	= SCST_TMF_TARGET_RESET,
		[ISC_TMF_TARGET_COLD_RESET]	= SCST_TMF_TARGET_RESET,
		[ISC_TMF_QUERY_TASK]		= SCST_TMF_QUERY_TASK,
		[ISC_TMF_QUERY_TASK_SET]	= SCST_TMF_QUERY_TASK_SET,
		[ISC_TMF_IT_NEXUS_RESET]	= SCST_TMF_I_T_NEXUS_RESET,
		[ISC_TMF_QUERY_ASYNC_EVENT]	= SCST_TMF_QUERY_ASYNC_EVENT,
	};

	/* TASK REASSIGN needs ERL 2. */
	if (func >= ARRAY_SIZE(map) || func == ISC_TMF_TASK_REASSIGN || !func)
		return -EOPNOTSUPP;
	*fn = map[func];
	return 0;
}

static bool isc_tmf_has_lun(u8 fn)
{
	return fn != SCST_TMF_TARGET_RESET && fn != SCST_TMF_I_T_NEXUS_RESET;
}

static int isc_send_tmf_rsp(struct isc_conn *conn, u32 itt, u8 response)
{
	struct isc_tx_pdu pdu = {};
	struct isc_sn sn = {};

	isc_build_tmf_rsp(pdu.bhs, itt, response, &sn);
	return isc_conn_send(conn, &pdu, true);
}

int isc_tmf_rx(struct isc_conn *conn, struct isc_rx_pdu *rx)
{
	const struct isc_pdu_info *pi = &rx->pi;
	struct scst_mgmt_cmd *mcmd;
	struct isc_tmf *tmf;
	u8 fn;

	if (isc_tmf_fn(pi->func, &fn))
		return isc_send_tmf_rsp(conn, pi->itt,
					pi->func == ISC_TMF_TASK_REASSIGN ?
					ISC_TMF_RSP_NO_FAILOVER :
					ISC_TMF_RSP_NOT_SUPPORTED);
	tmf = kmalloc(sizeof(*tmf), GFP_KERNEL);
	if (!tmf)
		return -ENOMEM;
	tmf->conn = conn;
	tmf->itt = pi->itt;
	tmf->func = pi->func;
	tmf->ref_in_window = isc_session_cmdsn_pending(conn->sess,
						       pi->ref_cmdsn);
	/* The ITT of the task to abort is its core tag. */
	mcmd = scst_rx_mgmt_fn(conn->sess->scst_sess, fn,
			       isc_tmf_has_lun(fn) ? rx->bhs + 8 : NULL, 8,
			       pi->rtt, tmf, GFP_KERNEL);
	if (!mcmd) {
		kfree(tmf);
		return isc_send_tmf_rsp(conn, pi->itt, ISC_TMF_RSP_REJECTED);
	}
	return 0;
}

/*
 * Process context, before the core lets go of the session: the
 * connection is still there, though perhaps dead.
 */
void isc_task_mgmt_fn_done(struct scst_mgmt_cmd *mcmd)
{
	struct isc_tmf *tmf = scst_mgmt_cmd_get_tgt_priv(mcmd);
	u8 rsp;

	switch (scst_mgmt_cmd_get_status(mcmd)) {
	case SCST_TMF_RESP_COMPLETE:
	case SCST_TMF_RESP_SUCCEEDED:
		rsp = ISC_TMF_RSP_COMPLETE;
		/*
		 * RFC 7143 11.5.1: an ABORT TASK that finds no task is
		 * complete only for a command not received yet (RefCmdSN
		 * in the window); one that has completed does not exist.
		 */
		if (tmf->func == ISC_TMF_ABORT_TASK &&
		    !scst_mgmt_cmd_get_nr_found(mcmd) && !tmf->ref_in_window)
			rsp = ISC_TMF_RSP_NO_TASK;
		break;
	case SCST_TMF_RESP_LUN_NOT_EXIST:
		rsp = ISC_TMF_RSP_NO_LUN;
		break;
	case SCST_TMF_RESP_FUNC_NOT_SUPPORTED:
		rsp = ISC_TMF_RSP_NOT_SUPPORTED;
		break;
	default:
		rsp = ISC_TMF_RSP_REJECTED;
		break;
	}
	isc_send_tmf_rsp(tmf->conn, tmf->itt, rsp);
	kfree(tmf);
}

int isc_cmd_init(void)
{
	isc_task_cache = kmem_cache_create("scst_isc_task",
					   sizeof(struct isc_task) +
					   scst_cmd_size(),
					   sizeof(void *), 0, NULL);
	return isc_task_cache ? 0 : -ENOMEM;
}

void isc_cmd_exit(void)
{
	kmem_cache_destroy(isc_task_cache);
}
