// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: the copy manager, EXTENDED COPY(LID1) and RECEIVE COPY
 * RESULTS. The parameter list and the responses are scst_xcopy.c's.
 *
 * The data moves as READ(16) and WRITE(16) commands that the core issues
 * itself on the I_T nexus of the EXTENDED COPY and runs through the same
 * state machine as a target driver's commands (cmd->internal_done set).
 * That is deliberate: a copy reaches only the LUNs that nexus can see (the
 * copy targets are looked up in its LUN table), and everything a command
 * of that initiator meets applies to the copy too: read-only LUNs and
 * write protection, reservations, the handler's write gate that keeps
 * COMPARE AND WRITE atomic, and task management (ABORT TASK SET or
 * PREEMPT AND ABORT abort the copy's commands with the initiator's
 * others). SCST's copy manager gets the same effect with an internal
 * target driver of its own; calling the handlers directly would bypass
 * all of that.
 *
 * A copy reads a chunk (up to SCST_COPY_CHUNK bytes) into its own pages,
 * writes it, reads the next one: each command is issued from the
 * completion of the previous one, in a work item, so no thread sleeps
 * while a copy runs and the device thread pools cannot deadlock on it.
 *
 * List identifiers are tracked per I_T nexus (sess->xcopy_ids): a second
 * EXTENDED COPY with the LIST ID of one in progress is refused with
 * OPERATION IN PROGRESS. With LIST ID USAGE 00b the result is kept after
 * the copy for RECEIVE COPY RESULTS until it is read, another EXTENDED
 * COPY reuses the LIST ID, SCST_XCOPY_MAX_COPIES newer ones push it out or
 * the nexus goes away. A parameter list that fails validation copies
 * nothing and leaves no result.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/scatterlist.h>
#include "scst_priv.h"
#include "scst_xcopy.h"

#define SCST_COPY_CHUNK		(1U << 20)

/* A LIST ID of an I_T nexus: a copy in progress or a kept result. */
struct scst_copy_id {
	struct list_head list;		/* sess->xcopy_ids, oldest first */
	u8 list_id;
	bool hold;			/* LIST ID USAGE 00b */
	struct scst_xcopy_result res;	/* under sess->xcopy_lock */
};

/* One EXTENDED COPY in progress. */
struct scst_copy {
	struct scst_cmd *ec;			/* the EXTENDED COPY */
	struct scst_copy_id *id;		/* NULL: no LIST ID */
	struct scst_xcopy_list *list;
	struct scst_tgt_dev *tdev[SCST_XCOPY_MAX_CSCD];
	struct scst_xcopy_extent ext[SCST_XCOPY_MAX_SEGS];
	unsigned int seg;			/* the segment being copied */
	u64 done;				/* its bytes copied */
	u32 chunk;				/* bytes of the command in flight */
	bool writing;				/* the command is the WRITE */
	struct scatterlist *sg;
	unsigned int sg_cnt;
	u32 buf_len;
	struct work_struct work;
	struct scst_cmd sub;			/* the READ or WRITE in flight */
};

bool scst_copy_is_mine(struct scst_cmd *cmd)
{
	return cmd->cdb[0] == SCST_OP_EXTENDED_COPY ||
	       cmd->cdb[0] == SCST_OP_RECEIVE_COPY_RESULTS;
}

void scst_copy_sess_init(struct scst_session *sess)
{
	spin_lock_init(&sess->xcopy_lock);
	INIT_LIST_HEAD(&sess->xcopy_ids);
}

/* The nexus is gone, and with it every command: drop the kept results. */
void scst_copy_sess_gone(struct scst_session *sess)
{
	struct scst_copy_id *id, *tmp;

	list_for_each_entry_safe(id, tmp, &sess->xcopy_ids, list) {
		list_del(&id->list);
		kfree(id);
	}
}

static struct scst_copy_id *scst_copy_id_find(struct scst_session *sess,
					      u8 list_id)
{
	struct scst_copy_id *id;

	list_for_each_entry(id, &sess->xcopy_ids, list)
		if (id->list_id == list_id)
			return id;
	return NULL;
}

