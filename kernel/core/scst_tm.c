// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: task management functions (SAM-5).
 *
 * An aborting TMF marks the affected commands aborted and counts them in
 * mcmd->pending. An aborted command skips the states that have not run yet
 * (the data phase, execution); one already executing finishes its I/O,
 * because a bio or a page cache write cannot be recalled. At transmit the
 * driver sees scst_cmd_aborted() and sends nothing. When the last affected
 * command is freed the TMF completes, so the response to ABORT TASK or
 * LUN RESET is never sent while an aborted command can still touch data.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "scst_priv.h"

static struct kmem_cache *scst_mcmd_cache;

static void scst_mcmd_done_work(struct work_struct *work)
{
	struct scst_mgmt_cmd *mcmd = container_of(work, struct scst_mgmt_cmd,
						  done_work);
	struct scst_session *sess = mcmd->sess;
	const struct scst_tgt_template *tgtt = sess->tgt->drv->tgtt;

	if (tgtt->task_mgmt_fn_done)
		tgtt->task_mgmt_fn_done(mcmd);
	kmem_cache_free(scst_mcmd_cache, mcmd);
	scst_sess_put(sess);
}

/* One fewer command to wait for; the last one reports the TMF done. */
void scst_mcmd_put(struct scst_mgmt_cmd *mcmd)
{
	if (atomic_dec_and_test(&mcmd->pending))
		queue_work(scst_wq, &mcmd->done_work);
}

/*
 * Abort @cmd on behalf of @mcmd. Called with sess->cmd_lock held, which
 * also protects cmd->mcmd: scst_free_cmd() reads it once the command is
 * off the session's list.
 */
static void scst_abort_cmd(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	set_bit(SCST_CMDF_ABORTED, &cmd->flags);
	if (!cmd->mcmd) {
		cmd->mcmd = mcmd;
		atomic_inc(&mcmd->pending);
	}
}

/*
 * Walk the commands of @sess and abort those @match selects. Returns how
 * many matched (QUERY functions only count).
 */
static unsigned int scst_sess_abort(struct scst_mgmt_cmd *mcmd,
				    struct scst_session *sess,
				    bool (*match)(struct scst_mgmt_cmd *mcmd,
						  struct scst_cmd *cmd),
				    bool abort)
{
	struct scst_cmd *cmd;
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&sess->cmd_lock, flags);
	list_for_each_entry(cmd, &sess->cmd_list, sess_list) {
		if (cmd->state == SCST_CMD_STATE_FINISHED || !match(mcmd, cmd))
			continue;
		n++;
		if (abort)
			scst_abort_cmd(mcmd, cmd);
	}
	spin_unlock_irqrestore(&sess->cmd_lock, flags);
	return n;
}

static bool scst_match_tag(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->tag == mcmd->tag && cmd->lun == mcmd->lun;
}

static bool scst_match_lun(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->lun == mcmd->lun;
}

static bool scst_match_dev(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->dev && cmd->dev == mcmd->dev;
}

static bool scst_match_all(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return true;
}

/* The device @mcmd addresses through its session, or NULL. */
static struct scst_device *scst_mcmd_dev(struct scst_mgmt_cmd *mcmd)
{
	struct scst_tgt_dev *tgt_dev;

	tgt_dev = xa_load(&mcmd->sess->tgt_devs, mcmd->lun);
	return tgt_dev ? tgt_dev->dev : NULL;
}

/* Abort @dev's commands from every session of every target. */
static void scst_abort_dev_cmds(struct scst_mgmt_cmd *mcmd)
{
	struct scst_tgt_driver *drv;
	struct scst_session *sess;
	struct scst_tgt *tgt;

	list_for_each_entry(drv, &scst_tgt_driver_list, list)
		list_for_each_entry(tgt, &drv->tgts, list)
			list_for_each_entry(sess, &tgt->sessions, list)
				scst_sess_abort(mcmd, sess, scst_match_dev, true);
}

