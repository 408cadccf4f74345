// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only target driver for the SGV buffer cache (tests/vm scenario
 * 35-sgv-cache).
 *
 * It registers the target driver "scst_test_sgv" with one target,
 * "sgv_tgt", and one session, "sgv_ini". It never gives the core a
 * scatterlist of its own, so every data buffer comes from the SGV cache.
 * Writing to targets/scst_test_sgv/sgv_tgt/run executes commands:
 *
 *   echo "OP LUN LBA BLOCKS COUNT DEPTH SEED" > run
 *
 * COUNT READ(10) or WRITE(10) commands of BLOCKS 512-byte blocks each, at
 * LBA, LBA + BLOCKS, ..., submitted DEPTH at a time; every other command is
 * submitted in atomic context (GFP_ATOMIC allocation). OP is
 *   write     fill each buffer with a pattern of SEED and the LU offset
 *   read      check that the data read is that pattern
 *   readzero  check that the data read is all zero (nullio)
 * Each command keeps its buffer until all DEPTH commands of its batch have
 * been answered, so DEPTH x BLOCKS sets the buffer memory in use at once.
 * Pending Unit Attentions are cleared with TEST UNIT READY first. "result"
 * shows the counts of the last run: good, busy (status BUSY), error (any
 * other status) and mismatch (good status, wrong data).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include "scst.h"

#define TSGV_BLOCK	512
#define TSGV_MAX_DEPTH	64
#define TSGV_MAX_BLOCKS	8192		/* 4 MiB per command */
#define TSGV_UA_TRIES	8

enum tsgv_op { TSGV_TUR, TSGV_WRITE, TSGV_READ, TSGV_READ_ZERO };

struct tsgv_req {
	struct scst_cmd *cmd;
	u64 pos;
	u32 len;
};

struct tsgv_result {
	unsigned long good, busy, error, mismatch;
};

static struct {
	struct mutex lock;		/* one run at a time */
	wait_queue_head_t wq;
	atomic_t pending;		/* commands not answered yet */
	u64 tag;
	u32 seed;
	struct tsgv_result res;		/* of the last run */
	struct scst_tgt *tgt;
	struct scst_session *sess;
} tsgv;

static const char *const tsgv_ops[] = {
	[TSGV_TUR] = "tur",
	[TSGV_WRITE] = "write",
	[TSGV_READ] = "read",
	[TSGV_READ_ZERO] = "readzero",
};

/* The pattern word at byte offset @pos of the LU. */
static u32 tsgv_word(u64 pos, u32 seed)
{
	return (u32)(pos >> 2) * 2654435761U ^ seed;
}

/*
 * Fill @len bytes of @sg with the pattern of LU offset @pos, or count the
 * words that differ from it (or from zero with @zero). Any context.
 */
static unsigned long tsgv_walk(struct scatterlist *sg, unsigned int nents,
			       u64 pos, u32 len, bool fill, bool zero)
{
	struct sg_mapping_iter m;
	unsigned long bad = 0;
	size_t i, n;
	u32 *w, want;

	sg_miter_start(&m, sg, nents, SG_MITER_ATOMIC |
		       (fill ? SG_MITER_TO_SG : SG_MITER_FROM_SG));
	while (len && sg_miter_next(&m)) {
		n = min_t(size_t, m.length, len) / 4;
		w = m.addr;
		for (i = 0; i < n; i++, pos += 4) {
			want = zero ? 0 : tsgv_word(pos, tsgv.seed);
			if (fill)
				w[i] = want;
			else if (w[i] != want)
				bad++;
		}
		len -= n * 4;
	}
	sg_miter_stop(&m);
	return bad + !!len;		/* a short buffer is a mismatch too */
}

static int tsgv_rdy_to_xfer(struct scst_cmd *cmd)
{
	struct tsgv_req *req = scst_cmd_get_tgt_priv(cmd);

	tsgv_walk(scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd), req->pos,
		  min(req->len, scst_cmd_get_bufflen(cmd)), true, false);
	scst_rx_data(cmd, SCST_RX_STATUS_SUCCESS, SCST_CONTEXT_DIRECT_ATOMIC);
	return SCST_TGT_RES_SUCCESS;
}

