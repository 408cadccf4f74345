// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: registration of target drivers, targets, sessions,
 * device handlers and devices, and the LUN masking configuration that ties
 * them together. See scst_priv.h for the object model and locking.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include "scst_priv.h"
#include "uapi/scst_netlink.h"

DEFINE_MUTEX(scst_mutex);
LIST_HEAD(scst_tgt_driver_list);
LIST_HEAD(scst_dev_driver_list);
LIST_HEAD(scst_device_list);
struct workqueue_struct *scst_wq;

/* ---- target drivers ---- */

struct scst_tgt_driver *scst_find_tgt_driver(const char *name)
{
	struct scst_tgt_driver *drv;

	list_for_each_entry(drv, &scst_tgt_driver_list, list)
		if (!strcmp(drv->tgtt->name, name))
			return drv;
	return NULL;
}

static struct scst_tgt_driver *scst_tgtt_to_drv(const struct scst_tgt_template *tgtt)
{
	struct scst_tgt_driver *drv;

	list_for_each_entry(drv, &scst_tgt_driver_list, list)
		if (drv->tgtt == tgtt)
			return drv;
	return NULL;
}

int scst_register_target_template(const struct scst_tgt_template *tgtt)
{
	struct scst_tgt_driver *drv;
	int res;

	if (!tgtt->name || !tgtt->xmit_response) {
		pr_err("scst: target template without name or xmit_response\n");
		return -EINVAL;
	}
	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->tgtt = tgtt;
	INIT_LIST_HEAD(&drv->tgts);
	INIT_LIST_HEAD(&drv->mv_values);
	init_completion(&drv->kobj_released);

	mutex_lock(&scst_mutex);
	if (scst_find_tgt_driver(tgtt->name)) {
		res = -EEXIST;
		goto out_unlock;
	}
	res = scst_sysfs_tgt_driver_add(drv);
	if (res)
		goto out_unlock;
	list_add_tail(&drv->list, &scst_tgt_driver_list);
	mutex_unlock(&scst_mutex);
	return 0;

out_unlock:
	mutex_unlock(&scst_mutex);
	kfree(drv);
	return res;
}
EXPORT_SYMBOL_GPL(scst_register_target_template);

void scst_unregister_target_template(const struct scst_tgt_template *tgtt)
{
	struct scst_tgt_driver *drv;

	mutex_lock(&scst_mutex);
	drv = scst_tgtt_to_drv(tgtt);
	if (!drv) {
		mutex_unlock(&scst_mutex);
		return;
	}
	WARN_ON(!list_empty(&drv->tgts));
	list_del(&drv->list);
	mutex_unlock(&scst_mutex);

	scst_sysfs_tgt_driver_del(drv);
	wait_for_completion(&drv->kobj_released);
	scst_mv_free(&drv->mv_values);
	kfree(drv);
}
EXPORT_SYMBOL_GPL(scst_unregister_target_template);

/* ---- access control groups and LUNs ---- */

