// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: the command state machine.
 *
 *   INIT -> PREPARE -> [RDY_TO_XFER -> DATA_WAIT] -> EXEC -> [EXEC_WAIT]
 *        -> DEV_DONE -> XMIT -> XMIT_WAIT -> FINISHED
 *
 * scst_process_cmd() runs as many states as it can in the caller's context.
 * A state that needs to sleep while the caller is atomic (a handler without
 * exec_atomic, a driver callback without *_atomic, a buffer allocation that
 * failed with GFP_ATOMIC) moves the command to the device's thread pool, or
 * to the core's before the device is known; so does executing on such a
 * handler for a caller that may sleep but should not wait for a device
 * (SCST_CONTEXT_DIRECT_QUICK, a driver's receive thread). The *_WAIT
 * states end the loop;
 * the driver or handler resumes it with scst_rx_data(), scst_cmd_exec_done()
 * or scst_tgt_cmd_done().
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include "scst_priv.h"
#include "uapi/scst_netlink.h"

static struct kmem_cache *scst_cmd_cache;
/* Commands received minus commands freed on each CPU: no shared counter. */
static DEFINE_PER_CPU(long, scst_cmd_count);

/* Commands received and not yet freed (exact once the target is idle). */
int scst_active_cmd_count(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(scst_cmd_count, cpu);
	return clamp_t(long, n, 0, INT_MAX);
}

/*
 * Count @cmd against its device's max_tgt_dev_commands (SCST's name):
 * over it, the command ends with TASK SET FULL (SAM-5 5.3.1). Counted
 * until xmit_response(): the device is done with it then.
 */
static void scst_cmd_limit(struct scst_cmd *cmd)
{
	unsigned int max = READ_ONCE(cmd->dev->max_tgt_dev_cmds);
	atomic_t *count = &cmd->tgt_dev->cmd_count;

	if (!max)
		return;
	if (atomic_inc_return(count) > max) {
		atomic_dec(count);
		cmd->status = SCST_STATUS_TASK_SET_FULL;
		set_bit(SCST_CMDF_DONE, &cmd->flags);
		return;
	}
	set_bit(SCST_CMDF_COUNTED, &cmd->flags);
}

static void scst_cmd_unlimit(struct scst_cmd *cmd)
{
	if (test_bit(SCST_CMDF_COUNTED, &cmd->flags) &&
	    test_and_clear_bit(SCST_CMDF_COUNTED, &cmd->flags))
		atomic_dec(&cmd->tgt_dev->cmd_count);
}

/* ---- Unit Attentions ---- */

void scst_ua_add(struct scst_tgt_dev *tgt_dev, u16 aq)
{
	u8 asc = SCST_AQ_ASC(aq), ascq = SCST_AQ_ASCQ(aq);
	struct scst_ua *ua;
	unsigned long flags;

	spin_lock_irqsave(&tgt_dev->ua_lock, flags);
	list_for_each_entry(ua, &tgt_dev->ua_list, list)
		if (ua->sense.asc == asc && ua->sense.ascq == ascq)
			goto out_unlock;	/* already pending */
	if (tgt_dev->ua_count >= SCST_MAX_UA)
		goto out_unlock;
	ua = kzalloc(sizeof(*ua), GFP_ATOMIC);
	if (!ua)
		goto out_unlock;
	scst_sense_set(&ua->sense, SCST_SK_UNIT_ATTENTION, asc, ascq);
	list_add_tail(&ua->list, &tgt_dev->ua_list);
	tgt_dev->ua_count++;
out_unlock:
	spin_unlock_irqrestore(&tgt_dev->ua_lock, flags);
}

/* Raise a UA on every I_T nexus that sees @dev, except @except. */
void scst_ua_add_all_dev(struct scst_device *dev, u16 aq,
			 struct scst_tgt_dev *except)
{
	struct scst_tgt_dev *tgt_dev;

	rcu_read_lock();
	list_for_each_entry_rcu(tgt_dev, &dev->tgt_devs, dev_list)
		if (tgt_dev != except)
			scst_ua_add(tgt_dev, aq);
	rcu_read_unlock();
}

/* Raise a UA on every LUN of @sess (scst_mutex held). */
void scst_ua_add_all_sess(struct scst_session *sess, u16 aq)
{
	const struct scst_tgt_template *tgtt = sess->tgt->drv->tgtt;
	struct scst_tgt_dev *tgt_dev;

	list_for_each_entry(tgt_dev, &sess->tgt_dev_list, sess_list)
		scst_ua_add(tgt_dev, aq);
	if (aq == SCST_AQ_REPORTED_LUNS_CHANGED && tgtt->on_luns_changed)
		tgtt->on_luns_changed(sess);
}

/* Drop a pending UA once the initiator has seen what it reports. */
static void scst_ua_remove(struct scst_tgt_dev *tgt_dev, u16 aq)
{
	struct scst_ua *ua, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&tgt_dev->ua_lock, flags);
	list_for_each_entry_safe(ua, tmp, &tgt_dev->ua_list, list) {
		if (ua->sense.asc != SCST_AQ_ASC(aq) ||
		    ua->sense.ascq != SCST_AQ_ASCQ(aq))
			continue;
		list_del(&ua->list);
		tgt_dev->ua_count--;
		kfree(ua);
	}
	spin_unlock_irqrestore(&tgt_dev->ua_lock, flags);
}

