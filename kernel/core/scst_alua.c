// SPDX-License-Identifier: GPL-2.0
/*
 * ALUA (SPC-4 5.15): device groups and their target port groups, laid out
 * as SCST has them under /sys/kernel/scst_tgt:
 *
 *   device_groups/            mgmt: create|del DG
 *     <dg>/devices/           mgmt: add|del DEVICE; <device> -> devices/<device>
 *     <dg>/target_groups/     mgmt: add|del TG
 *       <tg>/                 group_id, state, preferred; mgmt: add|del TARGET
 *         <target>/           rel_tgt_id (of a target on another node)
 *
 * A device is in at most one device group; its logical unit then reports
 * TPGS (implicit and explicit) in INQUIRY, the target port group of the
 * I_T nexus in VPD page 0x83, and executes REPORT and SET TARGET PORT
 * GROUPS. A target port (matched by name, whatever its driver) in a target
 * group of the device group gets the group's access state: the command
 * rules are scst_alua_check()'s (scst_tpg.c). A target port in no group of
 * the device group is not restricted.
 *
 * Locking: the configuration changes under scst_mutex, like every other
 * object. The data path reads the groups under RCU: dev->dg, the lists
 * and the states. SET TARGET PORT GROUPS cannot take scst_mutex (its
 * holders wait for commands to finish), so the states change under
 * scst_alua_lock, a spinlock, both from STPG and from the configuration.
 * Objects are unlinked under scst_mutex and freed after a grace period.
 */
#define pr_fmt(fmt) "scst: " fmt

#include <linux/kobject.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "scst_priv.h"
#include "scst_lba_map.h"
#include "scst_tpg.h"
#include "uapi/scst_netlink.h"

/* Target port groups per device group: what one STPG can name. */
#define SCST_ALUA_MAX_TGS	64
/* Seconds an initiator should allow for an implicit transition. */
#define SCST_ALUA_TRANS_TIME	10
/* scstadmin saves the values marked like this (scst_sysfs.c). */
#define SCST_ALUA_KEY_MARK	"[key]"

/* A directory whose removal the remover waits for (see scst_sysfs.c). */
struct scst_alua_kobj {
	struct kobject kobj;
	struct completion released;
};

struct scst_dg {
	char *name;
	struct list_head list;		/* scst_dg_list, RCU */
	struct list_head devs;		/* struct scst_dg_dev, RCU */
	struct list_head tgs;		/* struct scst_tg, RCU */
	bool dead;			/* unlinked, its files may still run */
	struct scst_alua_kobj kobj;	/* device_groups/<dg> */
	struct scst_alua_kobj devs_kobj;	/* <dg>/devices */
	struct scst_alua_kobj tgs_kobj;	/* <dg>/target_groups */
};

struct scst_dg_dev {
	struct list_head list;		/* dg->devs, RCU */
	struct scst_device *dev;
	struct rcu_head rcu;
};

struct scst_tg {
	struct scst_dg *dg;
	char *name;
	struct list_head list;		/* dg->tgs, RCU */
	struct list_head tgts;		/* struct scst_tg_tgt, RCU */
	u16 group_id;
	u8 state;			/* SCST_ALUA_*, scst_alua_lock */
	u8 status;			/* SCST_TPG_STATUS_*, scst_alua_lock */
	bool preferred;
	bool dead;
	struct scst_alua_kobj kobj;	/* target_groups/<tg> */
};

struct scst_tg_tgt {
	struct scst_tg *tg;
	char *name;
	struct list_head list;		/* tg->tgts, RCU */
	u16 rel_tgt_id;			/* configured: a target of another node */
	u16 port_id;			/* reported: the local target's, or the above */
	bool dead;
	struct scst_alua_kobj kobj;	/* <tg>/<target> */
};

/* A device's user data segments (logical block dependent state). */
struct scst_lba_map {
	struct rcu_head rcu;
	unsigned int n;
	struct scst_lba_seg segs[];
};

static LIST_HEAD(scst_dg_list);
static DEFINE_SPINLOCK(scst_alua_lock);
static struct kobject *scst_dgs_kobj;

static const char *const scst_tg_files[] = {
	"mgmt", "group_id", "state", "preferred", NULL
};

/* ---- lookups (scst_mutex held) ---- */

static struct scst_dg *scst_dg_find(const char *name)
{
	struct scst_dg *dg;

	list_for_each_entry(dg, &scst_dg_list, list)
		if (!strcmp(dg->name, name))
			return dg;
	return NULL;
}

static struct scst_tg *scst_tg_find(struct scst_dg *dg, const char *name)
{
	struct scst_tg *tg;

	list_for_each_entry(tg, &dg->tgs, list)
		if (!strcmp(tg->name, name))
			return tg;
	return NULL;
}

static struct scst_tg_tgt *scst_tg_tgt_find(struct scst_tg *tg,
					    const char *name)
{
	struct scst_tg_tgt *m;

	list_for_each_entry(m, &tg->tgts, list)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static struct scst_dg_dev *scst_dg_dev_find(struct scst_dg *dg,
					    struct scst_device *dev)
{
	struct scst_dg_dev *dd;

	list_for_each_entry(dd, &dg->devs, list)
		if (dd->dev == dev)
			return dd;
	return NULL;
}

/* A registered target of any driver called @name. */
static struct scst_tgt *scst_alua_find_tgt(const char *name)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;

	list_for_each_entry(drv, &scst_tgt_driver_list, list) {
		tgt = __scst_find_target(drv, name);
		if (tgt)
			return tgt;
	}
	return NULL;
}

static void scst_tg_tgt_update(struct scst_tg_tgt *m)
{
	struct scst_tgt *tgt = scst_alua_find_tgt(m->name);

	WRITE_ONCE(m->port_id, tgt ? READ_ONCE(tgt->rel_tgt_id) : m->rel_tgt_id);
}

/**
 * scst_alua_tgt_changed() - a target came, went or has a new rel_tgt_id
 * @tgt: the target
 *
 * REPORT TARGET PORT GROUPS lists the relative port identifiers of the
 * groups' targets; it cannot look them up itself (scst_mutex). Called with
 * scst_mutex held, after the change.
 */
void scst_alua_tgt_changed(struct scst_tgt *tgt)
{
	struct scst_tg_tgt *m;
	struct scst_dg *dg;
	struct scst_tg *tg;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(dg, &scst_dg_list, list)
		list_for_each_entry(tg, &dg->tgs, list)
			list_for_each_entry(m, &tg->tgts, list)
				if (!strcmp(m->name, tgt->name))
					scst_tg_tgt_update(m);
}

static void scst_alua_changed(u8 cmd)
{
	scst_nl_config_changed(cmd, &(struct scst_nl_names){});
}

