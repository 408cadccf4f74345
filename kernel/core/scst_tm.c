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
	struct completion *internal_done = mcmd->internal_done;

	if (!internal_done && tgtt->task_mgmt_fn_done)
		tgtt->task_mgmt_fn_done(mcmd);
	kmem_cache_free(scst_mcmd_cache, mcmd);
	scst_sess_put(sess);
	if (internal_done)
		complete(internal_done);
}

/*
 * Bumped whenever a command that a TMF aborted is freed. A TMF that finds
 * a command another TMF aborted first cannot count it in its own pending
 * (a command reports to one TMF), so it waits on this instead.
 */
static atomic_t scst_tm_freed = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(scst_tm_waitq);

/* One fewer command to wait for; the last one reports the TMF done. */
void scst_mcmd_put(struct scst_mgmt_cmd *mcmd)
{
	atomic_inc(&scst_tm_freed);
	if (wq_has_sleeper(&scst_tm_waitq))
		wake_up_all(&scst_tm_waitq);
	if (atomic_dec_and_test(&mcmd->pending))
		queue_work(scst_wq, &mcmd->done_work);
}

enum scst_tm_walk_mode {
	SCST_TM_QUERY,		/* count the commands in scope */
	SCST_TM_ABORT,		/* abort them */
	SCST_TM_FOREIGN,	/* count those another TMF aborted */
};

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
	} else if (cmd->mcmd != mcmd) {
		mcmd->wait_foreign = true;
	}
}

/* Walk the commands of @sess that @match selects; see scst_tm_walk(). */
static unsigned int scst_sess_walk(struct scst_mgmt_cmd *mcmd,
				   struct scst_session *sess,
				   bool (*match)(struct scst_mgmt_cmd *mcmd,
						 struct scst_cmd *cmd),
				   enum scst_tm_walk_mode mode)
{
	struct scst_cmd *cmd;
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&sess->cmd_lock, flags);
	list_for_each_entry(cmd, &sess->cmd_list, sess_list) {
		if (cmd->state == SCST_CMD_STATE_FINISHED || !match(mcmd, cmd))
			continue;
		if (mode == SCST_TM_FOREIGN &&
		    (!cmd->mcmd || cmd->mcmd == mcmd))
			continue;
		n++;
		if (mode == SCST_TM_ABORT)
			scst_abort_cmd(mcmd, cmd);
	}
	spin_unlock_irqrestore(&sess->cmd_lock, flags);
	return n;
}

/*
 * A command whose response is on its way is over for the initiator: ABORT
 * TASK and QUERY TASK no longer find it.
 */
static bool scst_match_tag(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->tag == mcmd->tag && cmd->lun == mcmd->lun &&
	       READ_ONCE(cmd->state) != SCST_CMD_STATE_XMIT_WAIT;
}

static bool scst_match_lun(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->lun == mcmd->lun;
}

static bool scst_match_dev(struct scst_mgmt_cmd *mcmd, struct scst_cmd *cmd)
{
	return cmd->dev && cmd->dev == mcmd->dev;
}

/* PREEMPT AND ABORT: the device's tasks, but not the PR OUT itself. */
static bool scst_match_dev_except(struct scst_mgmt_cmd *mcmd,
				  struct scst_cmd *cmd)
{
	return cmd->dev == mcmd->dev && cmd != mcmd->except;
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

/*
 * Walk the commands in the scope of @mcmd's function: one task, the task
 * set of a LUN or the nexus in @mcmd's session, every session of the
 * target, or every command of the device from any session. Returns how
 * many @mode counts. scst_mutex held (it keeps the session lists).
 */
static unsigned int scst_tm_walk(struct scst_mgmt_cmd *mcmd,
				 enum scst_tm_walk_mode mode)
{
	struct scst_session *sess = mcmd->sess, *s;
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;
	unsigned int n = 0;

