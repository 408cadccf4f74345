// SPDX-License-Identifier: GPL-2.0
/*
 * scst_local: a SCSI host whose commands go straight into the target core,
 * so the target's LUNs show up as /dev/sdX on the same machine (the role
 * LIO's tcm_loop plays).
 *
 * Every target of this driver is an SCST target. Every session of a
 * target is its own Scsi_Host, and the session name is the initiator name
 * the core matches against its ini_groups, so LUN masking can be tested
 * locally: two sessions give two hosts that can see different LUNs.
 *
 * Object model and lifetime:
 *   scst_local_tgt   an scst_tgt plus the list of its sessions
 *   scst_local_sess  an scst_session plus a struct device on our bus; the
 *                    bus probe adds the Scsi_Host, whose hostdata points
 *                    back to the session. The struct device's release
 *                    frees the session, so the memory stays valid for as
 *                    long as the midlayer holds the host (its parent).
 * scst_local_mutex serialises every configuration change.
 *
 * Data path: zero copy, zero allocation. queuecommand() hands the
 * scsi_cmnd's scatterlist to the core as the command's buffer, so the
 * device handler reads or writes those pages directly: there is no
 * rdy_to_xfer() (the data-out is there already) and xmit_response() only
 * fills in status, sense and the residual. The scst_cmd lives in the
 * scsi_cmnd's private area (cmd_size is scst_cmd_size()) and exactly as
 * long as the request: on_free_cmd() completes the request.
 *
 * Contexts: queuecommand() runs in atomic context and enters the core with
 * SCST_CONTEXT_DIRECT_ATOMIC. xmit_response() and on_free_cmd() never
 * sleep (the template marks them atomic) and may be called in any
 * context, including from inside queuecommand(). The EH handlers sleep
 * until the core reports their TMF done. The management hooks run in
 * process context without scst_mutex held, since they register targets
 * and sessions.
 *
 * Aborted commands: the core frees a command that a TMF aborted only
 * after xmit_response() has run for it, and it completes the TMF only
 * after on_free_cmd(). The scsi_cmnd is therefore still completed, with
 * status TASK ABORTED (as a target with TAS=1 would):
 *  - if the midlayer timed the command out, it has already claimed it
 *    (SCMD_STATE_COMPLETE) and scsi_done() does nothing; the EH handler
 *    that sent the TMF is still waiting, so the scsi_cmnd cannot have been
 *    reused yet;
 *  - otherwise another I_T nexus's LUN or target reset, or a reset ioctl
 *    on this host, aborted it. The midlayer retries TASK ABORTED, which is
 *    better than leaving the command to time out.
 *
 * LUN changes: the core has no hook to tell a driver that a session's LUN
 * inventory changed; it raises REPORTED LUNS DATA HAS CHANGED instead.
 * When a command comes back with that Unit Attention, or with LOGICAL UNIT
 * NOT SUPPORTED, a work item rescans the host and removes every
 * scsi_device whose TEST UNIT READY now fails with LOGICAL UNIT NOT
 * SUPPORTED. "rescan" in the driver's mgmt file does the same on demand,
 * and synchronously.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/atomic.h>
#include <linux/wait_bit.h>
#include <linux/blk-mq.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "scst.h"
#include "scst_compat.h"

#define SCST_LOCAL_NAME			"scst_local"
#define SCST_LOCAL_DEFAULT_TGT		"scst_local_tgt"
#define SCST_LOCAL_DEFAULT_SESS		"scst_local_host"
#define SCST_LOCAL_CAN_QUEUE		256
#define SCST_LOCAL_SG_TABLESIZE		256
#define SCST_LOCAL_CMD_PER_LUN		64
/*
 * The core addresses LUNs 256..16383 with the flat space method, which
 * Linux numbers 0x4000 | LUN (see scsilun_to_int()), so the highest Linux
 * LUN number it can report is 0x7fff.
 */
#define SCST_LOCAL_MAX_LUN		0x8000
#define SCST_LOCAL_TUR_TIMEOUT		(10 * HZ)
#define SCST_LOCAL_TUR_RETRIES		3

static bool scst_local_add_default_tgt = true;
module_param_named(add_default_tgt, scst_local_add_default_tgt, bool, 0444);
MODULE_PARM_DESC(add_default_tgt,
		 "Create target " SCST_LOCAL_DEFAULT_TGT " with session "
		 SCST_LOCAL_DEFAULT_SESS " at load (default: true)");