/* Glob match with '*' (any run) and '?' (any one character). */
bool scst_wildcard_match(const char *p, const char *s)
{
	const char *star = NULL, *retry = NULL;

	while (*s) {
		if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (*p == '*') {
			star = p++;
			retry = s;
		} else if (star) {
			p = star + 1;
			s = ++retry;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

struct scst_acg *scst_find_acg(struct scst_tgt *tgt, const char *name)
{
	struct scst_acg *acg;

	list_for_each_entry(acg, &tgt->acgs, list)
		if (!strcmp(acg->name, name))
			return acg;
	return NULL;
}

static struct scst_acg *scst_acg_for_initiator(struct scst_tgt *tgt,
					       const char *initiator)
{
	struct scst_acg *acg;
	struct scst_acn *acn;

	list_for_each_entry(acg, &tgt->acgs, list)
		list_for_each_entry(acn, &acg->inits, list)
			if (scst_wildcard_match(acn->name, initiator))
				return acg;
	return tgt->default_acg;
}

static struct scst_acg *scst_acg_alloc(struct scst_tgt *tgt, const char *name)
{
	struct scst_acg *acg;

	acg = kzalloc(sizeof(*acg), GFP_KERNEL);
	if (!acg)
		return NULL;
	if (name) {
		acg->name = kstrdup(name, GFP_KERNEL);
		if (!acg->name) {
			kfree(acg);
			return NULL;
		}
	}
	acg->tgt = tgt;
	INIT_LIST_HEAD(&acg->acg_devs);
	INIT_LIST_HEAD(&acg->inits);
	return acg;
}

static void scst_acg_free(struct scst_acg *acg)
{
	kfree(acg->name);
	kfree(acg);
}

/* Tell netlink listeners that @acg changed; @names: the rest of the names. */
static void scst_acg_changed(u8 cmd, struct scst_acg *acg,
			     struct scst_nl_names names)
{
	names.driver = acg->tgt->drv->tgtt->name;
	names.target = acg->tgt->name;
	names.group = acg->name;
	scst_nl_config_changed(cmd, &names);
}

/*
 * The commands @sess may have in the core without any getting TASK SET
 * FULL: the smallest max_tgt_dev_commands of its LUNs, since they may all
 * go to one LUN. scst_mutex held.
 */
static void scst_sess_update_max_cmds(struct scst_session *sess)
{
	struct scst_tgt_dev *tgt_dev;
	unsigned int max = 0, m;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(tgt_dev, &sess->tgt_dev_list, sess_list) {
		m = READ_ONCE(tgt_dev->dev->max_tgt_dev_cmds);
		if (m && (!max || m < max))
			max = m;
	}
	WRITE_ONCE(sess->max_cmds, max);
}

/* @dev's max_tgt_dev_commands changed; scst_mutex held. */
void scst_dev_max_cmds_changed(struct scst_device *dev)
{
	struct scst_tgt_dev *tgt_dev;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(tgt_dev, &dev->tgt_devs, dev_list)
		scst_sess_update_max_cmds(tgt_dev->sess);
}

/**
 * scst_sess_get_max_cmds() - how many commands @sess may have in the core
 * @sess: the session
 *
 * Commands count from scst_rx_cmd() until xmit_response() is called. A
 * driver that keeps its initiator to this many (e.g. iSCSI's CmdSN
 * window) never sees TASK SET FULL. It changes with the LUNs of the
 * session and their devices' max_tgt_dev_commands; any context.
 *
 * Return: the number, or 0 for no limit.
 */
unsigned int scst_sess_get_max_cmds(struct scst_session *sess)
{
	return READ_ONCE(sess->max_cmds);
}
EXPORT_SYMBOL_GPL(scst_sess_get_max_cmds);

/*
 * Give @sess a view of @acg_dev: a tgt_dev published in the session's LUN
 * table. The data path finds it there under RCU.
 */
static int scst_tgt_dev_create(struct scst_session *sess,
			       struct scst_acg_dev *acg_dev)
{
	struct scst_device *dev = acg_dev->dev;
	struct scst_tgt_dev *tgt_dev;
	int res;

	tgt_dev = kzalloc(sizeof(*tgt_dev), GFP_KERNEL);
	if (!tgt_dev)
		return -ENOMEM;
	tgt_dev->sess = sess;
	tgt_dev->dev = dev;
	tgt_dev->acg_dev = acg_dev;
	tgt_dev->lun = acg_dev->lun;
	tgt_dev->read_only = acg_dev->read_only;
	spin_lock_init(&tgt_dev->ua_lock);
	INIT_LIST_HEAD(&tgt_dev->ua_list);
	refcount_set(&tgt_dev->refcnt, 1);

	if (dev->devt->attach_tgt) {
		res = dev->devt->attach_tgt(tgt_dev);
		if (res)
			goto out_free;
	}
	res = xa_insert(&sess->tgt_devs, acg_dev->lun, tgt_dev, GFP_KERNEL);
	if (res)
		goto out_detach;
	list_add_tail(&tgt_dev->sess_list, &sess->tgt_dev_list);
	list_add_tail_rcu(&tgt_dev->dev_list, &dev->tgt_devs);
	scst_sess_update_max_cmds(sess);
	return 0;

out_detach:
	if (dev->devt->detach_tgt)
		dev->devt->detach_tgt(tgt_dev);
out_free:
	kfree(tgt_dev);
	return res;
}

/*
 * Unpublish @tgt_dev and wait until the commands that still hold it have
 * finished. Called with scst_mutex held; the data path never takes it.
 */
static void scst_tgt_dev_destroy(struct scst_tgt_dev *tgt_dev)
{
	DECLARE_COMPLETION_ONSTACK(released);

	xa_erase(&tgt_dev->sess->tgt_devs, tgt_dev->lun);
	list_del(&tgt_dev->sess_list);
	list_del_rcu(&tgt_dev->dev_list);
	scst_sess_update_max_cmds(tgt_dev->sess);

	tgt_dev->released = &released;
	if (!refcount_dec_and_test(&tgt_dev->refcnt))
		wait_for_completion(&released);

	if (tgt_dev->dev->devt->detach_tgt)
		tgt_dev->dev->devt->detach_tgt(tgt_dev);
	scst_ua_clear(tgt_dev);
	kfree_rcu(tgt_dev, rcu);
}

/* Build @sess's LUN table from its group. */
static int scst_sess_attach_acg(struct scst_session *sess, struct scst_acg *acg)
{
	struct scst_acg_dev *acg_dev;
	int res;

	sess->acg = acg;
	list_for_each_entry(acg_dev, &acg->acg_devs, acg_list) {
		res = scst_tgt_dev_create(sess, acg_dev);
		if (res)
			return res;
	}
	return 0;
}

static void scst_sess_detach_acg(struct scst_session *sess)
{
	struct scst_tgt_dev *tgt_dev, *tmp;

	list_for_each_entry_safe(tgt_dev, tmp, &sess->tgt_dev_list, sess_list)
		scst_tgt_dev_destroy(tgt_dev);
}

/*
 * Rebind sessions whose initiator now matches another group, e.g. after
 * an initiator name was added to or removed from a group.
 */
static void scst_tgt_rebind_sessions(struct scst_tgt *tgt)
{
	struct scst_session *sess;
	struct scst_acg *acg;

	list_for_each_entry(sess, &tgt->sessions, list) {
		acg = scst_acg_for_initiator(tgt, sess->initiator_name);
		if (acg == sess->acg)
			continue;
		scst_sess_detach_acg(sess);
		if (scst_sess_attach_acg(sess, acg))
			pr_warn("scst: session %s: out of memory rebuilding its LUNs\n",
				sess->initiator_name);
		scst_sysfs_sess_acg_changed(sess);
		scst_ua_add_all_sess(sess, SCST_AQ_REPORTED_LUNS_CHANGED);
	}
}

struct scst_acg *scst_acg_create(struct scst_tgt *tgt, const char *name)
{
	struct scst_acg *acg;
	int res;

	if (scst_find_acg(tgt, name))
		return ERR_PTR(-EEXIST);
	acg = scst_acg_alloc(tgt, name);
	if (!acg)
		return ERR_PTR(-ENOMEM);
	res = scst_sysfs_acg_add(acg);
	if (res) {
		scst_acg_free(acg);
		return ERR_PTR(res);
	}
	list_add_tail(&acg->list, &tgt->acgs);
	scst_acg_changed(SCST_CMD_GROUP_ADD, acg, (struct scst_nl_names){});
	return acg;
}

static void __scst_acg_clear_luns(struct scst_acg *acg);

/* True when a session of the target is bound to @acg. */
static bool scst_acg_in_use(struct scst_acg *acg)
{
	struct scst_session *sess;

	list_for_each_entry(sess, &acg->tgt->sessions, list)
		if (sess->acg == acg)
			return true;
	return false;
}

/*
 * Delete a group with its LUNs and initiator names. As in SCST, a group
 * that sessions are bound to is only deleted with @force; they then fall
 * back to the target's default LUNs.
 */
int scst_acg_destroy(struct scst_acg *acg, bool force)
{
	struct scst_acn *acn, *tmp;

	if (!force && scst_acg_in_use(acg))
		return -EBUSY;
	list_for_each_entry_safe(acn, tmp, &acg->inits, list) {
		list_del(&acn->list);
		kfree(acn->name);
		kfree(acn);
	}
	if (acg->name) {
		list_del(&acg->list);
		scst_tgt_rebind_sessions(acg->tgt);
	}
	__scst_acg_clear_luns(acg);
	if (acg->name) {
		scst_sysfs_acg_del(acg);
		scst_acg_changed(SCST_CMD_GROUP_DEL, acg,
				 (struct scst_nl_names){});
	}
	scst_acg_free(acg);
	return 0;
}

static struct scst_acg_dev *scst_acg_find_lun(struct scst_acg *acg, u64 lun)
{
	struct scst_acg_dev *acg_dev;

	list_for_each_entry(acg_dev, &acg->acg_devs, acg_list)
		if (acg_dev->lun == lun)
			return acg_dev;
	return NULL;
}

static int __scst_acg_add_lun(struct scst_acg *acg, struct scst_device *dev,
			      u64 lun, bool read_only)
{
	struct scst_acg_dev *acg_dev, *pos;
	struct scst_session *sess;
	int res;

	if (lun > SCST_MAX_LUN)
		return -EINVAL;
	if (scst_acg_find_lun(acg, lun))
		return -EEXIST;
	acg_dev = kzalloc(sizeof(*acg_dev), GFP_KERNEL);
	if (!acg_dev)
		return -ENOMEM;
	acg_dev->acg = acg;
	acg_dev->dev = dev;
	acg_dev->lun = lun;
	acg_dev->read_only = read_only;

	res = scst_sysfs_acg_dev_add(acg_dev);
	if (res) {
		kfree(acg_dev);
		return res;
	}
	/* Keep the list sorted: REPORT LUNS and listings rely on it. */
	list_for_each_entry(pos, &acg->acg_devs, acg_list)
		if (pos->lun > lun)
			break;
	list_add_tail(&acg_dev->acg_list, &pos->acg_list);
	list_add_tail(&acg_dev->dev_list, &dev->acg_devs);

	list_for_each_entry(sess, &acg->tgt->sessions, list) {
		if (sess->acg != acg)
			continue;
		if (scst_tgt_dev_create(sess, acg_dev))
			pr_warn("scst: session %s: cannot add LUN %llu\n",
				sess->initiator_name, lun);
		scst_ua_add_all_sess(sess, SCST_AQ_REPORTED_LUNS_CHANGED);
	}
	return 0;
}

static void scst_lun_changed(u8 cmd, struct scst_acg *acg,
			     struct scst_device *dev, u64 lun)
{
	scst_acg_changed(cmd, acg, (struct scst_nl_names){
		.device = dev ? dev->name : NULL, .lun = lun, .has_lun = true });
}

int scst_acg_add_lun(struct scst_acg *acg, struct scst_device *dev, u64 lun,
		     bool read_only)
{
	int res = __scst_acg_add_lun(acg, dev, lun, read_only);

	if (!res)
		scst_lun_changed(SCST_CMD_LUN_ADD, acg, dev, lun);
	return res;
}

static void scst_acg_dev_destroy(struct scst_acg_dev *acg_dev)
{
	struct scst_acg *acg = acg_dev->acg;
	struct scst_session *sess;
	struct scst_tgt_dev *tgt_dev;

	list_for_each_entry(sess, &acg->tgt->sessions, list) {
		if (sess->acg != acg)
			continue;
		tgt_dev = xa_load(&sess->tgt_devs, acg_dev->lun);
		if (tgt_dev && tgt_dev->acg_dev == acg_dev)
			scst_tgt_dev_destroy(tgt_dev);
		scst_ua_add_all_sess(sess, SCST_AQ_REPORTED_LUNS_CHANGED);
	}
	list_del(&acg_dev->acg_list);
	list_del(&acg_dev->dev_list);
	scst_sysfs_acg_dev_del(acg_dev);
	kfree(acg_dev);
}

int scst_acg_del_lun(struct scst_acg *acg, u64 lun)
{
	struct scst_acg_dev *acg_dev = scst_acg_find_lun(acg, lun);

	if (!acg_dev)
		return -ENOENT;
	scst_acg_dev_destroy(acg_dev);
	scst_lun_changed(SCST_CMD_LUN_DEL, acg, NULL, lun);
	return 0;
}

int scst_acg_replace_lun(struct scst_acg *acg, struct scst_device *dev,
			 u64 lun, bool read_only)
{
	struct scst_acg_dev *acg_dev = scst_acg_find_lun(acg, lun);
	int res;

	if (acg_dev)
		scst_acg_dev_destroy(acg_dev);
	res = __scst_acg_add_lun(acg, dev, lun, read_only);
	if (!res)
		scst_lun_changed(SCST_CMD_LUN_REPLACE, acg, dev, lun);
	else if (acg_dev)
		scst_lun_changed(SCST_CMD_LUN_DEL, acg, NULL, lun);
	return res;
}

static void __scst_acg_clear_luns(struct scst_acg *acg)
{
	struct scst_acg_dev *acg_dev, *tmp;

	list_for_each_entry_safe(acg_dev, tmp, &acg->acg_devs, acg_list)
		scst_acg_dev_destroy(acg_dev);
}

void scst_acg_clear_luns(struct scst_acg *acg)
{
	__scst_acg_clear_luns(acg);
	scst_acg_changed(SCST_CMD_LUN_CLEAR, acg, (struct scst_nl_names){});
}

static struct scst_acn *scst_acg_find_init(struct scst_acg *acg,
					   const char *name)
{
	struct scst_acn *acn;

	list_for_each_entry(acn, &acg->inits, list)
		if (!strcmp(acn->name, name))
			return acn;
	return NULL;
}

int scst_acg_add_init(struct scst_acg *acg, const char *name)
{
	struct scst_acg *other;
	struct scst_acn *acn;
	int res;

	if (!acg->name)
		return -EINVAL;
	list_for_each_entry(other, &acg->tgt->acgs, list)
		if (scst_acg_find_init(other, name))
			return -EEXIST;
	acn = kzalloc(sizeof(*acn), GFP_KERNEL);
	if (!acn)
		return -ENOMEM;
	acn->name = kstrdup(name, GFP_KERNEL);
	if (!acn->name) {
		kfree(acn);
		return -ENOMEM;
	}
	res = scst_sysfs_acn_add(acg, acn);
	if (res) {
		kfree(acn->name);
		kfree(acn);
		return res;
	}
	list_add_tail(&acn->list, &acg->inits);
	scst_tgt_rebind_sessions(acg->tgt);
	scst_acg_changed(SCST_CMD_INITIATOR_ADD, acg,
			 (struct scst_nl_names){ .initiator = name });
	return 0;
}

int scst_acg_del_init(struct scst_acg *acg, const char *name)
{
	struct scst_acn *acn = scst_acg_find_init(acg, name);

	if (!acn)
		return -ENOENT;
	scst_sysfs_acn_del(acg, acn);
	list_del(&acn->list);
	kfree(acn->name);
	kfree(acn);
	scst_tgt_rebind_sessions(acg->tgt);
	scst_acg_changed(SCST_CMD_INITIATOR_DEL, acg,
			 (struct scst_nl_names){ .initiator = name });
	return 0;
}

int scst_acg_move_init(struct scst_acg *from, struct scst_acg *to,
		       const char *name)
{
	struct scst_acn *acn = scst_acg_find_init(from, name);

	if (!acn)
		return -ENOENT;
	if (!to->name || from->tgt != to->tgt)
		return -EINVAL;
	scst_sysfs_acn_del(from, acn);
	list_move_tail(&acn->list, &to->inits);
	if (scst_sysfs_acn_add(to, acn))
		pr_warn("scst: cannot show initiator %s in group %s\n",
			acn->name, to->name);
	scst_tgt_rebind_sessions(from->tgt);
	scst_acg_changed(SCST_CMD_INITIATOR_MOVE, from,
			 (struct scst_nl_names){ .initiator = acn->name,
						 .dest_group = to->name });
	return 0;
}

/* ---- targets ---- */

struct scst_tgt *__scst_find_target(struct scst_tgt_driver *drv,
				    const char *name)
{
	struct scst_tgt *tgt;

	list_for_each_entry(tgt, &drv->tgts, list)
		if (!strcmp(tgt->name, name))
			return tgt;
	return NULL;
}

struct scst_tgt *scst_find_target(const struct scst_tgt_template *tgtt,
				  const char *name)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt = NULL;

	mutex_lock(&scst_mutex);
	drv = scst_tgtt_to_drv(tgtt);
	if (drv)
		tgt = __scst_find_target(drv, name);
	mutex_unlock(&scst_mutex);
	return tgt;
}
EXPORT_SYMBOL_GPL(scst_find_target);

/* Relative target port identifiers are unique across all targets. */
static u16 scst_alloc_rel_tgt_id(void)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;
	u16 id;

	for (id = 1; id; id++) {
		bool used = false;

		list_for_each_entry(drv, &scst_tgt_driver_list, list)
			list_for_each_entry(tgt, &drv->tgts, list)
				if (tgt->rel_tgt_id == id)
					used = true;
		if (!used)
			return id;
	}
	return 0;
}

struct scst_tgt *scst_register_target(const struct scst_tgt_template *tgtt,
				      const char *name, void *tgt_priv)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;
	int res = -ENOMEM;

	if (!name || !*name || strchr(name, '/'))
		return ERR_PTR(-EINVAL);
	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return ERR_PTR(-ENOMEM);
	tgt->name = kstrdup(name, GFP_KERNEL);
	if (!tgt->name)
		goto out_free;
	INIT_LIST_HEAD(&tgt->sessions);
	INIT_LIST_HEAD(&tgt->acgs);
	INIT_LIST_HEAD(&tgt->mv_values);
	init_completion(&tgt->kobj_released);
	tgt->default_acg = scst_acg_alloc(tgt, NULL);
	if (!tgt->default_acg)
		goto out_free;

	mutex_lock(&scst_mutex);
	drv = scst_tgtt_to_drv(tgtt);
	if (!drv) {
		res = -ENOENT;
		goto out_unlock;
	}
	if (__scst_find_target(drv, name)) {
		res = -EEXIST;
		goto out_unlock;
	}
	tgt->drv = drv;
	tgt->tgt_priv = tgt_priv;	/* before sysfs shows the target */
	tgt->rel_tgt_id = scst_alloc_rel_tgt_id();
	res = scst_sysfs_tgt_add(tgt);
	if (res)
		goto out_unlock;
	list_add_tail(&tgt->list, &drv->tgts);
	scst_alua_tgt_changed(tgt);
	scst_nl_config_changed(SCST_CMD_TARGET_ADD, &(struct scst_nl_names){
		.driver = drv->tgtt->name, .target = tgt->name });
	mutex_unlock(&scst_mutex);
	return tgt;

out_unlock:
	mutex_unlock(&scst_mutex);
out_free:
	if (tgt->default_acg)
		scst_acg_free(tgt->default_acg);
	kfree(tgt->name);
	kfree(tgt);
	return ERR_PTR(res);
}
EXPORT_SYMBOL_GPL(scst_register_target);

