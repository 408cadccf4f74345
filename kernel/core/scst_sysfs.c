// SPDX-License-Identifier: GPL-2.0
/*
 * The management tree under /sys/kernel/scst_tgt, laid out and driven the
 * way SCST's scripts expect:
 *
 *   version, active_commands
 *   sgv/                   stats, global_stats, flush (scst_mem.c)
 *   handlers/<handler>/    mgmt, type, <device> -> devices/<device>
 *   devices/<device>/      handler ->, type, size, blocksize, read_only,
 *                          exported/export<N> -> a LUN, the handler's files
 *   targets/<driver>/      mgmt
 *     <target>/            enabled, rel_tgt_id, the driver's files
 *       luns/              mgmt, <lun>/{device ->, read_only}
 *       ini_groups/        mgmt
 *         <group>/         luns/ as above, initiators/{mgmt, <pattern>}
 *       sessions/<initiator>[_N]/  initiator_name, luns ->, driver's files
 *   device_groups/         ALUA, see scst_alua.c
 *
 * Locking
 * -------
 * While a show() or store() runs, kernfs holds an "active reference" on its
 * file, and removing the file (kobject_del() of its directory, or of any
 * directory above it) waits for those to drain. So a store must never wait
 * for a lock that is held by someone removing its directory. Here that lock
 * is scst_mutex, and removing directories under it cannot be avoided:
 * "del GROUP" in ini_groups/mgmt runs with scst_mutex held and removes the
 * group's luns/mgmt and initiators/mgmt, whose stores need scst_mutex too.
 * The rules:
 *
 * 1. The stores here never sleep on scst_mutex: scst_sysfs_lock() tries it
 *    and, when it is busy, restarts the write() system call, which drops
 *    the active reference in between (the device core does the same in
 *    lock_device_hotplug_sysfs()). Once they hold it, they check that their
 *    object is still registered: it may have been unlinked already, with
 *    its directory still waiting to be removed.
 * 2. The stores of targets/<driver>/mgmt and handlers/<handler>/mgmt take no
 *    lock at all: the driver's add_target()/add_device()... register their
 *    objects with the core, which takes scst_mutex itself. The same holds
 *    for "enabled" and for the drivers' own files.
 * 3. Called with scst_mutex held: every scst_sysfs_*_add(), and
 *    scst_sysfs_acg_del(), scst_sysfs_acg_dev_del(), scst_sysfs_acn_add(),
 *    scst_sysfs_acn_del() and scst_sysfs_sess_acg_changed(). The files
 *    these remove either take no lock or follow rule 1.
 * 4. Called WITHOUT scst_mutex, after the object has been unlinked under
 *    it: scst_sysfs_{tgt_driver,tgt,sess,dev_driver,dev}_del(). Their
 *    directories hold the files of rule 2, which end up sleeping on
 *    scst_mutex. lockdep checks 3 and 4.
 *
 * Lifetime
 * --------
 * A *_add() initialises obj->kobj_released and adds the kobject; when it
 * fails it has undone everything and waited for the release, and the
 * caller just frees the object. A *_del() removes the directory and drops
 * the reference; the kobject's release() then completes kobj_released:
 * - for target drivers, targets, sessions, handlers and devices the caller
 *   waits for it before freeing the object;
 * - scst_sysfs_acg_del() and scst_sysfs_acg_dev_del() wait for it
 *   themselves, so the object can be freed as soon as they return. Nothing
 *   but its own directory holds a reference to these kobjects (kernfs
 *   active references are not kobject references, and rule 1 takes none),
 *   so that wait is short even under scst_mutex.
 * Children go before their parents: the LUNs of a group and its sessions
 * before the group, everything of a target before the target. A directory
 * left behind keeps a reference on its parent, so breaking this shows up as
 * a caller stuck waiting for kobj_released. The default group has no
 * directory of its own: its luns/ belongs to the target, and
 * tgt->default_acg must stay valid until scst_sysfs_tgt_del() returns.
 */
#define pr_fmt(fmt) "scst: " fmt

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "scst_priv.h"
#include "uapi/scst_netlink.h"

#define SCST_SYSFS_VERSION	SCST_VERSION

/* scstadmin saves the attributes marked like this into its config file. */
#define SCST_SYSFS_KEY_MARK	"[key]"

static struct kobject *scst_root_kobj;
static struct kobject *scst_handlers_kobj;
static struct kobject *scst_devices_kobj;
static struct kobject *scst_targets_kobj;

/* Names that would collide with the files next to them. */
static const char *const scst_mgmt_files[] = { "mgmt", NULL };
static const char *const scst_handler_files[] = { "mgmt", "type", NULL };

/* ---- helpers ---- */

/*
 * scst_mutex for a store, without ever sleeping on it while holding an
 * active reference (rule 1 at the top). -ERESTARTNOINTR restarts the
 * write() once the active reference is gone, invisibly to user space.
 */
int scst_sysfs_lock(void)
{
	if (mutex_trylock(&scst_mutex))
		return 0;
	/* Give the holder some time instead of spinning on it. */
	usleep_range(1000, 5000);
	return restart_syscall();
}

/* Cut the next blank-separated word off *@p; NULL when there is none. */
char *scst_next_word(char **p)
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

bool scst_words_left(const char *p)
{
	return *skip_spaces(p);
}

/*
 * Whether @name can name a file or directory next to the @reserved ones:
 * kernfs names cannot contain '/', and "." or ".." would hide the real
 * entries.
 */
static bool scst_sysfs_name_ok(const char *name,
			       const char *const *reserved)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < SCST_MAX_NAME &&
	       match_string(reserved, -1, name) < 0;
}

/* Names netlink accepts exactly when the mgmt files here do. */
bool scst_dev_name_ok(const char *name)
{
	return scst_sysfs_name_ok(name, scst_handler_files);
}

bool scst_mgmt_name_ok(const char *name)
{
	return scst_sysfs_name_ok(name, scst_mgmt_files);
}

/*
 * A write can only return an errno, so each failed management command also
 * tells why in the kernel log, naming the file it was written to, e.g.
 * "scst: targets/iscsi/t1/luns/mgmt: add: device "disk9" not found".
 */
void scst_sysfs_err(struct kobject *kobj, const char *file,
		    const char *fmt, ...)
{
	char *path = kobject_get_path(kobj, GFP_KERNEL);
	const char *where = NULL;
	struct va_format vaf;
	va_list args;

	/* "/kernel/scst_tgt/targets/..." -> "targets/..." */
	if (path) {
		where = strstr(path, "/" SCST_SYSFS_ROOT "/");
		where = where ? where + sizeof(SCST_SYSFS_ROOT) + 1 : path;
	}
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn("%s/%s: %pV\n", where ?: kobject_name(kobj), file, &vaf);
	va_end(args);
	kfree(path);
}

static int scst_parse_lun(struct kobject *kobj, const char *verb,
			  const char *str, u64 *lun)
{
	if (kstrtoull(str, 10, lun) || *lun > SCST_MAX_LUN) {
		scst_sysfs_err(kobj, "mgmt", "%s: invalid LUN \"%s\", expected 0..%d",
			       verb, str, SCST_MAX_LUN);
		return -EINVAL;
	}
	return 0;
}

/* The "read_only=0|1" that may follow the LUN of "add" and "replace". */
static int scst_parse_lun_params(struct kobject *kobj, const char *verb,
				 char *params, bool *read_only)
{
	char *key, *value;

	*read_only = false;
	while ((key = scst_get_next_param(&params, &value))) {
		if (strcmp(key, "read_only")) {
			scst_sysfs_err(kobj, "mgmt", "%s: unknown parameter \"%s\", the only one is read_only",
				       verb, key);
			return -EINVAL;
		}
		if (strcmp(value, "0") && strcmp(value, "1")) {
			scst_sysfs_err(kobj, "mgmt", "%s: read_only must be 0 or 1, not \"%s\"",
				       verb, value);
			return -EINVAL;
		}
		*read_only = value[0] == '1';
	}
	return 0;
}

/* kobj_sysfs_ops.show, for the sysfs_ops that wrap its store. */
static ssize_t scst_kobj_attr_show(struct kobject *kobj, struct attribute *attr,
				   char *buf)
{
	return kobj_sysfs_ops.show(kobj, attr, buf);
}

/* A core file that a driver's own file of the same name replaces. */
static bool scst_attr_overridden(const struct attribute *const *attrs,
				 const struct attribute *attr)
{
	for (; attrs && *attrs; attrs++)
		if (!strcmp((*attrs)->name, attr->name))
			return true;
	return false;
}

static const char *const scst_dev_types[] = {
	[0x00] = "Direct-access device (e.g. disk)",
	[0x01] = "Sequential-access device (e.g. tape)",
	[0x02] = "Printer device",
	[0x03] = "Processor device",
	[0x04] = "Write-once device (e.g. some optical disks)",
	[0x05] = "CD/DVD device",
	[0x06] = "Scanner device (obsolete)",
	[0x07] = "Optical memory device (e.g. some optical disks)",
	[0x08] = "Medium changer device (e.g. jukebox)",
	[0x09] = "Communications device (obsolete)",
	[0x0c] = "Storage array controller device (e.g. RAID)",
	[0x0d] = "Enclosure services device",
	[0x0e] = "Simplified direct-access device",
	[0x0f] = "Optical card reader/writer device",
	[0x10] = "Bridge controller device",
	[0x11] = "Object-based storage device",
	[0x12] = "Automation/drive interface device",
	[0x14] = "Host managed zoned block device",
	[0x1e] = "Well known logical unit",
	[0x1f] = "Unknown or no device type",
};