/*
 * Claim @list_id for a new copy: a result kept under it is dropped, a copy
 * in progress under it refuses the new one. Returns the new entry, or an
 * ERR_PTR: -EBUSY (in progress), -ENOSPC (SCST_XCOPY_MAX_COPIES copies in
 * progress), -ENOMEM.
 */
static struct scst_copy_id *scst_copy_id_claim(struct scst_session *sess,
					       u8 list_id, bool hold)
{
	struct scst_copy_id *id, *old, *victim = NULL;
	unsigned int n = 0;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return ERR_PTR(-ENOMEM);
	id->list_id = list_id;
	id->hold = hold;
	id->res.state = SCST_XCOPY_IN_PROGRESS;

	spin_lock(&sess->xcopy_lock);
	old = scst_copy_id_find(sess, list_id);
	if (old && old->res.state == SCST_XCOPY_IN_PROGRESS) {
		spin_unlock(&sess->xcopy_lock);
		kfree(id);
		return ERR_PTR(-EBUSY);
	}
	if (old) {
		list_del(&old->list);
		victim = old;
	}
	list_for_each_entry(old, &sess->xcopy_ids, list)
		n++;
	if (n >= SCST_XCOPY_MAX_COPIES && !victim) {
		/* Push out the oldest kept result, if there is one. */
		list_for_each_entry(old, &sess->xcopy_ids, list) {
			if (old->res.state != SCST_XCOPY_IN_PROGRESS) {
				list_del(&old->list);
				victim = old;
				break;
			}
		}
		if (!victim) {
			spin_unlock(&sess->xcopy_lock);
			kfree(id);
			return ERR_PTR(-ENOSPC);
		}
	}
	list_add_tail(&id->list, &sess->xcopy_ids);
	spin_unlock(&sess->xcopy_lock);
	kfree(victim);
	return id;
}

/* Forget @id: the copy failed validation or keeps no result. */
static void scst_copy_id_drop(struct scst_session *sess,
			      struct scst_copy_id *id)
{
	spin_lock(&sess->xcopy_lock);
	list_del(&id->list);
	spin_unlock(&sess->xcopy_lock);
	kfree(id);
}

/*
 * The LUN of this nexus whose logical unit has the NAA designator of @c
 * (the one in its Device Identification VPD page), with a reference.
 */
static struct scst_tgt_dev *scst_copy_find(struct scst_session *sess,
					   const struct scst_xcopy_cscd *c)
{
	struct scst_tgt_dev *tgt_dev, *found = NULL;
	const struct scst_lu_desc *lu;
	unsigned long index;

	if (c->desig_type != SCST_DESIG_NAA || c->assoc != SCST_ASSOC_LU ||
	    !c->desig_len)
		return NULL;
	rcu_read_lock();
	xa_for_each(&sess->tgt_devs, index, tgt_dev) {
		lu = &tgt_dev->dev->lu;
		if (!lu->xcopy_supported || lu->naa_id_len != c->desig_len ||
		    memcmp(lu->naa_id, c->desig, c->desig_len))
			continue;
		if (refcount_inc_not_zero(&tgt_dev->refcnt))
			found = tgt_dev;
		break;
	}
	rcu_read_unlock();
	return found;
}

static void scst_copy_free(struct scst_copy *c)
{
	unsigned int i;

	for (i = 0; i < c->sg_cnt; i++)
		__free_page(sg_page(&c->sg[i]));
	kfree(c->sg);
	for (i = 0; i < ARRAY_SIZE(c->tdev); i++)
		if (c->tdev[i])
			scst_tgt_dev_put(c->tdev[i]);
	kfree(c->list);
	kfree(c);
}