/* ---- sysfs plumbing ---- */

static void scst_alua_kobj_release(struct kobject *kobj)
{
	complete(&container_of(kobj, struct scst_alua_kobj, kobj)->released);
}

static int scst_alua_kobj_add(struct scst_alua_kobj *k,
			      const struct kobj_type *ktype,
			      struct kobject *parent, const char *name)
{
	int res;

	init_completion(&k->released);
	res = kobject_init_and_add(&k->kobj, ktype, parent, "%s", name);
	if (res) {
		kobject_put(&k->kobj);
		wait_for_completion(&k->released);
	}
	return res;
}

/* Remove the directory and wait until nothing uses it (rule 3 of scst_sysfs.c). */
static void scst_alua_kobj_del(struct scst_alua_kobj *k)
{
	kobject_del(&k->kobj);
	kobject_put(&k->kobj);
	wait_for_completion(&k->released);
}

static struct scst_tg *scst_to_tg(struct kobject *kobj)
{
	return container_of(kobj, struct scst_tg, kobj.kobj);
}

static struct scst_dg *scst_tgs_to_dg(struct kobject *kobj)
{
	return container_of(kobj, struct scst_dg, tgs_kobj.kobj);
}

static struct scst_dg *scst_devs_to_dg(struct kobject *kobj)
{
	return container_of(kobj, struct scst_dg, devs_kobj.kobj);
}

/* ---- the mgmt files: "VERB NAME" adds or deletes a child ---- */

enum {
	SCST_ALUA_MGMT_DGS,		/* device_groups/mgmt */
	SCST_ALUA_MGMT_DG_DEVS,		/* <dg>/devices/mgmt */
	SCST_ALUA_MGMT_TGS,		/* <dg>/target_groups/mgmt */
	SCST_ALUA_MGMT_TG,		/* <tg>/mgmt */
};

/* Which verb a message is for. */
#define SCST_ALUA_MSG_ANY	0
#define SCST_ALUA_MSG_ADD	1
#define SCST_ALUA_MSG_DEL	2

struct scst_alua_mgmt_msg {
	int err;			/* the negative errno */
	u8 verb;			/* SCST_ALUA_MSG_* */
	const char *fmt;		/* of the object's name */
};

struct scst_alua_mgmt {
	const char *verb;		/* of adding; "del" deletes */
	const char *object;		/* in the usage */
	int (*op)(struct kobject *kobj, bool add, const char *name);
	/* The first match explains an error; else "NAME": errno. */
	struct scst_alua_mgmt_msg msgs[4];
};

/* A mgmt file: the table entry it runs. */
struct scst_alua_mgmt_attr {
	struct kobj_attribute attr;
	const struct scst_alua_mgmt *mgmt;
};

static int scst_alua_mgmt_dgs(struct kobject *kobj, bool add,
			      const char *name)
{
	return add ? scst_dg_add(name) : scst_dg_del(name);
}

static int scst_alua_mgmt_dg_devs(struct kobject *kobj, bool add,
				  const char *name)
{
	struct scst_dg *dg = scst_devs_to_dg(kobj);

	return add ? scst_dg_dev_add(dg, name) : scst_dg_dev_del(dg, name);
}

static int scst_alua_mgmt_tgs(struct kobject *kobj, bool add,
			      const char *name)
{
	struct scst_dg *dg = scst_tgs_to_dg(kobj);

	return add ? scst_tg_add(dg, name) : scst_tg_del(dg, name);
}

static int scst_alua_mgmt_tg(struct kobject *kobj, bool add,
			     const char *name)
{
	struct scst_tg *tg = scst_to_tg(kobj);

	return add ? scst_tg_tgt_add(tg, name) : scst_tg_tgt_del(tg, name);
}

static const struct scst_alua_mgmt scst_alua_mgmt_table[] = {
	[SCST_ALUA_MGMT_DGS] = {
		.verb = "create", .object = "DEVICE_GROUP_NAME",
		.op = scst_alua_mgmt_dgs,
		.msgs = {
			{ -EEXIST, SCST_ALUA_MSG_ANY,
			  "create: device group \"%s\" already exists" },
			{ -ENOENT, SCST_ALUA_MSG_ANY,
			  "del: device group \"%s\" not found" },
			{ -EINVAL, SCST_ALUA_MSG_ANY,
			  "create: \"%s\" cannot be a directory name (no '/', not \"mgmt\")" },
		},
	},
	[SCST_ALUA_MGMT_DG_DEVS] = {
		.verb = "add", .object = "DEVICE_NAME",
		.op = scst_alua_mgmt_dg_devs,
		.msgs = {
			{ -EEXIST, SCST_ALUA_MSG_ANY,
			  "add: device \"%s\" is already in a device group" },
			{ -ENOENT, SCST_ALUA_MSG_ADD,
			  "device \"%s\" not found" },
			{ -ENOENT, SCST_ALUA_MSG_DEL,
			  "device \"%s\" not found in this group" },
		},
	},
	[SCST_ALUA_MGMT_TGS] = {
		.verb = "add", .object = "TARGET_GROUP_NAME",
		.op = scst_alua_mgmt_tgs,
		.msgs = {
			{ -EEXIST, SCST_ALUA_MSG_ANY,
			  "add: target group \"%s\" already exists" },
			{ -ENOENT, SCST_ALUA_MSG_ANY,
			  "del: target group \"%s\" not found" },
			{ -ENOSPC, SCST_ALUA_MSG_ANY,
			  "add: at most " __stringify(SCST_ALUA_MAX_TGS)
			  " target groups per device group" },
		},
	},
	[SCST_ALUA_MGMT_TG] = {
		.verb = "add", .object = "TARGET_NAME",
		.op = scst_alua_mgmt_tg,
		.msgs = {
			{ -EEXIST, SCST_ALUA_MSG_ANY,
			  "add: target \"%s\" is already in the group" },
			{ -ENOENT, SCST_ALUA_MSG_ANY,
			  "del: target \"%s\" is not in the group" },
			{ -EINVAL, SCST_ALUA_MSG_ANY,
			  "add: \"%s\" cannot name a target here" },
		},
	},
};

static const struct scst_alua_mgmt *scst_to_alua_mgmt(struct kobj_attribute *attr)
{
	return container_of(attr, struct scst_alua_mgmt_attr, attr)->mgmt;
}

static ssize_t scst_alua_mgmt_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	const struct scst_alua_mgmt *m = scst_to_alua_mgmt(attr);

	return sysfs_emit(buf,
			  "Usage: echo \"%s %s\" >mgmt\n"
			  "       echo \"del %s\" >mgmt\n",
			  m->verb, m->object, m->object);
}