static unsigned int scst_local_can_queue = SCST_LOCAL_CAN_QUEUE;
module_param_named(can_queue, scst_local_can_queue, uint, 0444);
MODULE_PARM_DESC(can_queue,
		 "Commands each host may have outstanding (default: 256)");

struct scst_local_tgt {
	struct scst_tgt *scst_tgt;
	struct list_head sessions;	/* scst_local_sess.list */
	struct list_head list;		/* scst_local_tgts */
};

struct scst_local_sess {
	struct device dev;		/* on scst_local_bus; owns this struct */
	struct scst_local_tgt *tgt;
	struct Scsi_Host *shost;	/* set by probe, cleared by remove */
	int probe_err;
	struct list_head list;		/* tgt->sessions */

	/* EH handlers (read) against the session's unregistration (write). */
	struct rw_semaphore tmf_sem;
	struct scst_session *scst_sess;	/* NULL once unregistered */

	spinlock_t scan_lock;		/* protects the two flags below */
	bool scan_manual;		/* next scan was asked for by the user */
	bool removing;			/* no more scan_work */
	struct work_struct scan_work;

	char name[];			/* initiator (session) name */
};

/* A TMF that an EH handler waits for. */
struct scst_local_tmf {
	struct completion done;
	u8 status;
};

static DEFINE_MUTEX(scst_local_mutex);
static LIST_HEAD(scst_local_tgts);
static bool scst_local_exiting;
static unsigned int scst_local_next_id;
static struct device *scst_local_root;
/* Session devices not yet released: module exit waits for them. */
static atomic_t scst_local_nr_devs = ATOMIC_INIT(0);

static const struct scst_tgt_template scst_local_tgtt;

static struct scst_local_sess *scst_local_shost_sess(struct Scsi_Host *shost)
{
	return *(struct scst_local_sess **)shost_priv(shost);
}

/* ---- data path ---- */

static u64 scst_local_tag(struct scsi_cmnd *scmd)
{
	return blk_mq_unique_tag(scsi_cmd_to_rq(scmd));
}

static int scst_local_queuecommand(struct Scsi_Host *shost,
				   struct scsi_cmnd *scmd)
{
	struct scst_local_sess *sess = scst_local_shost_sess(shost);
	struct scst_cmd *cmd = scsi_cmd_priv(scmd);
	enum scst_data_dir dir;
	struct scsi_lun lun;

	int_to_scsilun(scmd->device->lun, &lun);
	scst_rx_cmd_prealloced(cmd, sess->scst_sess, lun.scsi_lun, sizeof(lun),
			       scmd->cmnd, scmd->cmd_len);
	/* The scst_cmd lives exactly as long as the request and its tag. */
	scst_cmd_set_tag(cmd, scst_local_tag(scmd));
	/* The block layer no longer expresses ORDERED or HEAD OF QUEUE. */
	scst_cmd_set_queue_type(cmd, SCST_QUEUE_SIMPLE);
	scst_cmd_set_tgt_priv(cmd, scmd);

	switch (scmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		dir = SCST_DIR_OUT;
		break;
	case DMA_FROM_DEVICE:
		dir = SCST_DIR_IN;
		break;
	default:
		dir = SCST_DIR_NONE;
		break;
	}
	scst_cmd_set_expected(cmd, dir, scsi_bufflen(scmd));
	if (scsi_bufflen(scmd))
		scst_cmd_set_tgt_sg(cmd, scsi_sglist(scmd), scsi_sg_count(scmd));

	scst_cmd_init_done(cmd, SCST_CONTEXT_DIRECT_ATOMIC);
	return 0;
}

/* Let scan_work look at the host; any context. */
static void scst_local_queue_scan(struct scst_local_sess *sess, bool manual)
{
	unsigned long flags;

	spin_lock_irqsave(&sess->scan_lock, flags);
	if (!sess->removing) {
		sess->scan_manual |= manual;
		queue_work(system_long_wq, &sess->scan_work);
	}
	spin_unlock_irqrestore(&sess->scan_lock, flags);
}

