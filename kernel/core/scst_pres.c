// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: reservations of a device. The rules are in scst_pr.c
 * (portable); this file keeps each device's state, runs PERSISTENT
 * RESERVE IN/OUT, RESERVE and RELEASE against it, refuses the commands
 * that conflict, delivers the Unit Attentions, aborts the tasks of
 * PREEMPT AND ABORT and keeps the APTPL state on disk.
 *
 * Locking: dev->pr_lock (a spinlock: the conflict check runs in any
 * context) protects dev->pr. PR OUT commands run in process context and
 * are serialised by dev->pr_mutex, which also orders their saves.
 *
 * APTPL files: <pr_dir>/<device>.0 and <device>.1, written in turn. Each
 * holds a save sequence number and a CRC32C; loading takes the valid file
 * with the higher number. A crash in the middle of a write damages only
 * the file being written, so the previous state (the one the initiator
 * was last told about) survives: atomic without rename. A device whose
 * state was saved once and then loses APTPL gets an empty state written,
 * so nothing comes back. The directory is not created by the module.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/scatterlist.h>
#include "scst_priv.h"

static char *pr_dir = "/var/lib/scst/pr";
module_param(pr_dir, charp, 0444);
MODULE_PARM_DESC(pr_dir,
		 "Directory of the persistent reservation files of devices with APTPL (default /var/lib/scst/pr)");

/* The I_T nexus of @sess as reservations name it. */
static void scst_pr_sess_nexus(struct scst_session *sess,
			       struct scst_pr_nexus *nx)
{
	if (scst_pr_make_tid(sess->initiator_name, nx))
		nx->tid_len = 0;	/* matches nothing */
	nx->rtpi = sess->tgt->rel_tgt_id;
}

/* ---- APTPL files ---- */

static int scst_pr_file_path(struct scst_device *dev, unsigned int slot,
			     char *path, size_t len)
{
	if (snprintf(path, len, "%s/%s.%u", pr_dir, dev->name, slot) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int scst_pr_write_file(struct scst_device *dev, u64 seq, const u8 *buf,
			      u32 len)
{
	struct file *f;
	loff_t pos = 0;
	char *path;
	ssize_t n;
	int res;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	res = scst_pr_file_path(dev, seq & 1, path, PATH_MAX);
	if (res)
		goto out_free;
	f = filp_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE, 0600);
	if (IS_ERR(f)) {
		res = PTR_ERR(f);
		goto out_free;
	}
	n = kernel_write(f, buf, len, &pos);
	res = n == len ? vfs_fsync(f, 0) : (n < 0 ? n : -EIO);
	filp_close(f, NULL);
out_free:
	if (res)
		pr_warn("scst: device %s: saving its persistent reservations in %s failed: %d\n",
			dev->name, path, res);
	kfree(path);
	return res;
}

/* Read slot @slot into @st; returns its sequence number through @seq. */
static int scst_pr_read_file(struct scst_device *dev, unsigned int slot,
			     u8 *buf, struct scst_pr_state *st, u64 *seq)
{
	struct file *f;
	loff_t pos = 0;
	char *path;
	ssize_t n;
	int res;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	res = scst_pr_file_path(dev, slot, path, PATH_MAX);
	if (res)
		goto out_free;
	f = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(f)) {
		res = PTR_ERR(f);
		goto out_free;
	}
	/* One byte more than the largest file tells a bigger one apart. */
	n = kernel_read(f, buf, SCST_PR_FILE_MAX + 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		res = n;
	else
		res = scst_pr_deserialize(buf, n, st, seq);
	if (res)
		pr_warn("scst: device %s: ignoring %s: %d\n", dev->name, path,
			res);
out_free:
	kfree(path);
	return res;
}

/*
 * Save @dev's state if it persists or a saved copy must be emptied.
 * dev->pr_mutex held.
 */
static void scst_pr_save(struct scst_device *dev)
{
	struct scst_pr_state *empty = NULL;
	u64 seq;
	u8 *buf;
	u32 len;

	buf = kmalloc(SCST_PR_FILE_MAX, GFP_KERNEL);
	if (!buf)
		goto fail;
	spin_lock_irq(&dev->pr_lock);
	if (!dev->pr->aptpl && !dev->pr_saved) {
		spin_unlock_irq(&dev->pr_lock);
		kfree(buf);
		return;
	}
	seq = ++dev->pr_seq;
	if (dev->pr->aptpl) {
		len = scst_pr_serialize(dev->pr, seq, buf, SCST_PR_FILE_MAX);
		spin_unlock_irq(&dev->pr_lock);
	} else {
		spin_unlock_irq(&dev->pr_lock);
		/* APTPL went off: an empty state, restored as nothing. */
		empty = kmalloc(sizeof(*empty), GFP_KERNEL);
		if (!empty)
			goto fail;
		scst_pr_init(empty);
		len = scst_pr_serialize(empty, seq, buf, SCST_PR_FILE_MAX);
	}
	if (!scst_pr_write_file(dev, seq, buf, len))
		dev->pr_saved = true;
	kfree(empty);
	kfree(buf);
	return;
fail:
	kfree(buf);
	pr_warn("scst: device %s: out of memory saving persistent reservations\n",
		dev->name);
}

/* Restore the newer valid APTPL file of @dev, if any. */
static void scst_pr_load(struct scst_device *dev)
{
	struct scst_pr_state *st;
	u64 seq, best_seq = 0;
	int slot, best = -1;
	u8 *buf;

	buf = kmalloc(SCST_PR_FILE_MAX + 1, GFP_KERNEL);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!buf || !st)
		goto out;
	for (slot = 0; slot < 2; slot++) {
		if (scst_pr_read_file(dev, slot, buf, st, &seq))
			continue;
		if (best >= 0 && seq <= best_seq)
			continue;
		best = slot;
		best_seq = seq;
		*dev->pr = *st;
	}
	if (best < 0)
		goto out;
	dev->pr_saved = true;
	dev->pr_seq = best_seq;
	/* An emptied state, or nothing registered: nothing to restore. */
	for (slot = 0; slot < SCST_PR_MAX_REGS; slot++)
		if (dev->pr->regs[slot].used)
			break;
	if (slot == SCST_PR_MAX_REGS)
		scst_pr_init(dev->pr);
	else
		pr_info("scst: device %s: persistent reservations restored (PRgeneration %u)\n",
			dev->name, dev->pr->generation);
	WRITE_ONCE(dev->pr_active, scst_pr_active(dev->pr));
out:
	kfree(st);
	kfree(buf);
}

