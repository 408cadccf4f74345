// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-valued attributes of target drivers and targets (struct
 * scst_mv_attr): SCST's add_attribute / add_target_attribute, e.g. iSCSI's
 * CHAP accounts "IncomingUser joe 12charsecret" and "allowed_portal 10.*".
 *
 * The core keeps the values, one struct scst_mv_value each, on the list of
 * its driver or target, and shows each as a file of the object's directory:
 * the first value of NAME as "NAME", the next ones as "NAME1", "NAME2"...
 * (the lowest free number, as SCST does), each reading "value\n[key]\n".
 *
 * Locking: changes run under scst_mutex (which also finds the object) and
 * scst_mv_mutex; readers (netlink replies) need only scst_mv_mutex, which
 * nests inside scst_mutex. A value's file shows the value without a lock:
 * the value lives until its file is removed, and removing a file waits for
 * the show() calls in progress. The lists are freed once the object's
 * kobject is released: no reader can reach them anymore.
 */
#define pr_fmt(fmt) "scst: " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/genetlink.h>
#include "scst_priv.h"
#include "uapi/scst_netlink.h"

/* "IncomingUser" plus up to 5 digits. */
#define SCST_MV_FILE_MAX	64

struct scst_mv_value {
	struct list_head list;
	const struct scst_mv_attr *attr;
	unsigned int index;		/* file suffix; 0: none */
	struct kobj_attribute kattr;
	char file[SCST_MV_FILE_MAX];
	char value[];
};

static DEFINE_MUTEX(scst_mv_mutex);

static ssize_t scst_mv_show(struct kobject *kobj, struct kobj_attribute *a,
			    char *buf)
{
	struct scst_mv_value *v = container_of(a, struct scst_mv_value, kattr);

	return sysfs_emit(buf, "%s\n[key]\n", v->value);
}

static const struct scst_mv_attr *
scst_mv_find_attr(const struct scst_mv_attr *attrs, const char *name)
{
	for (; attrs && attrs->name; attrs++)
		if (!strcmp(attrs->name, name))
			return attrs;
	return NULL;
}

/* The lowest file number no value of @attr uses. */
static unsigned int scst_mv_free_index(struct list_head *values,
				       const struct scst_mv_attr *attr)
{
	struct scst_mv_value *v;
	unsigned int i;

	for (i = 0;; i++) {
		bool used = false;

		list_for_each_entry(v, values, list)
			if (v->attr == attr && v->index == i)
				used = true;
		if (!used)
			return i;
	}
}

/*
 * Add or remove one value on @kobj's @values; scst_mutex held. @value is
 * the caller's copy, which the driver's check() may shorten.
 */
static int scst_mv_change_locked(struct kobject *kobj, struct list_head *values,
				 const struct scst_mv_attr *attr, bool add,
				 char *value, const char **why)
{
	struct scst_mv_value *v, *found = NULL;
	unsigned int count = 0;
	size_t len;
	int res;

	lockdep_assert_held(&scst_mutex);
	if (!*value) {
		*why = "empty value";
		return -EINVAL;
	}
	if (attr->check) {
		res = attr->check(value);
		if (res) {
			*why = "invalid value (see the kernel log)";
			return res;
		}
	}
	mutex_lock(&scst_mv_mutex);
	list_for_each_entry(v, values, list) {
		if (v->attr != attr)
			continue;
		count++;
		if (!strcmp(v->value, value))
			found = v;
	}
	if (!add) {
		if (!found) {
			*why = "there is no such value";
			res = -ENOENT;
			goto out;
		}
		list_del(&found->list);
		mutex_unlock(&scst_mv_mutex);
		/* Waits for the show() calls in progress. */
		sysfs_remove_file(kobj, &found->kattr.attr);
		kfree(found);
		return 0;
	}
	if (found) {
		*why = "the value is already there";
		res = -EEXIST;
		goto out;
	}
	if (attr->max_values && count >= attr->max_values) {
		*why = attr->max_values == 1 ?
		       "the attribute takes one value: remove the old one first" :
		       "too many values";
		res = -ENOSPC;
		goto out;
	}
	res = -ENOMEM;
	*why = "out of memory";
	len = strlen(value) + 1;
	v = kzalloc(struct_size(v, value, len), GFP_KERNEL);
	if (!v)
		goto out;
	memcpy(v->value, value, len);
	v->attr = attr;
	v->index = scst_mv_free_index(values, attr);
	if (v->index)
		snprintf(v->file, sizeof(v->file), "%s%u", attr->name, v->index);
	else
		strscpy(v->file, attr->name, sizeof(v->file));
	sysfs_attr_init(&v->kattr.attr);
	v->kattr.attr.name = v->file;
	v->kattr.attr.mode = attr->secret ? 0400 : 0444;
	v->kattr.show = scst_mv_show;
	res = sysfs_create_file(kobj, &v->kattr.attr);
	if (res) {
		*why = "cannot create its file";
		kfree(v);
		goto out;
	}
	list_add_tail(&v->list, values);
out:
	mutex_unlock(&scst_mv_mutex);
	return res;
}

/**
 * scst_mv_change() - add or remove one value of a multi-valued attribute
 * @tgtt: the target driver
 * @target: the target's name, or NULL for an attribute of the driver
 * @add: add the value, or remove it
 * @name: the attribute
 * @value: the value; blanks around it do not count
 * @why: set to a short reason on failure (never containing the value)
 *
 * Called without scst_mutex. Multicasts SCST_EVENT_CONFIG_CHANGED.
 *
 * Return: 0 or a negative errno.
 */