/*
 * "VERB NAME" with the table's verb or "del" ("add" and "create" are
 * synonyms, as SCST's scripts use both). Returns 1 for adding, 0 for
 * "del", with scst_mutex taken, or an errno (nothing held).
 */
static int scst_alua_mgmt_parse(struct kobject *kobj, char *line,
				const char *verb1, char **name)
{
	char *p = strim(line), *verb;
	int add, res;

	verb = scst_next_word(&p) ?: "";
	if (!strcmp(verb, verb1) || !strcmp(verb, "add") ||
	    !strcmp(verb, "create")) {
		add = 1;
	} else if (!strcmp(verb, "del")) {
		add = 0;
	} else {
		scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected %s or del",
			       verb, verb1);
		return -EINVAL;
	}
	*name = scst_next_word(&p);
	if (!*name || scst_words_left(p)) {
		scst_sysfs_err(kobj, "mgmt", "%s: expected \"%s NAME\"", verb,
			       verb);
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	return res ? res : add;
}

static ssize_t scst_alua_mgmt_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	const struct scst_alua_mgmt *m = scst_to_alua_mgmt(attr);
	const struct scst_alua_mgmt_msg *msg;
	char *line, *name;
	int add, res;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	add = scst_alua_mgmt_parse(kobj, line, m->verb, &name);
	if (add < 0) {
		res = add;
		goto out;
	}
	res = m->op(kobj, add, name);
	mutex_unlock(&scst_mutex);
	if (!res)
		goto out;
	for (msg = m->msgs; msg < m->msgs + ARRAY_SIZE(m->msgs) && msg->fmt;
	     msg++) {
		if (msg->err != res ||
		    msg->verb == (add ? SCST_ALUA_MSG_DEL : SCST_ALUA_MSG_ADD))
			continue;
		scst_sysfs_err(kobj, "mgmt", msg->fmt, name);
		goto out;
	}
	scst_sysfs_err(kobj, "mgmt", "\"%s\": %pe", name, ERR_PTR(res));
out:
	kfree(line);
	return res ? res : count;
}

#define SCST_ALUA_MGMT_ATTR(i) {					\
	.attr = __ATTR(mgmt, 0644, scst_alua_mgmt_show,			\
		       scst_alua_mgmt_store),				\
	.mgmt = &scst_alua_mgmt_table[i],				\
}

/* ---- target port group members ---- */

static struct scst_tg_tgt *scst_to_tg_tgt(struct kobject *kobj)
{
	return container_of(kobj, struct scst_tg_tgt, kobj.kobj);
}

static ssize_t scst_tg_tgt_rel_tgt_id_show(struct kobject *kobj,
					   struct kobj_attribute *attr,
					   char *buf)
{
	struct scst_tg_tgt *m = scst_to_tg_tgt(kobj);

	if (!m->rel_tgt_id)
		return sysfs_emit(buf, "%u\n", READ_ONCE(m->port_id));
	return sysfs_emit(buf, "%u\n%s\n", m->rel_tgt_id, SCST_ALUA_KEY_MARK);
}

static ssize_t scst_tg_tgt_rel_tgt_id_store(struct kobject *kobj,
					    struct kobj_attribute *attr,
					    const char *buf, size_t count)
{
	struct scst_tg_tgt *m = scst_to_tg_tgt(kobj);
	u16 id;
	int res;

	if (kstrtou16(buf, 0, &id)) {
		scst_sysfs_err(kobj, "rel_tgt_id", "expected a number in 0..65535");
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	res = scst_tg_tgt_set_rel_tgt_id(m, id);
	mutex_unlock(&scst_mutex);
	return res ? res : count;
}

static struct kobj_attribute scst_tg_tgt_rel_tgt_id_attr =
	__ATTR(rel_tgt_id, 0644, scst_tg_tgt_rel_tgt_id_show,
	       scst_tg_tgt_rel_tgt_id_store);

static struct attribute *scst_tg_tgt_attrs[] = {
	&scst_tg_tgt_rel_tgt_id_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_tg_tgt);

static const struct kobj_type scst_tg_tgt_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_alua_kobj_release,
	.default_groups = scst_tg_tgt_groups,
};

int scst_tg_tgt_set_rel_tgt_id(struct scst_tg_tgt *m, u16 id)
{
	lockdep_assert_held(&scst_mutex);
	if (m->dead)
		return -ENODEV;
	m->rel_tgt_id = id;
	scst_tg_tgt_update(m);
	scst_alua_changed(SCST_CMD_TG_TARGET_SET);
	return 0;
}

int scst_tg_tgt_add(struct scst_tg *tg, const char *name)
{
	struct scst_tg_tgt *m;
	int res;

	lockdep_assert_held(&scst_mutex);
	if (tg->dead)
		return -ENODEV;
	if (!scst_mgmt_name_ok(name) || match_string(scst_tg_files, -1, name) >= 0)
		return -EINVAL;
	if (scst_tg_tgt_find(tg, name))
		return -EEXIST;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->name = kstrdup(name, GFP_KERNEL);
	if (!m->name) {
		kfree(m);
		return -ENOMEM;
	}
	m->tg = tg;
	res = scst_alua_kobj_add(&m->kobj, &scst_tg_tgt_ktype, &tg->kobj.kobj,
				 name);
	if (res) {
		kfree(m->name);
		kfree(m);
		return res;
	}
	scst_tg_tgt_update(m);
	list_add_tail_rcu(&m->list, &tg->tgts);
	scst_alua_changed(SCST_CMD_TG_TARGET_ADD);
	return 0;
}

static void scst_tg_tgt_destroy(struct scst_tg_tgt *m)
{
	m->dead = true;
	list_del_rcu(&m->list);
	scst_alua_kobj_del(&m->kobj);
	synchronize_rcu();
	kfree(m->name);
	kfree(m);
}

int scst_tg_tgt_del(struct scst_tg *tg, const char *name)
{
	struct scst_tg_tgt *m;

	lockdep_assert_held(&scst_mutex);
	if (tg->dead)
		return -ENODEV;
	m = scst_tg_tgt_find(tg, name);
	if (!m)
		return -ENOENT;
	scst_tg_tgt_destroy(m);
	scst_alua_changed(SCST_CMD_TG_TARGET_DEL);
	return 0;
}

/* ---- target port groups ---- */

/* Raise ASYMMETRIC ACCESS STATE CHANGED for every nexus of @dg but @except. */
static void scst_dg_state_changed_ua(struct scst_dg *dg,
				     struct scst_tgt_dev *except)
{
	struct scst_dg_dev *dd;

	rcu_read_lock();
	list_for_each_entry_rcu(dd, &dg->devs, list)
		scst_ua_add_all_dev(dd->dev, SCST_AQ_ALUA_STATE_CHANGED, except);
	rcu_read_unlock();
}