/* ---- the device's state ---- */

int scst_pr_dev_init(struct scst_device *dev)
{
	dev->pr = kvzalloc(sizeof(*dev->pr), GFP_KERNEL);
	if (!dev->pr)
		return -ENOMEM;
	scst_pr_init(dev->pr);
	spin_lock_init(&dev->pr_lock);
	mutex_init(&dev->pr_mutex);
	scst_pr_load(dev);
	return 0;
}

void scst_pr_dev_exit(struct scst_device *dev)
{
	kvfree(dev->pr);
	dev->pr = NULL;
}

/* I_T nexus loss of @sess (scst_mutex held): its SPC-2 reservations go. */
void scst_pr_sess_gone(struct scst_session *sess)
{
	struct scst_tgt_dev *tgt_dev;
	struct scst_pr_nexus *nx;
	unsigned long flags;
	struct scst_device *dev;

	nx = kmalloc(sizeof(*nx), GFP_KERNEL);
	if (!nx)
		return;
	scst_pr_sess_nexus(sess, nx);
	list_for_each_entry(tgt_dev, &sess->tgt_dev_list, sess_list) {
		dev = tgt_dev->dev;
		spin_lock_irqsave(&dev->pr_lock, flags);
		if (scst_pr_nexus_loss(dev->pr, nx))
			WRITE_ONCE(dev->pr_active, scst_pr_active(dev->pr));
		spin_unlock_irqrestore(&dev->pr_lock, flags);
	}
	kfree(nx);
}

/* LUN reset, target reset: SPC-2 reservations go, persistent ones stay. */
void scst_pr_dev_reset(struct scst_device *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->pr_lock, flags);
	if (scst_pr_reset(dev->pr))
		WRITE_ONCE(dev->pr_active, scst_pr_active(dev->pr));
	spin_unlock_irqrestore(&dev->pr_lock, flags);
}

/* ---- commands ---- */

/* Whether @cmd must wait in RESERVATION CONFLICT; any context. */
bool scst_pr_cmd_conflicts(struct scst_cmd *cmd)
{
	struct scst_device *dev = cmd->dev;
	struct scst_pr_nexus nx;
	unsigned long flags;
	bool res;

	if (!READ_ONCE(dev->pr_active))
		return false;
	scst_pr_sess_nexus(cmd->sess, &nx);
	spin_lock_irqsave(&dev->pr_lock, flags);
	res = scst_pr_check(dev->pr, &nx, cmd->cdb) == SCST_PR_CONFLICT;
	spin_unlock_irqrestore(&dev->pr_lock, flags);
	return res;
}

bool scst_pr_cmd_is_mine(struct scst_cmd *cmd)
{
	switch (cmd->cdb[0]) {
	case SCST_OP_PERSISTENT_RESERVE_IN:
	case SCST_OP_PERSISTENT_RESERVE_OUT:
	case SCST_OP_RESERVE_6:
	case SCST_OP_RESERVE_10:
	case SCST_OP_RELEASE_6:
	case SCST_OP_RELEASE_10:
		return true;
	}
	return false;
}

/* What the engine's callbacks need: the device and the aborted nexuses. */
struct scst_pr_ctx {
	struct scst_device *dev;
	unsigned int naborted;
	struct scst_pr_reg aborted[SCST_PR_MAX_REGS];
};