/* React to sense data that says this host's LUN inventory changed. */
static void scst_local_check_sense(struct scst_local_sess *sess,
				   const u8 *sense, unsigned int len)
{
	struct scsi_sense_hdr sshdr;

	if (!scsi_normalize_sense(sense, len, &sshdr))
		return;
	if ((sshdr.sense_key == SCST_SK_UNIT_ATTENTION &&
	     sshdr.asc == SCST_ASC_REPORTED_LUNS_DATA_HAS_CHANGED &&
	     sshdr.ascq == SCST_ASCQ_REPORTED_LUNS_DATA_HAS_CHANGED) ||
	    (sshdr.sense_key == SCST_SK_ILLEGAL_REQUEST &&
	     sshdr.asc == SCST_ASC_LUN_NOT_SUPPORTED &&
	     sshdr.ascq == SCST_ASCQ_LUN_NOT_SUPPORTED))
		scst_local_queue_scan(sess, false);
}

static int scst_local_xmit_response(struct scst_cmd *cmd)
{
	struct scsi_cmnd *scmd = scst_cmd_get_tgt_priv(cmd);
	unsigned int bufflen = scsi_bufflen(scmd);
	unsigned int sense_len, resid = 0;
	int res;
	u8 status;

	if (unlikely(scst_cmd_aborted(cmd))) {
		/* See "Aborted commands" at the top of this file. */
		scmd->result = SAM_STAT_TASK_ABORTED;
		scsi_set_resid(scmd, bufflen);
		goto done;
	}

	switch (scmd->sc_data_direction) {
	case DMA_FROM_DEVICE:
		/* The data is in scmd's pages already. */
		resid = bufflen - min(scst_cmd_get_resp_data_len(cmd), bufflen);
		break;
	case DMA_TO_DEVICE:
		/* Overflow (negative) cannot be expressed to the midlayer. */
		res = scst_cmd_get_residual(cmd);
		resid = clamp_t(int, res, 0, bufflen);
		break;
	default:
		break;
	}
	scsi_set_resid(scmd, resid);

	status = scst_cmd_get_status(cmd);
	sense_len = min_t(unsigned int, scst_cmd_get_sense_len(cmd),
			  SCSI_SENSE_BUFFERSIZE);
	if (sense_len) {
		memcpy(scmd->sense_buffer, scst_cmd_get_sense(cmd), sense_len);
		if (status == SCST_STATUS_CHECK_CONDITION)
			scst_local_check_sense(scst_local_shost_sess(scmd->device->host),
					       scmd->sense_buffer, sense_len);
	}
	scmd->result = (DID_OK << 16) | status;

done:
	scst_tgt_cmd_done(cmd, SCST_CONTEXT_DIRECT_ATOMIC);
	return SCST_TGT_RES_SUCCESS;
}

/*
 * The core is done with the scst_cmd, which lives in the scsi_cmnd: hand
 * both back to the midlayer. A TMF that found the command completes only
 * after this, so an EH handler returns once we no longer touch either.
 *
 * In process context, which includes a command that completes inside
 * queuecommand(), the request is completed right here. scsi_done() would
 * bounce it through the block softirq (on a single queue host with more
 * than one CPU), i.e. usually through ksoftirqd: a context switch per
 * command. Other contexts leave the choice to the block layer.
 */
static void scst_local_on_free_cmd(struct scst_cmd *cmd)
{
	struct scsi_cmnd *scmd = scst_cmd_get_tgt_priv(cmd);

	if (in_task())
		scsi_done_direct(scmd);
	else
		scsi_done(scmd);
}

/* ---- error handling: task management ---- */

static void scst_local_task_mgmt_fn_done(struct scst_mgmt_cmd *mcmd)
{
	struct scst_local_tmf *tmf = scst_mgmt_cmd_get_tgt_priv(mcmd);

	tmf->status = scst_mgmt_cmd_get_status(mcmd);
	complete(&tmf->done);
}

/*
 * Run TMF @fn on the I_T nexus of @scmd's host and wait for it. The core
 * answers only after every command it aborted has been freed, i.e. after
 * xmit_response() let go of its scsi_cmnd, which is what the midlayer
 * needs before it may reuse them. The wait is unbounded for that reason.
 */
static int scst_local_tmf(struct scsi_cmnd *scmd, u8 fn, bool with_lun,
			  u64 tag)
{
	struct scst_local_sess *sess = scst_local_shost_sess(scmd->device->host);
	struct scst_local_tmf tmf;
	struct scst_mgmt_cmd *mcmd;
	struct scsi_lun lun;
	int ret = FAILED;

	init_completion(&tmf.done);
	int_to_scsilun(scmd->device->lun, &lun);

	down_read(&sess->tmf_sem);
	/* A reset ioctl can race with del_session. */
	if (!sess->scst_sess)
		goto out;
	/* NOIO: the EH may be what memory reclaim is waiting for. */
	mcmd = scst_rx_mgmt_fn(sess->scst_sess, fn,
			       with_lun ? lun.scsi_lun : NULL, sizeof(lun),
			       tag, &tmf, GFP_NOIO);
	if (!mcmd)
		goto out;
	wait_for_completion(&tmf.done);
	if (tmf.status == SCST_TMF_RESP_COMPLETE ||
	    tmf.status == SCST_TMF_RESP_SUCCEEDED)
		ret = SUCCESS;
	else
		sdev_printk(KERN_WARNING, scmd->device,
			    "task management function %u failed: response %u\n",
			    fn, tmf.status);
out:
	up_read(&sess->tmf_sem);
	return ret;
}