void scst_ua_clear(struct scst_tgt_dev *tgt_dev)
{
	struct scst_ua *ua, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&tgt_dev->ua_lock, flags);
	list_for_each_entry_safe(ua, tmp, &tgt_dev->ua_list, list) {
		list_del(&ua->list);
		kfree(ua);
	}
	tgt_dev->ua_count = 0;
	spin_unlock_irqrestore(&tgt_dev->ua_lock, flags);
}

/* Take the oldest pending UA of @tgt_dev into @s. */
static bool scst_ua_pop(struct scst_tgt_dev *tgt_dev, struct scst_sense *s)
{
	struct scst_ua *ua;
	unsigned long flags;

	if (list_empty_careful(&tgt_dev->ua_list))
		return false;
	spin_lock_irqsave(&tgt_dev->ua_lock, flags);
	ua = list_first_entry_or_null(&tgt_dev->ua_list, struct scst_ua, list);
	if (ua) {
		list_del(&ua->list);
		tgt_dev->ua_count--;
	}
	spin_unlock_irqrestore(&tgt_dev->ua_lock, flags);
	if (!ua)
		return false;
	*s = ua->sense;
	kfree(ua);
	return true;
}

/* ---- references ---- */

void scst_tgt_dev_put(struct scst_tgt_dev *tgt_dev)
{
	if (refcount_dec_and_test(&tgt_dev->refcnt))
		complete(tgt_dev->released);
}

void scst_sess_put(struct scst_session *sess)
{
	if (refcount_dec_and_test(&sess->refcnt))
		complete(sess->shutdown_done);
}

/* ---- status and sense ---- */

static bool scst_cmd_d_sense(struct scst_cmd *cmd)
{
	return cmd->dev && READ_ONCE(cmd->dev->mode_cur.d_sense);
}

void scst_set_cmd_sense_full(struct scst_cmd *cmd, const struct scst_sense *s)
{
	cmd->status = SCST_STATUS_CHECK_CONDITION;
	cmd->sense_len = scst_sense_build(cmd->sense, sizeof(cmd->sense),
					  scst_cmd_d_sense(cmd), s);
	cmd->resp_data_len = 0;
}
EXPORT_SYMBOL_GPL(scst_set_cmd_sense_full);

void scst_set_cmd_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq)
{
	struct scst_sense s;

	scst_sense_set(&s, key, asc, ascq);
	scst_set_cmd_sense_full(cmd, &s);
}
EXPORT_SYMBOL_GPL(scst_set_cmd_sense);

void scst_set_cmd_status(struct scst_cmd *cmd, u8 status)
{
	cmd->status = status;
}
EXPORT_SYMBOL_GPL(scst_set_cmd_status);

void scst_set_resp_data_len(struct scst_cmd *cmd, u32 len)
{
	cmd->resp_data_len = min3(len, cmd->bufflen, cmd->xfer_cap);
}
EXPORT_SYMBOL_GPL(scst_set_resp_data_len);

/* Finish @cmd with sense data before it reaches the device. */
static void scst_cmd_fail(struct scst_cmd *cmd, const struct scst_sense *s)
{
	scst_set_cmd_sense_full(cmd, s);
	set_bit(SCST_CMDF_DONE, &cmd->flags);
}

static void scst_set_cmd_sense_aq(struct scst_cmd *cmd, u8 key, u16 aq)
{
	scst_set_cmd_sense(cmd, key, SCST_AQ_ASC(aq), SCST_AQ_ASCQ(aq));
}

static void scst_cmd_fail3(struct scst_cmd *cmd, u8 key, u16 aq)
{
	struct scst_sense s;

	scst_sense_set(&s, key, SCST_AQ_ASC(aq), SCST_AQ_ASCQ(aq));
	scst_cmd_fail(cmd, &s);
}

/* ---- target driver entry points ---- */

static void scst_cmd_init(struct scst_cmd *cmd, struct scst_session *sess,
			  const u8 *lun, unsigned int lun_len, const u8 *cdb,
			  unsigned int cdb_len)
{
	unsigned long flags;

	memset(cmd, 0, offsetof(struct scst_cmd, cdb));
	cmd->sess = sess;
	cmd->state = SCST_CMD_STATE_INIT;
	INIT_WORK(&cmd->work, scst_cmd_work_fn);
	cmd->status = SCST_STATUS_GOOD;
	cmd->cdb_len = cdb_len;
	memcpy(cmd->cdb, cdb, min_t(unsigned int, cdb_len, sizeof(cmd->cdb)));
	if (scst_lun_decode(lun, lun_len, &cmd->lun))
		cmd->lun = U64_MAX;	/* reported as LOGICAL UNIT NOT SUPPORTED */

	refcount_inc(&sess->refcnt);
	this_cpu_inc(scst_cmd_count);
	spin_lock_irqsave(&sess->cmd_lock, flags);
	list_add_tail(&cmd->sess_list, &sess->cmd_list);
	spin_unlock_irqrestore(&sess->cmd_lock, flags);
}