static const char *scst_dev_type_name(u8 type)
{
	if (type < ARRAY_SIZE(scst_dev_types) && scst_dev_types[type])
		return scst_dev_types[type];
	return "Reserved";
}

/*
 * A store that got scst_mutex checks that its object is still registered
 * (rule 1). Its memory is still valid either way: it is freed only after
 * its directory has been removed, and that waits for this store.
 */
static bool scst_tgt_registered(struct scst_tgt *tgt)
{
	return __scst_find_target(tgt->drv, tgt->name) == tgt;
}

static bool scst_acg_registered(struct scst_acg *acg)
{
	struct scst_tgt *tgt = acg->tgt;

	if (!scst_tgt_registered(tgt))
		return false;
	if (!acg->name)
		return tgt->default_acg == acg;
	return scst_find_acg(tgt, acg->name) == acg;
}

/* ---- luns/, initiators/, ini_groups/ ---- */

/*
 * These directories have a mgmt file whose store needs the group or the
 * target, but scst_acg and scst_tgt only keep a kobject pointer for them:
 * the kobject comes with a back pointer and is allocated here.
 */
struct scst_sysfs_dir {
	struct kobject kobj;
	struct scst_tgt *tgt;		/* ini_groups/ */
	struct scst_acg *acg;		/* luns/ and initiators/ */
	struct list_head files;		/* initiators/: struct scst_acn_file */
};

/*
 * An initiators/<pattern> file. Its attribute must live as long as the
 * file, which is not the case of the scst_acn it shows, so it belongs to
 * the directory.
 */
struct scst_acn_file {
	struct list_head list;		/* scst_sysfs_dir.files */
	struct kobj_attribute attr;
	char name[];
};

static struct scst_sysfs_dir *scst_to_dir(struct kobject *kobj)
{
	return container_of(kobj, struct scst_sysfs_dir, kobj);
}

static void scst_sysfs_dir_release(struct kobject *kobj)
{
	struct scst_sysfs_dir *dir = scst_to_dir(kobj);
	struct scst_acn_file *file, *tmp;

	/* The files went away with the directory, their attributes can too. */
	list_for_each_entry_safe(file, tmp, &dir->files, list)
		kfree(file);
	kfree(dir);
}

static struct kobject *scst_sysfs_dir_add(const struct kobj_type *ktype,
					  struct kobject *parent,
					  const char *name,
					  struct scst_tgt *tgt,
					  struct scst_acg *acg)
{
	struct scst_sysfs_dir *dir;
	int res;

	dir = kzalloc(sizeof(*dir), GFP_KERNEL);
	if (!dir)
		return ERR_PTR(-ENOMEM);
	dir->tgt = tgt;
	dir->acg = acg;
	INIT_LIST_HEAD(&dir->files);
	res = kobject_init_and_add(&dir->kobj, ktype, parent, "%s", name);
	if (res) {
		kobject_put(&dir->kobj);
		return ERR_PTR(res);
	}
	return &dir->kobj;
}

/* Remove a directory made by scst_sysfs_dir_add() or kobject_create_and_add(). */
static void scst_sysfs_dir_del(struct kobject **kobjp)
{
	struct kobject *kobj = *kobjp;

	if (!kobj)
		return;
	*kobjp = NULL;
	kobject_del(kobj);
	kobject_put(kobj);
}

static ssize_t scst_luns_mgmt_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf,
			  "Usage: echo \"add VNAME lun [parameters]\" >mgmt\n"
			  "       echo \"del lun\" >mgmt\n"
			  "       echo \"replace VNAME lun [parameters]\" >mgmt\n"
			  "       echo \"clear\" >mgmt\n"
			  "\n"
			  "where parameters are one or more param_name=value pairs separated by ';'\n"
			  "\n"
			  "The following parameters available: read_only\n");
}

enum { SCST_LUNS_ADD, SCST_LUNS_DEL, SCST_LUNS_REPLACE, SCST_LUNS_CLEAR };

static const char *const scst_luns_verbs[] = {
	[SCST_LUNS_ADD] = "add",
	[SCST_LUNS_DEL] = "del",
	[SCST_LUNS_REPLACE] = "replace",
	[SCST_LUNS_CLEAR] = "clear",
};

/* Parse a luns/mgmt line: all but "clear" name a LUN, "add"/"replace" a device. */
static int scst_luns_parse(struct kobject *kobj, char *p, int *op,
			   char **dev_name, u64 *lun, bool *read_only)
{
	char *verb = scst_next_word(&p) ?: "";
	char *lun_str;

	*op = match_string(scst_luns_verbs, ARRAY_SIZE(scst_luns_verbs), verb);
	switch (*op) {
	case SCST_LUNS_ADD:
	case SCST_LUNS_REPLACE:
		*dev_name = scst_next_word(&p);
		lun_str = scst_next_word(&p);
		if (!lun_str) {
			scst_sysfs_err(kobj, "mgmt", "%s: expected \"%s DEVICE LUN [read_only=1]\"",
				       verb, verb);
			return -EINVAL;
		}
		return scst_parse_lun(kobj, verb, lun_str, lun) ?:
		       scst_parse_lun_params(kobj, verb, p, read_only);
	case SCST_LUNS_DEL:
		lun_str = scst_next_word(&p);
		if (!lun_str || scst_words_left(p)) {
			scst_sysfs_err(kobj, "mgmt", "del: expected \"del LUN\"");
			return -EINVAL;
		}
		return scst_parse_lun(kobj, verb, lun_str, lun);
	case SCST_LUNS_CLEAR:
		if (scst_words_left(p)) {
			scst_sysfs_err(kobj, "mgmt", "clear: takes no arguments");
			return -EINVAL;
		}
		return 0;
	}
	scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected add, del, replace or clear",
		       verb);
	return -EINVAL;
}

static ssize_t scst_luns_mgmt_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	struct scst_acg *acg = scst_to_dir(kobj)->acg;
	struct scst_device *dev = NULL;
	char *line, *dev_name = NULL;
	bool read_only = false;
	u64 lun = 0;
	int op, res;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	res = scst_luns_parse(kobj, strim(line), &op, &dev_name, &lun,
			      &read_only);
	if (res)
		goto out;

	res = scst_sysfs_lock();
	if (res)
		goto out;
	if (!scst_acg_registered(acg)) {
		scst_sysfs_err(kobj, "mgmt", "%s: the target or group is being removed",
			       scst_luns_verbs[op]);
		res = -ENODEV;
		goto out_unlock;
	}
	if (dev_name) {
		dev = __scst_find_device(dev_name);
		if (!dev) {
			scst_sysfs_err(kobj, "mgmt", "%s: device \"%s\" not found",
				       scst_luns_verbs[op], dev_name);
			res = -EINVAL;
			goto out_unlock;
		}
	}

	switch (op) {
	case SCST_LUNS_ADD:
		res = scst_acg_add_lun(acg, dev, lun, read_only);
		break;
	case SCST_LUNS_DEL:
		res = scst_acg_del_lun(acg, lun);
		break;
	case SCST_LUNS_REPLACE:
		res = scst_acg_replace_lun(acg, dev, lun, read_only);
		break;
	case SCST_LUNS_CLEAR:
		scst_acg_clear_luns(acg);
		break;
	}
	if (res == -EEXIST)
		scst_sysfs_err(kobj, "mgmt", "%s: LUN %llu is already in use",
			       scst_luns_verbs[op], lun);
	else if (res == -ENOENT)
		scst_sysfs_err(kobj, "mgmt", "%s: there is no LUN %llu",
			       scst_luns_verbs[op], lun);
	else if (res)
		scst_sysfs_err(kobj, "mgmt", "%s: LUN %llu: %pe",
			       scst_luns_verbs[op], lun, ERR_PTR(res));
out_unlock:
	mutex_unlock(&scst_mutex);
out:
	kfree(line);
	return res ? res : count;
}

static struct kobj_attribute scst_luns_mgmt_attr =
	__ATTR(mgmt, 0644, scst_luns_mgmt_show, scst_luns_mgmt_store);

static struct attribute *scst_luns_attrs[] = {
	&scst_luns_mgmt_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_luns);

static const struct kobj_type scst_luns_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_sysfs_dir_release,
	.default_groups = scst_luns_groups,
};

static ssize_t scst_inits_mgmt_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf,
			  "Usage: echo \"add INITIATOR_NAME\" >mgmt\n"
			  "       echo \"del INITIATOR_NAME\" >mgmt\n"
			  "       echo \"move INITIATOR_NAME DEST_GROUP_NAME\" >mgmt\n"
			  "       echo \"clear\" >mgmt\n");
}

enum { SCST_INITS_ADD, SCST_INITS_DEL, SCST_INITS_MOVE, SCST_INITS_CLEAR };

static const char *const scst_inits_verbs[] = {
	[SCST_INITS_ADD] = "add",
	[SCST_INITS_DEL] = "del",
	[SCST_INITS_MOVE] = "move",
	[SCST_INITS_CLEAR] = "clear",
};