int scst_tg_set_state(struct scst_tg *tg, u8 state)
{
	bool changed;

	lockdep_assert_held(&scst_mutex);
	if (tg->dead)
		return -ENODEV;
	if (!scst_alua_state_name(state))
		return -EINVAL;
	spin_lock(&scst_alua_lock);
	changed = tg->state != state;
	WRITE_ONCE(tg->state, state);
	if (changed)
		tg->status = SCST_TPG_STATUS_IMPLICIT;
	spin_unlock(&scst_alua_lock);
	if (!changed)
		return 0;
	scst_dg_state_changed_ua(tg->dg, NULL);
	scst_alua_changed(SCST_CMD_TG_SET);
	return 0;
}

int scst_tg_set_group_id(struct scst_tg *tg, u16 id)
{
	struct scst_tg *other;

	lockdep_assert_held(&scst_mutex);
	if (tg->dead)
		return -ENODEV;
	if (!id)
		return -EINVAL;
	list_for_each_entry(other, &tg->dg->tgs, list)
		if (other != tg && other->group_id == id)
			return -EEXIST;
	if (tg->group_id == id)
		return 0;
	WRITE_ONCE(tg->group_id, id);
	/* What the initiators know of the groups changed: make them look. */
	scst_dg_state_changed_ua(tg->dg, NULL);
	scst_alua_changed(SCST_CMD_TG_SET);
	return 0;
}

int scst_tg_set_preferred(struct scst_tg *tg, bool preferred)
{
	lockdep_assert_held(&scst_mutex);
	if (tg->dead)
		return -ENODEV;
	if (tg->preferred == preferred)
		return 0;
	WRITE_ONCE(tg->preferred, preferred);
	scst_alua_changed(SCST_CMD_TG_SET);
	return 0;
}

static ssize_t scst_tg_group_id_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n%s\n", READ_ONCE(scst_to_tg(kobj)->group_id),
			  SCST_ALUA_KEY_MARK);
}

static ssize_t scst_tg_group_id_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct scst_tg *tg = scst_to_tg(kobj);
	u16 id;
	int res;

	if (kstrtou16(buf, 0, &id) || !id) {
		scst_sysfs_err(kobj, "group_id", "expected a number in 1..65535");
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	res = scst_tg_set_group_id(tg, id);
	if (res == -EEXIST)
		scst_sysfs_err(kobj, "group_id", "%u is the group_id of another target group of %s",
			       id, tg->dg->name);
	mutex_unlock(&scst_mutex);
	return res ? res : count;
}

static ssize_t scst_tg_state_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	u8 state = READ_ONCE(scst_to_tg(kobj)->state);

	if (state == SCST_ALUA_ACTIVE)
		return sysfs_emit(buf, "%s\n", scst_alua_state_name(state));
	return sysfs_emit(buf, "%s\n%s\n", scst_alua_state_name(state),
			  SCST_ALUA_KEY_MARK);
}

static ssize_t scst_tg_state_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	char name[SCST_ALUA_STATE_NAME_MAX];
	u8 state;
	int res;

	if (count >= sizeof(name)) {
		name[0] = '\0';
	} else {
		memcpy(name, buf, count);
		name[count] = '\0';
	}
	if (scst_alua_state_parse(strim(name), &state)) {
		scst_sysfs_err(kobj, "state", "expected active, nonoptimized, standby, unavailable, lba_dependent, offline or transitioning");
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	res = scst_tg_set_state(scst_to_tg(kobj), state);
	mutex_unlock(&scst_mutex);
	return res ? res : count;
}

static ssize_t scst_tg_preferred_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	if (!READ_ONCE(scst_to_tg(kobj)->preferred))
		return sysfs_emit(buf, "0\n");
	return sysfs_emit(buf, "1\n%s\n", SCST_ALUA_KEY_MARK);
}

static ssize_t scst_tg_preferred_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	bool pref;
	int res;

	if (kstrtobool(buf, &pref)) {
		scst_sysfs_err(kobj, "preferred", "expected 0 or 1");
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	res = scst_tg_set_preferred(scst_to_tg(kobj), pref);
	mutex_unlock(&scst_mutex);
	return res ? res : count;
}

static struct kobj_attribute scst_tg_group_id_attr =
	__ATTR(group_id, 0644, scst_tg_group_id_show, scst_tg_group_id_store);
static struct kobj_attribute scst_tg_state_attr =
	__ATTR(state, 0644, scst_tg_state_show, scst_tg_state_store);
static struct kobj_attribute scst_tg_preferred_attr =
	__ATTR(preferred, 0644, scst_tg_preferred_show, scst_tg_preferred_store);
static struct scst_alua_mgmt_attr scst_tg_mgmt_attr =
	SCST_ALUA_MGMT_ATTR(SCST_ALUA_MGMT_TG);

static struct attribute *scst_tg_attrs[] = {
	&scst_tg_group_id_attr.attr,
	&scst_tg_state_attr.attr,
	&scst_tg_preferred_attr.attr,
	&scst_tg_mgmt_attr.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_tg);

static const struct kobj_type scst_tg_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_alua_kobj_release,
	.default_groups = scst_tg_groups,
};

int scst_tg_add(struct scst_dg *dg, const char *name)
{
	struct scst_tg *tg, *other;
	u16 id = 1;
	int res, n = 0;

	lockdep_assert_held(&scst_mutex);
	if (dg->dead)
		return -ENODEV;
	if (!scst_mgmt_name_ok(name))
		return -EINVAL;
	if (scst_tg_find(dg, name))
		return -EEXIST;
	/* The lowest unused group_id, until one is configured. */
again:
	list_for_each_entry(other, &dg->tgs, list) {
		n++;
		if (other->group_id == id) {
			id++;
			n = 0;
			goto again;
		}
	}
	if (n >= SCST_ALUA_MAX_TGS)
		return -ENOSPC;
	tg = kzalloc(sizeof(*tg), GFP_KERNEL);
	if (!tg)
		return -ENOMEM;
	tg->name = kstrdup(name, GFP_KERNEL);
	if (!tg->name) {
		kfree(tg);
		return -ENOMEM;
	}
	tg->dg = dg;
	tg->group_id = id;
	tg->state = SCST_ALUA_ACTIVE;
	INIT_LIST_HEAD(&tg->tgts);
	res = scst_alua_kobj_add(&tg->kobj, &scst_tg_ktype, &dg->tgs_kobj.kobj,
				 name);
	if (res) {
		kfree(tg->name);
		kfree(tg);
		return res;
	}
	list_add_tail_rcu(&tg->list, &dg->tgs);
	scst_dg_state_changed_ua(dg, NULL);
	scst_alua_changed(SCST_CMD_TG_ADD);
	return 0;
}