int scst_mv_change(const struct scst_tgt_template *tgtt, const char *target,
		   bool add, const char *name, const char *value,
		   const char **why)
{
	const struct scst_mv_attr *attr;
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt = NULL;
	char *copy;
	int res;

	*why = NULL;
	attr = scst_mv_find_attr(target ? tgtt->tgt_mv_attrs :
				 tgtt->drv_mv_attrs, name);
	if (!attr) {
		*why = target ? "no such multi-valued target attribute" :
				"no such multi-valued driver attribute";
		return -EINVAL;
	}
	copy = kstrdup(skip_spaces(value), GFP_KERNEL);
	if (!copy) {
		*why = "out of memory";
		return -ENOMEM;
	}
	strim(copy);

	mutex_lock(&scst_mutex);
	drv = scst_find_tgt_driver(tgtt->name);
	if (!drv) {
		*why = "the driver is going away";
		res = -ENODEV;
		goto out_unlock;
	}
	if (target) {
		tgt = __scst_find_target(drv, target);
		if (!tgt) {
			*why = "no such target";
			res = -ENOENT;
			goto out_unlock;
		}
		res = scst_mv_change_locked(&tgt->kobj, &tgt->mv_values, attr,
					    add, copy, why);
	} else {
		res = scst_mv_change_locked(&drv->kobj, &drv->mv_values, attr,
					    add, copy, why);
	}
	if (!res)
		scst_nl_config_changed(add ? SCST_CMD_ATTR_ADD :
				       SCST_CMD_ATTR_DEL,
				       &(struct scst_nl_names){
					       .driver = tgtt->name,
					       .target = target });
out_unlock:
	mutex_unlock(&scst_mutex);
	kfree_sensitive(copy);
	return res;
}

/**
 * scst_mv_free() - free the values of a driver or target
 * @values: its list, which nothing can reach anymore
 *
 * Called once the object's kobject is released (its files are gone).
 */
void scst_mv_free(struct list_head *values)
{
	struct scst_mv_value *v, *tmp;

	list_for_each_entry_safe(v, tmp, values, list) {
		list_del(&v->list);
		kfree_sensitive(v);
	}
}

/**
 * scst_mv_nl_put() - one SCST_A_ATTR per value, for a netlink reply
 * @skb: the message
 * @values: the driver's or target's values
 * @privileged: the reader has CAP_NET_ADMIN: secret values go in too
 *
 * Return: 0 or -EMSGSIZE.
 */
int scst_mv_nl_put(struct sk_buff *skb, struct list_head *values,
		   bool privileged)
{
	struct scst_mv_value *v;
	struct nlattr *nest;
	int res = 0;

	mutex_lock(&scst_mv_mutex);
	list_for_each_entry(v, values, list) {
		if (v->attr->secret && !privileged)
			continue;
		nest = nla_nest_start(skb, SCST_A_ATTR);
		if (!nest || nla_put_string(skb, SCST_A_ATTR_NAME, v->attr->name) ||
		    nla_put_string(skb, SCST_A_ATTR_VALUE, v->value) ||
		    nla_put_flag(skb, SCST_A_ATTR_KEY)) {
			if (nest)
				nla_nest_cancel(skb, nest);
			res = -EMSGSIZE;
			break;
		}
		nla_nest_end(skb, nest);
	}
	mutex_unlock(&scst_mv_mutex);
	return res;
}

/* The verbs of targets/<driver>/mgmt that scst_mv_mgmt() handles. */
static const char *const scst_mv_verbs[] = {
	"add_attribute", "del_attribute",
	"add_target_attribute", "del_target_attribute", NULL
};

/**
 * scst_mv_mgmt_verb() - a targets/<driver>/mgmt line for scst_mv_mgmt()
 * @line: the line, blanks trimmed
 */
bool scst_mv_mgmt_verb(const char *line)
{
	size_t len = strcspn(line, " \t\n");
	const char *const *v;

	for (v = scst_mv_verbs; *v; v++)
		if (strlen(*v) == len && !strncmp(line, *v, len))
			return true;
	return false;
}

static char *scst_mv_next_word(char **p)
{
	char *word = skip_spaces(*p), *end = word;

	if (!*word)
		return NULL;
	while (*end && !isspace(*end))
		end++;
	if (*end)
		*end++ = '\0';
	*p = end;
	return word;
}

/**
 * scst_mv_mgmt() - "add_attribute NAME VALUE", "del_attribute NAME VALUE",
 *		    "add_target_attribute TARGET NAME VALUE" or
 *		    "del_target_attribute TARGET NAME VALUE"
 * @tgtt: the driver whose mgmt file was written
 * @line: the line, which is cut up
 *
 * Logs why it failed, without the value. Called without scst_mutex.
 *
 * Return: 0 or a negative errno.
 */
int scst_mv_mgmt(const struct scst_tgt_template *tgtt, char *line)
{
	char *verb, *target = NULL, *name;
	const char *why;
	bool add;
	int res;

	verb = scst_mv_next_word(&line);
	add = !strncmp(verb, "add_", 4);
	if (strstr(verb, "_target_")) {
		target = scst_mv_next_word(&line);
		if (!target) {
			pr_warn("targets/%s/mgmt: %s: missing target name\n",
				tgtt->name, verb);
			return -EINVAL;
		}
	}
	name = scst_mv_next_word(&line);
	if (!name) {
		pr_warn("targets/%s/mgmt: %s: missing attribute name\n",
			tgtt->name, verb);
		return -EINVAL;
	}
	res = scst_mv_change(tgtt, target, add, name, line, &why);
	if (res)
		pr_warn("targets/%s/mgmt: %s %s%s%s: %s\n", tgtt->name, verb,
			target ?: "", target ? " " : "", name, why);
	return res;
}