	switch (mcmd->fn) {
	case SCST_TMF_ABORT_TASK:
	case SCST_TMF_QUERY_TASK:
		return scst_sess_walk(mcmd, sess, scst_match_tag, mode);
	case SCST_TMF_ABORT_TASK_SET:
	case SCST_TMF_QUERY_TASK_SET:
		return scst_sess_walk(mcmd, sess, scst_match_lun, mode);
	case SCST_TMF_I_T_NEXUS_RESET:
		return scst_sess_walk(mcmd, sess, scst_match_all, mode);
	case SCST_TMF_TARGET_RESET:
		list_for_each_entry(s, &sess->tgt->sessions, list)
			n += scst_sess_walk(mcmd, s, scst_match_all, mode);
		return n;
	case SCST_TMF_CLEAR_TASK_SET:
	case SCST_TMF_LUN_RESET:
		list_for_each_entry(drv, &scst_tgt_driver_list, list)
			list_for_each_entry(tgt, &drv->tgts, list)
				list_for_each_entry(s, &tgt->sessions, list)
					n += scst_sess_walk(mcmd, s,
							    scst_match_dev,
							    mode);
		return n;
	default:
		return 0;
	}
}

/* The Unit Attentions an aborting function leaves (scst_mutex held). */
static void scst_tm_add_uas(struct scst_mgmt_cmd *mcmd)
{
	struct scst_session *sess = mcmd->sess, *s;
	struct scst_tgt_dev *tgt_dev;

	switch (mcmd->fn) {
	case SCST_TMF_I_T_NEXUS_RESET:
		scst_ua_add_all_sess(sess, SCST_AQ_I_T_NEXUS_LOSS);
		scst_pr_sess_gone(sess);
		break;
	case SCST_TMF_TARGET_RESET:
		list_for_each_entry(s, &sess->tgt->sessions, list)
			list_for_each_entry(tgt_dev, &s->tgt_dev_list, sess_list) {
				scst_ua_add(tgt_dev, SCST_AQ_TARGET_RESET);
				scst_pr_dev_reset(tgt_dev->dev);
			}
		break;
	case SCST_TMF_LUN_RESET:
		scst_ua_add_all_dev(mcmd->dev, SCST_AQ_LUN_RESET, NULL);
		scst_pr_dev_reset(mcmd->dev);
		break;
	case SCST_TMF_CLEAR_TASK_SET:
		scst_ua_add_all_dev(mcmd->dev, SCST_AQ_CMDS_CLEARED_BY_OTHER,
				    xa_load(&sess->tgt_devs, mcmd->lun));
		break;
	}
}

static u8 scst_tm_execute(struct scst_mgmt_cmd *mcmd)
{
	u8 resp = SCST_TMF_RESP_COMPLETE;

	mutex_lock(&scst_mutex);
	switch (mcmd->fn) {
	case SCST_TMF_QUERY_TASK:
	case SCST_TMF_QUERY_TASK_SET:
		mcmd->nr_found = scst_tm_walk(mcmd, SCST_TM_QUERY);
		if (mcmd->nr_found)
			resp = SCST_TMF_RESP_SUCCEEDED;
		break;
	case SCST_TMF_CLEAR_TASK_SET:
	case SCST_TMF_LUN_RESET:
		mcmd->dev = scst_mcmd_dev(mcmd);
		if (!mcmd->dev) {
			resp = SCST_TMF_RESP_LUN_NOT_EXIST;
			break;
		}
		fallthrough;
	case SCST_TMF_ABORT_TASK:
	case SCST_TMF_ABORT_TASK_SET:
	case SCST_TMF_I_T_NEXUS_RESET:
	case SCST_TMF_TARGET_RESET:
		mcmd->nr_found = scst_tm_walk(mcmd, SCST_TM_ABORT);
		scst_tm_add_uas(mcmd);
		break;
	default:
		resp = SCST_TMF_RESP_FUNC_NOT_SUPPORTED;
	}
	mutex_unlock(&scst_mutex);
	return resp;
}

/*
 * Wait until no command in @mcmd's scope that another TMF aborted first is
 * still running: @mcmd must not be answered before it is gone either.
 */
static void scst_tm_wait_foreign(struct scst_mgmt_cmd *mcmd)
{
	unsigned int n;
	int gen;

	for (;;) {
		gen = atomic_read(&scst_tm_freed);
		mutex_lock(&scst_mutex);
		n = scst_tm_walk(mcmd, SCST_TM_FOREIGN);
		mutex_unlock(&scst_mutex);
		if (!n)
			return;
		wait_event(scst_tm_waitq, atomic_read(&scst_tm_freed) != gen);
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
	if (mcmd->wait_foreign)
		scst_tm_wait_foreign(mcmd);
	scst_mcmd_put(mcmd);
}

/**
 * scst_tm_abort_pr() - PREEMPT AND ABORT: abort the preempted nexuses' tasks
 * @cmd: the PERSISTENT RESERVE OUT, which is not aborted
 * @match: whether a session is one of the preempted I_T nexuses
 * @arg: first argument of @match
 *
 * The tasks of @cmd's device on those nexuses are aborted as ABORT TASK
 * SET would abort them (SPC-4 5.9.11.5), and the call returns once they
 * are gone. Process context, without scst_mutex.
 */
void scst_tm_abort_pr(struct scst_cmd *cmd,
		      bool (*match)(void *arg, struct scst_session *sess),
		      void *arg)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct scst_tgt_dev *tgt_dev;
	struct scst_mgmt_cmd *mcmd;

	mcmd = kmem_cache_zalloc(scst_mcmd_cache, GFP_KERNEL);
	if (!mcmd)
		return;
	mcmd->sess = cmd->sess;
	mcmd->fn = SCST_TMF_ABORT_TASK_SET;
	mcmd->dev = cmd->dev;
	mcmd->except = cmd;
	mcmd->internal_done = &done;
	atomic_set(&mcmd->pending, 1);
	INIT_WORK(&mcmd->done_work, scst_mcmd_done_work);
	refcount_inc(&cmd->sess->refcnt);

	mutex_lock(&scst_mutex);
	list_for_each_entry(tgt_dev, &cmd->dev->tgt_devs, dev_list)
		if (match(arg, tgt_dev->sess))
			scst_sess_walk(mcmd, tgt_dev->sess,
				       scst_match_dev_except, SCST_TM_ABORT);
	mutex_unlock(&scst_mutex);
	scst_mcmd_put(mcmd);
	wait_for_completion(&done);
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

/*
 * How many commands the function found in its scope: 0 for an ABORT TASK
 * of a task that is not (or no longer) there, which some transports
 * answer differently (iSCSI: Task Does Not Exist).
 */
unsigned int scst_mgmt_cmd_get_nr_found(struct scst_mgmt_cmd *mcmd)
{
	return mcmd->nr_found;
}
EXPORT_SYMBOL_GPL(scst_mgmt_cmd_get_nr_found);

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