/* The driver has unregistered every session of @tgt before calling this. */
void scst_unregister_target(struct scst_tgt *tgt)
{
	struct scst_acg *acg, *tmp;

	mutex_lock(&scst_mutex);
	WARN_ON(!list_empty(&tgt->sessions));
	list_del(&tgt->list);
	scst_alua_tgt_changed(tgt);
	list_for_each_entry_safe(acg, tmp, &tgt->acgs, list)
		scst_acg_destroy(acg, true);
	__scst_acg_clear_luns(tgt->default_acg);
	scst_nl_config_changed(SCST_CMD_TARGET_DEL, &(struct scst_nl_names){
		.driver = tgt->drv->tgtt->name, .target = tgt->name });
	mutex_unlock(&scst_mutex);

	scst_sysfs_tgt_del(tgt);
	wait_for_completion(&tgt->kobj_released);
	scst_mv_free(&tgt->mv_values);
	scst_acg_free(tgt->default_acg);
	kfree(tgt->name);
	kfree(tgt);
}
EXPORT_SYMBOL_GPL(scst_unregister_target);

/* The target using relative target port identifier @id, if any. */
static struct scst_tgt *scst_rel_tgt_id_user(u16 id)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;

	list_for_each_entry(drv, &scst_tgt_driver_list, list)
		list_for_each_entry(tgt, &drv->tgts, list)
			if (tgt->rel_tgt_id == id)
				return tgt;
	return NULL;
}