/* The batch's runner looks at the command and finishes it. */
static int tsgv_xmit_response(struct scst_cmd *cmd)
{
	if (atomic_dec_and_test(&tsgv.pending))
		wake_up(&tsgv.wq);
	return SCST_TGT_RES_SUCCESS;
}

static void tsgv_cdb(u8 *cdb, enum tsgv_op op, u32 lba, u16 blocks)
{
	memset(cdb, 0, 10);
	if (op == TSGV_TUR)
		return;
	cdb[0] = op == TSGV_WRITE ? SCST_OP_WRITE_10 : SCST_OP_READ_10;
	cdb[2] = lba >> 24;
	cdb[3] = lba >> 16;
	cdb[4] = lba >> 8;
	cdb[5] = lba;
	cdb[7] = blocks >> 8;
	cdb[8] = blocks;
}

static int tsgv_submit(struct tsgv_req *req, u8 lun, enum tsgv_op op,
		       u32 lba, u16 blocks, bool atomic)
{
	enum scst_data_dir dir = SCST_DIR_IN;
	u8 lunb[8] = { 0, lun }, cdb[10];
	struct scst_cmd *cmd;

	if (op == TSGV_TUR)
		dir = SCST_DIR_NONE;
	else if (op == TSGV_WRITE)
		dir = SCST_DIR_OUT;
	tsgv_cdb(cdb, op, lba, blocks);
	cmd = scst_rx_cmd(tsgv.sess, lunb, sizeof(lunb), cdb,
			  op == TSGV_TUR ? 6 : 10, GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	req->cmd = cmd;
	req->pos = (u64)lba * TSGV_BLOCK;
	req->len = op == TSGV_TUR ? 0 : blocks * TSGV_BLOCK;
	scst_cmd_set_tag(cmd, ++tsgv.tag);
	scst_cmd_set_expected(cmd, dir, req->len);
	scst_cmd_set_tgt_priv(cmd, req);
	atomic_inc(&tsgv.pending);
	if (atomic) {
		local_bh_disable();
		scst_cmd_init_done(cmd, SCST_CONTEXT_DIRECT_ATOMIC);
		local_bh_enable();
	} else {
		scst_cmd_init_done(cmd, SCST_CONTEXT_THREAD);
	}
	return 0;
}

/* Count the outcome of an answered command and finish it. */
static void tsgv_account(struct tsgv_req *req, enum tsgv_op op)
{
	struct scst_cmd *cmd = req->cmd;
	u8 status = scst_cmd_get_status(cmd);
	bool bad = false;

	if (status == SCST_STATUS_GOOD &&
	    (op == TSGV_READ || op == TSGV_READ_ZERO))
		bad = scst_cmd_get_resp_data_len(cmd) != req->len ||
		      tsgv_walk(scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd),
				req->pos, req->len, false,
				op == TSGV_READ_ZERO);
	if (status == SCST_STATUS_BUSY) {
		tsgv.res.busy++;
	} else if (status != SCST_STATUS_GOOD) {
		if (!tsgv.res.error++ && op != TSGV_TUR)
			pr_info("%s at offset %llu: status %#x, sense %*ph\n",
				tsgv_ops[op], req->pos, status,
				min(scst_cmd_get_sense_len(cmd), 18U),
				scst_cmd_get_sense(cmd));
	} else if (bad) {
		if (!tsgv.res.mismatch++)
			pr_info("%s at offset %llu: wrong data\n",
				tsgv_ops[op], req->pos);
	} else {
		tsgv.res.good++;
	}
	scst_tgt_cmd_done(cmd, SCST_CONTEXT_DIRECT);
}

/* Run @n commands at once and wait for all of them. */
static int tsgv_batch(struct tsgv_req *reqs, unsigned int n, u8 lun,
		      enum tsgv_op op, u32 lba, u16 blocks)
{
	unsigned int i, j;
	int res = 0;

	for (i = 0; i < n; i++) {
		res = tsgv_submit(&reqs[i], lun, op, lba + i * blocks, blocks,
				  i & 1);
		if (res)
			break;
	}
	wait_event(tsgv.wq, !atomic_read(&tsgv.pending));
	for (j = 0; j < i; j++)
		tsgv_account(&reqs[j], op);
	return res;
}