/* Pages for one chunk: at most SCST_COPY_CHUNK, fewer if memory is short. */
static int scst_copy_alloc_buf(struct scst_copy *c)
{
	u64 max = 0;
	unsigned int i, n;

	for (i = 0; i < c->list->nseg; i++)
		max = max(max, c->ext[i].bytes);
	n = DIV_ROUND_UP(min_t(u64, max, SCST_COPY_CHUNK), PAGE_SIZE);
	if (!n)
		return 0;
	c->sg = kmalloc_array(n, sizeof(*c->sg), GFP_KERNEL);
	if (!c->sg)
		return -ENOMEM;
	sg_init_table(c->sg, n);
	for (i = 0; i < n; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);

		if (!page)
			break;
		sg_set_page(&c->sg[i], page, PAGE_SIZE, 0);
	}
	if (!i)
		return -ENOMEM;
	/* Block sizes are at most a page: any number of pages will do. */
	sg_mark_end(&c->sg[i - 1]);
	c->sg_cnt = i;
	c->buf_len = i * PAGE_SIZE;
	return 0;
}

static void scst_copy_sub_done(struct scst_cmd *sub)
{
	struct scst_copy *c = sub->tgt_priv;

	/* Any context: continue where the next command may be issued. */
	queue_work(scst_wq, &c->work);
}

static void scst_copy_issue(struct scst_copy *c, struct scst_tgt_dev *tgt_dev,
			    bool write, u64 lba, u32 len)
{
	u8 cdb[16] = { write ? SCST_OP_WRITE_16 : SCST_OP_READ_16 };
	u8 lun[8];

	put_unaligned_be64(lba, cdb + 2);
	put_unaligned_be32(len / tgt_dev->dev->lu.block_size, cdb + 10);
	scst_lun_encode(tgt_dev->lun, lun);
	c->writing = write;
	scst_rx_cmd_prealloced(&c->sub, c->ec->sess, lun, sizeof(lun), cdb,
			       sizeof(cdb));
	c->sub.internal_done = scst_copy_sub_done;
	c->sub.tgt_priv = c;
	c->sub.tag = c->ec->tag;
	scst_cmd_set_expected(&c->sub, write ? SCST_DIR_OUT : SCST_DIR_IN, len);
	scst_cmd_set_tgt_sg(&c->sub, c->sg, c->sg_cnt);
	scst_cmd_init_done(&c->sub, SCST_CONTEXT_THREAD);
}

/* The copy is over: report it, keep its result if asked, finish the command. */
static void scst_copy_finish(struct scst_copy *c, const struct scst_cmd *sub)
{
	struct scst_session *sess = c->ec->sess;
	struct scst_cmd *ec = c->ec;
	struct scst_copy_id *id = c->id;
	struct scst_sense s, ss;

	if (sub) {
		switch (sub->status) {
		case SCST_STATUS_CHECK_CONDITION:
			/* What the copy target said, as COPY ABORTED. */
			if (scst_sense_parse(sub->sense, sub->sense_len, &ss))
				memset(&ss, 0, sizeof(ss));
			scst_xcopy_seg_sense(&s, SCST_SK_COPY_ABORTED, ss.asc,
					     ss.ascq, c->seg, -1);
			scst_set_cmd_sense_full(ec, &s);
			break;
		case SCST_STATUS_GOOD:
			/* Aborted by a TMF, or its LUN changed meanwhile. */
			scst_xcopy_seg_sense(&s, SCST_SK_COPY_ABORTED,
					     SCST_ASC_COPY_TARGET_NOT_REACHABLE,
					     SCST_ASCQ_COPY_TARGET_NOT_REACHABLE,
					     c->seg, -1);
			scst_set_cmd_sense_full(ec, &s);
			break;
		default:
			/* RESERVATION CONFLICT, BUSY, TASK SET FULL. */
			scst_set_cmd_status(ec, sub->status);
			break;
		}
	}
	if (id) {
		spin_lock(&sess->xcopy_lock);
		id->res.state = ec->status == SCST_STATUS_GOOD ?
				SCST_XCOPY_DONE_GOOD : SCST_XCOPY_DONE_ERROR;
		id->res.status = ec->status;
		id->res.sense_len = min_t(unsigned int, ec->sense_len,
					  sizeof(id->res.sense));
		memcpy(id->res.sense, ec->sense, id->res.sense_len);
		spin_unlock(&sess->xcopy_lock);
		if (!id->hold || scst_cmd_aborted(ec))
			scst_copy_id_drop(sess, id);
	}
	scst_copy_free(c);
	scst_cmd_exec_done(ec);
}