static u8 scst_tm_execute(struct scst_mgmt_cmd *mcmd)
{
	struct scst_session *sess = mcmd->sess, *s;
	struct scst_tgt_dev *tgt_dev;

	switch (mcmd->fn) {
	case SCST_TMF_ABORT_TASK:
		scst_sess_abort(mcmd, sess, scst_match_tag, true);
		return SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_ABORT_TASK_SET:
		scst_sess_abort(mcmd, sess, scst_match_lun, true);
		return SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_QUERY_TASK:
		return scst_sess_abort(mcmd, sess, scst_match_tag, false) ?
			SCST_TMF_RESP_SUCCEEDED : SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_QUERY_TASK_SET:
		return scst_sess_abort(mcmd, sess, scst_match_lun, false) ?
			SCST_TMF_RESP_SUCCEEDED : SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_I_T_NEXUS_RESET:
		scst_sess_abort(mcmd, sess, scst_match_all, true);
		mutex_lock(&scst_mutex);
		scst_ua_add_all_sess(sess, SCST_AQ_I_T_NEXUS_LOSS);
		mutex_unlock(&scst_mutex);
		return SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_TARGET_RESET:
		mutex_lock(&scst_mutex);
		list_for_each_entry(s, &sess->tgt->sessions, list) {
			scst_sess_abort(mcmd, s, scst_match_all, true);
			list_for_each_entry(tgt_dev, &s->tgt_dev_list, sess_list)
				scst_ua_add(tgt_dev, SCST_AQ_TARGET_RESET);
		}
		mutex_unlock(&scst_mutex);
		return SCST_TMF_RESP_COMPLETE;
	case SCST_TMF_CLEAR_TASK_SET:
	case SCST_TMF_LUN_RESET:
		mutex_lock(&scst_mutex);
		mcmd->dev = scst_mcmd_dev(mcmd);
		if (!mcmd->dev) {
			mutex_unlock(&scst_mutex);
			return SCST_TMF_RESP_LUN_NOT_EXIST;
		}
		scst_abort_dev_cmds(mcmd);
		if (mcmd->fn == SCST_TMF_LUN_RESET)
			scst_ua_add_all_dev(mcmd->dev, SCST_AQ_LUN_RESET, NULL);
		else
			scst_ua_add_all_dev(mcmd->dev,
					    SCST_AQ_CMDS_CLEARED_BY_OTHER,
					    xa_load(&sess->tgt_devs, mcmd->lun));
		mutex_unlock(&scst_mutex);
		return SCST_TMF_RESP_COMPLETE;
	default:
		return SCST_TMF_RESP_FUNC_NOT_SUPPORTED;
	}
}

/* TMFs take scst_mutex, so they run in a core thread, not the caller's. */
static void scst_mcmd_exec_work(struct work_struct *work)
{
	struct scst_mgmt_cmd *mcmd = container_of(work, struct scst_mgmt_cmd,
						  exec_work);

	if (mcmd->bad_lun)
		mcmd->status = SCST_TMF_RESP_LUN_NOT_EXIST;
	else
		mcmd->status = scst_tm_execute(mcmd);
	scst_mcmd_put(mcmd);
}

/**
 * scst_rx_mgmt_fn() - start a task management function
 * @sess: the I_T nexus it arrived on
 * @fn: SCST_TMF_*
 * @lun: SAM LUN for LUN-scoped functions (may be NULL otherwise)
 * @lun_len: length of @lun
 * @tag: the task tag for ABORT TASK and QUERY TASK
 * @tgt_priv: driver cookie, see scst_mgmt_cmd_get_tgt_priv()
 * @gfp: allocation flags of the caller's context
 *
 * May be called in any context. The result is reported through
 * tgtt->task_mgmt_fn_done(), in process context, once every command it
 * aborted has finished.
 *
 * Return: the management command, or NULL without memory.
 */
struct scst_mgmt_cmd *scst_rx_mgmt_fn(struct scst_session *sess, u8 fn,
				      const u8 *lun, unsigned int lun_len,
				      u64 tag, void *tgt_priv, gfp_t gfp)
{
	struct scst_mgmt_cmd *mcmd;

	mcmd = kmem_cache_zalloc(scst_mcmd_cache, gfp);
	if (!mcmd)
		return NULL;
	mcmd->sess = sess;
	mcmd->fn = fn;
	mcmd->tag = tag;
	mcmd->tgt_priv = tgt_priv;
	atomic_set(&mcmd->pending, 1);
	INIT_WORK(&mcmd->exec_work, scst_mcmd_exec_work);
	INIT_WORK(&mcmd->done_work, scst_mcmd_done_work);
	refcount_inc(&sess->refcnt);
	if (lun && scst_lun_decode(lun, lun_len, &mcmd->lun))
		mcmd->bad_lun = true;
	queue_work(scst_wq, &mcmd->exec_work);
	return mcmd;
}
EXPORT_SYMBOL_GPL(scst_rx_mgmt_fn);

u8 scst_mgmt_cmd_get_status(struct scst_mgmt_cmd *mcmd)
{
	return mcmd->status;
}
EXPORT_SYMBOL_GPL(scst_mgmt_cmd_get_status);

void *scst_mgmt_cmd_get_tgt_priv(struct scst_mgmt_cmd *mcmd)
{
	return mcmd->tgt_priv;
}
EXPORT_SYMBOL_GPL(scst_mgmt_cmd_get_tgt_priv);

u8 scst_mgmt_cmd_get_fn(struct scst_mgmt_cmd *mcmd)
{
	return mcmd->fn;
}
EXPORT_SYMBOL_GPL(scst_mgmt_cmd_get_fn);

int scst_tm_init(void)
{
	scst_mcmd_cache = KMEM_CACHE(scst_mgmt_cmd, 0);
	return scst_mcmd_cache ? 0 : -ENOMEM;
}

void scst_tm_exit(void)
{
	kmem_cache_destroy(scst_mcmd_cache);
}