struct scst_cmd *scst_rx_cmd(struct scst_session *sess, const u8 *lun,
			     unsigned int lun_len, const u8 *cdb,
			     unsigned int cdb_len, gfp_t gfp)
{
	struct scst_cmd *cmd;

	cmd = kmem_cache_alloc(scst_cmd_cache, gfp);
	if (!cmd)
		return NULL;
	scst_cmd_init(cmd, sess, lun, lun_len, cdb, cdb_len);
	return cmd;
}
EXPORT_SYMBOL_GPL(scst_rx_cmd);

/**
 * scst_cmd_size() - bytes a preallocated command needs
 *
 * For a driver that keeps room for the core's command in its own
 * per-request memory, see scst_rx_cmd_prealloced().
 */
size_t scst_cmd_size(void)
{
	return sizeof(struct scst_cmd);
}
EXPORT_SYMBOL_GPL(scst_cmd_size);

/**
 * scst_rx_cmd_prealloced() - like scst_rx_cmd(), in the driver's memory
 * @cmd: scst_cmd_size() bytes, pointer-aligned, in any state
 * @sess: the I_T nexus the command arrived on
 * @lun: SAM LUN
 * @lun_len: length of @lun
 * @cdb: the CDB
 * @cdb_len: length of @cdb
 *
 * Any context. The core never frees @cmd: tgtt->on_free_cmd() is its last
 * access, after which the driver may reuse the memory.
 */
void scst_rx_cmd_prealloced(struct scst_cmd *cmd, struct scst_session *sess,
			    const u8 *lun, unsigned int lun_len,
			    const u8 *cdb, unsigned int cdb_len)
{
	scst_cmd_init(cmd, sess, lun, lun_len, cdb, cdb_len);
	cmd->prealloced = true;
}
EXPORT_SYMBOL_GPL(scst_rx_cmd_prealloced);

void scst_cmd_set_tag(struct scst_cmd *cmd, u64 tag)
{
	cmd->tag = tag;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_tag);

void scst_cmd_set_expected(struct scst_cmd *cmd, enum scst_data_dir dir,
			   u32 len)
{
	cmd->expected_dir = dir;
	cmd->expected_len = len;
	cmd->expected_set = true;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_expected);

void scst_cmd_set_queue_type(struct scst_cmd *cmd, enum scst_queue_type qt)
{
	cmd->queue_type = qt;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_queue_type);

void scst_cmd_set_tgt_sg(struct scst_cmd *cmd, struct scatterlist *sg,
			 unsigned int sg_cnt)
{
	cmd->sg = sg;
	cmd->sg_cnt = sg_cnt;
	cmd->tgt_sg = true;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_tgt_sg);

void scst_cmd_set_tgt_priv(struct scst_cmd *cmd, void *priv)
{
	cmd->tgt_priv = priv;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_tgt_priv);

void *scst_cmd_get_tgt_priv(struct scst_cmd *cmd)
{
	return cmd->tgt_priv;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_tgt_priv);

static void scst_queue_cmd(struct scst_cmd *cmd)
{
	queue_work(cmd->dev ? cmd->dev->wq : scst_wq, &cmd->work);
}

static void scst_dispatch(struct scst_cmd *cmd, enum scst_exec_context ctx)
{
	if (ctx == SCST_CONTEXT_THREAD)
		scst_queue_cmd(cmd);
	else
		scst_process_cmd(cmd, ctx);
}

void scst_cmd_init_done(struct scst_cmd *cmd, enum scst_exec_context ctx)
{
	scst_dispatch(cmd, ctx);
}
EXPORT_SYMBOL_GPL(scst_cmd_init_done);

void scst_rx_data(struct scst_cmd *cmd, enum scst_rx_status status,
		  enum scst_exec_context ctx)
{
	switch (status) {
	case SCST_RX_STATUS_SUCCESS:
		cmd->state = SCST_CMD_STATE_EXEC;
		break;
	case SCST_RX_STATUS_ERROR:
		scst_set_cmd_sense_aq(cmd, SCST_SK_ABORTED_COMMAND,
				      SCST_AQ_DATA_PHASE_ERROR);
		cmd->state = SCST_CMD_STATE_DEV_DONE;
		break;
	case SCST_RX_STATUS_BUSY:
		/* Like a buffer the core could not allocate (sgv_max_mb). */
		cmd->status = SCST_STATUS_BUSY;
		cmd->state = SCST_CMD_STATE_DEV_DONE;
		break;
	default:
		/* The transport is gone: nothing can be sent back. */
		set_bit(SCST_CMDF_ABORTED, &cmd->flags);
		cmd->state = SCST_CMD_STATE_DEV_DONE;
		break;
	}
	scst_dispatch(cmd, ctx);
}
EXPORT_SYMBOL_GPL(scst_rx_data);