/* Parse an initiators/mgmt line: "add NAME", "move NAME GROUP", "clear"... */
static int scst_inits_parse(struct kobject *kobj, char *p, int *op,
			    char **name, char **group)
{
	char *verb = scst_next_word(&p) ?: "";

	*op = match_string(scst_inits_verbs, ARRAY_SIZE(scst_inits_verbs),
			   verb);
	if (*op < 0) {
		scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected add, del, move or clear",
			       verb);
		return -EINVAL;
	}
	if (*op != SCST_INITS_CLEAR)
		*name = scst_next_word(&p);
	if (*op == SCST_INITS_MOVE)
		*group = scst_next_word(&p);
	if ((*op != SCST_INITS_CLEAR && !*name) ||
	    (*op == SCST_INITS_MOVE && !*group) || scst_words_left(p)) {
		scst_sysfs_err(kobj, "mgmt", "%s: expected \"%s\"", verb,
			       *op == SCST_INITS_CLEAR ? "clear" :
			       *op == SCST_INITS_MOVE ? "move NAME GROUP" :
			       *op == SCST_INITS_ADD ? "add NAME" : "del NAME");
		return -EINVAL;
	}
	if (*op == SCST_INITS_ADD &&
	    !scst_sysfs_name_ok(*name, scst_mgmt_files)) {
		scst_sysfs_err(kobj, "mgmt", "add: \"%s\" cannot be a file name (no '/', not \"mgmt\")",
			       *name);
		return -EINVAL;
	}
	return 0;
}

/* Remove every initiator name of @acg, with scst_mutex held. */
static int scst_inits_clear(struct kobject *kobj, struct scst_acg *acg)
{
	struct scst_acn *acn;
	char *name;
	int res;

	while (!list_empty(&acg->inits)) {
		acn = list_first_entry(&acg->inits, struct scst_acn, list);
		/* scst_acg_del_init() frees acn->name. */
		name = kstrdup(acn->name, GFP_KERNEL);
		if (!name)
			return -ENOMEM;
		res = scst_acg_del_init(acg, name);
		if (res)
			scst_sysfs_err(kobj, "mgmt", "clear: \"%s\": %pe",
				       name, ERR_PTR(res));
		kfree(name);
		if (res)
			return res;
	}
	return 0;
}

static ssize_t scst_inits_mgmt_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	struct scst_acg *acg = scst_to_dir(kobj)->acg;
	char *line, *name = NULL, *group = NULL;
	struct scst_acg *dest;
	int op, res;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	res = scst_inits_parse(kobj, strim(line), &op, &name, &group);
	if (res)
		goto out;

	res = scst_sysfs_lock();
	if (res)
		goto out;
	if (!scst_acg_registered(acg)) {
		scst_sysfs_err(kobj, "mgmt", "%s: the target or group is being removed",
			       scst_inits_verbs[op]);
		res = -ENODEV;
		goto out_unlock;
	}

	switch (op) {
	case SCST_INITS_ADD:
		res = scst_acg_add_init(acg, name);
		break;
	case SCST_INITS_DEL:
		res = scst_acg_del_init(acg, name);
		break;
	case SCST_INITS_MOVE:
		dest = scst_find_acg(acg->tgt, group);
		if (!dest) {
			scst_sysfs_err(kobj, "mgmt", "move: group \"%s\" not found",
				       group);
			res = -EINVAL;
			goto out_unlock;
		}
		res = scst_acg_move_init(acg, dest, name);
		break;
	case SCST_INITS_CLEAR:
		/* Logs its own errors. */
		res = scst_inits_clear(kobj, acg);
		goto out_unlock;
	}
	if (res == -EEXIST)
		scst_sysfs_err(kobj, "mgmt", "%s: \"%s\" is already in a group of this target",
			       scst_inits_verbs[op], name);
	else if (res == -ENOENT)
		scst_sysfs_err(kobj, "mgmt", "%s: \"%s\" is not in this group",
			       scst_inits_verbs[op], name);
	else if (res)
		scst_sysfs_err(kobj, "mgmt", "%s: \"%s\": %pe",
			       scst_inits_verbs[op], name, ERR_PTR(res));
out_unlock:
	mutex_unlock(&scst_mutex);
out:
	kfree(line);
	return res ? res : count;
}

static struct kobj_attribute scst_inits_mgmt_attr =
	__ATTR(mgmt, 0644, scst_inits_mgmt_show, scst_inits_mgmt_store);

static struct attribute *scst_inits_attrs[] = {
	&scst_inits_mgmt_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_inits);

static const struct kobj_type scst_inits_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_sysfs_dir_release,
	.default_groups = scst_inits_groups,
};

static ssize_t scst_acn_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", attr->attr.name);
}

/**
 * scst_sysfs_acn_add() - add the initiators/<pattern> file of @acn
 * @acg: the named group @acn was added to
 * @acn: the initiator name pattern
 *
 * Called with scst_mutex held. The file belongs to the directory: it does
 * not reference @acn once this returns.
 *
 * Return: 0 or a negative errno (-EINVAL for a name that cannot be a file
 * name: empty, containing '/', ".", ".." or "mgmt").
 */
int scst_sysfs_acn_add(struct scst_acg *acg, struct scst_acn *acn)
{
	struct scst_acn_file *file;
	size_t size;
	int res;

	lockdep_assert_held(&scst_mutex);
	if (!acg->inits_kobj)
		return -ENODEV;
	if (!scst_sysfs_name_ok(acn->name, scst_mgmt_files))
		return -EINVAL;
	size = strlen(acn->name) + 1;
	file = kzalloc(struct_size(file, name, size), GFP_KERNEL);
	if (!file)
		return -ENOMEM;
	memcpy(file->name, acn->name, size);
	sysfs_attr_init(&file->attr.attr);
	file->attr.attr.name = file->name;
	file->attr.attr.mode = 0444;
	file->attr.show = scst_acn_show;
	res = sysfs_create_file(acg->inits_kobj, &file->attr.attr);
	if (res) {
		kfree(file);
		return res;
	}
	list_add_tail(&file->list, &scst_to_dir(acg->inits_kobj)->files);
	return 0;
}

/**
 * scst_sysfs_acn_del() - remove the initiators/<pattern> file of @acn
 * @acg: the group @acn is removed from
 * @acn: the initiator name pattern
 *
 * Called with scst_mutex held. Not needed when the whole group goes:
 * scst_sysfs_acg_del() removes the files too.
 */
void scst_sysfs_acn_del(struct scst_acg *acg, struct scst_acn *acn)
{
	struct scst_acn_file *file;

	lockdep_assert_held(&scst_mutex);
	if (!acg->inits_kobj)
		return;
	list_for_each_entry(file, &scst_to_dir(acg->inits_kobj)->files, list) {
		if (!strcmp(file->name, acn->name)) {
			/* This waits for the readers of the file. */
			sysfs_remove_file(acg->inits_kobj, &file->attr.attr);
			list_del(&file->list);
			kfree(file);
			return;
		}
	}
}

static ssize_t scst_ini_groups_mgmt_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf,
			  "Usage: echo \"create GROUP_NAME\" >mgmt\n"
			  "       echo \"del GROUP_NAME\" >mgmt\n");
}

static ssize_t scst_ini_groups_mgmt_store(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  const char *buf, size_t count)
{
	struct scst_tgt *tgt = scst_to_dir(kobj)->tgt;
	char *line, *p, *verb, *name;
	struct scst_acg *acg;
	bool create;
	int res = -EINVAL;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	p = strim(line);
	verb = scst_next_word(&p) ?: "";
	create = !strcmp(verb, "create");
	if (!create && strcmp(verb, "del")) {
		scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected create or del",
			       verb);
		goto out;
	}
	name = scst_next_word(&p);
	if (!name || scst_words_left(p)) {
		scst_sysfs_err(kobj, "mgmt", "%s: expected \"%s GROUP_NAME\"",
			       verb, verb);
		goto out;
	}
	if (create && !scst_sysfs_name_ok(name, scst_mgmt_files)) {
		scst_sysfs_err(kobj, "mgmt", "create: \"%s\" cannot be a directory name (no '/', not \"mgmt\")",
			       name);
		goto out;
	}

	res = scst_sysfs_lock();
	if (res)
		goto out;
	if (!scst_tgt_registered(tgt)) {
		scst_sysfs_err(kobj, "mgmt", "%s: the target is being removed",
			       verb);
		res = -ENODEV;
		goto out_unlock;
	}
	if (create) {
		acg = scst_acg_create(tgt, name);
		res = PTR_ERR_OR_ZERO(acg);
		if (res == -EEXIST)
			scst_sysfs_err(kobj, "mgmt", "create: group \"%s\" already exists",
				       name);
		else if (res)
			scst_sysfs_err(kobj, "mgmt", "create: group \"%s\": %pe",
				       name, acg);
		goto out_unlock;
	}
	acg = scst_find_acg(tgt, name);
	if (!acg) {
		scst_sysfs_err(kobj, "mgmt", "del: group \"%s\" not found", name);
		res = -EINVAL;
		goto out_unlock;
	}
	res = scst_acg_destroy(acg, false);
	if (res == -EBUSY)
		scst_sysfs_err(kobj, "mgmt", "del: group \"%s\" has sessions: close them first",
			       name);
	else if (res)
		scst_sysfs_err(kobj, "mgmt", "del: group \"%s\": %pe", name,
			       ERR_PTR(res));
out_unlock:
	mutex_unlock(&scst_mutex);