static int scst_local_eh_abort(struct scsi_cmnd *scmd)
{
	return scst_local_tmf(scmd, SCST_TMF_ABORT_TASK, true,
			      scst_local_tag(scmd));
}

static int scst_local_eh_device_reset(struct scsi_cmnd *scmd)
{
	return scst_local_tmf(scmd, SCST_TMF_LUN_RESET, true, 0);
}

static int scst_local_eh_target_reset(struct scsi_cmnd *scmd)
{
	return scst_local_tmf(scmd, SCST_TMF_TARGET_RESET, false, 0);
}

/* A host is one I_T nexus: resetting it is an I_T NEXUS RESET. */
static int scst_local_eh_host_reset(struct scsi_cmnd *scmd)
{
	return scst_local_tmf(scmd, SCST_TMF_I_T_NEXUS_RESET, false, 0);
}

/* ---- LUN inventory changes ---- */

/* Does the target say @sdev's LUN no longer exists for this nexus? */
static bool scst_local_lun_gone(struct scsi_device *sdev)
{
	struct scsi_sense_hdr sshdr;

	/* scsi_test_unit_ready() retries Unit Attentions. */
	return scsi_test_unit_ready(sdev, SCST_LOCAL_TUR_TIMEOUT,
				    SCST_LOCAL_TUR_RETRIES, &sshdr) > 0 &&
	       scsi_sense_valid(&sshdr) &&
	       sshdr.sense_key == SCST_SK_ILLEGAL_REQUEST &&
	       sshdr.asc == SCST_ASC_LUN_NOT_SUPPORTED &&
	       sshdr.ascq == SCST_ASCQ_LUN_NOT_SUPPORTED;
}

/* Add the LUNs that appeared, then remove the ones that are gone. */
static void scst_local_scan_work(struct work_struct *work)
{
	struct scst_local_sess *sess = container_of(work, struct scst_local_sess,
						    scan_work);
	struct Scsi_Host *shost = sess->shost;
	struct scsi_device *sdev;
	bool manual;

	spin_lock_irq(&sess->scan_lock);
	manual = sess->scan_manual;
	sess->scan_manual = false;
	spin_unlock_irq(&sess->scan_lock);

	/* RESCAN honours scsi_mod.scan=manual, MANUAL is the user asking. */
	scsi_scan_target(&shost->shost_gendev, 0, 0, SCAN_WILD_CARD,
			 manual ? SCSI_SCAN_MANUAL : SCSI_SCAN_RESCAN);

	shost_for_each_device(sdev, shost) {
		/* Leave devices being scanned, blocked or deleted alone. */
		if (sdev->sdev_state != SDEV_RUNNING)
			continue;
		if (scst_local_lun_gone(sdev)) {
			sdev_printk(KERN_INFO, sdev,
				    "LUN no longer exists, removing\n");
			scsi_remove_device(sdev);
		}
	}
}

/* The core's LUN inventory of @scst_sess changed (scst_mutex held). */
static void scst_local_on_luns_changed(struct scst_session *scst_sess)
{
	struct scst_local_sess *sess = scst_sess_get_priv(scst_sess);

	/* A host that is still being added scans by itself once it is up. */
	if (READ_ONCE(sess->shost))
		scst_local_queue_scan(sess, false);
}

/* ---- SCSI host template and sysfs ---- */

static ssize_t scst_local_initiator_name_show(struct device *dev,
					      struct device_attribute *attr,
					      char *buf)
{
	struct scst_local_sess *sess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", sess->name);
}

static ssize_t scst_local_target_name_show(struct device *dev,
					   struct device_attribute *attr,
					   char *buf)
{
	struct scst_local_sess *sess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", scst_tgt_get_name(sess->tgt->scst_tgt));
}