/*
 * The driver hears of the end last: a driver that preallocated @cmd may
 * reuse its memory from on_free_cmd() on, and a TMF that waits for @cmd
 * completes only after that, when the driver no longer touches it either.
 */
static void scst_free_cmd(struct scst_cmd *cmd)
{
	struct scst_session *sess = cmd->sess;
	const struct scst_tgt_template *tgtt = sess->tgt->drv->tgtt;
	bool prealloced = cmd->prealloced;
	struct scst_mgmt_cmd *mcmd;
	unsigned long flags;

	spin_lock_irqsave(&sess->cmd_lock, flags);
	list_del(&cmd->sess_list);
	spin_unlock_irqrestore(&sess->cmd_lock, flags);
	/* TMFs set cmd->mcmd under sess->cmd_lock, on listed commands only. */
	mcmd = cmd->mcmd;

	scst_free_buffer(cmd);
	if (cmd->tgt_dev) {
		scst_cmd_unlimit(cmd);
		scst_tgt_dev_put(cmd->tgt_dev);
	}
	/* Either may reuse @cmd at once: nothing below touches it. */
	if (cmd->internal_done)
		cmd->internal_done(cmd);
	else if (tgtt->on_free_cmd)
		tgtt->on_free_cmd(cmd);
	if (!prealloced)
		kmem_cache_free(scst_cmd_cache, cmd);
	this_cpu_dec(scst_cmd_count);
	if (mcmd)
		scst_mcmd_put(mcmd);
	scst_sess_put(sess);
}

void scst_tgt_cmd_done(struct scst_cmd *cmd, enum scst_exec_context ctx)
{
	cmd->state = SCST_CMD_STATE_FINISHED;
	scst_free_cmd(cmd);
}
EXPORT_SYMBOL_GPL(scst_tgt_cmd_done);

/*
 * The handler finished executing @cmd; any context. A completion from
 * inside exec() leaves the rest to scst_process_cmd(), which knows the
 * caller's context, instead of recursing into it.
 */
void scst_cmd_exec_done(struct scst_cmd *cmd)
{
	cmd->state = SCST_CMD_STATE_DEV_DONE;
	if (atomic_cmpxchg(&cmd->exec_sync, SCST_EXEC_SYNC_RUNNING,
			   SCST_EXEC_SYNC_DONE) == SCST_EXEC_SYNC_RUNNING)
		return;
	/*
	 * Asynchronous completion: from an interrupt (bio end_io, ki_complete)
	 * run what may run atomically, from a handler's thread everything.
	 */
	scst_process_cmd(cmd, in_task() ? SCST_CONTEXT_DIRECT :
			 SCST_CONTEXT_DIRECT_ATOMIC);
}
EXPORT_SYMBOL_GPL(scst_cmd_exec_done);

/* ---- accessors ---- */

u64 scst_cmd_get_tag(struct scst_cmd *cmd)
{
	return cmd->tag;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_tag);

const u8 *scst_cmd_get_cdb(struct scst_cmd *cmd)
{
	return cmd->cdb;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_cdb);

struct scst_session *scst_cmd_get_session(struct scst_cmd *cmd)
{
	return cmd->sess;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_session);

enum scst_data_dir scst_cmd_get_data_direction(struct scst_cmd *cmd)
{
	return cmd->dir;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_data_direction);

struct scatterlist *scst_cmd_get_sg(struct scst_cmd *cmd)
{
	return cmd->sg;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_sg);

unsigned int scst_cmd_get_sg_cnt(struct scst_cmd *cmd)
{
	return cmd->sg_cnt;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_sg_cnt);

u32 scst_cmd_get_bufflen(struct scst_cmd *cmd)
{
	return cmd->bufflen;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_bufflen);

u32 scst_cmd_get_resp_data_len(struct scst_cmd *cmd)
{
	return cmd->resp_data_len;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_resp_data_len);

/*
 * Residual against what the initiator expected: positive when it asked
 * for more than was transferred (underflow), negative when the command
 * wanted more than the initiator expected (overflow).
 */
int scst_cmd_get_residual(struct scst_cmd *cmd)
{
	s64 want, done;

	if (!cmd->expected_set)
		return 0;
	want = cmd->expected_len;
	if (cmd->overflow)
		return clamp_t(s64, want - cmd->ci.data_len, INT_MIN, 0);
	if (cmd->dir == SCST_DIR_IN)
		done = cmd->resp_data_len;
	else
		done = cmd->ci.data_len;
	if (cmd->status != SCST_STATUS_GOOD && cmd->dir == SCST_DIR_IN)
		done = 0;
	return clamp_t(s64, want - done, INT_MIN, INT_MAX);
}
EXPORT_SYMBOL_GPL(scst_cmd_get_residual);