out:
	kfree(line);
	return res ? res : count;
}

static struct kobj_attribute scst_ini_groups_mgmt_attr =
	__ATTR(mgmt, 0644, scst_ini_groups_mgmt_show,
	       scst_ini_groups_mgmt_store);

static struct attribute *scst_ini_groups_attrs[] = {
	&scst_ini_groups_mgmt_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_ini_groups);

static const struct kobj_type scst_ini_groups_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_sysfs_dir_release,
	.default_groups = scst_ini_groups_groups,
};

/* ---- targets/<driver>/ ---- */

static struct scst_tgt_driver *scst_to_tgt_driver(struct kobject *kobj)
{
	return container_of(kobj, struct scst_tgt_driver, kobj);
}

static ssize_t scst_tgtt_mgmt_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	const struct scst_tgt_template *tgtt = scst_to_tgt_driver(kobj)->tgtt;
	ssize_t len = 0;

	if (tgtt->add_target)
		len += sysfs_emit_at(buf, len,
				     "Usage: echo \"add_target target_name [parameters]\" >mgmt\n");
	if (tgtt->del_target)
		len += sysfs_emit_at(buf, len, "%s echo \"del_target target_name\" >mgmt\n",
				     len ? "      " : "Usage:");
	if (tgtt->add_target)
		len += sysfs_emit_at(buf, len,
				     "\nwhere parameters are one or more param_name=value pairs separated by ';'\n");
	if (tgtt->drv_mv_attrs || tgtt->tgt_mv_attrs)
		len += sysfs_emit_at(buf, len,
				     "\nMulti-valued attributes, one value at a time:\n");
	if (tgtt->drv_mv_attrs)
		len += sysfs_emit_at(buf, len,
				     "       echo \"add_attribute|del_attribute NAME VALUE\" >mgmt\n");
	if (tgtt->tgt_mv_attrs)
		len += sysfs_emit_at(buf, len,
				     "       echo \"add_target_attribute|del_target_attribute TARGET NAME VALUE\" >mgmt\n");
	if (tgtt->mgmt_help)
		len += sysfs_emit_at(buf, len, "%s%s", len ? "\n" : "",
				     tgtt->mgmt_help);
	return len;
}

static ssize_t scst_tgtt_mgmt_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	const struct scst_tgt_template *tgtt = scst_to_tgt_driver(kobj)->tgtt;
	char *line, *cmd, *p, *verb, *name;
	bool add;
	int res = -EINVAL;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	cmd = strim(line);
	if (!*cmd) {
		scst_sysfs_err(kobj, "mgmt", "empty command");
		goto out;
	}
	if (scst_mv_mgmt_verb(cmd)) {
		/* Logs why without the value: it may be a secret. */
		res = scst_mv_mgmt(tgtt, cmd);
		goto out;
	}
	if (!scst_tgtt_mgmt_verb_reserved(cmd)) {
		if (!tgtt->mgmt_cmd) {
			scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected add_target or del_target",
				       cmd);
			goto out;
		}
		res = scst_tgtt_mgmt_cmd(tgtt, cmd);
		if (res)
			scst_sysfs_err(kobj, "mgmt", "\"%s\": %pe", cmd,
				       ERR_PTR(res));
		goto out;
	}

	/* No lock: the driver calls back into the core, which takes it. */
	p = cmd;
	verb = scst_next_word(&p);
	add = !strcmp(verb, "add_target");
	name = scst_next_word(&p);
	if (!name) {
		scst_sysfs_err(kobj, "mgmt", "%s: missing target name", verb);
		goto out;
	}
	if (add ? !tgtt->add_target : !tgtt->del_target) {
		scst_sysfs_err(kobj, "mgmt", "%s: not supported by this driver",
			       verb);
		res = -EOPNOTSUPP;
		goto out;
	}
	if (add) {
		if (!scst_sysfs_name_ok(name, scst_mgmt_files)) {
			scst_sysfs_err(kobj, "mgmt", "add_target: \"%s\" cannot be a directory name (no '/', not \"mgmt\")",
				       name);
			goto out;
		}
		/* The rest of the line is the driver's "key=value; ..." list. */
		res = tgtt->add_target(name, skip_spaces(p));
	} else {
		if (scst_words_left(p)) {
			scst_sysfs_err(kobj, "mgmt", "del_target: unexpected \"%s\" after the target name",
				       skip_spaces(p));
			goto out;
		}
		res = tgtt->del_target(name);
	}
	if (res)
		scst_sysfs_err(kobj, "mgmt", "%s %s: %pe", verb, name,
			       ERR_PTR(res));
out:
	kfree_sensitive(line);
	return res ? res : count;
}

static struct kobj_attribute scst_tgtt_mgmt_attr =
	__ATTR(mgmt, 0644, scst_tgtt_mgmt_show, scst_tgtt_mgmt_store);

static struct attribute *scst_tgtt_attrs[] = {
	&scst_tgtt_mgmt_attr.attr,
	NULL
};

/* Hardware drivers whose ports come and go by themselves have no mgmt. */
static umode_t scst_tgtt_attr_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	const struct scst_tgt_template *tgtt = scst_to_tgt_driver(kobj)->tgtt;

	if (!tgtt->add_target && !tgtt->del_target && !tgtt->mgmt_cmd)
		return 0;
	return attr->mode;
}

static const struct attribute_group scst_tgtt_group = {
	.attrs = scst_tgtt_attrs,
	.is_visible = scst_tgtt_attr_visible,
};
__ATTRIBUTE_GROUPS(scst_tgtt);

static void scst_tgt_driver_release(struct kobject *kobj)
{
	complete(&scst_to_tgt_driver(kobj)->kobj_released);
}

static const struct kobj_type scst_tgt_driver_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_tgt_driver_release,
	.default_groups = scst_tgtt_groups,
};

/**
 * scst_sysfs_tgt_driver_add() - add targets/<driver>
 * @drv: the registered target driver
 *
 * Called with scst_mutex held.
 *
 * Return: 0 or a negative errno.
 */
int scst_sysfs_tgt_driver_add(struct scst_tgt_driver *drv)
{
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&drv->kobj_released);
	res = kobject_init_and_add(&drv->kobj, &scst_tgt_driver_ktype,
				   scst_targets_kobj, "%s", drv->tgtt->name);
	if (res) {
		kobject_put(&drv->kobj);
		wait_for_completion(&drv->kobj_released);
	}
	return res;
}

/**
 * scst_sysfs_tgt_driver_del() - remove targets/<driver>
 * @drv: the target driver, with no targets left
 *
 * Called without scst_mutex: a write to its mgmt may be inside the driver's
 * add_target(), waiting for scst_mutex. Wait for @drv->kobj_released next.
 */
void scst_sysfs_tgt_driver_del(struct scst_tgt_driver *drv)
{
	lockdep_assert_not_held(&scst_mutex);
	kobject_del(&drv->kobj);
	kobject_put(&drv->kobj);
}

/* ---- targets/<driver>/<target>/ ---- */

static struct scst_tgt *scst_to_tgt(struct kobject *kobj)
{
	return container_of(kobj, struct scst_tgt, kobj);
}

static ssize_t scst_tgt_enabled_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct scst_tgt *tgt = scst_to_tgt(kobj);
	const struct scst_tgt_template *tgtt = tgt->drv->tgtt;
	bool enabled = true;

	if (tgtt->is_target_enabled)
		enabled = tgtt->is_target_enabled(tgt);
	return sysfs_emit(buf, "%d\n", enabled);
}

static ssize_t scst_tgt_enabled_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct scst_tgt *tgt = scst_to_tgt(kobj);
	const struct scst_tgt_template *tgtt = tgt->drv->tgtt;
	bool enable;
	int res;

	/* Root may write to the read-only file of a driver without it. */
	if (!tgtt->enable_target)
		return -EPERM;
	res = kstrtobool(buf, &enable);
	if (res) {
		scst_sysfs_err(kobj, "enabled", "expected 0 or 1");
		return res;
	}
	/* No lock: like add_target(), this may call back into the core. */
	res = scst_tgt_enable(tgt, enable);
	if (res) {
		scst_sysfs_err(kobj, "enabled", "%s the target: %pe",
			       enable ? "enabling" : "disabling", ERR_PTR(res));
		return res;
	}
	return count;
}

static ssize_t scst_tgt_rel_tgt_id_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	unsigned int id = READ_ONCE(scst_to_tgt(kobj)->rel_tgt_id);

	if (!id)
		return sysfs_emit(buf, "0\n");
	return sysfs_emit(buf, "%u\n" SCST_SYSFS_KEY_MARK "\n", id);
}