/* Issue the READ of the next chunk, or finish. Process context. */
static void scst_copy_next(struct scst_copy *c)
{
	struct scst_session *sess = c->ec->sess;
	struct scst_xcopy_extent *e;

	for (;;) {
		if (c->seg == c->list->nseg) {
			scst_copy_finish(c, NULL);
			return;
		}
		e = &c->ext[c->seg];
		if (c->done < e->bytes)
			break;
		c->seg++;
		c->done = 0;
		if (c->id) {
			spin_lock(&sess->xcopy_lock);
			c->id->res.segs_done = c->seg;
			spin_unlock(&sess->xcopy_lock);
		}
	}
	if (scst_cmd_aborted(c->ec)) {
		scst_copy_finish(c, NULL);
		return;
	}
	c->chunk = (u32)min_t(u64, e->bytes - c->done, c->buf_len);
	scst_copy_issue(c, c->tdev[e->src], false,
			e->src_lba + c->done / c->tdev[e->src]->dev->lu.block_size,
			c->chunk);
}

static void scst_copy_work(struct work_struct *work)
{
	struct scst_copy *c = container_of(work, struct scst_copy, work);
	const struct scst_xcopy_extent *e = &c->ext[c->seg];
	struct scst_tgt_dev *want = c->tdev[c->writing ? e->dst : e->src];
	struct scst_cmd *sub = &c->sub;

	if (sub->status != SCST_STATUS_GOOD || scst_cmd_aborted(sub) ||
	    sub->dev != want->dev) {
		scst_copy_finish(c, sub);
		return;
	}
	if (!c->writing) {
		want = c->tdev[e->dst];
		scst_copy_issue(c, want, true,
				e->dst_lba + c->done / want->dev->lu.block_size,
				c->chunk);
		return;
	}
	c->done += c->chunk;
	if (c->id) {
		spin_lock(&c->ec->sess->xcopy_lock);
		c->id->res.bytes_done += c->chunk;
		spin_unlock(&c->ec->sess->xcopy_lock);
	}
	scst_copy_next(c);
}

/*
 * Parse, resolve and check everything before the first byte moves.
 * Returns 0 with the copy ready to start, or fills @s (a status other
 * than CHECK CONDITION in *@status) and returns an error.
 */
static int scst_copy_prepare(struct scst_copy *c, const u8 *param, u32 len,
			     struct scst_sense *s, u8 *status)
{
	struct scst_session *sess = c->ec->sess;
	struct scst_xcopy_target t[SCST_XCOPY_MAX_CSCD] = {};
	struct scst_xcopy_list *l = c->list;
	struct scst_copy_id *id;
	unsigned int i;
	int res;

	res = scst_xcopy_parse(param, len, l, s);
	if (res || !l->nseg)
		return res;
	if (l->lid_usage != SCST_XCOPY_LID_NONE) {
		id = scst_copy_id_claim(sess, l->list_id,
					l->lid_usage == SCST_XCOPY_LID_HOLD);
		if (IS_ERR(id)) {
			if (PTR_ERR(id) == -EBUSY) {
				scst_sense_set(s, SCST_SK_ILLEGAL_REQUEST,
					       SCST_ASC_OPERATION_IN_PROGRESS,
					       SCST_ASCQ_OPERATION_IN_PROGRESS);
				return -EBUSY;
			}
			*status = SCST_STATUS_BUSY;
			return PTR_ERR(id);
		}
		c->id = id;
	}
	for (i = 0; i < l->ncscd; i++) {
		c->tdev[i] = scst_copy_find(sess, &l->cscd[i]);
		if (!c->tdev[i])
			continue;
		t[i].found = true;
		t[i].block_size = c->tdev[i]->dev->lu.block_size;
		t[i].nblocks = READ_ONCE(c->tdev[i]->dev->lu.nblocks);
	}
	for (i = 0; i < l->nseg; i++) {
		res = scst_xcopy_check_seg(l, i, t, &c->ext[i], s);
		if (res)
			return res;
	}
	if (scst_copy_alloc_buf(c)) {
		*status = SCST_STATUS_BUSY;
		return -ENOMEM;
	}
	return 0;
}