static void scst_tg_destroy(struct scst_tg *tg)
{
	struct scst_tg_tgt *m, *tmp;

	tg->dead = true;
	list_del_rcu(&tg->list);
	list_for_each_entry_safe(m, tmp, &tg->tgts, list)
		scst_tg_tgt_destroy(m);
	scst_alua_kobj_del(&tg->kobj);
	synchronize_rcu();
	kfree(tg->name);
	kfree(tg);
}

int scst_tg_del(struct scst_dg *dg, const char *name)
{
	struct scst_tg *tg;

	lockdep_assert_held(&scst_mutex);
	if (dg->dead)
		return -ENODEV;
	tg = scst_tg_find(dg, name);
	if (!tg)
		return -ENOENT;
	scst_tg_destroy(tg);
	scst_dg_state_changed_ua(dg, NULL);
	scst_alua_changed(SCST_CMD_TG_DEL);
	return 0;
}

static struct scst_alua_mgmt_attr scst_tgs_mgmt_attr =
	SCST_ALUA_MGMT_ATTR(SCST_ALUA_MGMT_TGS);

static struct attribute *scst_tgs_attrs[] = {
	&scst_tgs_mgmt_attr.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_tgs);

static const struct kobj_type scst_tgs_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_alua_kobj_release,
	.default_groups = scst_tgs_groups,
};

/* ---- device groups: devices ---- */

/* REPORT REFERRALS and its VPD page: a device group and a map. */
static void scst_dev_update_referrals(struct scst_device *dev)
{
	WRITE_ONCE(dev->lu.referrals, rcu_access_pointer(dev->dg) &&
		   rcu_access_pointer(dev->lba_map));
}

static void scst_dev_set_alua(struct scst_device *dev, struct scst_dg *dg)
{
	rcu_assign_pointer(dev->dg, dg);
	WRITE_ONCE(dev->lu.alua_supported, !!dg);
	WRITE_ONCE(dev->lu.alua_explicit, !!dg);
	scst_dev_update_referrals(dev);
}

/* ---- devices: user data segments (the lba_map file) ---- */

static bool scst_lba_map_equal(const struct scst_lba_map *map,
			       const struct scst_lba_seg *segs, unsigned int n)
{
	unsigned int i, j;

	if ((map ? map->n : 0) != n)
		return false;
	for (i = 0; i < n; i++) {
		const struct scst_lba_seg *a = &map->segs[i], *b = &segs[i];

		if (a->first != b->first || a->last != b->last ||
		    a->ntpgs != b->ntpgs)
			return false;
		for (j = 0; j < a->ntpgs; j++)
			if (a->tpgs[j].group_id != b->tpgs[j].group_id ||
			    a->tpgs[j].state != b->tpgs[j].state)
				return false;
	}
	return true;
}

/*
 * Replace the user data segments of @dev by @segs (@n 0: none). A device
 * in a device group tells its initiators (ASYMMETRIC ACCESS STATE
 * CHANGED): the states of its LBAs changed. scst_mutex held.
 */
static int scst_dev_set_lba_map(struct scst_device *dev,
				const struct scst_lba_seg *segs, unsigned int n)
{
	struct scst_lba_map *map = NULL, *old;

	lockdep_assert_held(&scst_mutex);
	old = rcu_dereference_protected(dev->lba_map,
					lockdep_is_held(&scst_mutex));
	if (scst_lba_map_equal(old, segs, n))
		return 0;
	if (n) {
		map = kmalloc(struct_size(map, segs, n), GFP_KERNEL);
		if (!map)
			return -ENOMEM;
		map->n = n;
		memcpy(map->segs, segs, n * sizeof(*segs));
	}
	rcu_assign_pointer(dev->lba_map, map);
	scst_dev_update_referrals(dev);
	if (old)
		kfree_rcu(old, rcu);
	if (rcu_access_pointer(dev->dg))
		scst_ua_add_all_dev(dev, SCST_AQ_ALUA_STATE_CHANGED, NULL);
	scst_nl_config_changed(SCST_CMD_DEVICE_SET, &(struct scst_nl_names){
		.handler = dev->devt->name, .device = dev->name });
	return 0;
}

/*
 * devices/<dev>/lba_map, for handlers to list in dev_attrs (and so also
 * device_groups/<dg>/devices/<dev>/lba_map): the user data segments and
 * their state through each target port group, "none" when there are none.
 * A target port group in the lba_dependent state uses them.
 */
static ssize_t scst_dev_lba_map_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct scst_device *dev = scst_kobj_to_dev(kobj);
	struct scst_lba_map *map;
	unsigned int len;

	if (!dev)
		return -ENOENT;
	rcu_read_lock();
	map = rcu_dereference(dev->lba_map);
	len = scst_lba_map_format(map ? map->segs : NULL, map ? map->n : 0,
				  buf, PAGE_SIZE - 8);
	rcu_read_unlock();
	len = min_t(unsigned int, len, PAGE_SIZE - 9);
	if (!map)
		return len + sysfs_emit_at(buf, len, "\n");
	return len + sysfs_emit_at(buf, len, "\n%s\n", SCST_ALUA_KEY_MARK);
}

static ssize_t scst_dev_lba_map_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct scst_device *dev = scst_kobj_to_dev(kobj);
	struct scst_lba_seg *segs;
	unsigned int n, pos;
	char *text;
	int res;

	if (!dev)
		return -ENOENT;
	text = kmemdup_nul(buf, count, GFP_KERNEL);
	segs = kvmalloc_array(SCST_LBA_MAP_MAX_SEGS, sizeof(*segs),
			      GFP_KERNEL);
	res = -ENOMEM;
	if (!text || !segs)
		goto out;
	res = scst_lba_map_parse(strim(text), segs, SCST_LBA_MAP_MAX_SEGS, &n,
				 &pos);
	if (res) {
		scst_sysfs_err(kobj, "lba_map", "%s at byte %u: expected \"none\" or segments FIRST-LAST:GROUP_ID=STATE[,GROUP_ID=STATE...] in ascending LBA order, states active, nonoptimized, standby or unavailable (at most %d segments of %d groups)",
			       res == -ENOSPC ? "too many" : "invalid", pos,
			       SCST_LBA_MAP_MAX_SEGS, SCST_LBA_MAP_MAX_TPGS);
		res = -EINVAL;
		goto out;
	}
	/* What the file shows must fit into a page. */
	if (scst_lba_map_format(segs, n, NULL, 0) > PAGE_SIZE - 16) {
		scst_sysfs_err(kobj, "lba_map", "the map is longer than %lu bytes",
			       PAGE_SIZE - 16);
		res = -E2BIG;
		goto out;
	}
	res = scst_sysfs_lock();
	if (res)
		goto out;
	res = scst_dev_set_lba_map(dev, segs, n);
	mutex_unlock(&scst_mutex);