static ssize_t scst_tgt_rel_tgt_id_store(struct kobject *kobj,
					 struct kobj_attribute *attr,
					 const char *buf, size_t count)
{
	struct scst_tgt *tgt = scst_to_tgt(kobj), *user;
	u16 id;
	int res;

	if (kstrtou16(buf, 0, &id) || !id) {
		scst_sysfs_err(kobj, "rel_tgt_id", "expected a number in 1..65535");
		return -EINVAL;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	if (!scst_tgt_registered(tgt)) {
		res = -ENODEV;
		goto out_unlock;
	}
	res = scst_tgt_set_rel_tgt_id(tgt, id, &user);
	if (res == -EEXIST)
		scst_sysfs_err(kobj, "rel_tgt_id", "%u is already used by target %s",
			       id, user->name);
out_unlock:
	mutex_unlock(&scst_mutex);
	return res ? res : count;
}

static struct kobj_attribute scst_tgt_enabled_attr =
	__ATTR(enabled, 0644, scst_tgt_enabled_show, scst_tgt_enabled_store);
static struct kobj_attribute scst_tgt_rel_tgt_id_attr =
	__ATTR(rel_tgt_id, 0644, scst_tgt_rel_tgt_id_show,
	       scst_tgt_rel_tgt_id_store);

static struct attribute *scst_tgt_attrs[] = {
	&scst_tgt_enabled_attr.attr,
	&scst_tgt_rel_tgt_id_attr.attr,
	NULL
};

static umode_t scst_tgt_attr_visible(struct kobject *kobj,
				     struct attribute *attr, int n)
{
	const struct scst_tgt_template *tgtt = scst_to_tgt(kobj)->drv->tgtt;

	if (scst_attr_overridden(tgtt->tgt_attrs, attr))
		return 0;
	if (attr == &scst_tgt_enabled_attr.attr && !tgtt->enable_target)
		return 0444;
	return attr->mode;
}

static const struct attribute_group scst_tgt_group = {
	.attrs = scst_tgt_attrs,
	.is_visible = scst_tgt_attr_visible,
};

static void scst_tgt_release(struct kobject *kobj)
{
	complete(&scst_to_tgt(kobj)->kobj_released);
}

/* No default files: scst_sysfs_tgt_add() adds them once the rest is there. */
/*
 * A successful write to one of the driver's files of a target is a
 * configuration change for netlink listeners, as TARGET_SET is.
 */
static ssize_t scst_tgt_attr_store(struct kobject *kobj, struct attribute *attr,
				   const char *buf, size_t count)
{
	const struct scst_tgt *tgt = scst_to_tgt(kobj);
	ssize_t res = kobj_sysfs_ops.store(kobj, attr, buf, count);

	if (res >= 0 && scst_attr_overridden(tgt->drv->tgtt->tgt_attrs, attr))
		scst_nl_config_changed(SCST_CMD_TARGET_SET,
				       &(struct scst_nl_names){
					       .driver = tgt->drv->tgtt->name,
					       .target = tgt->name });
	return res;
}

static const struct sysfs_ops scst_tgt_sysfs_ops = {
	.show = scst_kobj_attr_show,
	.store = scst_tgt_attr_store,
};

static const struct kobj_type scst_tgt_ktype = {
	.sysfs_ops = &scst_tgt_sysfs_ops,
	.release = scst_tgt_release,
};

/**
 * scst_kobj_to_tgt() - the target of a targets/<driver>/<target> directory
 * @kobj: the kobject passed to the show() or store() of a tgt_attrs file
 *
 * Return: the target, or NULL if @kobj is not a target's.
 */
struct scst_tgt *scst_kobj_to_tgt(struct kobject *kobj)
{
	if (WARN_ON_ONCE(kobj->ktype != &scst_tgt_ktype))
		return NULL;
	return scst_to_tgt(kobj);
}
EXPORT_SYMBOL_GPL(scst_kobj_to_tgt);

static void scst_sysfs_tgt_del_dirs(struct scst_tgt *tgt)
{
	scst_sysfs_dir_del(&tgt->sessions_kobj);
	scst_sysfs_dir_del(&tgt->default_acg->luns_kobj);
	scst_sysfs_dir_del(&tgt->ini_groups_kobj);
}

/**
 * scst_sysfs_tgt_add() - add targets/<driver>/<target>
 * @tgt: the target, with ->drv and ->default_acg set
 *
 * Also adds luns/ of the default group, ini_groups/ and sessions/. Called
 * with scst_mutex held.
 *
 * Return: 0 or a negative errno (-EINVAL if the name is "mgmt").
 */
int scst_sysfs_tgt_add(struct scst_tgt *tgt)
{
	const struct attribute *const *attrs = tgt->drv->tgtt->tgt_attrs;
	struct kobject *kobj;
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&tgt->kobj_released);
	if (!scst_sysfs_name_ok(tgt->name, scst_mgmt_files))
		return -EINVAL;
	res = kobject_init_and_add(&tgt->kobj, &scst_tgt_ktype, &tgt->drv->kobj,
				   "%s", tgt->name);
	if (res)
		goto out_put;

	kobj = scst_sysfs_dir_add(&scst_ini_groups_ktype, &tgt->kobj,
				  "ini_groups", tgt, NULL);
	if (IS_ERR(kobj)) {
		res = PTR_ERR(kobj);
		goto out_del;
	}
	tgt->ini_groups_kobj = kobj;
	kobj = scst_sysfs_dir_add(&scst_luns_ktype, &tgt->kobj, "luns", NULL,
				  tgt->default_acg);
	if (IS_ERR(kobj)) {
		res = PTR_ERR(kobj);
		goto out_del_dirs;
	}
	tgt->default_acg->luns_kobj = kobj;
	tgt->sessions_kobj = kobject_create_and_add("sessions", &tgt->kobj);
	if (!tgt->sessions_kobj) {
		res = -ENOMEM;
		goto out_del_dirs;
	}

	/*
	 * The files that call into the driver come last: undoing them under
	 * scst_mutex waits for writers that might wait for scst_mutex.
	 */
	res = sysfs_create_group(&tgt->kobj, &scst_tgt_group);
	if (res)
		goto out_del_dirs;
	if (attrs) {
		res = sysfs_create_files(&tgt->kobj, attrs);
		if (res)
			goto out_del_dirs;
	}
	return 0;

out_del_dirs:
	scst_sysfs_tgt_del_dirs(tgt);
out_del:
	kobject_del(&tgt->kobj);
out_put:
	kobject_put(&tgt->kobj);
	wait_for_completion(&tgt->kobj_released);
	return res;
}

/**
 * scst_sysfs_tgt_del() - remove targets/<driver>/<target>
 * @tgt: the unlinked target, without sessions, named groups or LUNs left
 *
 * Called without scst_mutex (enabled and the driver's files call into the
 * driver). Wait for @tgt->kobj_released next.
 */
void scst_sysfs_tgt_del(struct scst_tgt *tgt)
{
	lockdep_assert_not_held(&scst_mutex);
	scst_sysfs_tgt_del_dirs(tgt);
	kobject_del(&tgt->kobj);
	kobject_put(&tgt->kobj);
}

/* ---- ini_groups/<group>/ ---- */

static void scst_acg_release(struct kobject *kobj)
{
	complete(&container_of(kobj, struct scst_acg, kobj)->kobj_released);
}

static const struct kobj_type scst_acg_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_acg_release,
};

/**
 * scst_sysfs_acg_add() - add ini_groups/<group> with its luns/ and initiators/
 * @acg: a named group of a target that is in sysfs
 *
 * Only for named groups: the default group's luns/ comes and goes with the
 * target. Called with scst_mutex held.
 *
 * Return: 0 or a negative errno (-EINVAL if the name is "mgmt").
 */
int scst_sysfs_acg_add(struct scst_acg *acg)
{
	struct kobject *kobj;
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&acg->kobj_released);
	if (WARN_ON_ONCE(!acg->name))
		return -EINVAL;
	if (!acg->tgt->ini_groups_kobj)
		return -ENODEV;
	if (!scst_sysfs_name_ok(acg->name, scst_mgmt_files))
		return -EINVAL;
	res = kobject_init_and_add(&acg->kobj, &scst_acg_ktype,
				   acg->tgt->ini_groups_kobj, "%s", acg->name);
	if (res)
		goto out_put;

	kobj = scst_sysfs_dir_add(&scst_luns_ktype, &acg->kobj, "luns", NULL,
				  acg);
	if (IS_ERR(kobj)) {
		res = PTR_ERR(kobj);
		goto out_del;
	}
	acg->luns_kobj = kobj;
	kobj = scst_sysfs_dir_add(&scst_inits_ktype, &acg->kobj, "initiators",
				  NULL, acg);
	if (IS_ERR(kobj)) {
		res = PTR_ERR(kobj);
		goto out_del_luns;
	}
	acg->inits_kobj = kobj;
	return 0;

out_del_luns:
	scst_sysfs_dir_del(&acg->luns_kobj);
out_del:
	kobject_del(&acg->kobj);
out_put:
	kobject_put(&acg->kobj);
	wait_for_completion(&acg->kobj_released);
	return res;
}

/**
 * scst_sysfs_acg_del() - remove ini_groups/<group>
 * @acg: a named group whose LUNs are gone and sessions moved elsewhere
 *
 * Called with scst_mutex held. Returns once the kobject is released: @acg
 * can be freed right away.
 */
void scst_sysfs_acg_del(struct scst_acg *acg)
{
	lockdep_assert_held(&scst_mutex);
	scst_sysfs_dir_del(&acg->inits_kobj);
	scst_sysfs_dir_del(&acg->luns_kobj);
	kobject_del(&acg->kobj);
	kobject_put(&acg->kobj);
	wait_for_completion(&acg->kobj_released);
}

/* ---- luns/<lun>/ ---- */

static struct scst_acg_dev *scst_to_acg_dev(struct kobject *kobj)
{
	return container_of(kobj, struct scst_acg_dev, kobj);
}