u8 scst_cmd_get_status(struct scst_cmd *cmd)
{
	return cmd->status;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_status);

const u8 *scst_cmd_get_sense(struct scst_cmd *cmd)
{
	return cmd->sense;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_sense);

unsigned int scst_cmd_get_sense_len(struct scst_cmd *cmd)
{
	return cmd->sense_len;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_sense_len);

bool scst_cmd_aborted(struct scst_cmd *cmd)
{
	return test_bit(SCST_CMDF_ABORTED, &cmd->flags);
}
EXPORT_SYMBOL_GPL(scst_cmd_aborted);

struct scst_device *scst_cmd_get_dev(struct scst_cmd *cmd)
{
	return cmd->dev;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_dev);

struct scst_tgt_dev *scst_cmd_get_tgt_dev(struct scst_cmd *cmd)
{
	return cmd->tgt_dev;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_tgt_dev);

u64 scst_cmd_get_lba(struct scst_cmd *cmd)
{
	return cmd->ci.lba;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_lba);

u32 scst_cmd_get_nblocks(struct scst_cmd *cmd)
{
	return cmd->ci.nblocks;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_nblocks);

u32 scst_cmd_get_cdb_flags(struct scst_cmd *cmd)
{
	return cmd->ci.flags;
}
EXPORT_SYMBOL_GPL(scst_cmd_get_cdb_flags);

/* ---- states ---- */

/* Pin the LUN @cmd addresses, if this I_T nexus may see it. */
static void scst_cmd_find_lun(struct scst_cmd *cmd)
{
	struct scst_tgt_dev *tgt_dev;

	if (cmd->lun == U64_MAX)
		return;
	rcu_read_lock();
	tgt_dev = xa_load(&cmd->sess->tgt_devs, cmd->lun);
	if (tgt_dev && refcount_inc_not_zero(&tgt_dev->refcnt)) {
		cmd->tgt_dev = tgt_dev;
		cmd->dev = tgt_dev->dev;
	}
	rcu_read_unlock();
}

/*
 * Fit the data phase to what the initiator expects (scst_cdb_fit()):
 * returns the number of blocks to access, which scst_init_cmd() applies
 * once the CDB's own range has been checked.
 */
static u32 scst_cmd_set_bufflen(struct scst_cmd *cmd, u32 block_size)
{
	struct scst_cdb_fit fit = {
		.bufflen = cmd->ci.data_len,
		.xfer_cap = cmd->ci.data_len,
		.nblocks = cmd->ci.nblocks,
	};
	struct scst_sense s;

	if (cmd->expected_set &&
	    scst_cdb_fit(&cmd->ci, cmd->expected_dir, cmd->expected_len,
			 block_size, !cmd->tgt_sg, &fit, &s)) {
		scst_cmd_fail(cmd, &s);
		fit.bufflen = 0;
	}
	cmd->overflow = fit.overflow;
	cmd->xfer_cap = fit.xfer_cap;
	cmd->bufflen = fit.bufflen;
	cmd->dir = fit.bufflen ? cmd->ci.dir : SCST_DIR_NONE;
	return fit.nblocks;
}

static void scst_cmd_check_access(struct scst_cmd *cmd)
{
	struct scst_tgt_dev *tgt_dev = cmd->tgt_dev;
	struct scst_device *dev = cmd->dev;
	struct scst_sense s;

	if (!(cmd->ci.flags & SCST_CDB_NO_UA) && !cmd->internal_done &&
	    scst_ua_pop(tgt_dev, &s)) {
		scst_cmd_fail(cmd, &s);
		return;
	}
	if (scst_alua_cmd_check(cmd, &s)) {
		scst_cmd_fail(cmd, &s);
		return;
	}
	if (!scst_op_supported(cmd->ci.op, &dev->lu)) {
		/* An optional feature (PR, ALUA, ...) this LU does not have. */
		if (cmd->ci.op->has_sa)
			scst_sense_invalid_field(&s, true, 1, 4);
		else
			scst_sense_invalid_field(&s, true, 0, -1);
		s.asc = SCST_AQ_ASC(SCST_AQ_INVALID_OPCODE);
		scst_cmd_fail(cmd, &s);
		return;
	}
	if (scst_spc_check_limits(&cmd->ci, &dev->lu, &s)) {
		scst_cmd_fail(cmd, &s);
		return;
	}
	if ((cmd->ci.flags & SCST_CDB_WRITE) &&
	    (tgt_dev->read_only || dev->lu.read_only ||
	     READ_ONCE(dev->mode_cur.swp))) {
		scst_cmd_fail3(cmd, SCST_SK_DATA_PROTECT,
			       SCST_AQ_WRITE_PROTECTED);
		return;
	}
	if ((cmd->ci.flags & SCST_CDB_LBA) &&
	    scst_cdb_check_range(&cmd->ci, READ_ONCE(dev->lu.nblocks), &s))
		scst_cmd_fail(cmd, &s);
}