/* /sys/class/scsi_host/hostN/{initiator,target}_name: find a session's host. */
static struct device_attribute scst_local_initiator_name_attr =
	__ATTR(initiator_name, 0444, scst_local_initiator_name_show, NULL);
static struct device_attribute scst_local_target_name_attr =
	__ATTR(target_name, 0444, scst_local_target_name_show, NULL);

static struct attribute *scst_local_shost_attrs[] = {
	&scst_local_initiator_name_attr.attr,
	&scst_local_target_name_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(scst_local_shost);

/*
 * The midlayer clears cmd_size bytes of every command unless the host
 * initialises them itself; scst_rx_cmd_prealloced() does.
 */
static int scst_local_init_cmd_priv(struct Scsi_Host *shost,
				    struct scsi_cmnd *scmd)
{
	return 0;
}

/* Not const: cmd_size is scst_cmd_size(), set at module load. */
static struct scsi_host_template scst_local_sht = {
	.module			= THIS_MODULE,
	.name			= SCST_LOCAL_NAME,
	.proc_name		= SCST_LOCAL_NAME,
	.queuecommand		= scst_local_queuecommand,
	.change_queue_depth	= scsi_change_queue_depth,
	.eh_abort_handler	= scst_local_eh_abort,
	.eh_device_reset_handler = scst_local_eh_device_reset,
	.eh_target_reset_handler = scst_local_eh_target_reset,
	.eh_host_reset_handler	= scst_local_eh_host_reset,
	.can_queue		= SCST_LOCAL_CAN_QUEUE,	/* see probe */
	.this_id		= -1,
	.sg_tablesize		= SCST_LOCAL_SG_TABLESIZE,
	/* One page per segment, so a full sg table is a full request. */
	.dma_boundary		= PAGE_SIZE - 1,
	.max_sectors		= SCST_LOCAL_SG_TABLESIZE * (PAGE_SIZE / 512),
	.cmd_per_lun		= SCST_LOCAL_CMD_PER_LUN,
	.init_cmd_priv		= scst_local_init_cmd_priv,
	.track_queue_depth	= 1,
	/* Nothing on a loopback needs the 10 s settle time after a reset. */
	.skip_settle_delay	= 1,
	.shost_groups		= scst_local_shost_groups,
};

/* ---- the bus our hosts hang on ---- */

static struct scst_local_sess *scst_local_dev_sess(struct device *dev)
{
	return container_of(dev, struct scst_local_sess, dev);
}

static int scst_local_bus_match(struct device *dev, scst_bus_match_drv *drv)
{
	return 1;
}

static int scst_local_probe(struct device *dev)
{
	struct scst_local_sess *sess = scst_local_dev_sess(dev);
	struct Scsi_Host *shost;
	int ret;

	shost = scsi_host_alloc(&scst_local_sht, sizeof(sess));
	if (!shost) {
		ret = -ENOMEM;
		goto out;
	}
	*(struct scst_local_sess **)shost_priv(shost) = sess;
	shost->max_channel = 0;
	shost->max_id = 1;
	shost->max_lun = SCST_LOCAL_MAX_LUN;
	shost->max_cmd_len = SCST_MAX_CDB_SIZE;
	shost->can_queue = scst_local_can_queue;
	shost->cmd_per_lun = min_t(unsigned int, SCST_LOCAL_CMD_PER_LUN,
				   scst_local_can_queue);

	ret = scsi_add_host(shost, dev);
	if (ret) {
		scsi_host_put(shost);
		goto out;
	}
	sess->shost = shost;
	scsi_scan_host(shost);
	return 0;

out:
	/* The driver core does not pass a probe error on to device_add(). */
	sess->probe_err = ret;
	return ret;
}

static void scst_local_remove(struct device *dev)
{
	struct scst_local_sess *sess = scst_local_dev_sess(dev);

	/* Returns once every command of the host has completed. */
	scsi_remove_host(sess->shost);
	scsi_host_put(sess->shost);
	sess->shost = NULL;
}

static scst_bus_type scst_local_bus = {
	.name	= SCST_LOCAL_NAME,
	.match	= scst_local_bus_match,
	.probe	= scst_local_probe,
	.remove	= scst_local_remove,
};

static struct device_driver scst_local_driver = {
	.name			= SCST_LOCAL_NAME,
	.bus			= &scst_local_bus,
	/* A host must not go away behind its session's back. */
	.suppress_bind_attrs	= true,
};

static void scst_local_sess_release(struct device *dev)
{
	kfree(scst_local_dev_sess(dev));
	if (atomic_dec_and_test(&scst_local_nr_devs))
		wake_up_var(&scst_local_nr_devs);
}

/* ---- targets and sessions (scst_local_mutex held) ---- */

static struct scst_local_tgt *scst_local_find_tgt(const char *name)
{
	struct scst_local_tgt *tgt;