static ssize_t scst_lun_read_only_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	const struct scst_acg_dev *acg_dev = scst_to_acg_dev(kobj);

	/* A LUN of a read-only device is read-only too. */
	if (acg_dev->read_only || acg_dev->dev->lu.read_only)
		return sysfs_emit(buf, "1\n" SCST_SYSFS_KEY_MARK "\n");
	return sysfs_emit(buf, "0\n");
}

static struct kobj_attribute scst_lun_read_only_attr =
	__ATTR(read_only, 0444, scst_lun_read_only_show, NULL);

static struct attribute *scst_lun_attrs[] = {
	&scst_lun_read_only_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_lun);

static void scst_acg_dev_release(struct kobject *kobj)
{
	complete(&scst_to_acg_dev(kobj)->kobj_released);
}

static const struct kobj_type scst_acg_dev_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_acg_dev_release,
	.default_groups = scst_lun_groups,
};

/* Whether another LUN of @acg_dev's device is exported as export<idx>. */
static bool scst_export_idx_used(const struct scst_acg_dev *acg_dev,
				 unsigned int idx)
{
	const struct scst_acg_dev *other;

	list_for_each_entry(other, &acg_dev->dev->acg_devs, dev_list)
		if (other != acg_dev && other->kobj.state_in_sysfs &&
		    other->export_idx == idx)
			return true;
	return false;
}

#define SCST_EXPORT_NAME_LEN	sizeof("export4294967295")

/**
 * scst_sysfs_acg_dev_add() - add luns/<lun> and devices/<dev>/exported/export<N>
 * @acg_dev: the LUN; its group and device are in sysfs
 *
 * Called with scst_mutex held.
 *
 * Return: 0 or a negative errno.
 */
int scst_sysfs_acg_dev_add(struct scst_acg_dev *acg_dev)
{
	struct scst_device *dev = acg_dev->dev;
	char link[SCST_EXPORT_NAME_LEN];
	unsigned int idx;
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&acg_dev->kobj_released);
	if (!acg_dev->acg->luns_kobj)
		return -ENODEV;
	res = kobject_init_and_add(&acg_dev->kobj, &scst_acg_dev_ktype,
				   acg_dev->acg->luns_kobj, "%llu",
				   (unsigned long long)acg_dev->lun);
	if (res)
		goto out_put;
	res = sysfs_create_link(&acg_dev->kobj, &dev->kobj, "device");
	if (res)
		goto out_del;

	/* The lowest free index keeps the names stable and short. */
	for (idx = 0; scst_export_idx_used(acg_dev, idx); idx++)
		;
	acg_dev->export_idx = idx;
	snprintf(link, sizeof(link), "export%u", idx);
	res = sysfs_add_link_to_group(&dev->kobj, "exported", &acg_dev->kobj,
				      link);
	if (res)
		goto out_del;
	return 0;

out_del:
	kobject_del(&acg_dev->kobj);
out_put:
	kobject_put(&acg_dev->kobj);
	wait_for_completion(&acg_dev->kobj_released);
	return res;
}

/**
 * scst_sysfs_acg_dev_del() - remove luns/<lun> and its export link
 * @acg_dev: the LUN
 *
 * Called with scst_mutex held, before its device's scst_sysfs_dev_del().
 * Returns once the kobject is released: @acg_dev can be freed right away.
 */
void scst_sysfs_acg_dev_del(struct scst_acg_dev *acg_dev)
{
	struct scst_device *dev = acg_dev->dev;
	char link[SCST_EXPORT_NAME_LEN];

	lockdep_assert_held(&scst_mutex);
	if (dev->kobj.state_in_sysfs) {
		snprintf(link, sizeof(link), "export%u", acg_dev->export_idx);
		sysfs_remove_link_from_group(&dev->kobj, "exported", link);
	}
	kobject_del(&acg_dev->kobj);
	kobject_put(&acg_dev->kobj);
	wait_for_completion(&acg_dev->kobj_released);
}

/* ---- sessions/<initiator>/ ---- */

static struct scst_session *scst_to_sess(struct kobject *kobj)
{
	return container_of(kobj, struct scst_session, kobj);
}

static ssize_t scst_sess_initiator_name_show(struct kobject *kobj,
					     struct kobj_attribute *attr,
					     char *buf)
{
	return sysfs_emit(buf, "%s\n", scst_to_sess(kobj)->initiator_name);
}

static struct kobj_attribute scst_sess_initiator_name_attr =
	__ATTR(initiator_name, 0444, scst_sess_initiator_name_show, NULL);

static struct attribute *scst_sess_attrs[] = {
	&scst_sess_initiator_name_attr.attr,
	NULL
};

static umode_t scst_sess_attr_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	const struct scst_session *sess = scst_to_sess(kobj);

	if (scst_attr_overridden(sess->tgt->drv->tgtt->sess_attrs, attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group scst_sess_group = {
	.attrs = scst_sess_attrs,
	.is_visible = scst_sess_attr_visible,
};
__ATTRIBUTE_GROUPS(scst_sess);

static void scst_sess_release(struct kobject *kobj)
{
	complete(&scst_to_sess(kobj)->kobj_released);
}

static const struct kobj_type scst_sess_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_sess_release,
	.default_groups = scst_sess_groups,
};

/**
 * scst_kobj_to_sess() - the session of a sessions/<initiator> directory
 * @kobj: the kobject passed to the show() or store() of a sess_attrs file
 *
 * Return: the session, or NULL if @kobj is not a session's.
 */
struct scst_session *scst_kobj_to_sess(struct kobject *kobj)
{
	if (WARN_ON_ONCE(kobj->ktype != &scst_sess_ktype))
		return NULL;
	return scst_to_sess(kobj);
}
EXPORT_SYMBOL_GPL(scst_kobj_to_sess);

/*
 * <initiator>, or <initiator>_1, _2... when the initiator already has a
 * session with the target. scst_mutex serialises this with the additions.
 */
static char *scst_sess_dir_name(struct kobject *parent, const char *initiator)
{
	struct kernfs_node *kn;
	unsigned int i;
	char *name;

	for (i = 0; ; i++) {
		if (i)
			name = kasprintf(GFP_KERNEL, "%s_%u", initiator, i);
		else
			name = kstrdup(initiator, GFP_KERNEL);
		if (!name)
			return NULL;
		/* What kobject_set_name() would do to it. */
		strreplace(name, '/', '!');
		kn = kernfs_find_and_get(parent->sd, name);
		if (!kn)
			return name;
		kernfs_put(kn);
		kfree(name);
	}
}

/* sessions/<initiator>/luns -> the luns/ of the session's group. */
static int scst_sess_link_luns(struct scst_session *sess)
{
	if (!sess->acg || !sess->acg->luns_kobj)
		return 0;
	return sysfs_create_link(&sess->kobj, sess->acg->luns_kobj, "luns");
}

/**
 * scst_sysfs_sess_add() - add sessions/<initiator>
 * @sess: the session, with ->tgt and ->acg set
 *
 * Called with scst_mutex held.
 *
 * Return: 0 or a negative errno.
 */
int scst_sysfs_sess_add(struct scst_session *sess)
{
	struct scst_tgt *tgt = sess->tgt;
	const struct attribute *const *attrs = tgt->drv->tgtt->sess_attrs;
	char *name;
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&sess->kobj_released);
	if (!tgt->sessions_kobj)
		return -ENODEV;
	name = scst_sess_dir_name(tgt->sessions_kobj, sess->initiator_name);
	if (!name)
		return -ENOMEM;
	res = kobject_init_and_add(&sess->kobj, &scst_sess_ktype,
				   tgt->sessions_kobj, "%s", name);
	kfree(name);
	if (res)
		goto out_put;
	res = scst_sess_link_luns(sess);
	if (res)
		goto out_del;
	if (attrs) {
		res = sysfs_create_files(&sess->kobj, attrs);
		if (res)
			goto out_del;
	}
	return 0;

out_del:
	kobject_del(&sess->kobj);
out_put:
	kobject_put(&sess->kobj);
	wait_for_completion(&sess->kobj_released);
	return res;
}

/**
 * scst_sysfs_sess_acg_changed() - point sessions/<initiator>/luns at ->acg
 * @sess: a session that was just bound to another group
 *
 * Called with scst_mutex held, before the old group's directory goes.
 */
void scst_sysfs_sess_acg_changed(struct scst_session *sess)
{
	lockdep_assert_held(&scst_mutex);
	if (!sess->kobj.state_in_sysfs)
		return;
	sysfs_remove_link(&sess->kobj, "luns");
	if (scst_sess_link_luns(sess))
		pr_warn("session %s: cannot update its luns link\n",
			sess->initiator_name);
}

/**
 * scst_sysfs_sess_del() - remove sessions/<initiator>
 * @sess: the unlinked session
 *
 * Called without scst_mutex (the driver's files). Wait for
 * @sess->kobj_released next.
 */
void scst_sysfs_sess_del(struct scst_session *sess)
{
	lockdep_assert_not_held(&scst_mutex);
	kobject_del(&sess->kobj);
	kobject_put(&sess->kobj);
}

/* ---- handlers/<handler>/ ---- */

static struct scst_dev_driver *scst_to_dev_driver(struct kobject *kobj)
{
	return container_of(kobj, struct scst_dev_driver, kobj);
}

static ssize_t scst_devt_type_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	u8 type = scst_to_dev_driver(kobj)->devt->type;

	return sysfs_emit(buf, "%d - %s\n", type, scst_dev_type_name(type));
}