static void scst_init_cmd(struct scst_cmd *cmd)
{
	struct scst_sense s;
	u32 block_size, nblocks;

	scst_cmd_find_lun(cmd);
	if (cmd->cdb_len == 0 || cmd->cdb_len > SCST_MAX_CDB_SIZE) {
		scst_cmd_fail3(cmd, SCST_SK_ILLEGAL_REQUEST,
			       SCST_AQ_INVALID_OPCODE);
		return;
	}
	block_size = cmd->dev ? cmd->dev->lu.block_size : 512;
	if (scst_cdb_decode(cmd->cdb, cmd->cdb_len, block_size, &cmd->ci, &s)) {
		scst_cmd_fail(cmd, &s);
		return;
	}
	nblocks = scst_cmd_set_bufflen(cmd, block_size);
	if (test_bit(SCST_CMDF_DONE, &cmd->flags))
		return;
	if (!cmd->tgt_dev) {
		/* Only the LUN-independent commands make sense here. */
		if (!(cmd->ci.flags & SCST_CDB_LOCAL) &&
		    cmd->cdb[0] != SCST_OP_INQUIRY)
			scst_cmd_fail3(cmd, SCST_SK_ILLEGAL_REQUEST,
				       SCST_AQ_LUN_NOT_SUPPORTED);
		return;
	}
	scst_cmd_check_access(cmd);
	cmd->ci.nblocks = nblocks;
	if (!test_bit(SCST_CMDF_DONE, &cmd->flags))
		scst_cmd_limit(cmd);
}

/* Copy an emulated response into the command's buffer. */
static void scst_cmd_copy_resp(struct scst_cmd *cmd, const void *buf, u32 len)
{
	len = min(len, cmd->bufflen);
	if (len)
		len = sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, buf, len);
	cmd->resp_data_len = len;
}

/* INQUIRY for a LUN this nexus cannot see: peripheral qualifier 011b. */
static void scst_inquiry_no_lun(struct scst_cmd *cmd)
{
	u8 resp[36] = { 0x7f, 0, 6, 2, 31 };

	if (cmd->cdb[1] & 1) {		/* EVPD */
		scst_set_cmd_sense_aq(cmd, SCST_SK_ILLEGAL_REQUEST,
				      SCST_AQ_LUN_NOT_SUPPORTED);
		return;
	}
	scst_cmd_copy_resp(cmd, resp, sizeof(resp));
}

static void scst_request_sense(struct scst_cmd *cmd)
{
	u8 buf[SCST_SENSE_BUFFERSIZE];
	struct scst_sense s;
	unsigned int len;

	if (!cmd->tgt_dev)
		scst_sense_set(&s, SCST_SK_ILLEGAL_REQUEST,
			       SCST_AQ_ASC(SCST_AQ_LUN_NOT_SUPPORTED),
			       SCST_AQ_ASCQ(SCST_AQ_LUN_NOT_SUPPORTED));
	else if (!scst_ua_pop(cmd->tgt_dev, &s))
		scst_sense_set(&s, SCST_SK_NO_SENSE, 0, 0);
	len = scst_sense_build(buf, sizeof(buf), cmd->cdb[1] & 1, &s);
	scst_cmd_copy_resp(cmd, buf, len);
}

/*
 * Answer a command from the LU description (scst_spc.c). Runs in any
 * context; the response buffer is small except for REPORT LUNS.
 */