	list_for_each_entry(tgt, &scst_local_tgts, list)
		if (!strcmp(scst_tgt_get_name(tgt->scst_tgt), name))
			return tgt;
	return NULL;
}

static struct scst_local_sess *scst_local_find_sess(struct scst_local_tgt *tgt,
						    const char *name)
{
	struct scst_local_sess *sess;

	list_for_each_entry(sess, &tgt->sessions, list)
		if (!strcmp(sess->name, name))
			return sess;
	return NULL;
}

/* Register the session with the core, then add its SCSI host. */
static int scst_local_sess_create(struct scst_local_tgt *tgt, const char *name)
{
	const char *tgt_name = scst_tgt_get_name(tgt->scst_tgt);
	struct scst_session *scst_sess;
	struct scst_local_sess *sess;
	size_t len = strlen(name);
	int ret;

	if (scst_local_find_sess(tgt, name)) {
		pr_warn("target %s: session %s already exists\n", tgt_name, name);
		return -EEXIST;
	}
	sess = kzalloc(struct_size(sess, name, len + 1), GFP_KERNEL);
	if (!sess)
		return -ENOMEM;
	memcpy(sess->name, name, len + 1);
	sess->tgt = tgt;
	init_rwsem(&sess->tmf_sem);
	spin_lock_init(&sess->scan_lock);
	INIT_WORK(&sess->scan_work, scst_local_scan_work);

	scst_sess = scst_register_session(tgt->scst_tgt, name, sess);
	if (IS_ERR(scst_sess)) {
		ret = PTR_ERR(scst_sess);
		pr_warn("target %s: cannot register session %s: %d\n",
			tgt_name, name, ret);
		kfree(sess);
		return ret;
	}
	sess->scst_sess = scst_sess;

	/* From here on the last put_device() frees sess. */
	device_initialize(&sess->dev);
	atomic_inc(&scst_local_nr_devs);
	sess->dev.bus = &scst_local_bus;
	sess->dev.parent = scst_local_root;
	sess->dev.release = scst_local_sess_release;
	ret = dev_set_name(&sess->dev, "scst_local_host%u", scst_local_next_id++);
	if (ret)
		goto out_unreg;
	ret = device_add(&sess->dev);
	if (ret)
		goto out_unreg;
	if (!sess->shost) {
		ret = sess->probe_err ?: -ENODEV;
		goto out_del;
	}
	list_add_tail(&sess->list, &tgt->sessions);
	return 0;

out_del:
	device_del(&sess->dev);
out_unreg:
	pr_warn("target %s: cannot add a SCSI host for session %s: %d\n",
		tgt_name, name, ret);
	scst_unregister_session(scst_sess);
	put_device(&sess->dev);
	return ret;
}

static void scst_local_sess_destroy(struct scst_local_sess *sess)
{
	list_del(&sess->list);

	spin_lock_irq(&sess->scan_lock);
	sess->removing = true;
	spin_unlock_irq(&sess->scan_lock);
	cancel_work_sync(&sess->scan_work);

	/*
	 * The host goes first: once it is removed no command can arrive and
	 * all that were queued have completed (the midlayer's EH handled any
	 * stuck one while the session was still there to take its TMF).
	 */
	device_del(&sess->dev);

	/* Waits for the commands between scsi_done() and their freeing. */
	down_write(&sess->tmf_sem);
	scst_unregister_session(sess->scst_sess);
	sess->scst_sess = NULL;
	up_write(&sess->tmf_sem);

	put_device(&sess->dev);
}

static int scst_local_tgt_create(const char *name,
				 struct scst_local_tgt **out)
{
	struct scst_local_tgt *tgt;
	struct scst_tgt *scst_tgt;
	int ret;

	if (scst_local_find_tgt(name)) {
		pr_warn("add_target: target %s already exists\n", name);
		return -EEXIST;
	}
	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return -ENOMEM;
	INIT_LIST_HEAD(&tgt->sessions);