static ssize_t scst_devt_mgmt_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	const struct scst_dev_type *devt = scst_to_dev_driver(kobj)->devt;
	const char *const *param = devt->add_device_params;
	ssize_t len;

	len = sysfs_emit(buf,
			 "Usage: echo \"add_device device_name [parameters]\" >mgmt\n"
			 "       echo \"del_device device_name\" >mgmt\n"
			 "\n"
			 "where parameters are one or more param_name=value pairs separated by ';'\n");
	if (param && *param) {
		len += sysfs_emit_at(buf, len,
				     "\nThe following parameters available: %s",
				     *param);
		while (*++param)
			len += sysfs_emit_at(buf, len, ", %s", *param);
		len += sysfs_emit_at(buf, len, "\n");
	}
	return len;
}

static ssize_t scst_devt_mgmt_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	const struct scst_dev_type *devt = scst_to_dev_driver(kobj)->devt;
	char *line, *p, *verb, *name;
	bool add;
	int res = -EINVAL;

	line = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	p = strim(line);
	verb = scst_next_word(&p) ?: "";
	add = !strcmp(verb, "add_device");
	if (!add && strcmp(verb, "del_device")) {
		scst_sysfs_err(kobj, "mgmt", "unknown command \"%s\", expected add_device or del_device",
			       verb);
		goto out;
	}
	name = scst_next_word(&p);
	if (!name) {
		scst_sysfs_err(kobj, "mgmt", "%s: missing device name", verb);
		goto out;
	}
	if (add ? !devt->add_device : !devt->del_device) {
		scst_sysfs_err(kobj, "mgmt", "%s: not supported by this handler",
			       verb);
		res = -EOPNOTSUPP;
		goto out;
	}
	/* No lock: the handler calls back into the core, which takes it. */
	if (add) {
		if (!scst_sysfs_name_ok(name, scst_handler_files)) {
			scst_sysfs_err(kobj, "mgmt", "add_device: \"%s\" cannot be a device name (no '/', not \"mgmt\" or \"type\")",
				       name);
			goto out;
		}
		/* The rest of the line is the handler's "key=value; ..." list. */
		res = devt->add_device(name, skip_spaces(p));
	} else {
		if (scst_words_left(p)) {
			scst_sysfs_err(kobj, "mgmt", "del_device: unexpected \"%s\" after the device name",
				       skip_spaces(p));
			goto out;
		}
		res = devt->del_device(name);
	}
	if (res)
		scst_sysfs_err(kobj, "mgmt", "%s %s: %pe", verb, name,
			       ERR_PTR(res));
out:
	kfree(line);
	return res ? res : count;
}

static struct kobj_attribute scst_devt_type_attr =
	__ATTR(type, 0444, scst_devt_type_show, NULL);
static struct kobj_attribute scst_devt_mgmt_attr =
	__ATTR(mgmt, 0644, scst_devt_mgmt_show, scst_devt_mgmt_store);

static struct attribute *scst_devt_attrs[] = {
	&scst_devt_type_attr.attr,
	&scst_devt_mgmt_attr.attr,
	NULL
};

/* Only handlers of virtual devices have a mgmt file. */
static umode_t scst_devt_attr_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	const struct scst_dev_type *devt = scst_to_dev_driver(kobj)->devt;

	if (attr == &scst_devt_mgmt_attr.attr && !devt->add_device &&
	    !devt->del_device)
		return 0;
	return attr->mode;
}

static const struct attribute_group scst_devt_group = {
	.attrs = scst_devt_attrs,
	.is_visible = scst_devt_attr_visible,
};
__ATTRIBUTE_GROUPS(scst_devt);

static void scst_dev_driver_release(struct kobject *kobj)
{
	complete(&scst_to_dev_driver(kobj)->kobj_released);
}

static const struct kobj_type scst_dev_driver_ktype = {
	.sysfs_ops = &kobj_sysfs_ops,
	.release = scst_dev_driver_release,
	.default_groups = scst_devt_groups,
};

/**
 * scst_sysfs_dev_driver_add() - add handlers/<handler>
 * @drv: the registered device handler
 *
 * Called with scst_mutex held.
 *
 * Return: 0 or a negative errno.
 */
int scst_sysfs_dev_driver_add(struct scst_dev_driver *drv)
{
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&drv->kobj_released);
	res = kobject_init_and_add(&drv->kobj, &scst_dev_driver_ktype,
				   scst_handlers_kobj, "%s", drv->devt->name);
	if (res) {
		kobject_put(&drv->kobj);
		wait_for_completion(&drv->kobj_released);
	}
	return res;
}

/**
 * scst_sysfs_dev_driver_del() - remove handlers/<handler>
 * @drv: the device handler, normally with no devices left
 *
 * Called without scst_mutex: a write to its mgmt may be inside the
 * handler's add_device(), waiting for scst_mutex. Wait for
 * @drv->kobj_released next.
 */
void scst_sysfs_dev_driver_del(struct scst_dev_driver *drv)
{
	lockdep_assert_not_held(&scst_mutex);
	kobject_del(&drv->kobj);
	kobject_put(&drv->kobj);
}

/* ---- devices/<device>/ ---- */

static struct scst_device *scst_to_dev(struct kobject *kobj)
{
	return container_of(kobj, struct scst_device, kobj);
}

static ssize_t scst_dev_type_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	u8 type = scst_to_dev(kobj)->devt->type;

	return sysfs_emit(buf, "%d - %s\n", type, scst_dev_type_name(type));
}

static ssize_t scst_dev_size_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	const struct scst_device *dev = scst_to_dev(kobj);

	/* nblocks changes when the handler resizes the device. */
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)READ_ONCE(dev->lu.nblocks) *
			  dev->lu.block_size);
}

static ssize_t scst_dev_blocksize_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  (unsigned int)scst_to_dev(kobj)->lu.block_size);
}

static ssize_t scst_dev_read_only_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", scst_to_dev(kobj)->lu.read_only ? 1 : 0);
}

/* SCST's "[key]" mark when not the default (0): configuration. */
static ssize_t scst_dev_max_cmds_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	unsigned int val = READ_ONCE(scst_to_dev(kobj)->max_tgt_dev_cmds);

	if (!val)
		return sysfs_emit(buf, "0\n");
	return sysfs_emit(buf, "%u\n[key]\n", val);
}

/*
 * Commands of one I_T nexus the device takes at once; more get TASK SET
 * FULL, unless the target driver keeps its initiators below it (iSCSI's
 * CmdSN window does). 0: no limit. Also netlink's DEVICE_SET.
 */
static ssize_t scst_dev_max_cmds_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	struct scst_device *dev = scst_to_dev(kobj);
	unsigned int val;
	int res;

	res = kstrtouint(buf, 10, &val);
	if (res || val > SCST_NL_MAX_TGT_DEV_COMMANDS) {
		scst_sysfs_err(kobj, attr->attr.name,
			       "\"%.*s\" is not a number of commands 0..%u (0: no limit)",
			       (int)strcspn(buf, "\n"), buf,
			       SCST_NL_MAX_TGT_DEV_COMMANDS);
		return res ?: -ERANGE;
	}
	res = scst_sysfs_lock();
	if (res)
		return res;
	if (__scst_find_device(dev->name) == dev) {
		WRITE_ONCE(dev->max_tgt_dev_cmds, val);
		scst_dev_max_cmds_changed(dev);
	} else {
		res = -ENODEV;
	}
	mutex_unlock(&scst_mutex);
	return res ?: count;
}

static struct kobj_attribute scst_dev_type_attr =
	__ATTR(type, 0444, scst_dev_type_show, NULL);
static struct kobj_attribute scst_dev_max_cmds_attr =
	__ATTR(max_tgt_dev_commands, 0644, scst_dev_max_cmds_show,
	       scst_dev_max_cmds_store);
static struct kobj_attribute scst_dev_size_attr =
	__ATTR(size, 0444, scst_dev_size_show, NULL);
static struct kobj_attribute scst_dev_blocksize_attr =
	__ATTR(blocksize, 0444, scst_dev_blocksize_show, NULL);
static struct kobj_attribute scst_dev_read_only_attr =
	__ATTR(read_only, 0444, scst_dev_read_only_show, NULL);

/* The core's device attributes that netlink shows and sets, as the handler's. */
const struct attribute *const scst_dev_nl_attrs[] = {
	&scst_dev_max_cmds_attr.attr,
	NULL
};

static struct attribute *scst_dev_attrs[] = {
	&scst_dev_type_attr.attr,
	&scst_dev_size_attr.attr,
	&scst_dev_blocksize_attr.attr,
	&scst_dev_read_only_attr.attr,
	&scst_dev_max_cmds_attr.attr,
	NULL
};