static void scst_emulate(struct scst_cmd *cmd, gfp_t gfp)
{
	struct scst_device *dev = cmd->dev;
	struct scst_tgt_dev *tgt_dev;
	struct scst_lu_desc lu;
	struct scst_emul e = {};
	unsigned long index, flags;
	u64 *luns = NULL;
	void *buf = NULL;
	u8 *param = NULL;

	e.cdb = cmd->cdb;
	e.cdb_len = cmd->cdb_len;
	if (cmd->cdb[0] == SCST_OP_REPORT_LUNS) {
		unsigned int n = 0, max = 0;

		xa_for_each(&cmd->sess->tgt_devs, index, tgt_dev)
			max++;
		luns = kmalloc_array(max ?: 1, sizeof(*luns), gfp);
		if (!luns)
			goto busy;
		/*
		 * REPORT LUNS reports the inventory, so it clears REPORTED
		 * LUNS DATA HAS CHANGED on every LUN of the nexus (SPC-4).
		 */
		rcu_read_lock();
		xa_for_each(&cmd->sess->tgt_devs, index, tgt_dev) {
			if (n < max)
				luns[n++] = index;
			scst_ua_remove(tgt_dev, SCST_AQ_REPORTED_LUNS_CHANGED);
		}
		rcu_read_unlock();
		e.luns = luns;
		e.nluns = n;
	}
	if (cmd->bufflen) {
		buf = kzalloc(cmd->bufflen, gfp);
		if (!buf)
			goto busy;
	}
	if (cmd->dir == SCST_DIR_OUT) {
		param = buf;
		e.param = param;
		e.param_len = sg_copy_to_buffer(cmd->sg, cmd->sg_cnt, param,
						cmd->bufflen);
	} else {
		e.buf = buf;
		e.buf_len = cmd->bufflen;
	}
	if (dev) {
		scst_alua_lu(cmd, &lu);	/* the nexus' port and group */
		e.lu = &lu;
		e.mode_cur = &dev->mode_cur;
		e.mode_saved = &dev->mode_saved;
		spin_lock_irqsave(&dev->mode_lock, flags);
	}
	switch (scst_spc_emulate(&e)) {
	case SCST_EMUL_DONE:
		if (dev)
			spin_unlock_irqrestore(&dev->mode_lock, flags);
		if (e.buf)
			scst_cmd_copy_resp(cmd, e.buf, e.resp_len);
		if (e.mode_changed)
			scst_ua_add_all_dev(dev, SCST_AQ_MODE_PARAMS_CHANGED,
					    cmd->tgt_dev);
		/* The saved values belong in the configuration file. */
		if (e.mode_saved_changed)
			scst_nl_config_changed_gfp(SCST_CMD_DEVICE_SET,
						   &(struct scst_nl_names){
						   .handler = dev->devt->name,
						   .device = dev->name }, gfp);
		break;
	case SCST_EMUL_CHECK:
		if (dev)
			spin_unlock_irqrestore(&dev->mode_lock, flags);
		scst_set_cmd_sense_full(cmd, &e.sense);
		break;
	default:
		if (dev)
			spin_unlock_irqrestore(&dev->mode_lock, flags);
		scst_set_cmd_sense_aq(cmd, SCST_SK_ILLEGAL_REQUEST,
				      SCST_AQ_INVALID_OPCODE);
		break;
	}
	kfree(buf);
	kfree(luns);
	return;
busy:
	kfree(luns);
	cmd->status = SCST_STATUS_BUSY;
}

/* Execute @cmd; returns true when it completed synchronously. */
static bool scst_exec(struct scst_cmd *cmd, bool atomic)
{
	gfp_t gfp = atomic ? GFP_ATOMIC : GFP_KERNEL;
	enum scst_exec_res res;

	if (!cmd->tgt_dev) {
		if (cmd->cdb[0] == SCST_OP_INQUIRY)
			scst_inquiry_no_lun(cmd);
		else if (cmd->cdb[0] == SCST_OP_REQUEST_SENSE)
			scst_request_sense(cmd);
		else
			scst_emulate(cmd, gfp);
		return true;
	}
	if (cmd->cdb[0] == SCST_OP_REQUEST_SENSE) {
		scst_request_sense(cmd);
		return true;
	}
	/* Checked here, not at INIT: a reservation may change meanwhile. */
	if (scst_pr_cmd_conflicts(cmd)) {
		cmd->status = SCST_STATUS_RESERVATION_CONFLICT;
		return true;
	}
	if (scst_pr_cmd_is_mine(cmd)) {
		scst_pr_exec(cmd);
		return true;
	}
	if (scst_copy_is_mine(cmd)) {
		atomic_set(&cmd->exec_sync, SCST_EXEC_SYNC_RUNNING);
		scst_copy_exec(cmd);
		return atomic_cmpxchg(&cmd->exec_sync, SCST_EXEC_SYNC_RUNNING,
				      SCST_EXEC_SYNC_RETURNED) ==
			SCST_EXEC_SYNC_DONE;
	}
	if (scst_alua_cmd_is_mine(cmd)) {
		scst_alua_exec(cmd);
		return true;
	}
	if (!(cmd->ci.flags & SCST_CDB_LOCAL)) {
		atomic_set(&cmd->exec_sync, SCST_EXEC_SYNC_RUNNING);
		res = cmd->dev->devt->exec(cmd);
		if (res == SCST_EXEC_COMPLETED)
			return atomic_cmpxchg(&cmd->exec_sync,
					      SCST_EXEC_SYNC_RUNNING,
					      SCST_EXEC_SYNC_RETURNED) ==
				SCST_EXEC_SYNC_DONE;
	}
	scst_emulate(cmd, gfp);
	return true;
}

static bool scst_cmd_needs_thread(struct scst_cmd *cmd)
{
	if (!cmd->tgt_dev)
		return false;
	/* Reservations sleep: a mutex, APTPL saves, PREEMPT AND ABORT. */
	if (scst_pr_cmd_is_mine(cmd) || scst_alua_cmd_is_mine(cmd))
		return true;
	/* The copy manager allocates and looks up LIST IDs. */
	if (scst_copy_is_mine(cmd))
		return true;
	if (cmd->ci.flags & SCST_CDB_LOCAL)
		return false;
	return !cmd->dev->devt->exec_atomic;
}