out:
	kvfree(segs);
	kfree(text);
	return res ? res : count;
}

struct kobj_attribute scst_dev_lba_map_attr =
	__ATTR(lba_map, 0644, scst_dev_lba_map_show, scst_dev_lba_map_store);
EXPORT_SYMBOL_GPL(scst_dev_lba_map_attr);

int scst_dg_dev_add(struct scst_dg *dg, const char *name)
{
	struct scst_device *dev;
	struct scst_dg_dev *dd;
	int res;

	lockdep_assert_held(&scst_mutex);
	if (dg->dead)
		return -ENODEV;
	dev = __scst_find_device(name);
	if (!dev)
		return -ENOENT;
	if (rcu_access_pointer(dev->dg))
		return -EEXIST;
	dd = kzalloc(sizeof(*dd), GFP_KERNEL);
	if (!dd)
		return -ENOMEM;
	dd->dev = dev;
	res = sysfs_create_link(&dg->devs_kobj.kobj, &dev->kobj, dev->name);
	if (res) {
		kfree(dd);
		return res;
	}
	list_add_tail_rcu(&dd->list, &dg->devs);
	scst_dev_set_alua(dev, dg);
	/* INQUIRY data changed: TPGS (SPC-4 5.15.2.2: state change UA too). */
	scst_ua_add_all_dev(dev, SCST_AQ_INQUIRY_DATA_CHANGED, NULL);
	scst_alua_changed(SCST_CMD_DG_DEVICE_ADD);
	return 0;
}

static void scst_dg_dev_destroy(struct scst_dg *dg, struct scst_dg_dev *dd)
{
	struct scst_device *dev = dd->dev;

	list_del_rcu(&dd->list);
	sysfs_remove_link(&dg->devs_kobj.kobj, dev->name);
	scst_dev_set_alua(dev, NULL);
	scst_ua_add_all_dev(dev, SCST_AQ_INQUIRY_DATA_CHANGED, NULL);
	kfree_rcu(dd, rcu);
}

int scst_dg_dev_del(struct scst_dg *dg, const char *name)
{
	struct scst_device *dev;
	struct scst_dg_dev *dd;

	lockdep_assert_held(&scst_mutex);
	if (dg->dead)
		return -ENODEV;
	dev = __scst_find_device(name);
	dd = dev ? scst_dg_dev_find(dg, dev) : NULL;
	if (!dd)
		return -ENOENT;
	scst_dg_dev_destroy(dg, dd);
	scst_alua_changed(SCST_CMD_DG_DEVICE_DEL);
	return 0;
}

/**
 * scst_alua_dev_gone() - a device is being unregistered
 * @dev: the device, still on scst_device_list
 *
 * It leaves its device group, as it leaves its LUNs, and drops its user
 * data segments. scst_mutex held.
 */
void scst_alua_dev_gone(struct scst_device *dev)
{
	struct scst_dg *dg = rcu_dereference_protected(dev->dg,
					lockdep_is_held(&scst_mutex));
	struct scst_lba_map *map = rcu_replace_pointer(dev->lba_map, NULL,
					lockdep_is_held(&scst_mutex));
	struct scst_dg_dev *dd;

	if (map)
		kfree_rcu(map, rcu);
	if (!dg)
		return;
	dd = scst_dg_dev_find(dg, dev);
	if (dd)
		scst_dg_dev_destroy(dg, dd);
}

static struct scst_alua_mgmt_attr scst_dg_devs_mgmt_attr =
	SCST_ALUA_MGMT_ATTR(SCST_ALUA_MGMT_DG_DEVS);

static struct attribute *scst_dg_devs_attrs[] = {
	&scst_dg_devs_mgmt_attr.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_dg_devs);

static const struct kobj_type scst_dg_devs_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_alua_kobj_release,
	.default_groups = scst_dg_devs_groups,
};

/* ---- device groups ---- */

static const struct kobj_type scst_dg_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_alua_kobj_release,
};

int scst_dg_add(const char *name)
{
	struct scst_dg *dg;
	int res;

	lockdep_assert_held(&scst_mutex);
	if (!scst_mgmt_name_ok(name))
		return -EINVAL;
	if (scst_dg_find(name))
		return -EEXIST;
	dg = kzalloc(sizeof(*dg), GFP_KERNEL);
	if (!dg)
		return -ENOMEM;
	dg->name = kstrdup(name, GFP_KERNEL);
	if (!dg->name) {
		res = -ENOMEM;
		goto out_free;
	}
	INIT_LIST_HEAD(&dg->devs);
	INIT_LIST_HEAD(&dg->tgs);
	res = scst_alua_kobj_add(&dg->kobj, &scst_dg_ktype, scst_dgs_kobj, name);
	if (res)
		goto out_free;
	res = scst_alua_kobj_add(&dg->devs_kobj, &scst_dg_devs_ktype,
				 &dg->kobj.kobj, "devices");
	if (res)
		goto out_dg;
	res = scst_alua_kobj_add(&dg->tgs_kobj, &scst_tgs_ktype,
				 &dg->kobj.kobj, "target_groups");
	if (res)
		goto out_devs;
	list_add_tail_rcu(&dg->list, &scst_dg_list);
	scst_alua_changed(SCST_CMD_DG_ADD);
	return 0;

out_devs:
	scst_alua_kobj_del(&dg->devs_kobj);
out_dg:
	scst_alua_kobj_del(&dg->kobj);
out_free:
	kfree(dg->name);
	kfree(dg);
	return res;
}

static void scst_dg_destroy(struct scst_dg *dg)
{
	struct scst_dg_dev *dd, *dtmp;
	struct scst_tg *tg, *ttmp;

	dg->dead = true;
	list_del_rcu(&dg->list);
	list_for_each_entry_safe(dd, dtmp, &dg->devs, list)
		scst_dg_dev_destroy(dg, dd);
	list_for_each_entry_safe(tg, ttmp, &dg->tgs, list)
		scst_tg_destroy(tg);
	scst_alua_kobj_del(&dg->tgs_kobj);
	scst_alua_kobj_del(&dg->devs_kobj);
	scst_alua_kobj_del(&dg->kobj);
	synchronize_rcu();
	kfree(dg->name);
	kfree(dg);
}

int scst_dg_del(const char *name)
{
	struct scst_dg *dg;

	lockdep_assert_held(&scst_mutex);
	dg = scst_dg_find(name);
	if (!dg)
		return -ENOENT;
	scst_dg_destroy(dg);
	scst_alua_changed(SCST_CMD_DG_DEL);
	return 0;
}

static struct scst_alua_mgmt_attr scst_dgs_mgmt_attr =
	SCST_ALUA_MGMT_ATTR(SCST_ALUA_MGMT_DGS);