/* vdisk shows its own size, blocksize and read_only, with SCST's key marks. */
static umode_t scst_dev_attr_visible(struct kobject *kobj,
				     struct attribute *attr, int n)
{
	if (scst_attr_overridden(scst_to_dev(kobj)->devt->dev_attrs, attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group scst_dev_group = {
	.attrs = scst_dev_attrs,
	.is_visible = scst_dev_attr_visible,
};
__ATTRIBUTE_GROUPS(scst_dev);

/* devices/<device>/exported/: scst_sysfs_acg_dev_add() fills it with links. */
static struct attribute *scst_dev_exported_attrs[] = {
	NULL
};

static const struct attribute_group scst_dev_exported_group = {
	.name = "exported",
	.attrs = scst_dev_exported_attrs,
};

static void scst_dev_release(struct kobject *kobj)
{
	complete(&scst_to_dev(kobj)->kobj_released);
}

/*
 * A successful write to one of the handler's files of a device (e.g.
 * resync_size) or to max_tgt_dev_commands is a configuration change for
 * netlink listeners, as DEVICE_SET is.
 */
static ssize_t scst_dev_attr_store(struct kobject *kobj, struct attribute *attr,
				   const char *buf, size_t count)
{
	const struct scst_device *dev = scst_to_dev(kobj);
	ssize_t res = kobj_sysfs_ops.store(kobj, attr, buf, count);

	if (res >= 0 && (scst_attr_overridden(dev->devt->dev_attrs, attr) ||
			 scst_attr_overridden(scst_dev_nl_attrs, attr)))
		scst_nl_config_changed(SCST_CMD_DEVICE_SET,
				       &(struct scst_nl_names){
					       .handler = dev->devt->name,
					       .device = dev->name });
	return res;
}

static const struct sysfs_ops scst_dev_sysfs_ops = {
	.show = scst_kobj_attr_show,
	.store = scst_dev_attr_store,
};

static const struct kobj_type scst_dev_ktype = {
	.sysfs_ops = &scst_dev_sysfs_ops,
	.release = scst_dev_release,
	.default_groups = scst_dev_groups,
};

/**
 * scst_kobj_to_dev() - the device of a devices/<device> directory
 * @kobj: the kobject passed to the show() or store() of a dev_attrs file
 *
 * Return: the device, or NULL if @kobj is not a device's.
 */
struct scst_device *scst_kobj_to_dev(struct kobject *kobj)
{
	if (WARN_ON_ONCE(kobj->ktype != &scst_dev_ktype))
		return NULL;
	return scst_to_dev(kobj);
}
EXPORT_SYMBOL_GPL(scst_kobj_to_dev);

/*
 * devices/<dev>/mode_saved, for handlers to list in dev_attrs: the saved
 * mode parameters (MODE SELECT with SP=1), which a device powers on with.
 * A configuration file keeps them (the "[key]" mark when they are not the
 * defaults), and writing them back after the device is created makes them
 * saved and current, as a power cycle would.
 */
static ssize_t scst_dev_mode_saved_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	struct scst_device *dev = scst_kobj_to_dev(kobj);
	struct scst_mode_params mp, def;
	char text[SCST_MODE_PARAMS_TEXT_MAX];
	unsigned long flags;

	if (!dev)
		return -ENOENT;
	spin_lock_irqsave(&dev->mode_lock, flags);
	mp = dev->mode_saved;
	spin_unlock_irqrestore(&dev->mode_lock, flags);
	scst_mode_params_default(&dev->lu, &def);
	if (scst_mode_params_format(&mp, text, sizeof(text)) < 0)
		return -EIO;
	if (scst_mode_params_equal(&mp, &def))
		return sysfs_emit(buf, "%s\n", text);
	return sysfs_emit(buf, "%s\n[key]\n", text);
}

static ssize_t scst_dev_mode_saved_store(struct kobject *kobj,
					 struct kobj_attribute *attr,
					 const char *buf, size_t count)
{
	struct scst_device *dev = scst_kobj_to_dev(kobj);
	struct scst_mode_params mp;
	unsigned long flags;
	bool changed;
	int res;

	if (!dev)
		return -ENOENT;
	spin_lock_irqsave(&dev->mode_lock, flags);
	mp = dev->mode_saved;
	res = scst_mode_params_parse(&dev->lu, buf, count, &mp);
	if (!res) {
		changed = !scst_mode_params_equal(&mp, &dev->mode_cur);
		dev->mode_saved = mp;
		dev->mode_cur = mp;
	}
	spin_unlock_irqrestore(&dev->mode_lock, flags);
	if (res) {
		pr_info("scst: %s: mode_saved: expected \"default\" or name=value words of: wce rcd d_sense swp tas qerr dexcpt mrie\n",
			dev->name);
		return res;
	}
	if (changed)
		scst_ua_add_all_dev(dev, SCST_AQ_MODE_PARAMS_CHANGED, NULL);
	return count;
}

struct kobj_attribute scst_dev_mode_saved_attr =
	__ATTR(mode_saved, 0644, scst_dev_mode_saved_show,
	       scst_dev_mode_saved_store);
EXPORT_SYMBOL_GPL(scst_dev_mode_saved_attr);

/**
 * scst_sysfs_dev_add() - add devices/<device> and its link in handlers/
 * @dev: the device, with ->drv and ->devt set
 *
 * Called with scst_mutex held.
 *
 * Return: 0 or a negative errno (-EINVAL if the name is "mgmt" or "type",
 * which are taken in the handler's directory).
 */
int scst_sysfs_dev_add(struct scst_device *dev)
{
	const struct attribute *const *attrs = dev->devt->dev_attrs;
	int res;

	lockdep_assert_held(&scst_mutex);
	init_completion(&dev->kobj_released);
	if (!scst_sysfs_name_ok(dev->name, scst_handler_files))
		return -EINVAL;
	res = kobject_init_and_add(&dev->kobj, &scst_dev_ktype,
				   scst_devices_kobj, "%s", dev->name);
	if (res)
		goto out_put;
	res = sysfs_create_group(&dev->kobj, &scst_dev_exported_group);
	if (res)
		goto out_del;
	res = sysfs_create_link(&dev->kobj, &dev->drv->kobj, "handler");
	if (res)
		goto out_del;
	res = sysfs_create_link(&dev->drv->kobj, &dev->kobj, dev->name);
	if (res)
		goto out_del;
	/* Last, see scst_sysfs_tgt_add(). */
	if (attrs) {
		res = sysfs_create_files(&dev->kobj, attrs);
		if (res)
			goto out_del_link;
	}
	return 0;

out_del_link:
	sysfs_remove_link(&dev->drv->kobj, dev->name);
out_del:
	kobject_del(&dev->kobj);
out_put:
	kobject_put(&dev->kobj);
	wait_for_completion(&dev->kobj_released);
	return res;
}

/**
 * scst_sysfs_dev_del() - remove devices/<device> and its link in handlers/
 * @dev: the unlinked device, whose LUNs are gone
 *
 * Called without scst_mutex (the handler's files). Wait for
 * @dev->kobj_released next.
 */
void scst_sysfs_dev_del(struct scst_device *dev)
{
	lockdep_assert_not_held(&scst_mutex);
	/* The handler's directory takes the link with it if it went first. */
	if (dev->drv->kobj.state_in_sysfs)
		sysfs_remove_link(&dev->drv->kobj, dev->name);
	kobject_del(&dev->kobj);
	kobject_put(&dev->kobj);
}

/* ---- /sys/kernel/scst_tgt ---- */

static ssize_t scst_version_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", SCST_SYSFS_VERSION);
}

static struct kobj_attribute scst_version_attr =
	__ATTR(version, 0444, scst_version_show, NULL);

/* Commands received and not yet freed: 0 on an idle target. */
static ssize_t scst_active_commands_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", scst_active_cmd_count());
}

static struct kobj_attribute scst_active_commands_attr =
	__ATTR(active_commands, 0444, scst_active_commands_show, NULL);

static const struct attribute *const scst_root_attrs[] = {
	&scst_version_attr.attr,
	&scst_active_commands_attr.attr,
	NULL,
};

/**
 * scst_sysfs_init() - create /sys/kernel/scst_tgt and its top directories
 *
 * Return: 0 or a negative errno.
 */
int scst_sysfs_init(void)
{
	int res;

	scst_root_kobj = kobject_create_and_add(SCST_SYSFS_ROOT, kernel_kobj);
	if (!scst_root_kobj)
		return -ENOMEM;
	res = sysfs_create_files(scst_root_kobj, scst_root_attrs);
	if (res)
		goto out_root;
	res = sysfs_create_group(scst_root_kobj, &scst_sgv_attr_group);
	if (res)
		goto out_root;
	res = -ENOMEM;
	scst_handlers_kobj = kobject_create_and_add("handlers", scst_root_kobj);
	if (!scst_handlers_kobj)
		goto out_root;
	scst_devices_kobj = kobject_create_and_add("devices", scst_root_kobj);
	if (!scst_devices_kobj)
		goto out_handlers;
	scst_targets_kobj = kobject_create_and_add("targets", scst_root_kobj);
	if (!scst_targets_kobj)
		goto out_devices;
	res = scst_alua_sysfs_init(scst_root_kobj);
	if (res)
		goto out_targets;
	return 0;

out_targets:
	kobject_put(scst_targets_kobj);
out_devices:
	kobject_put(scst_devices_kobj);
out_handlers:
	kobject_put(scst_handlers_kobj);
out_root:
	kobject_put(scst_root_kobj);
	return res;
}

/**
 * scst_sysfs_exit() - remove /sys/kernel/scst_tgt
 *
 * Every driver and handler has been unregistered by now.
 */
void scst_sysfs_exit(void)
{
	scst_alua_sysfs_exit();
	kobject_put(scst_targets_kobj);
	kobject_put(scst_devices_kobj);
	kobject_put(scst_handlers_kobj);
	kobject_put(scst_root_kobj);
}