/* Clear the Unit Attentions a new session or LUN starts with. */
static int tsgv_clear_ua(struct tsgv_req *req, u8 lun)
{
	struct tsgv_result saved = tsgv.res;
	unsigned long good;
	int i, res;

	for (i = 0; i < TSGV_UA_TRIES; i++) {
		good = tsgv.res.good;
		res = tsgv_batch(req, 1, lun, TSGV_TUR, 0, 0);
		if (res || tsgv.res.good > good)
			break;
	}
	tsgv.res = saved;
	return res;
}

static ssize_t tsgv_run_store(struct kobject *kobj, struct kobj_attribute *a,
			      const char *buf, size_t count)
{
	unsigned int lun, lba, blocks, n, depth, done;
	struct tsgv_req *reqs;
	char opname[16];
	int op, res;

	if (sscanf(buf, "%15s %u %u %u %u %u %u", opname, &lun, &lba, &blocks,
		   &n, &depth, &tsgv.seed) != 7)
		return -EINVAL;
	op = match_string(tsgv_ops, ARRAY_SIZE(tsgv_ops), opname);
	if (op < 0 || lun > 255 || !blocks || blocks > TSGV_MAX_BLOCKS ||
	    !depth || depth > TSGV_MAX_DEPTH)
		return -EINVAL;
	reqs = kcalloc(depth, sizeof(*reqs), GFP_KERNEL);
	if (!reqs)
		return -ENOMEM;

	mutex_lock(&tsgv.lock);
	memset(&tsgv.res, 0, sizeof(tsgv.res));
	res = tsgv_clear_ua(reqs, lun);
	for (done = 0; !res && done < n; done += depth) {
		depth = min(depth, n - done);
		res = tsgv_batch(reqs, depth, lun, op, lba + done * blocks,
				 blocks);
	}
	mutex_unlock(&tsgv.lock);
	kfree(reqs);
	return res ?: count;
}

static ssize_t tsgv_result_show(struct kobject *kobj, struct kobj_attribute *a,
				char *buf)
{
	struct tsgv_result r;

	mutex_lock(&tsgv.lock);
	r = tsgv.res;
	mutex_unlock(&tsgv.lock);
	return sysfs_emit(buf, "good %lu busy %lu error %lu mismatch %lu\n",
			  r.good, r.busy, r.error, r.mismatch);
}

static struct kobj_attribute tsgv_run_attr =
	__ATTR(run, 0200, NULL, tsgv_run_store);
static struct kobj_attribute tsgv_result_attr =
	__ATTR(result, 0444, tsgv_result_show, NULL);

static const struct attribute *const tsgv_tgt_attrs[] = {
	&tsgv_run_attr.attr,
	&tsgv_result_attr.attr,
	NULL,
};

static const struct scst_tgt_template tsgv_tgtt = {
	.name = "scst_test_sgv",
	.owner = THIS_MODULE,
	.rdy_to_xfer_atomic = true,
	.xmit_response_atomic = true,
	.rdy_to_xfer = tsgv_rdy_to_xfer,
	.xmit_response = tsgv_xmit_response,
	.tgt_attrs = tsgv_tgt_attrs,
};

static int __init tsgv_init(void)
{
	int res;

	mutex_init(&tsgv.lock);
	init_waitqueue_head(&tsgv.wq);
	res = scst_register_target_template(&tsgv_tgtt);
	if (res)
		return res;
	tsgv.tgt = scst_register_target(&tsgv_tgtt, "sgv_tgt", NULL);
	if (IS_ERR(tsgv.tgt)) {
		res = PTR_ERR(tsgv.tgt);
		goto out_tgtt;
	}
	tsgv.sess = scst_register_session(tsgv.tgt, "sgv_ini", NULL);
	if (IS_ERR(tsgv.sess)) {
		res = PTR_ERR(tsgv.sess);
		goto out_tgt;
	}
	return 0;

out_tgt:
	scst_unregister_target(tsgv.tgt);
out_tgtt:
	scst_unregister_target_template(&tsgv_tgtt);
	return res;
}

static void __exit tsgv_exit(void)
{
	scst_unregister_session(tsgv.sess);
	scst_unregister_target(tsgv.tgt);
	scst_unregister_target_template(&tsgv_tgtt);
}

module_init(tsgv_init);
module_exit(tsgv_exit);

MODULE_DESCRIPTION("SGV cache test: a target driver that uses the core's buffers");
MODULE_LICENSE("GPL");