int scst_alua_sysfs_init(struct kobject *root)
{
	int res;

	scst_dgs_kobj = kobject_create_and_add("device_groups", root);
	if (!scst_dgs_kobj)
		return -ENOMEM;
	res = sysfs_create_file(scst_dgs_kobj, &scst_dgs_mgmt_attr.attr.attr);
	if (res) {
		kobject_put(scst_dgs_kobj);
		scst_dgs_kobj = NULL;
	}
	return res;
}

/* Every device is gone: drop what is left of the configuration. */
void scst_alua_sysfs_exit(void)
{
	struct scst_dg *dg, *tmp;

	mutex_lock(&scst_mutex);
	list_for_each_entry_safe(dg, tmp, &scst_dg_list, list)
		scst_dg_destroy(dg);
	mutex_unlock(&scst_mutex);
	kobject_put(scst_dgs_kobj);
}

/* ---- netlink dumps (scst_netlink.c) ---- */

/**
 * scst_alua_for_each() - walk the configuration for a netlink dump
 * @visit: called for every device group, target group and member in
 *	order; returns nonzero to stop (the message is full)
 * @arg: for @visit
 *
 * scst_mutex held.
 *
 * Return: what @visit returned last.
 */
int scst_alua_for_each(int (*visit)(void *arg, const struct scst_alua_obj *o),
		       void *arg)
{
	struct scst_alua_obj o = {};
	struct scst_dg_dev *dd;
	struct scst_tg_tgt *m;
	struct scst_dg *dg;
	struct scst_tg *tg;
	int res;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(dg, &scst_dg_list, list) {
		o = (struct scst_alua_obj){ .dg = dg->name };
		res = visit(arg, &o);
		if (res)
			return res;
		list_for_each_entry(dd, &dg->devs, list) {
			o.device = dd->dev->name;
			res = visit(arg, &o);
			if (res)
				return res;
		}
		o.device = NULL;
		list_for_each_entry(tg, &dg->tgs, list) {
			o = (struct scst_alua_obj){
				.dg = dg->name, .tg = tg->name,
				.group_id = tg->group_id,
				.state = READ_ONCE(tg->state),
				.preferred = tg->preferred,
			};
			res = visit(arg, &o);
			if (res)
				return res;
			list_for_each_entry(m, &tg->tgts, list) {
				o.target = m->name;
				o.rel_tgt_id = m->rel_tgt_id;
				res = visit(arg, &o);
				if (res)
					return res;
			}
		}
	}
	return 0;
}

/* Named objects for netlink's set commands; scst_mutex held. */
struct scst_dg *scst_alua_find_dg(const char *name)
{
	return scst_dg_find(name);
}

struct scst_tg *scst_alua_find_tg(const char *dg_name, const char *tg_name)
{
	struct scst_dg *dg = scst_dg_find(dg_name);

	return dg ? scst_tg_find(dg, tg_name) : NULL;
}

struct scst_tg_tgt *scst_alua_find_tg_tgt(const char *dg_name,
					  const char *tg_name,
					  const char *tgt_name)
{
	struct scst_tg *tg = scst_alua_find_tg(dg_name, tg_name);

	return tg ? scst_tg_tgt_find(tg, tgt_name) : NULL;
}

/* ---- the data path ---- */

/* The group of the command's target port; rcu_read_lock() held. */
static struct scst_tg *scst_alua_cmd_tg(struct scst_cmd *cmd,
					struct scst_dg *dg)
{
	const char *name = cmd->sess->tgt->name;
	struct scst_tg_tgt *m;
	struct scst_tg *tg;

	list_for_each_entry_rcu(tg, &dg->tgs, list)
		list_for_each_entry_rcu(m, &tg->tgts, list)
			if (!strcmp(m->name, name))
				return tg;
	return NULL;
}

/**
 * scst_alua_cmd_check() - whether the access state of the nexus admits @cmd
 * @cmd: a command for a LUN of a device
 * @sense: out: NOT READY with the state's ASC/ASCQ
 *
 * In the logical block dependent state a command that accesses the medium
 * gets the state of the user data segments it touches through the group
 * of the nexus (scst_lba_map_check()).
 *
 * Return: 0 or -EAGAIN with @sense.
 */
int scst_alua_cmd_check(struct scst_cmd *cmd, struct scst_sense *sense)
{
	struct scst_lba_map *map;
	struct scst_dg *dg;
	struct scst_tg *tg;
	u8 state = SCST_ALUA_ACTIVE;
	int res = 0;

	if (!rcu_access_pointer(cmd->dev->dg))
		return 0;
	rcu_read_lock();
	dg = rcu_dereference(cmd->dev->dg);
	tg = dg ? scst_alua_cmd_tg(cmd, dg) : NULL;
	if (tg)
		state = READ_ONCE(tg->state);
	if (state == SCST_ALUA_LBA_DEPENDENT) {
		map = rcu_dereference(cmd->dev->lba_map);
		if (map)
			res = scst_lba_map_check(map->segs, map->n,
						 READ_ONCE(tg->group_id),
						 &cmd->ci, cmd->cdb,
						 cmd->cdb_len, sense);
	}
	rcu_read_unlock();
	return res ?: scst_alua_check(state, cmd->cdb, cmd->cdb_len, sense);
}

/**
 * scst_alua_lu() - the logical unit as the I_T nexus of @cmd sees it
 * @cmd: a command for a LUN of a device
 * @lu: out: the device's description with the relative target port
 *	identifier and the target port group of the nexus (VPD page 0x83)
 */
void scst_alua_lu(struct scst_cmd *cmd, struct scst_lu_desc *lu)
{
	struct scst_dg *dg;
	struct scst_tg *tg;

	*lu = cmd->dev->lu;
	lu->rel_tgt_port_id = READ_ONCE(cmd->sess->tgt->rel_tgt_id);
	lu->tpg_id = 0;
	if (!lu->alua_supported)
		return;
	rcu_read_lock();
	dg = rcu_dereference(cmd->dev->dg);
	tg = dg ? scst_alua_cmd_tg(cmd, dg) : NULL;
	if (tg)
		lu->tpg_id = READ_ONCE(tg->group_id);
	rcu_read_unlock();
	/* Not in a target port group: no TPG designator to report. */
	if (!tg)
		lu->alua_supported = false;
}

/* REPORT and SET TARGET PORT GROUPS, REPORT REFERRALS are the core's. */
bool scst_alua_cmd_is_mine(struct scst_cmd *cmd)
{
	u8 sa = cmd->cdb[1] & 0x1f;

	return (cmd->cdb[0] == SCST_OP_SERVICE_ACTION_IN_16 &&
		sa == SCST_SAI_REPORT_REFERRALS) ||
	       (cmd->cdb[0] == SCST_OP_MAINTENANCE_IN &&
		sa == SCST_MI_REPORT_TARGET_PORT_GROUPS) ||
	       (cmd->cdb[0] == SCST_OP_MAINTENANCE_OUT &&
		sa == SCST_MO_SET_TARGET_PORT_GROUPS);
}