/* Called with dev->pr_lock held. */
static void scst_pr_ua_cb(void *arg, const struct scst_pr_reg *reg, u16 aq)
{
	struct scst_pr_ctx *ctx = arg;
	struct scst_tgt_dev *tgt_dev;
	struct scst_pr_nexus nx;

	rcu_read_lock();
	list_for_each_entry_rcu(tgt_dev, &ctx->dev->tgt_devs, dev_list) {
		scst_pr_sess_nexus(tgt_dev->sess, &nx);
		if (scst_pr_reg_covers(reg, &nx))
			scst_ua_add(tgt_dev, aq);
	}
	rcu_read_unlock();
}

static void scst_pr_abort_cb(void *arg, const struct scst_pr_reg *reg)
{
	struct scst_pr_ctx *ctx = arg;

	if (ctx->naborted < ARRAY_SIZE(ctx->aborted))
		ctx->aborted[ctx->naborted++] = *reg;
}

static const struct scst_pr_ops scst_pr_ops = {
	.ua = scst_pr_ua_cb,
	.abort = scst_pr_abort_cb,
};

/* For scst_tm_abort_pr(): whether @sess is one of the preempted nexuses. */
static bool scst_pr_sess_preempted(void *arg, struct scst_session *sess)
{
	struct scst_pr_ctx *ctx = arg;
	struct scst_pr_nexus nx;
	unsigned int i;

	scst_pr_sess_nexus(sess, &nx);
	for (i = 0; i < ctx->naborted; i++)
		if (scst_pr_reg_covers(&ctx->aborted[i], &nx))
			return true;
	return false;
}

/*
 * Execute PERSISTENT RESERVE IN/OUT, RESERVE or RELEASE; process context
 * (scst_cmd_needs_thread() sends them to a thread).
 */
void scst_pr_exec(struct scst_cmd *cmd)
{
	struct scst_device *dev = cmd->dev;
	struct scst_pr_cmd c = {};
	enum scst_pr_result res;
	struct scst_pr_ctx *ctx;
	struct scst_pr_nexus *nx;
	u8 op = cmd->cdb[0];
	u8 *buf = NULL;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	nx = kmalloc(sizeof(*nx), GFP_KERNEL);
	if (cmd->bufflen)
		buf = kzalloc(cmd->bufflen, GFP_KERNEL);
	if (!ctx || !nx || (cmd->bufflen && !buf)) {
		cmd->status = SCST_STATUS_BUSY;
		goto out;
	}
	ctx->dev = dev;
	scst_pr_sess_nexus(cmd->sess, nx);
	c.st = dev->pr;
	c.nx = nx;
	c.cdb = cmd->cdb;
	c.ops = &scst_pr_ops;
	c.ctx = ctx;
	if (op == SCST_OP_PERSISTENT_RESERVE_OUT) {
		c.param = buf;
		c.param_len = sg_copy_to_buffer(cmd->sg, cmd->sg_cnt, buf,
						cmd->bufflen);
		mutex_lock(&dev->pr_mutex);
	} else {
		c.buf = buf;
		c.buf_len = cmd->bufflen;
	}

	spin_lock_irq(&dev->pr_lock);
	switch (op) {
	case SCST_OP_PERSISTENT_RESERVE_IN:
		res = scst_pr_in(&c);
		break;
	case SCST_OP_PERSISTENT_RESERVE_OUT:
		res = scst_pr_out(&c);
		break;
	case SCST_OP_RESERVE_6:
	case SCST_OP_RESERVE_10:
		res = scst_pr_reserve(&c);
		break;
	default:
		res = scst_pr_release(&c);
		break;
	}
	WRITE_ONCE(dev->pr_active, scst_pr_active(dev->pr));
	spin_unlock_irq(&dev->pr_lock);

	if (op == SCST_OP_PERSISTENT_RESERVE_OUT) {
		if (c.changed)
			scst_pr_save(dev);
		mutex_unlock(&dev->pr_mutex);
		/*
		 * Without the mutex: an aborted task may be a PR OUT waiting
		 * for it. The PREEMPT AND ABORT completes after them all.
		 */
		if (ctx->naborted)
			scst_tm_abort_pr(cmd, scst_pr_sess_preempted, ctx);
	}

	switch (res) {
	case SCST_PR_GOOD:
		if (c.resp_len)
			cmd->resp_data_len = sg_copy_from_buffer(cmd->sg,
								 cmd->sg_cnt,
								 buf,
								 c.resp_len);
		break;
	case SCST_PR_CHECK:
		scst_set_cmd_sense_full(cmd, &c.sense);
		break;
	default:
		cmd->status = SCST_STATUS_RESERVATION_CONFLICT;
		break;
	}
out:
	kfree(buf);
	kfree(nx);
	kfree(ctx);
}