	scst_tgt = scst_register_target(&scst_local_tgtt, name, tgt);
	if (IS_ERR(scst_tgt)) {
		ret = PTR_ERR(scst_tgt);
		pr_warn("add_target: cannot register target %s: %d\n", name, ret);
		kfree(tgt);
		return ret;
	}
	tgt->scst_tgt = scst_tgt;
	list_add_tail(&tgt->list, &scst_local_tgts);
	*out = tgt;
	return 0;
}

static void scst_local_tgt_destroy(struct scst_local_tgt *tgt)
{
	struct scst_local_sess *sess, *tmp;

	list_for_each_entry_safe(sess, tmp, &tgt->sessions, list)
		scst_local_sess_destroy(sess);
	list_del(&tgt->list);
	scst_unregister_target(tgt->scst_tgt);
	kfree(tgt);
}

/* ---- management interface: targets/scst_local/mgmt ---- */

static int scst_local_add_target(const char *name, char *params)
{
	struct scst_local_tgt *tgt;
	char *key, *value;
	int ret;

	mutex_lock(&scst_local_mutex);
	if (scst_local_exiting) {
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = scst_local_tgt_create(name, &tgt);
	if (ret)
		goto out_unlock;

	while ((key = scst_get_next_param(&params, &value))) {
		if (strcmp(key, "session_name")) {
			pr_warn("add_target %s: unknown parameter \"%s\"\n",
				name, key);
			ret = -EINVAL;
			goto out_destroy;
		}
		if (!*value) {
			pr_warn("add_target %s: session_name needs a value\n",
				name);
			ret = -EINVAL;
			goto out_destroy;
		}
		ret = scst_local_sess_create(tgt, value);
		if (ret)
			goto out_destroy;
	}
	mutex_unlock(&scst_local_mutex);
	return 0;

out_destroy:
	scst_local_tgt_destroy(tgt);
out_unlock:
	mutex_unlock(&scst_local_mutex);
	return ret;
}

static int scst_local_del_target(const char *name)
{
	struct scst_local_tgt *tgt;
	int ret = 0;

	mutex_lock(&scst_local_mutex);
	tgt = scst_local_find_tgt(name);
	if (tgt) {
		scst_local_tgt_destroy(tgt);
	} else {
		pr_warn("del_target: no target %s\n", name);
		ret = -ENOENT;
	}
	mutex_unlock(&scst_local_mutex);
	return ret;
}

/* Next blank-separated word of *@p, or NULL; *@p moves past it. */
static char *scst_local_next_word(char **p)
{
	char *word = skip_spaces(*p);
	char *end;

	if (!*word)
		return NULL;
	end = word + strcspn(word, " \t\n");
	if (*end)
		*end++ = '\0';
	*p = end;
	return word;
}

/* "rescan": scan synchronously and drop the scsi_devices of gone LUNs. */
static void scst_local_rescan(struct scst_local_sess *sess)
{
	scst_local_queue_scan(sess, true);
	flush_work(&sess->scan_work);
}

/* add_session, del_session and rescan (scst_local_mutex held). */
static int scst_local_do_mgmt(const char *op, const char *tgt_name,
			      const char *sess_name)
{
	struct scst_local_sess *sess = NULL;
	struct scst_local_tgt *tgt;

	tgt = scst_local_find_tgt(tgt_name);
	if (!tgt) {
		pr_warn("%s: no target %s\n", op, tgt_name);
		return -ENOENT;
	}
	if (!strcmp(op, "add_session"))
		return scst_local_sess_create(tgt, sess_name);

	if (sess_name) {
		sess = scst_local_find_sess(tgt, sess_name);
		if (!sess) {
			pr_warn("%s: target %s has no session %s\n", op,
				tgt_name, sess_name);
			return -ENOENT;
		}
	}
	if (!strcmp(op, "del_session")) {
		scst_local_sess_destroy(sess);
	} else if (sess) {
		scst_local_rescan(sess);
	} else {
		list_for_each_entry(sess, &tgt->sessions, list)
			scst_local_rescan(sess);
	}
	return 0;
}

static int scst_local_mgmt_cmd(char *line)
{
	char *op, *tgt_name, *sess_name;
	bool sess_optional;
	int ret;

	op = scst_local_next_word(&line);
	if (!op) {
		pr_warn("empty command\n");
		return -EINVAL;
	}
	if (strcmp(op, "add_session") && strcmp(op, "del_session") &&
	    strcmp(op, "rescan")) {
		pr_warn("unknown command \"%s\"\n", op);
		return -EINVAL;
	}
	sess_optional = !strcmp(op, "rescan");
	tgt_name = scst_local_next_word(&line);
	if (!tgt_name) {
		pr_warn("%s: missing target name\n", op);
		return -EINVAL;
	}
	sess_name = scst_local_next_word(&line);
	if (!sess_name && !sess_optional) {
		pr_warn("%s: missing session name\n", op);
		return -EINVAL;
	}
	if (scst_local_next_word(&line)) {
		pr_warn("%s: unexpected argument after the session name\n", op);
		return -EINVAL;
	}

	mutex_lock(&scst_local_mutex);
	if (scst_local_exiting)
		ret = -ENODEV;
	else
		ret = scst_local_do_mgmt(op, tgt_name, sess_name);
	mutex_unlock(&scst_local_mutex);
	return ret;
}

static const struct scst_tgt_template scst_local_tgtt = {
	.name			= SCST_LOCAL_NAME,
	.owner			= THIS_MODULE,
	.xmit_response_atomic	= true,
	.xmit_response		= scst_local_xmit_response,
	.on_free_cmd		= scst_local_on_free_cmd,
	.task_mgmt_fn_done	= scst_local_task_mgmt_fn_done,
	.on_luns_changed	= scst_local_on_luns_changed,
	.add_target		= scst_local_add_target,
	.del_target		= scst_local_del_target,
	.mgmt_cmd		= scst_local_mgmt_cmd,
	.mgmt_help		=
		"Usage: echo \"add_target TARGET [session_name=SESSION[;session_name=...]]\" >mgmt\n"
		"       echo \"del_target TARGET\" >mgmt\n"
		"       echo \"add_session TARGET SESSION\" >mgmt\n"
		"       echo \"del_session TARGET SESSION\" >mgmt\n"
		"       echo \"rescan TARGET [SESSION]\" >mgmt\n"
		"SESSION is the initiator name the target's ini_groups match.\n",
};

/* ---- module ---- */

static void scst_local_remove_all(void)
{
	struct scst_local_tgt *tgt, *tmp;

	mutex_lock(&scst_local_mutex);
	scst_local_exiting = true;
	list_for_each_entry_safe(tgt, tmp, &scst_local_tgts, list)
		scst_local_tgt_destroy(tgt);
	mutex_unlock(&scst_local_mutex);
}

static int __init scst_local_init(void)
{
	char params[] = "session_name=" SCST_LOCAL_DEFAULT_SESS;
	int ret;

	if (!scst_local_can_queue || scst_local_can_queue > BLK_MQ_MAX_DEPTH) {
		pr_warn("can_queue=%u: must be 1..%d\n", scst_local_can_queue,
			BLK_MQ_MAX_DEPTH);
		return -EINVAL;
	}

	scst_local_sht.cmd_size = scst_cmd_size();
	scst_local_root = root_device_register(SCST_LOCAL_NAME);
	if (IS_ERR(scst_local_root))
		return PTR_ERR(scst_local_root);
	ret = bus_register(&scst_local_bus);
	if (ret)
		goto out_root;
	ret = driver_register(&scst_local_driver);
	if (ret)
		goto out_bus;
	ret = scst_register_target_template(&scst_local_tgtt);
	if (ret)
		goto out_driver;

	if (scst_local_add_default_tgt) {
		ret = scst_local_add_target(SCST_LOCAL_DEFAULT_TGT, params);
		if (ret)
			goto out_tgtt;
	}
	return 0;

out_tgtt:
	scst_local_remove_all();
	scst_unregister_target_template(&scst_local_tgtt);
out_driver:
	driver_unregister(&scst_local_driver);
out_bus:
	bus_unregister(&scst_local_bus);
out_root:
	root_device_unregister(scst_local_root);
	wait_var_event(&scst_local_nr_devs, !atomic_read(&scst_local_nr_devs));
	return ret;
}

static void __exit scst_local_exit(void)
{
	/* Targets first: the core refuses a template that still has some. */
	scst_local_remove_all();
	scst_unregister_target_template(&scst_local_tgtt);
	driver_unregister(&scst_local_driver);
	bus_unregister(&scst_local_bus);
	root_device_unregister(scst_local_root);
	/*
	 * The midlayer may drop its last reference to a host, and with it
	 * to our session device, a little after scsi_remove_host(); its
	 * release function is ours.
	 */
	wait_var_event(&scst_local_nr_devs, !atomic_read(&scst_local_nr_devs));
}

module_init(scst_local_init);
module_exit(scst_local_exit);

MODULE_DESCRIPTION("SCST local SCSI host: target LUNs as local SCSI disks");
MODULE_LICENSE("GPL");