/* Room for one REPORT or SET TARGET PORT GROUPS, allocated before RCU. */
#define SCST_ALUA_MAX_PORTS	256

struct scst_alua_bufs {
	struct scst_tpg_info tpgs[SCST_ALUA_MAX_TGS];
	struct scst_stpg_desc descs[SCST_ALUA_MAX_TGS];
	u16 ports[SCST_ALUA_MAX_PORTS];
	u8 *data;			/* response or parameter list */
	u32 len;
};

/* rcu_read_lock() held. */
static void scst_alua_rtpg(struct scst_cmd *cmd, struct scst_dg *dg,
			   struct scst_alua_bufs *b)
{
	unsigned int n = 0, nports = 0;
	struct scst_tg_tgt *m;
	struct scst_tg *tg;
	struct scst_sense s;
	bool extended;
	u32 len;

	if (scst_rtpg_format(cmd->cdb, cmd->cdb_len, &extended, &s)) {
		scst_set_cmd_sense_full(cmd, &s);
		return;
	}
	list_for_each_entry_rcu(tg, &dg->tgs, list) {
		struct scst_tpg_info *t;

		if (n == SCST_ALUA_MAX_TGS)
			break;
		t = &b->tpgs[n++];
		t->group_id = READ_ONCE(tg->group_id);
		spin_lock(&scst_alua_lock);
		t->state = tg->state;
		t->status = tg->status;
		spin_unlock(&scst_alua_lock);
		t->preferred = READ_ONCE(tg->preferred);
		t->ports = &b->ports[nports];
		list_for_each_entry_rcu(m, &tg->tgts, list) {
			u16 id = READ_ONCE(m->port_id);

			if (!id || nports == SCST_ALUA_MAX_PORTS)
				continue;
			b->ports[nports++] = id;
			t->nports++;
		}
	}
	len = scst_rtpg_build(extended, SCST_ALUA_TRANS_TIME, b->tpgs, n,
			      b->data, b->len);
	len = min(len, b->len);
	if (len)
		len = sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, b->data, len);
	scst_set_resp_data_len(cmd, len);
}

/* REPORT REFERRALS (SBC-3); rcu_read_lock() held. */
static void scst_alua_referrals(struct scst_cmd *cmd, struct scst_alua_bufs *b)
{
	u64 lba = get_unaligned_be64(cmd->cdb + 2);
	struct scst_lba_map *map;
	u32 len;

	if (lba >= READ_ONCE(cmd->dev->lu.nblocks)) {
		scst_set_cmd_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   SCST_ASC_LBA_OUT_OF_RANGE,
				   SCST_ASCQ_LBA_OUT_OF_RANGE);
		return;
	}
	map = rcu_dereference(cmd->dev->lba_map);
	len = scst_referrals_build(map ? map->segs : NULL, map ? map->n : 0,
				   lba, cmd->cdb[14] & 0x01, b->data, b->len);
	len = min(len, b->len);
	if (len)
		len = sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, b->data, len);
	scst_set_resp_data_len(cmd, len);
}

/* rcu_read_lock() held. Returns whether a state changed. */
static bool scst_alua_stpg(struct scst_cmd *cmd, struct scst_dg *dg,
			   struct scst_alua_bufs *b)
{
	struct scst_sense s;
	struct scst_tg *tg;
	bool changed = false;
	unsigned int i, n;
	u32 len;

	len = sg_copy_to_buffer(cmd->sg, cmd->sg_cnt, b->data, b->len);
	if (scst_stpg_parse(b->data, len, b->descs, SCST_ALUA_MAX_TGS, &n, &s))
		goto bad;
	spin_lock(&scst_alua_lock);
	/* All or nothing: every group named must exist. */
	for (i = 0; i < n; i++) {
		bool found = false;

		list_for_each_entry_rcu(tg, &dg->tgs, list)
			found |= tg->group_id == b->descs[i].group_id;
		if (!found) {
			spin_unlock(&scst_alua_lock);
			scst_sense_invalid_field(&s, false,
						 b->descs[i].offset + 2, -1);
			goto bad;
		}
	}
	for (i = 0; i < n; i++) {
		list_for_each_entry_rcu(tg, &dg->tgs, list) {
			if (tg->group_id != b->descs[i].group_id)
				continue;
			changed |= tg->state != b->descs[i].state;
			WRITE_ONCE(tg->state, b->descs[i].state);
			tg->status = SCST_TPG_STATUS_STPG;
		}
	}
	spin_unlock(&scst_alua_lock);
	/* SPC-4 5.15.2.5: every nexus but the one that asked learns of it. */
	if (changed)
		scst_dg_state_changed_ua(dg, cmd->tgt_dev);
	return changed;
bad:
	scst_set_cmd_sense_full(cmd, &s);
	return false;
}

/**
 * scst_alua_exec() - execute REPORT or SET TARGET PORT GROUPS, REPORT
 *	REFERRALS
 * @cmd: a command scst_alua_cmd_is_mine() claimed, in process context
 *
 * scst_mutex cannot be taken here (its holders wait for commands): the
 * device group is used under RCU only, the buffers come first.
 */
void scst_alua_exec(struct scst_cmd *cmd)
{
	struct scst_alua_bufs *b;
	bool changed = false;
	struct scst_dg *dg;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (b) {
		b->len = cmd->bufflen;
		b->data = kzalloc(b->len ?: 1, GFP_KERNEL);
	}
	if (!b || !b->data) {
		if (b)
			kfree(b->data);
		kfree(b);
		scst_set_cmd_status(cmd, SCST_STATUS_BUSY);
		return;
	}
	rcu_read_lock();
	dg = rcu_dereference(cmd->dev->dg);
	if (!dg)
		scst_set_cmd_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   SCST_ASC_INVALID_OPCODE,
				   SCST_ASCQ_INVALID_OPCODE);
	else if (cmd->cdb[0] == SCST_OP_SERVICE_ACTION_IN_16)
		scst_alua_referrals(cmd, b);
	else if (cmd->cdb[0] == SCST_OP_MAINTENANCE_IN)
		scst_alua_rtpg(cmd, dg, b);
	else
		changed = scst_alua_stpg(cmd, dg, b);
	rcu_read_unlock();
	/* The states are configuration: scstadmd saves them. */
	if (changed)
		scst_alua_changed(SCST_CMD_TG_SET);
	kfree(b->data);
	kfree(b);
}