/**
 * scst_tgt_set_rel_tgt_id() - set the relative target port identifier
 * @tgt: a registered target
 * @id: the identifier, 1..65535
 * @user: set to the target that already uses @id on -EEXIST
 *
 * SPC: relative port identifiers are unique within the SCSI device. Called
 * with scst_mutex held, for sysfs and netlink alike.
 *
 * Return: 0, -EINVAL for 0 or -EEXIST.
 */
int scst_tgt_set_rel_tgt_id(struct scst_tgt *tgt, u16 id,
			    struct scst_tgt **user)
{
	lockdep_assert_held(&scst_mutex);
	if (!id)
		return -EINVAL;
	*user = scst_rel_tgt_id_user(id);
	if (*user && *user != tgt)
		return -EEXIST;
	/* The data path reads it without the lock (INQUIRY VPD page 0x83). */
	WRITE_ONCE(tgt->rel_tgt_id, id);
	scst_alua_tgt_changed(tgt);
	scst_nl_config_changed(SCST_CMD_TARGET_SET, &(struct scst_nl_names){
		.driver = tgt->drv->tgtt->name, .target = tgt->name });
	return 0;
}

/**
 * scst_tgt_enable() - enable or disable a target through its driver
 * @tgt: the target, pinned by the caller
 * @enable: the new state
 *
 * Called without scst_mutex: the driver may call back into the core.
 *
 * Return: 0, -EOPNOTSUPP if the driver cannot, or the driver's error.
 */