void scst_cmd_work_fn(struct work_struct *work)
{
	scst_process_cmd(container_of(work, struct scst_cmd, work),
			 SCST_CONTEXT_DIRECT);
}

/*
 * @ctx: SCST_CONTEXT_DIRECT runs every state here, DIRECT_ATOMIC only
 * what may run atomically, DIRECT_QUICK all but a handler's exec() that
 * may block.
 */
void scst_process_cmd(struct scst_cmd *cmd, enum scst_exec_context ctx)
{
	const struct scst_tgt_template *tgtt = cmd->sess->tgt->drv->tgtt;
	bool atomic = ctx == SCST_CONTEXT_DIRECT_ATOMIC;
	bool quick = ctx != SCST_CONTEXT_DIRECT;
	int res;

	for (;;) {
		switch (cmd->state) {
		case SCST_CMD_STATE_INIT:
			scst_init_cmd(cmd);
			cmd->state = SCST_CMD_STATE_PREPARE;
			break;

		case SCST_CMD_STATE_PREPARE:
			if (test_bit(SCST_CMDF_DONE, &cmd->flags)) {
				cmd->state = SCST_CMD_STATE_XMIT;
				break;
			}
			if (cmd->bufflen && !cmd->tgt_sg &&
			    scst_alloc_buffer(cmd, atomic ? GFP_ATOMIC : GFP_KERNEL)) {
				if (atomic) {
					scst_queue_cmd(cmd);
					return;
				}
				cmd->status = SCST_STATUS_BUSY;
				cmd->state = SCST_CMD_STATE_XMIT;
				break;
			}
			if (cmd->dir == SCST_DIR_OUT && tgtt->rdy_to_xfer &&
			    !cmd->internal_done)
				cmd->state = SCST_CMD_STATE_RDY_TO_XFER;
			else
				cmd->state = SCST_CMD_STATE_EXEC;
			break;

		case SCST_CMD_STATE_RDY_TO_XFER:
			if (scst_cmd_aborted(cmd)) {
				cmd->state = SCST_CMD_STATE_XMIT;
				break;
			}
			if (atomic && !tgtt->rdy_to_xfer_atomic) {
				scst_queue_cmd(cmd);
				return;
			}
			cmd->state = SCST_CMD_STATE_DATA_WAIT;
			res = tgtt->rdy_to_xfer(cmd);
			if (res == SCST_TGT_RES_SUCCESS)
				return;		/* scst_rx_data() continues */
			scst_set_cmd_sense_aq(cmd, SCST_SK_HARDWARE_ERROR,
					      SCST_AQ_INTERNAL_TARGET_FAILURE);
			cmd->state = SCST_CMD_STATE_XMIT;
			break;

		case SCST_CMD_STATE_EXEC:
			if (scst_cmd_aborted(cmd)) {
				cmd->state = SCST_CMD_STATE_XMIT;
				break;
			}
			if (quick && scst_cmd_needs_thread(cmd)) {
				scst_queue_cmd(cmd);
				return;
			}
			cmd->state = SCST_CMD_STATE_EXEC_WAIT;
			if (!scst_exec(cmd, atomic))
				return;
			cmd->state = SCST_CMD_STATE_DEV_DONE;
			break;

		case SCST_CMD_STATE_DEV_DONE:
			cmd->state = SCST_CMD_STATE_XMIT;
			break;

		case SCST_CMD_STATE_XMIT:
			if (cmd->internal_done) {
				/* Nothing to send: the copy manager reads it. */
				cmd->state = SCST_CMD_STATE_FINISHED;
				scst_free_cmd(cmd);
				return;
			}
			if (atomic && !tgtt->xmit_response_atomic) {
				scst_queue_cmd(cmd);
				return;
			}
			cmd->state = SCST_CMD_STATE_XMIT_WAIT;
			scst_cmd_unlimit(cmd);
			res = tgtt->xmit_response(cmd);
			if (res == SCST_TGT_RES_SUCCESS)
				return;		/* scst_tgt_cmd_done() finishes */
			if (res == SCST_TGT_RES_QUEUE_FULL) {
				cmd->state = SCST_CMD_STATE_XMIT;
				scst_queue_cmd(cmd);
				return;
			}
			scst_tgt_cmd_done(cmd, SCST_CONTEXT_DIRECT_ATOMIC);
			return;

		default:
			WARN_ONCE(1, "scst: command in state %d\n", cmd->state);
			return;
		}
	}
}

int scst_targ_init(void)
{
	scst_cmd_cache = KMEM_CACHE(scst_cmd, 0);
	return scst_cmd_cache ? 0 : -ENOMEM;
}

void scst_targ_exit(void)
{
	kmem_cache_destroy(scst_cmd_cache);
}