static void scst_copy_xcopy(struct scst_cmd *ec)
{
	struct scst_sense s = {};
	struct scst_copy *c;
	u8 status = SCST_STATUS_CHECK_CONDITION;
	u8 *param = NULL;
	u32 len = ec->bufflen;
	int res = -ENOMEM;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (c)
		c->list = kmalloc(sizeof(*c->list), GFP_KERNEL);
	if (len)
		param = kmalloc(len, GFP_KERNEL);
	if (!c || !c->list || (len && !param)) {
		status = SCST_STATUS_BUSY;
		goto fail;
	}
	c->ec = ec;
	INIT_WORK(&c->work, scst_copy_work);
	if (len)
		len = sg_copy_to_buffer(ec->sg, ec->sg_cnt, param, len);
	res = scst_copy_prepare(c, param, len, &s, &status);
	kfree(param);
	param = NULL;
	if (res)
		goto fail;
	if (!c->list->nseg) {
		/* Nothing to copy: GOOD, and nothing to keep. */
		scst_copy_free(c);
		scst_cmd_exec_done(ec);
		return;
	}
	scst_copy_next(c);
	return;

fail:
	if (status == SCST_STATUS_CHECK_CONDITION)
		scst_set_cmd_sense_full(ec, &s);
	else
		scst_set_cmd_status(ec, status);
	if (c && c->id)
		scst_copy_id_drop(ec->sess, c->id);
	if (c)
		scst_copy_free(c);
	kfree(param);
	scst_cmd_exec_done(ec);
}

/* RECEIVE COPY RESULTS: answered from the LIST IDs of this nexus. */
static void scst_copy_results(struct scst_cmd *cmd)
{
	struct scst_session *sess = cmd->sess;
	u8 sa = cmd->cdb[1] & 0x1f, list_id = cmd->cdb[2];
	u8 buf[60 + SCST_SENSE_BUFFERSIZE];
	struct scst_copy_id *id, *gone = NULL;
	struct scst_sense s;
	u32 n = 0;

	if (sa == SCST_RCR_OPERATING_PARAMETERS) {
		n = scst_rcr_op_params(buf, sizeof(buf));
		goto out;
	}
	spin_lock(&sess->xcopy_lock);
	id = scst_copy_id_find(sess, list_id);
	/* Only the status exists of a copy still in progress. */
	if (!id || (sa != SCST_RCR_COPY_STATUS &&
		    id->res.state == SCST_XCOPY_IN_PROGRESS)) {
		spin_unlock(&sess->xcopy_lock);
		scst_sense_invalid_field(&s, true, 2, -1);
		scst_set_cmd_sense_full(cmd, &s);
		return;
	}
	switch (sa) {
	case SCST_RCR_COPY_STATUS:
		n = scst_rcr_copy_status(buf, sizeof(buf), &id->res);
		break;
	case SCST_RCR_FAILED_SEGMENT_DETAILS:
		n = scst_rcr_failed_segs(buf, sizeof(buf), &id->res);
		break;
	default:
		n = scst_rcr_receive_data(buf, sizeof(buf));
		break;
	}
	/* A finished copy's result is reported once, then discarded. */
	if (id->res.state != SCST_XCOPY_IN_PROGRESS &&
	    sa != SCST_RCR_RECEIVE_DATA) {
		list_del(&id->list);
		gone = id;
	}
	spin_unlock(&sess->xcopy_lock);
	kfree(gone);
out:
	n = min(n, cmd->bufflen);
	if (n)
		n = sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, buf, n);
	cmd->resp_data_len = n;
}

/**
 * scst_copy_exec() - execute EXTENDED COPY or RECEIVE COPY RESULTS
 * @cmd: the command, in a thread (scst_cmd_needs_thread())
 *
 * Always ends with scst_cmd_exec_done(), from here or, for a copy, from
 * the completion of its last READ or WRITE.
 */
void scst_copy_exec(struct scst_cmd *cmd)
{
	if (cmd->cdb[0] == SCST_OP_EXTENDED_COPY) {
		scst_copy_xcopy(cmd);
		return;
	}
	scst_copy_results(cmd);
	scst_cmd_exec_done(cmd);
}