int scst_tgt_enable(struct scst_tgt *tgt, bool enable)
{
	const struct scst_tgt_template *tgtt = tgt->drv->tgtt;
	int res;

	if (!tgtt->enable_target)
		return -EOPNOTSUPP;
	res = tgtt->enable_target(tgt, enable);
	if (!res)
		scst_nl_config_changed(SCST_CMD_TARGET_SET,
				       &(struct scst_nl_names){
					       .driver = tgtt->name,
					       .target = tgt->name });
	return res;
}

/* Whether the first word of @line is @verb. */
static bool scst_verb_is(const char *line, const char *verb)
{
	size_t len = strlen(verb);

	return !strncmp(line, verb, len) && (!line[len] || isspace(line[len]));
}

/**
 * scst_tgtt_mgmt_verb_reserved() - a targets/<driver>/mgmt verb of the core
 * @line: the management line
 *
 * Return: true for add_target, del_target and the verbs of multi-valued
 * attributes (scst_mv_mgmt()), which do not go to mgmt_cmd.
 */
bool scst_tgtt_mgmt_verb_reserved(const char *line)
{
	line = skip_spaces(line);
	return scst_verb_is(line, "add_target") ||
	       scst_verb_is(line, "del_target") || scst_mv_mgmt_verb(line);
}

/**
 * scst_tgtt_mgmt_cmd() - pass a management line to the driver's mgmt_cmd
 * @tgtt: the driver, pinned by the caller, with a mgmt_cmd
 * @line: the line, e.g. "add_session TARGET NAME"
 *
 * Called without scst_mutex: the driver calls back into the core.
 *
 * Return: 0 or a negative errno.
 */
int scst_tgtt_mgmt_cmd(const struct scst_tgt_template *tgtt, const char *line)
{
	char *copy;
	int res;

	/* The driver may cut up its copy while parsing it. */
	copy = kstrdup(line, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	res = tgtt->mgmt_cmd(copy);
	kfree(copy);
	if (!res)
		scst_nl_config_changed(SCST_CMD_DRIVER_MGMT,
				       &(struct scst_nl_names){
					       .driver = tgtt->name });
	return res;
}

void scst_tgt_set_priv(struct scst_tgt *tgt, void *priv)
{
	tgt->tgt_priv = priv;
}
EXPORT_SYMBOL_GPL(scst_tgt_set_priv);

void *scst_tgt_get_priv(struct scst_tgt *tgt)
{
	return tgt->tgt_priv;
}
EXPORT_SYMBOL_GPL(scst_tgt_get_priv);

const char *scst_tgt_get_name(struct scst_tgt *tgt)
{
	return tgt->name;
}
EXPORT_SYMBOL_GPL(scst_tgt_get_name);

/* ---- sessions ---- */

struct scst_session *scst_register_session(struct scst_tgt *tgt,
					   const char *initiator_name,
					   void *tgt_priv)
{
	struct scst_session *sess;
	int res = -ENOMEM;

	if (!initiator_name || !*initiator_name)
		return ERR_PTR(-EINVAL);
	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	sess->initiator_name = kstrdup(initiator_name, GFP_KERNEL);
	if (!sess->initiator_name)
		goto out_free;
	sess->tgt = tgt;
	sess->tgt_priv = tgt_priv;
	xa_init(&sess->tgt_devs);
	INIT_LIST_HEAD(&sess->tgt_dev_list);
	spin_lock_init(&sess->cmd_lock);
	INIT_LIST_HEAD(&sess->cmd_list);
	scst_copy_sess_init(sess);
	refcount_set(&sess->refcnt, 1);
	init_completion(&sess->kobj_released);

	mutex_lock(&scst_mutex);
	res = scst_sess_attach_acg(sess, scst_acg_for_initiator(tgt, initiator_name));
	if (res)
		goto out_detach;
	/* A new I_T nexus starts with a power on/reset Unit Attention. */
	scst_ua_add_all_sess(sess, SCST_AQ_POWER_ON_RESET);
	res = scst_sysfs_sess_add(sess);
	if (res)
		goto out_detach;
	sess->sysfs_added = true;
	list_add_tail(&sess->list, &tgt->sessions);
	scst_nl_sess_event(SCST_EVENT_SESSION_UP, sess);
	mutex_unlock(&scst_mutex);
	return sess;

out_detach:
	scst_sess_detach_acg(sess);
	mutex_unlock(&scst_mutex);
	xa_destroy(&sess->tgt_devs);
out_free:
	kfree(sess->initiator_name);
	kfree(sess);
	return ERR_PTR(res);
}
EXPORT_SYMBOL_GPL(scst_register_session);

/*
 * Wait until every command of the session has finished, then tear it down.
 * The driver must make sure no new command arrives and that the ones in
 * flight complete (it calls scst_tgt_cmd_done() for each).
 */
void scst_unregister_session(struct scst_session *sess)
{
	DECLARE_COMPLETION_ONSTACK(done);

	mutex_lock(&scst_mutex);
	list_del(&sess->list);
	scst_nl_sess_event(SCST_EVENT_SESSION_DOWN, sess);
	mutex_unlock(&scst_mutex);

	sess->shutdown_done = &done;
	if (!refcount_dec_and_test(&sess->refcnt))
		wait_for_completion(&done);

	mutex_lock(&scst_mutex);
	scst_pr_sess_gone(sess);	/* I_T nexus loss */
	scst_sess_detach_acg(sess);
	mutex_unlock(&scst_mutex);
	scst_copy_sess_gone(sess);

	if (sess->sysfs_added) {
		scst_sysfs_sess_del(sess);
		wait_for_completion(&sess->kobj_released);
	}
	xa_destroy(&sess->tgt_devs);
	kfree(sess->initiator_name);
	kfree(sess);
}
EXPORT_SYMBOL_GPL(scst_unregister_session);

void *scst_sess_get_priv(struct scst_session *sess)
{
	return sess->tgt_priv;
}
EXPORT_SYMBOL_GPL(scst_sess_get_priv);

const char *scst_sess_get_initiator_name(struct scst_session *sess)
{
	return sess->initiator_name;
}
EXPORT_SYMBOL_GPL(scst_sess_get_initiator_name);

struct scst_tgt *scst_sess_get_tgt(struct scst_session *sess)
{
	return sess->tgt;
}
EXPORT_SYMBOL_GPL(scst_sess_get_tgt);

/* ---- device handlers and devices ---- */

struct scst_dev_driver *scst_find_dev_driver(const char *name)
{
	struct scst_dev_driver *drv;

	list_for_each_entry(drv, &scst_dev_driver_list, list)
		if (!strcmp(drv->devt->name, name))
			return drv;
	return NULL;
}

static struct scst_dev_driver *scst_devt_to_drv(const struct scst_dev_type *devt)
{
	struct scst_dev_driver *drv;

	list_for_each_entry(drv, &scst_dev_driver_list, list)
		if (drv->devt == devt)
			return drv;
	return NULL;
}

int scst_register_dev_driver(const struct scst_dev_type *devt)
{
	struct scst_dev_driver *drv;
	int res;

	if (!devt->name || !devt->exec) {
		pr_err("scst: device handler without name or exec\n");
		return -EINVAL;
	}
	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->devt = devt;
	INIT_LIST_HEAD(&drv->devs);
	init_completion(&drv->kobj_released);

	mutex_lock(&scst_mutex);
	if (scst_find_dev_driver(devt->name)) {
		res = -EEXIST;
		goto out_unlock;
	}
	res = scst_sysfs_dev_driver_add(drv);
	if (res)
		goto out_unlock;
	list_add_tail(&drv->list, &scst_dev_driver_list);
	mutex_unlock(&scst_mutex);
	return 0;

out_unlock:
	mutex_unlock(&scst_mutex);
	kfree(drv);
	return res;
}
EXPORT_SYMBOL_GPL(scst_register_dev_driver);

void scst_unregister_dev_driver(const struct scst_dev_type *devt)
{
	struct scst_dev_driver *drv;

	mutex_lock(&scst_mutex);
	drv = scst_devt_to_drv(devt);
	if (!drv) {
		mutex_unlock(&scst_mutex);
		return;
	}
	WARN_ON(!list_empty(&drv->devs));
	list_del(&drv->list);
	mutex_unlock(&scst_mutex);

	scst_sysfs_dev_driver_del(drv);
	wait_for_completion(&drv->kobj_released);
	kfree(drv);
}
EXPORT_SYMBOL_GPL(scst_unregister_dev_driver);

struct scst_device *__scst_find_device(const char *name)
{
	struct scst_device *dev;

	list_for_each_entry(dev, &scst_device_list, list)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

struct scst_device *scst_find_device(const char *name)
{
	struct scst_device *dev;

	mutex_lock(&scst_mutex);
	dev = __scst_find_device(name);
	mutex_unlock(&scst_mutex);
	return dev;
}
EXPORT_SYMBOL_GPL(scst_find_device);

struct scst_device *scst_register_virtual_device(const struct scst_dev_type *devt,
						 const char *name,
						 void *dh_priv)
{
	struct scst_dev_driver *drv;
	struct scst_device *dev;
	unsigned int threads;
	int res = -ENOMEM;

	if (!name || !*name || strchr(name, '/') || strlen(name) >= SCST_MAX_NAME)
		return ERR_PTR(-EINVAL);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->name = kstrdup(name, GFP_KERNEL);
	if (!dev->name)
		goto out_free;
	dev->devt = devt;
	dev->dh_priv = dh_priv;
	INIT_LIST_HEAD(&dev->acg_devs);
	INIT_LIST_HEAD(&dev->tgt_devs);
	spin_lock_init(&dev->mode_lock);
	init_completion(&dev->kobj_released);
	dev->lu.pdt = devt->type;
	dev->lu.block_size = 512;

	threads = devt->threads_num ?: SCST_DEFAULT_THREADS;
	dev->wq = alloc_workqueue("scst_%s", WQ_UNBOUND | WQ_MEM_RECLAIM,
				  threads, name);
	if (!dev->wq)
		goto out_free;
	/* Before the device is visible: an APTPL state is back at once. */
	res = scst_pr_dev_init(dev);
	if (res)
		goto out_wq;

	mutex_lock(&scst_mutex);
	drv = scst_devt_to_drv(devt);
	if (!drv) {
		res = -ENOENT;
		goto out_unlock;
	}
	if (__scst_find_device(name)) {
		res = -EEXIST;
		goto out_unlock;
	}
	dev->drv = drv;
	if (devt->attach) {
		res = devt->attach(dev);	/* fills in dev->lu */
		if (res)
			goto out_unlock;
	}
	dev->lu.pr_supported = true;
	scst_mode_params_default(&dev->lu, &dev->mode_cur);
	dev->mode_saved = dev->mode_cur;
	res = scst_sysfs_dev_add(dev);
	if (res)
		goto out_detach;
	list_add_tail(&dev->list, &scst_device_list);
	list_add_tail(&dev->drv_list, &drv->devs);
	scst_nl_dev_event(SCST_EVENT_DEVICE_ADDED, dev);
	scst_nl_config_changed(SCST_CMD_DEVICE_ADD, &(struct scst_nl_names){
		.handler = devt->name, .device = dev->name });
	mutex_unlock(&scst_mutex);
	return dev;

out_detach:
	if (devt->detach)
		devt->detach(dev);
out_unlock:
	mutex_unlock(&scst_mutex);
	scst_pr_dev_exit(dev);
out_wq:
	destroy_workqueue(dev->wq);
out_free:
	kfree(dev->name);
	kfree(dev);
	return ERR_PTR(res);
}
EXPORT_SYMBOL_GPL(scst_register_virtual_device);

/* Removes every LUN that exports @dev, waiting for its commands first. */
void scst_unregister_virtual_device(struct scst_device *dev)
{
	struct scst_acg_dev *acg_dev, *tmp;

	mutex_lock(&scst_mutex);
	list_for_each_entry_safe(acg_dev, tmp, &dev->acg_devs, dev_list)
		scst_acg_dev_destroy(acg_dev);
	scst_alua_dev_gone(dev);
	list_del(&dev->list);
	list_del(&dev->drv_list);
	scst_nl_dev_event(SCST_EVENT_DEVICE_REMOVED, dev);
	scst_nl_config_changed(SCST_CMD_DEVICE_DEL, &(struct scst_nl_names){
		.handler = dev->devt->name, .device = dev->name });
	if (dev->devt->detach)
		dev->devt->detach(dev);
	mutex_unlock(&scst_mutex);

	scst_sysfs_dev_del(dev);
	wait_for_completion(&dev->kobj_released);
	destroy_workqueue(dev->wq);
	scst_pr_dev_exit(dev);
	kfree(dev->name);
	kfree(dev);
}
EXPORT_SYMBOL_GPL(scst_unregister_virtual_device);

void *scst_dev_get_priv(struct scst_device *dev)
{
	return dev->dh_priv;
}
EXPORT_SYMBOL_GPL(scst_dev_get_priv);

const char *scst_dev_get_name(struct scst_device *dev)
{
	return dev->name;
}
EXPORT_SYMBOL_GPL(scst_dev_get_name);

struct scst_lu_desc *scst_dev_lu(struct scst_device *dev)
{
	return &dev->lu;
}
EXPORT_SYMBOL_GPL(scst_dev_lu);

void scst_dev_capacity_changed(struct scst_device *dev)
{
	scst_ua_add_all_dev(dev, SCST_AQ_CAPACITY_CHANGED, NULL);
	scst_nl_dev_event(SCST_EVENT_DEVICE_RESIZED, dev);
}
EXPORT_SYMBOL_GPL(scst_dev_capacity_changed);

/* ---- management line parsing ---- */

/**
 * scst_get_next_param() - split "key=value; key2=value2" parameters
 * @params: cursor into the parameter string; advanced past the parameter
 * @value: set to the value (without surrounding blanks), or "" if absent
 *
 * Return: the next key, or NULL at the end of the string.
 */
char *scst_get_next_param(char **params, char **value)
{
	char *p = *params, *key, *end;

	while (p && (*p == ';' || isspace(*p)))
		p++;
	if (!p || !*p)
		return NULL;
	key = p;
	end = strchr(p, ';');
	if (end)
		*end++ = '\0';
	*params = end;

	*value = strchr(key, '=');
	if (*value) {
		*(*value)++ = '\0';
		*value = strim(*value);
	} else {
		*value = key + strlen(key);
	}
	return strim(key);
}
EXPORT_SYMBOL_GPL(scst_get_next_param);

/* ---- module ---- */

static int __init scst_init(void)
{
	int res;

	scst_wq = alloc_workqueue("scst", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!scst_wq)
		return -ENOMEM;
	res = scst_targ_init();
	if (res)
		goto out_wq;
	res = scst_mem_init();
	if (res)
		goto out_targ;
	res = scst_tm_init();
	if (res)
		goto out_mem;
	res = scst_sysfs_init();
	if (res)
		goto out_tm;
	res = scst_nl_init();
	if (res)
		goto out_sysfs;
	pr_info("scst: SCSI target core loaded\n");
	return 0;

out_sysfs:
	scst_sysfs_exit();
out_tm:
	scst_tm_exit();
out_mem:
	scst_mem_exit();
out_targ:
	scst_targ_exit();
out_wq:
	destroy_workqueue(scst_wq);
	return res;
}

static void __exit scst_exit(void)
{
	scst_nl_exit();
	scst_sysfs_exit();
	scst_tm_exit();
	scst_mem_exit();
	destroy_workqueue(scst_wq);
	scst_targ_exit();
	rcu_barrier();	/* kfree_rcu() of tgt_devs */
}

module_init(scst_init);
module_exit(scst_exit);
MODULE_DESCRIPTION("SCSI target core");
MODULE_LICENSE("GPL");
