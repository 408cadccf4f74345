// SPDX-License-Identifier: GPL-2.0
/*
 * The "scst" generic netlink family: the protocol of
 * include/uapi/scst_netlink.h on top of the same objects and the same core
 * functions as the sysfs tree (scst_sysfs.c), so the two cannot disagree.
 *
 * Locking
 * -------
 * The family is not parallel: genl_mutex serialises our doit and dumpit
 * calls. Lookups and the core's configuration functions run under
 * scst_mutex. The hooks of handlers and drivers (add_device, add_target,
 * mgmt_cmd, enable_target, the show() and store() of their attributes) are
 * called without it, like sysfs calls them: the handler or driver is pinned
 * by a module reference, a device or target by a reference on its kobject
 * (its unregistration waits for that reference before freeing it, as it
 * waits for a sysfs file's active reference).
 *
 * Events are built where they happen, often under scst_mutex, and sent
 * from a work item, so that no caller's lock is held while sending. They
 * are best effort: an allocation failure drops the event.
 */
#define pr_fmt(fmt) "scst: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "scst_priv.h"
#include "scst_compat.h"
#include "uapi/scst_netlink.h"

/* The line SCST's show() functions add to attributes scstadmin saves. */
#define SCST_NL_KEY_MARK	"[key]"

static struct genl_family scst_nl_family;
static bool scst_nl_registered;

/*
 * Bumped on every change an event reports: a dump that spans several
 * messages and sees it change sets NLM_F_DUMP_INTR.
 */
static atomic_t scst_nl_generation = ATOMIC_INIT(1);

/* ---- policies ---- */

#define SCST_NL_STR(max)	{ .type = NLA_NUL_STRING, .len = (max) - 1 }

static const struct nla_policy scst_nl_attr_policy[SCST_A_MAX + 1] = {
	[SCST_A_ATTR_NAME]	= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_ATTR_VALUE]	= SCST_NL_STR(SCST_NL_VALUE_MAX),
	[SCST_A_ATTR_KEY]	= { .type = NLA_REJECT },
};

static const struct nla_policy scst_nl_policy[SCST_A_MAX + 1] = {
	/* Only ever sent by the kernel. */
	[SCST_A_VERSION]	= { .type = NLA_REJECT },
	[SCST_A_GENL_VERSION]	= { .type = NLA_REJECT },
	[SCST_A_SIZE]		= { .type = NLA_REJECT },
	[SCST_A_BLOCK_SIZE]	= { .type = NLA_REJECT },
	[SCST_A_ADD_PARAMS]	= { .type = NLA_REJECT },
	[SCST_A_LUN_COUNT]	= { .type = NLA_REJECT },
	[SCST_A_ACTIVE_COMMANDS] = { .type = NLA_REJECT },
	[SCST_A_CMD]		= { .type = NLA_REJECT },
	[SCST_A_PAD]		= { .type = NLA_REJECT },
	[SCST_A_ATTR_KEY]	= { .type = NLA_REJECT },

	[SCST_A_HANDLER]	= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_DEVICE]		= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_DRIVER]		= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_TARGET]		= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_GROUP]		= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_DEST_GROUP]	= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_INITIATOR]	= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_LUN]		= NLA_POLICY_MAX(NLA_U32, SCST_NL_LUN_MAX),
	[SCST_A_READ_ONLY]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SCST_A_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SCST_A_REL_TGT_ID]	= NLA_POLICY_MIN(NLA_U16, 1),
	[SCST_A_PARAMS]		= SCST_NL_STR(SCST_NL_VALUE_MAX),
	[SCST_A_MGMT_LINE]	= SCST_NL_STR(SCST_NL_VALUE_MAX),
	[SCST_A_ATTR]		= NLA_POLICY_NESTED(scst_nl_attr_policy),
	[SCST_A_DEVICE_GROUP]	= SCST_NL_STR(SCST_NL_NAME_MAX),
	[SCST_A_TARGET_GROUP]	= SCST_NL_STR(SCST_NL_NAME_MAX),
};

/* ---- helpers ---- */

/* A required attribute is missing: -EINVAL, and say which. */
#define SCST_NL_MISSING(extack, type, msg) ({				\
	NL_SET_ERR_ATTR_MISS(extack, NULL, type);			\
	NL_SET_ERR_MSG(extack, msg);					\
	-EINVAL;							\
})

static const char *scst_nl_str(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_data(attrs[type]) : NULL;
}

/* The target driver named by SCST_A_DRIVER; scst_mutex held. */
static int scst_nl_find_drv(struct nlattr **attrs,
			    struct netlink_ext_ack *extack,
			    struct scst_tgt_driver **drv)
{
	if (!attrs[SCST_A_DRIVER])
		return SCST_NL_MISSING(extack, SCST_A_DRIVER,
				       "missing SCST_A_DRIVER (target driver)");
	*drv = scst_find_tgt_driver(nla_data(attrs[SCST_A_DRIVER]));
	if (!*drv) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[SCST_A_DRIVER],
				    "no such target driver");
		return -ENOENT;
	}
	return 0;
}

/* The target named by SCST_A_DRIVER + SCST_A_TARGET; scst_mutex held. */
static int scst_nl_find_tgt(struct nlattr **attrs,
			    struct netlink_ext_ack *extack,
			    struct scst_tgt **tgt)
{
	struct scst_tgt_driver *drv;
	int res;

	res = scst_nl_find_drv(attrs, extack, &drv);
	if (res)
		return res;
	if (!attrs[SCST_A_TARGET])
		return SCST_NL_MISSING(extack, SCST_A_TARGET,
				       "missing SCST_A_TARGET");
	*tgt = __scst_find_target(drv, nla_data(attrs[SCST_A_TARGET]));
	if (!*tgt) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[SCST_A_TARGET],
				    "no such target");
		return -ENOENT;
	}
	return 0;
}

/*
 * The group named by SCST_A_GROUP, or the target's default group when it
 * is absent and @named is false; scst_mutex held.
 */
static int scst_nl_find_acg(struct nlattr **attrs,
			    struct netlink_ext_ack *extack, bool named,
			    struct scst_acg **acg)
{
	struct scst_tgt *tgt;
	int res;

	res = scst_nl_find_tgt(attrs, extack, &tgt);
	if (res)
		return res;
	if (!attrs[SCST_A_GROUP]) {
		if (named)
			return SCST_NL_MISSING(extack, SCST_A_GROUP,
					       "missing SCST_A_GROUP");
		*acg = tgt->default_acg;
		return 0;
	}
	*acg = scst_find_acg(tgt, nla_data(attrs[SCST_A_GROUP]));
	if (!*acg) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[SCST_A_GROUP],
				    "no such group");
		return -ENOENT;
	}
	return 0;
}

/* The device named by SCST_A_DEVICE; scst_mutex held. */
static int scst_nl_find_dev(struct nlattr **attrs,
			    struct netlink_ext_ack *extack,
			    struct scst_device **dev)
{
	if (!attrs[SCST_A_DEVICE])
		return SCST_NL_MISSING(extack, SCST_A_DEVICE,
				       "missing SCST_A_DEVICE");
	*dev = __scst_find_device(nla_data(attrs[SCST_A_DEVICE]));
	if (!*dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[SCST_A_DEVICE],
				    "no such device");
		return -ENOENT;
	}
	return 0;
}

/*
 * Drop the trailing newline(s) and SCST's "[key]" line from a show()
 * output, in place: netlink carries the value, and the mark as the
 * SCST_A_ATTR_KEY flag. Returns whether the mark was there.
 */
static bool scst_nl_strip_value(char *s)
{
	size_t len = strlen(s), mark = strlen(SCST_NL_KEY_MARK);

	while (len && s[len - 1] == '\n')
		s[--len] = '\0';
	if (len >= mark && !strcmp(s + len - mark, SCST_NL_KEY_MARK) &&
	    (len == mark || s[len - mark - 1] == '\n')) {
		len -= mark;
		s[len] = '\0';
		while (len && s[len - 1] == '\n')
			s[--len] = '\0';
		return true;
	}
	return false;
}

static struct kobj_attribute *scst_nl_kattr(const struct attribute *attr)
{
	return container_of((struct attribute *)attr, struct kobj_attribute,
			    attr);
}

/*
 * One SCST_A_ATTR of @kobj: what its sysfs file shows. @page is a zeroed
 * page, as sysfs hands to show(). Unreadable attributes are skipped.
 */
static int scst_nl_put_attr(struct sk_buff *skb, struct kobject *kobj,
			    const struct attribute *attr, char *page)
{
	struct kobj_attribute *kattr = scst_nl_kattr(attr);
	struct nlattr *nest;
	ssize_t len;
	bool key;

	if (!kattr->show || !(attr->mode & 0444))
		return 0;
	clear_page(page);
	len = kattr->show(kobj, kattr, page);
	if (len < 0)
		return 0;
	page[min_t(ssize_t, len, PAGE_SIZE - 1)] = '\0';
	key = scst_nl_strip_value(page);

	nest = nla_nest_start(skb, SCST_A_ATTR);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_ATTR_NAME, attr->name) ||
	    nla_put_string(skb, SCST_A_ATTR_VALUE, page) ||
	    (key && nla_put_flag(skb, SCST_A_ATTR_KEY))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int scst_nl_put_attrs(struct sk_buff *skb, struct kobject *kobj,
			     const struct attribute *const *attrs, char *page)
{
	for (; attrs && *attrs; attrs++)
		if (scst_nl_put_attr(skb, kobj, *attrs, page))
			return -EMSGSIZE;
	return 0;
}

/*
 * The writable attribute called @name in @attrs, or NULL: the only ones
 * that DEVICE_SET and TARGET_SET may store to, as root may in sysfs.
 */
static struct kobj_attribute *
scst_nl_writable_attr(const struct attribute *const *attrs, const char *name)
{
	for (; attrs && *attrs; attrs++)
		if (!strcmp((*attrs)->name, name) &&
		    ((*attrs)->mode & 0222) && scst_nl_kattr(*attrs)->store)
			return scst_nl_kattr(*attrs);
	return NULL;
}

/*
 * Store SCST_A_ATTR of the request into the attribute of @kobj from
 * @attrs or @more, exactly like a write to its sysfs file. No scst_mutex.
 */
static int scst_nl_store_attr(struct kobject *kobj,
			      const struct attribute *const *attrs,
			      const struct attribute *const *more,
			      struct nlattr *nla,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SCST_A_MAX + 1];
	struct kobj_attribute *kattr;
	const char *name, *value;
	ssize_t res;

	res = nla_parse_nested(tb, SCST_A_MAX, nla, scst_nl_attr_policy,
			       extack);
	if (res)
		return res;
	if (!tb[SCST_A_ATTR_NAME] || !tb[SCST_A_ATTR_VALUE]) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "SCST_A_ATTR needs SCST_A_ATTR_NAME and SCST_A_ATTR_VALUE");
		return -EINVAL;
	}
	name = nla_data(tb[SCST_A_ATTR_NAME]);
	kattr = scst_nl_writable_attr(attrs, name) ?:
		scst_nl_writable_attr(more, name);
	if (!kattr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SCST_A_ATTR_NAME],
				    "no such writable attribute");
		return -EINVAL;
	}
	value = nla_data(tb[SCST_A_ATTR_VALUE]);
	res = kattr->store(kobj, kattr, value, strlen(value));
	if (res == -ERANGE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SCST_A_ATTR_VALUE],
				    "the value is out of the attribute's range (see the kernel log)");
		return res;
	}
	if (res < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SCST_A_ATTR_VALUE],
				    "the attribute refused the value (see the kernel log)");
		return res;
	}
	return 0;
}

static char *scst_nl_alloc_page(void)
{
	return (char *)__get_free_page(GFP_KERNEL);
}

static void scst_nl_free_page(char *page)
{
	free_page((unsigned long)page);
}

/* Where a reply or a dump's message goes. */
struct scst_nl_dst {
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	struct netlink_callback *cb;	/* a dump's, to flag changes */
	bool privileged;		/* CAP_NET_ADMIN: secrets too */
};

static struct scst_nl_dst scst_nl_dump_dst(struct netlink_callback *cb, u8 cmd)
{
	return (struct scst_nl_dst){
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = cmd,
		.cb = cb,
		.privileged = netlink_capable(cb->skb, CAP_NET_ADMIN),
	};
}

static void *scst_nl_put_hdr(struct sk_buff *skb, const struct scst_nl_dst *dst)
{
	void *hdr;

	hdr = genlmsg_put(skb, dst->portid, dst->seq, &scst_nl_family,
			  dst->flags, dst->cmd);
	if (hdr && dst->cb)
		genl_dump_check_consistent(dst->cb, hdr);
	return hdr;
}

/*
 * Reply to a doit with one object. The object's attributes can be long:
 * start with a normal message and grow it if they do not fit.
 */
typedef int (*scst_nl_fill_fn)(struct sk_buff *skb, void *obj,
			       const struct scst_nl_dst *dst, char *page);

static int __scst_nl_reply(struct genl_info *info, scst_nl_fill_fn fill,
			   void *obj, char *page, bool privileged)
{
	const struct scst_nl_dst dst = {
		.portid = info->snd_portid,
		.seq = info->snd_seq,
		.cmd = info->genlhdr->cmd,
		.privileged = privileged,
	};
	size_t size = NLMSG_GOODSIZE;
	struct sk_buff *msg;
	int res;

	for (;;) {
		msg = genlmsg_new(size, GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		res = fill(msg, obj, &dst, page);
		if (!res)
			return genlmsg_reply(msg, info);
		nlmsg_free(msg);
		if (res != -EMSGSIZE || size >= 64 * NLMSG_GOODSIZE)
			return res;
		size *= 4;
	}
}

static int scst_nl_reply(struct genl_info *info, scst_nl_fill_fn fill,
			 void *obj, char *page)
{
	return __scst_nl_reply(info, fill, obj, page, false);
}

/*
 * A reply that may carry secret values: to a requester with CAP_NET_ADMIN
 * (@skb is the request), as the commands that change them need.
 */
static int scst_nl_reply_priv(struct sk_buff *skb, struct genl_info *info,
			      scst_nl_fill_fn fill, void *obj, char *page)
{
	return __scst_nl_reply(info, fill, obj, page,
			       netlink_capable(skb, CAP_NET_ADMIN));
}

/*
 * What a dumpit returns: the length so far, or the error if not even one
 * object fitted (or another error happened before any was put).
 */
static int scst_nl_dump_done(struct sk_buff *skb, int res)
{
	if (res && !skb->len)
		return res;
	return skb->len;
}

/*
 * A dump of the objects on @head, one message each by @fill, from where
 * the previous part stopped (cb->args[0]); @off is the offset of their
 * list_head. scst_mutex held.
 */
static int scst_nl_dump_list(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct scst_nl_dst *dst,
			     struct list_head *head, size_t off,
			     scst_nl_fill_fn fill)
{
	struct list_head *pos;
	long i = 0;
	int res;

	list_for_each(pos, head) {
		if (i++ < cb->args[0])
			continue;
		res = fill(skb, (char *)pos - off, dst, NULL);
		if (res)
			return res;
		cb->args[0] = i;
	}
	return 0;
}

/* ---- events ---- */

static struct sk_buff_head scst_nl_events;

static void scst_nl_event_work_fn(struct work_struct *work)
{
	struct sk_buff *skb;

	/* No listener (-ESRCH) or a full socket: best effort. */
	while ((skb = skb_dequeue(&scst_nl_events)))
		genlmsg_multicast(&scst_nl_family, skb, 0, 0, GFP_KERNEL);
}

static DECLARE_WORK(scst_nl_event_work, scst_nl_event_work_fn);

static struct sk_buff *scst_nl_event_new(u8 event, gfp_t gfp, void **hdr)
{
	struct sk_buff *skb;

	atomic_inc(&scst_nl_generation);
	if (!READ_ONCE(scst_nl_registered))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &scst_nl_family, 0, event);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void scst_nl_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	skb_queue_tail(&scst_nl_events, skb);
	schedule_work(&scst_nl_event_work);
}

static int scst_nl_put_names(struct sk_buff *skb, const struct scst_nl_names *n)
{
	if ((n->handler && nla_put_string(skb, SCST_A_HANDLER, n->handler)) ||
	    (n->device && nla_put_string(skb, SCST_A_DEVICE, n->device)) ||
	    (n->driver && nla_put_string(skb, SCST_A_DRIVER, n->driver)) ||
	    (n->target && nla_put_string(skb, SCST_A_TARGET, n->target)) ||
	    (n->group && nla_put_string(skb, SCST_A_GROUP, n->group)) ||
	    (n->dest_group &&
	     nla_put_string(skb, SCST_A_DEST_GROUP, n->dest_group)) ||
	    (n->initiator &&
	     nla_put_string(skb, SCST_A_INITIATOR, n->initiator)) ||
	    (n->has_lun && nla_put_u32(skb, SCST_A_LUN, n->lun)))
		return -EMSGSIZE;
	return 0;
}

/**
 * scst_nl_config_changed() - multicast SCST_EVENT_CONFIG_CHANGED
 * @cmd: the SCST_CMD_* that describes the change
 * @names: the objects it concerns
 *
 * Any context that may sleep; any lock may be held.
 */
void scst_nl_config_changed(u8 cmd, const struct scst_nl_names *names)
{
	scst_nl_config_changed_gfp(cmd, names, GFP_KERNEL);
}

/* scst_nl_config_changed() from any context, allocating with @gfp. */
void scst_nl_config_changed_gfp(u8 cmd, const struct scst_nl_names *names,
				gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	skb = scst_nl_event_new(SCST_EVENT_CONFIG_CHANGED, gfp, &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, SCST_A_CMD, cmd) || scst_nl_put_names(skb, names)) {
		nlmsg_free(skb);
		return;
	}
	scst_nl_event_send(skb, hdr);
}

/**
 * scst_nl_dev_event() - multicast a device event
 * @event: SCST_EVENT_DEVICE_ADDED, _REMOVED or _RESIZED
 * @dev: the device
 *
 * Any context: the allocation does not sleep for a resize.
 */
void scst_nl_dev_event(u8 event, struct scst_device *dev)
{
	gfp_t gfp = event == SCST_EVENT_DEVICE_RESIZED ? GFP_ATOMIC : GFP_KERNEL;
	struct sk_buff *skb;
	void *hdr;

	skb = scst_nl_event_new(event, gfp, &hdr);
	if (!skb)
		return;
	if (nla_put_string(skb, SCST_A_DEVICE, dev->name) ||
	    nla_put_string(skb, SCST_A_HANDLER, dev->devt->name) ||
	    nla_put_u64_64bit(skb, SCST_A_SIZE,
			      READ_ONCE(dev->lu.nblocks) * dev->lu.block_size,
			      SCST_A_PAD) ||
	    nla_put_u32(skb, SCST_A_BLOCK_SIZE, dev->lu.block_size)) {
		nlmsg_free(skb);
		return;
	}
	scst_nl_event_send(skb, hdr);
}

/**
 * scst_nl_sess_event() - multicast SCST_EVENT_SESSION_UP or _DOWN
 * @event: the event
 * @sess: the session
 */
void scst_nl_sess_event(u8 event, struct scst_session *sess)
{
	struct sk_buff *skb;
	void *hdr;

	skb = scst_nl_event_new(event, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	if (nla_put_string(skb, SCST_A_DRIVER, sess->tgt->drv->tgtt->name) ||
	    nla_put_string(skb, SCST_A_TARGET, sess->tgt->name) ||
	    nla_put_string(skb, SCST_A_INITIATOR, sess->initiator_name)) {
		nlmsg_free(skb);
		return;
	}
	scst_nl_event_send(skb, hdr);
}

/* ---- GET_VERSION ---- */

static int scst_nl_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &scst_nl_family, 0,
				SCST_CMD_GET_VERSION);
	if (!hdr ||
	    nla_put_string(msg, SCST_A_VERSION, SCST_VERSION) ||
	    nla_put_u32(msg, SCST_A_GENL_VERSION, SCST_GENL_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- global settings ---- */

static int scst_nl_global_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	const char *name;
	char text[16];
	unsigned int i, val;
	void *hdr;
	int key;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &scst_nl_family, 0,
				SCST_CMD_GLOBAL_GET);
	if (!hdr || nla_put_string(msg, SCST_A_VERSION, SCST_VERSION) ||
	    nla_put_u32(msg, SCST_A_ACTIVE_COMMANDS, scst_active_cmd_count()))
		goto too_big;
	for (i = 0; (key = scst_setting_get(i, &name, &val)) >= 0; i++) {
		snprintf(text, sizeof(text), "%u", val);
		nest = nla_nest_start(msg, SCST_A_ATTR);
		if (!nest || nla_put_string(msg, SCST_A_ATTR_NAME, name) ||
		    nla_put_string(msg, SCST_A_ATTR_VALUE, text) ||
		    (key && nla_put_flag(msg, SCST_A_ATTR_KEY)))
			goto too_big;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int scst_nl_global_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nla = info->attrs[SCST_A_ATTR];
	struct nlattr *tb[SCST_A_MAX + 1];
	int res;

	if (!nla) {
		NL_SET_ERR_MSG(info->extack, "SCST_A_ATTR is required");
		return -EINVAL;
	}
	res = nla_parse_nested(tb, SCST_A_MAX, nla, scst_nl_attr_policy,
			       info->extack);
	if (res)
		return res;
	if (!tb[SCST_A_ATTR_NAME] || !tb[SCST_A_ATTR_VALUE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "SCST_A_ATTR needs SCST_A_ATTR_NAME and SCST_A_ATTR_VALUE");
		return -EINVAL;
	}
	res = scst_setting_set(nla_data(tb[SCST_A_ATTR_NAME]),
			       nla_data(tb[SCST_A_ATTR_VALUE]));
	if (res == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SCST_A_ATTR_NAME],
				    "no such global setting");
	else if (res)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SCST_A_ATTR_VALUE],
				    "expected an unsigned number");
	return res;
}

/* ---- handlers ---- */

static int scst_nl_fill_handler(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	const struct scst_dev_type *devt = ((struct scst_dev_driver *)obj)->devt;
	const char *const *param;
	struct nlattr *nest;
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_HANDLER, devt->name))
		goto cancel;
	nest = nla_nest_start(skb, SCST_A_ADD_PARAMS);
	if (!nest)
		goto cancel;
	for (param = devt->add_device_params; param && *param; param++)
		if (nla_put_string(skb, SCST_A_ATTR_NAME, *param))
			goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int scst_nl_handler_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_driver *drv;
	int res;

	if (!info->attrs[SCST_A_HANDLER])
		return SCST_NL_MISSING(info->extack, SCST_A_HANDLER,
				       "missing SCST_A_HANDLER (or use a dump)");
	mutex_lock(&scst_mutex);
	drv = scst_find_dev_driver(nla_data(info->attrs[SCST_A_HANDLER]));
	if (drv) {
		res = scst_nl_reply(info, scst_nl_fill_handler, drv, NULL);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SCST_A_HANDLER],
				    "no such device handler");
		res = -ENOENT;
	}
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_handler_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_HANDLER_GET);
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_nl_dump_list(skb, cb, &dst, &scst_dev_driver_list,
				offsetof(struct scst_dev_driver, list),
				scst_nl_fill_handler);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

/* ---- devices ---- */

static int scst_nl_fill_dev(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_device *dev = obj;
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_DEVICE, dev->name) ||
	    nla_put_string(skb, SCST_A_HANDLER, dev->devt->name) ||
	    nla_put_u64_64bit(skb, SCST_A_SIZE,
			      READ_ONCE(dev->lu.nblocks) * dev->lu.block_size,
			      SCST_A_PAD) ||
	    nla_put_u32(skb, SCST_A_BLOCK_SIZE, dev->lu.block_size) ||
	    nla_put_u8(skb, SCST_A_READ_ONLY, dev->lu.read_only) ||
	    scst_nl_put_attrs(skb, &dev->kobj, dev->devt->dev_attrs, page) ||
	    scst_nl_put_attrs(skb, &dev->kobj, scst_dev_nl_attrs, page)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scst_nl_device_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_device *dev;
	char *page;
	int res;

	page = scst_nl_alloc_page();
	if (!page)
		return -ENOMEM;
	mutex_lock(&scst_mutex);
	res = scst_nl_find_dev(info->attrs, info->extack, &dev);
	if (!res)
		kobject_get(&dev->kobj);
	mutex_unlock(&scst_mutex);
	if (!res) {
		/* show() runs without scst_mutex, as from sysfs. */
		res = scst_nl_reply(info, scst_nl_fill_dev, dev, page);
		kobject_put(&dev->kobj);
	}
	scst_nl_free_page(page);
	return res;
}

static int scst_nl_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_DEVICE_GET);
	struct scst_device *dev;
	long i;
	char *page;
	int res = 0;

	page = scst_nl_alloc_page();
	if (!page)
		return -ENOMEM;
	cb->seq = atomic_read(&scst_nl_generation);
	for (;;) {
		/* Pin the next device, then show() it without scst_mutex. */
		i = 0;
		mutex_lock(&scst_mutex);
		list_for_each_entry(dev, &scst_device_list, list)
			if (i++ == cb->args[0])
				break;
		if (list_entry_is_head(dev, &scst_device_list, list))
			dev = NULL;
		else
			kobject_get(&dev->kobj);
		mutex_unlock(&scst_mutex);
		if (!dev)
			break;
		res = scst_nl_fill_dev(skb, dev, &dst, page);
		kobject_put(&dev->kobj);
		if (res)
			break;
		cb->args[0]++;
	}
	scst_nl_free_page(page);
	return scst_nl_dump_done(skb, res);
}

/* The handler named @name, pinned by a module reference; scst_mutex held. */
static const struct scst_dev_type *scst_nl_get_devt(const char *name)
{
	struct scst_dev_driver *drv = scst_find_dev_driver(name);

	if (!drv || !try_module_get(drv->devt->owner))
		return NULL;
	return drv->devt;
}

static int scst_nl_device_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	const struct scst_dev_type *devt;
	const char *name;
	char *params;
	int res;

	if (!attrs[SCST_A_HANDLER])
		return SCST_NL_MISSING(info->extack, SCST_A_HANDLER,
				       "missing SCST_A_HANDLER");
	if (!attrs[SCST_A_DEVICE])
		return SCST_NL_MISSING(info->extack, SCST_A_DEVICE,
				       "missing SCST_A_DEVICE");
	name = nla_data(attrs[SCST_A_DEVICE]);
	if (!scst_dev_name_ok(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE],
				    "invalid device name (empty, '/', \".\", \"..\", \"mgmt\" or \"type\")");
		return -EINVAL;
	}
	mutex_lock(&scst_mutex);
	devt = scst_nl_get_devt(nla_data(attrs[SCST_A_HANDLER]));
	mutex_unlock(&scst_mutex);
	if (!devt) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_HANDLER],
				    "no such device handler");
		return -ENOENT;
	}
	if (!devt->add_device) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_HANDLER],
				    "this handler cannot add devices");
		res = -EOPNOTSUPP;
		goto out_put;
	}
	/* The handler cuts up its copy of "key=value; ..." while parsing. */
	params = kstrdup(scst_nl_str(attrs, SCST_A_PARAMS) ?: "", GFP_KERNEL);
	if (!params) {
		res = -ENOMEM;
		goto out_put;
	}
	/* No lock: the handler calls back into the core, which takes it. */
	res = devt->add_device(name, params);
	kfree(params);
	if (res == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE],
				    "a device with this name already exists");
	else if (res)
		NL_SET_ERR_MSG(info->extack,
			       "the handler refused to add the device (see the kernel log)");
out_put:
	module_put(devt->owner);
	return res;
}

static int scst_nl_device_del(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_dev_type *devt = NULL;
	struct scst_device *dev;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_dev(info->attrs, info->extack, &dev);
	if (!res) {
		devt = dev->devt;
		if (!devt->del_device) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SCST_A_DEVICE],
					    "the device's handler cannot delete devices");
			res = -EOPNOTSUPP;
		} else if (!try_module_get(devt->owner)) {
			res = -ENODEV;
		}
	}
	mutex_unlock(&scst_mutex);
	if (res)
		return res;
	res = devt->del_device(nla_data(info->attrs[SCST_A_DEVICE]));
	if (res)
		NL_SET_ERR_MSG(info->extack,
			       "the handler refused to delete the device (see the kernel log)");
	module_put(devt->owner);
	return res;
}

static int scst_nl_device_set(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_device *dev;
	int res;

	if (!info->attrs[SCST_A_ATTR])
		return SCST_NL_MISSING(info->extack, SCST_A_ATTR,
				       "missing SCST_A_ATTR");
	mutex_lock(&scst_mutex);
	res = scst_nl_find_dev(info->attrs, info->extack, &dev);
	if (!res)
		kobject_get(&dev->kobj);
	mutex_unlock(&scst_mutex);
	if (res)
		return res;
	/* store() runs without scst_mutex, as from sysfs. */
	res = scst_nl_store_attr(&dev->kobj, dev->devt->dev_attrs,
				 scst_dev_nl_attrs, info->attrs[SCST_A_ATTR],
				 info->extack);
	if (!res)
		scst_nl_config_changed(SCST_CMD_DEVICE_SET,
				       &(struct scst_nl_names){
					       .handler = dev->devt->name,
					       .device = dev->name });
	kobject_put(&dev->kobj);
	return res;
}

/* ---- target drivers ---- */

static int scst_nl_fill_drv(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_tgt_driver *drv = obj;
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_DRIVER, drv->tgtt->name) ||
	    scst_mv_nl_put(skb, &drv->mv_values, dst->privileged)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scst_nl_driver_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_driver *drv;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_drv(info->attrs, info->extack, &drv);
	if (!res)
		res = scst_nl_reply_priv(skb, info, scst_nl_fill_drv, drv,
					 NULL);
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_driver_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_DRIVER_GET);
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_nl_dump_list(skb, cb, &dst, &scst_tgt_driver_list,
				offsetof(struct scst_tgt_driver, list),
				scst_nl_fill_drv);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

/* The driver named by SCST_A_DRIVER, pinned by a module reference. */
static int scst_nl_get_tgtt(struct genl_info *info,
			    const struct scst_tgt_template **tgtt)
{
	struct scst_tgt_driver *drv;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_drv(info->attrs, info->extack, &drv);
	if (!res && !try_module_get(drv->tgtt->owner))
		res = -ENODEV;
	if (!res)
		*tgtt = drv->tgtt;
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_driver_mgmt(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_tgt_template *tgtt;
	struct nlattr *line = info->attrs[SCST_A_MGMT_LINE];
	int res;

	if (!line)
		return SCST_NL_MISSING(info->extack, SCST_A_MGMT_LINE,
				       "missing SCST_A_MGMT_LINE");
	res = scst_nl_get_tgtt(info, &tgtt);
	if (res)
		return res;
	if (!tgtt->mgmt_cmd) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SCST_A_DRIVER],
				    "this driver has no management commands");
		res = -EOPNOTSUPP;
	} else if (scst_tgtt_mgmt_verb_reserved(nla_data(line))) {
		NL_SET_ERR_MSG_ATTR(info->extack, line,
				    "use SCST_CMD_TARGET_ADD/DEL or SCST_CMD_ATTR_ADD/DEL");
		res = -EINVAL;
	} else {
		res = scst_tgtt_mgmt_cmd(tgtt, nla_data(line));
		if (res)
			NL_SET_ERR_MSG_ATTR(info->extack, line,
					    "the driver refused the command (see the kernel log)");
	}
	module_put(tgtt->owner);
	return res;
}

/* ---- targets ---- */

static int scst_nl_fill_tgt(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_tgt *tgt = obj;
	const struct scst_tgt_template *tgtt = tgt->drv->tgtt;
	bool enabled = true;
	void *hdr;

	if (tgtt->is_target_enabled)
		enabled = tgtt->is_target_enabled(tgt);
	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_DRIVER, tgtt->name) ||
	    nla_put_string(skb, SCST_A_TARGET, tgt->name) ||
	    nla_put_u8(skb, SCST_A_ENABLED, enabled) ||
	    nla_put_u16(skb, SCST_A_REL_TGT_ID, READ_ONCE(tgt->rel_tgt_id)) ||
	    scst_nl_put_attrs(skb, &tgt->kobj, tgtt->tgt_attrs, page) ||
	    scst_mv_nl_put(skb, &tgt->mv_values, dst->privileged)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scst_nl_target_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt *tgt;
	char *page;
	int res;

	page = scst_nl_alloc_page();
	if (!page)
		return -ENOMEM;
	mutex_lock(&scst_mutex);
	res = scst_nl_find_tgt(info->attrs, info->extack, &tgt);
	if (!res)
		kobject_get(&tgt->kobj);
	mutex_unlock(&scst_mutex);
	if (!res) {
		/* The driver's callbacks run without scst_mutex. */
		res = scst_nl_reply_priv(skb, info, scst_nl_fill_tgt, tgt,
					 page);
		kobject_put(&tgt->kobj);
	}
	scst_nl_free_page(page);
	return res;
}

/*
 * The target at position (args[0] driver, args[1] target), or the next
 * one, pinned; NULL at the end. With SCST_A_DRIVER only that driver's.
 */
static struct scst_tgt *scst_nl_dump_next_tgt(struct netlink_callback *cb,
					      const char *drv_name)
{
	struct scst_tgt_driver *drv;
	struct scst_tgt *tgt;
	long d = 0, t;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(drv, &scst_tgt_driver_list, list) {
		if (d++ < cb->args[0])
			continue;
		if (drv_name && strcmp(drv->tgtt->name, drv_name)) {
			cb->args[0] = d;
			cb->args[1] = 0;
			continue;
		}
		t = 0;
		list_for_each_entry(tgt, &drv->tgts, list) {
			if (t++ == cb->args[1]) {
				kobject_get(&tgt->kobj);
				return tgt;
			}
		}
		cb->args[0] = d;
		cb->args[1] = 0;
	}
	return NULL;
}

static int scst_nl_target_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_TARGET_GET);
	struct nlattr **attrs = scst_genl_dump_attrs(cb);
	const char *drv_name = scst_nl_str(attrs, SCST_A_DRIVER);
	struct scst_tgt *tgt;
	char *page;
	int res = 0;

	if (drv_name && !cb->args[2]) {
		mutex_lock(&scst_mutex);
		if (!scst_find_tgt_driver(drv_name)) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[SCST_A_DRIVER],
					    "no such target driver");
			res = -ENOENT;
		}
		mutex_unlock(&scst_mutex);
		if (res)
			return res;
		cb->args[2] = 1;
	}
	page = scst_nl_alloc_page();
	if (!page)
		return -ENOMEM;
	cb->seq = atomic_read(&scst_nl_generation);
	for (;;) {
		mutex_lock(&scst_mutex);
		tgt = scst_nl_dump_next_tgt(cb, drv_name);
		mutex_unlock(&scst_mutex);
		if (!tgt)
			break;
		res = scst_nl_fill_tgt(skb, tgt, &dst, page);
		kobject_put(&tgt->kobj);
		if (res)
			break;
		cb->args[1]++;
	}
	scst_nl_free_page(page);
	return scst_nl_dump_done(skb, res);
}

static int scst_nl_target_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	const struct scst_tgt_template *tgtt;
	const char *name;
	char *params;
	int res;

	if (!attrs[SCST_A_TARGET])
		return SCST_NL_MISSING(info->extack, SCST_A_TARGET,
				       "missing SCST_A_TARGET");
	name = nla_data(attrs[SCST_A_TARGET]);
	if (!scst_mgmt_name_ok(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET],
				    "invalid target name (empty, '/', \".\", \"..\" or \"mgmt\")");
		return -EINVAL;
	}
	res = scst_nl_get_tgtt(info, &tgtt);
	if (res)
		return res;
	if (!tgtt->add_target) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DRIVER],
				    "this driver cannot add targets");
		res = -EOPNOTSUPP;
		goto out_put;
	}
	params = kstrdup(scst_nl_str(attrs, SCST_A_PARAMS) ?: "", GFP_KERNEL);
	if (!params) {
		res = -ENOMEM;
		goto out_put;
	}
	/* No lock: the driver calls back into the core, which takes it. */
	res = tgtt->add_target(name, params);
	kfree(params);
	if (res == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET],
				    "a target with this name already exists");
	else if (res)
		NL_SET_ERR_MSG(info->extack,
			       "the driver refused to add the target (see the kernel log)");
out_put:
	module_put(tgtt->owner);
	return res;
}

static int scst_nl_target_del(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_tgt_template *tgtt = NULL;
	struct scst_tgt *tgt;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_tgt(info->attrs, info->extack, &tgt);
	if (!res) {
		tgtt = tgt->drv->tgtt;
		if (!tgtt->del_target) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SCST_A_DRIVER],
					    "this driver cannot delete targets");
			res = -EOPNOTSUPP;
		} else if (!try_module_get(tgtt->owner)) {
			res = -ENODEV;
		}
	}
	mutex_unlock(&scst_mutex);
	if (res)
		return res;
	res = tgtt->del_target(nla_data(info->attrs[SCST_A_TARGET]));
	if (res)
		NL_SET_ERR_MSG(info->extack,
			       "the driver refused to delete the target (see the kernel log)");
	module_put(tgtt->owner);
	return res;
}

static int scst_nl_target_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct scst_tgt *tgt, *user;
	int res;

	if (!attrs[SCST_A_ENABLED] && !attrs[SCST_A_REL_TGT_ID] &&
	    !attrs[SCST_A_ATTR]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give SCST_A_ENABLED, SCST_A_REL_TGT_ID or SCST_A_ATTR");
		return -EINVAL;
	}
	mutex_lock(&scst_mutex);
	res = scst_nl_find_tgt(attrs, info->extack, &tgt);
	if (res)
		goto out_unlock;
	if (attrs[SCST_A_ENABLED] && !tgt->drv->tgtt->enable_target) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_ENABLED],
				    "this driver's targets cannot be enabled or disabled");
		res = -EOPNOTSUPP;
		goto out_unlock;
	}
	if (attrs[SCST_A_REL_TGT_ID]) {
		res = scst_tgt_set_rel_tgt_id(tgt,
					      nla_get_u16(attrs[SCST_A_REL_TGT_ID]),
					      &user);
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[SCST_A_REL_TGT_ID],
					    "another target uses this relative target port identifier");
		else if (res)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[SCST_A_REL_TGT_ID],
					    "invalid relative target port identifier");
		if (res)
			goto out_unlock;
	}
	kobject_get(&tgt->kobj);
	mutex_unlock(&scst_mutex);

	/* The driver's hooks run without scst_mutex, as from sysfs. */
	if (attrs[SCST_A_ATTR]) {
		res = scst_nl_store_attr(&tgt->kobj, tgt->drv->tgtt->tgt_attrs,
					 NULL, attrs[SCST_A_ATTR], info->extack);
		if (!res)
			scst_nl_config_changed(SCST_CMD_TARGET_SET,
					       &(struct scst_nl_names){
						       .driver = tgt->drv->tgtt->name,
						       .target = tgt->name });
	}
	if (!res && attrs[SCST_A_ENABLED]) {
		res = scst_tgt_enable(tgt, nla_get_u8(attrs[SCST_A_ENABLED]));
		if (res)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_ENABLED],
					    "the driver refused (see the kernel log)");
	}
	kobject_put(&tgt->kobj);
	return res;

out_unlock:
	mutex_unlock(&scst_mutex);
	return res;
}

/* ---- multi-valued attributes of drivers and targets ---- */

static int scst_nl_attr_change(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	const struct scst_tgt_template *tgtt;
	struct nlattr *tb[SCST_A_MAX + 1];
	const char *why;
	int res;

	if (!attrs[SCST_A_ATTR])
		return SCST_NL_MISSING(info->extack, SCST_A_ATTR,
				       "missing SCST_A_ATTR");
	res = nla_parse_nested(tb, SCST_A_MAX, attrs[SCST_A_ATTR],
			       scst_nl_attr_policy, info->extack);
	if (res)
		return res;
	if (!tb[SCST_A_ATTR_NAME] || !tb[SCST_A_ATTR_VALUE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_ATTR],
				    "SCST_A_ATTR needs SCST_A_ATTR_NAME and SCST_A_ATTR_VALUE");
		return -EINVAL;
	}
	res = scst_nl_get_tgtt(info, &tgtt);
	if (res)
		return res;
	res = scst_mv_change(tgtt, scst_nl_str(attrs, SCST_A_TARGET),
			     info->genlhdr->cmd == SCST_CMD_ATTR_ADD,
			     nla_data(tb[SCST_A_ATTR_NAME]),
			     nla_data(tb[SCST_A_ATTR_VALUE]), &why);
	/* @why is a string literal of scst_attr.c, naming the field. */
	if (res && why && info->extack) {
		info->extack->_msg = why;
		if (res == -ENOENT && !strcmp(why, "no such target"))
			info->extack->bad_attr = attrs[SCST_A_TARGET];
		else if (res == -EINVAL && strstr(why, "no such"))
			info->extack->bad_attr = tb[SCST_A_ATTR_NAME];
		else
			info->extack->bad_attr = tb[SCST_A_ATTR_VALUE];
	}
	module_put(tgtt->owner);
	return res;
}

/* ---- groups and initiators ---- */

static int scst_nl_fill_acg(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_acg *acg = obj;
	struct scst_acn *acn;
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_DRIVER, acg->tgt->drv->tgtt->name) ||
	    nla_put_string(skb, SCST_A_TARGET, acg->tgt->name) ||
	    nla_put_string(skb, SCST_A_GROUP, acg->name))
		goto cancel;
	list_for_each_entry(acn, &acg->inits, list)
		if (nla_put_string(skb, SCST_A_INITIATOR, acn->name))
			goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int scst_nl_group_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_acg(info->attrs, info->extack, true, &acg);
	if (!res)
		res = scst_nl_reply(info, scst_nl_fill_acg, acg, NULL);
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_GROUP_GET);
	struct scst_tgt *tgt;
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_nl_find_tgt(scst_genl_dump_attrs(cb), cb->extack, &tgt);
	if (!res)
		res = scst_nl_dump_list(skb, cb, &dst, &tgt->acgs,
					offsetof(struct scst_acg, list),
					scst_nl_fill_acg);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

static int scst_nl_group_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[SCST_A_GROUP];
	struct scst_tgt *tgt;
	struct scst_acg *acg;
	int res;

	if (!name)
		return SCST_NL_MISSING(info->extack, SCST_A_GROUP,
				       "missing SCST_A_GROUP");
	if (!scst_mgmt_name_ok(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "invalid group name (empty, '/', \".\", \"..\" or \"mgmt\")");
		return -EINVAL;
	}
	mutex_lock(&scst_mutex);
	res = scst_nl_find_tgt(info->attrs, info->extack, &tgt);
	if (res)
		goto out;
	acg = scst_acg_create(tgt, nla_data(name));
	res = PTR_ERR_OR_ZERO(acg);
	if (res == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "the group already exists");
	else if (res)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "cannot create the group");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int res;

	mutex_lock(&scst_mutex);
	res = scst_nl_find_acg(info->attrs, info->extack, true, &acg);
	if (res)
		goto out;
	res = scst_acg_destroy(acg, false);
	if (res == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SCST_A_GROUP],
				    "the group has sessions: close them first");
	else if (res)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SCST_A_GROUP],
				    "cannot delete the group");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_initiator(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *name = attrs[SCST_A_INITIATOR];
	u8 cmd = info->genlhdr->cmd;
	struct scst_acg *acg, *dest;
	int res;

	if (!name)
		return SCST_NL_MISSING(info->extack, SCST_A_INITIATOR,
				       "missing SCST_A_INITIATOR");
	if (cmd == SCST_CMD_INITIATOR_ADD && !scst_mgmt_name_ok(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "invalid initiator name (empty, '/', \".\", \"..\" or \"mgmt\")");
		return -EINVAL;
	}
	if (cmd == SCST_CMD_INITIATOR_MOVE && !attrs[SCST_A_DEST_GROUP])
		return SCST_NL_MISSING(info->extack, SCST_A_DEST_GROUP,
				       "missing SCST_A_DEST_GROUP");
	mutex_lock(&scst_mutex);
	res = scst_nl_find_acg(attrs, info->extack, true, &acg);
	if (res)
		goto out;
	switch (cmd) {
	case SCST_CMD_INITIATOR_ADD:
		res = scst_acg_add_init(acg, nla_data(name));
		break;
	case SCST_CMD_INITIATOR_DEL:
		res = scst_acg_del_init(acg, nla_data(name));
		break;
	default:
		dest = scst_find_acg(acg->tgt, nla_data(attrs[SCST_A_DEST_GROUP]));
		if (!dest) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[SCST_A_DEST_GROUP],
					    "no such group");
			res = -ENOENT;
			goto out;
		}
		res = scst_acg_move_init(acg, dest, nla_data(name));
		break;
	}
	if (res == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "the initiator is already in a group of this target");
	else if (res == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "the initiator is not in this group");
	else if (res)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "cannot change the initiator");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

/* ---- LUNs ---- */

static int scst_nl_fill_lun(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_acg_dev *acg_dev = obj;
	struct scst_acg *acg = acg_dev->acg;
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	/* read_only as luns/<lun>/read_only shows it: the device's counts. */
	if (nla_put_string(skb, SCST_A_DRIVER, acg->tgt->drv->tgtt->name) ||
	    nla_put_string(skb, SCST_A_TARGET, acg->tgt->name) ||
	    (acg->name && nla_put_string(skb, SCST_A_GROUP, acg->name)) ||
	    nla_put_u32(skb, SCST_A_LUN, acg_dev->lun) ||
	    nla_put_string(skb, SCST_A_DEVICE, acg_dev->dev->name) ||
	    nla_put_u8(skb, SCST_A_READ_ONLY,
		       acg_dev->read_only || acg_dev->dev->lu.read_only)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scst_nl_lun_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg_dev *acg_dev;
	struct scst_acg *acg;
	u32 lun;
	int res;

	if (!info->attrs[SCST_A_LUN])
		return SCST_NL_MISSING(info->extack, SCST_A_LUN,
				       "missing SCST_A_LUN (or use a dump)");
	lun = nla_get_u32(info->attrs[SCST_A_LUN]);
	mutex_lock(&scst_mutex);
	res = scst_nl_find_acg(info->attrs, info->extack, false, &acg);
	if (res)
		goto out;
	res = -ENOENT;
	list_for_each_entry(acg_dev, &acg->acg_devs, acg_list) {
		if (acg_dev->lun == lun) {
			res = scst_nl_reply(info, scst_nl_fill_lun, acg_dev,
					    NULL);
			goto out;
		}
	}
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SCST_A_LUN],
			    "there is no such LUN");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_lun_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_LUN_GET);
	struct scst_acg *acg;
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_nl_find_acg(scst_genl_dump_attrs(cb), cb->extack, false,
			       &acg);
	if (!res)
		res = scst_nl_dump_list(skb, cb, &dst, &acg->acg_devs,
					offsetof(struct scst_acg_dev, acg_list),
					scst_nl_fill_lun);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

static int scst_nl_lun_change(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u8 cmd = info->genlhdr->cmd;
	struct scst_device *dev = NULL;
	struct scst_acg *acg;
	bool read_only;
	u32 lun = 0;
	int res;

	if (cmd != SCST_CMD_LUN_CLEAR) {
		if (!attrs[SCST_A_LUN])
			return SCST_NL_MISSING(info->extack, SCST_A_LUN,
					       "missing SCST_A_LUN");
		lun = nla_get_u32(attrs[SCST_A_LUN]);
	}
	read_only = attrs[SCST_A_READ_ONLY] &&
		    nla_get_u8(attrs[SCST_A_READ_ONLY]);
	mutex_lock(&scst_mutex);
	res = scst_nl_find_acg(attrs, info->extack, false, &acg);
	if (res)
		goto out;
	if (cmd == SCST_CMD_LUN_ADD || cmd == SCST_CMD_LUN_REPLACE) {
		res = scst_nl_find_dev(attrs, info->extack, &dev);
		if (res)
			goto out;
	}
	switch (cmd) {
	case SCST_CMD_LUN_ADD:
		res = scst_acg_add_lun(acg, dev, lun, read_only);
		break;
	case SCST_CMD_LUN_REPLACE:
		res = scst_acg_replace_lun(acg, dev, lun, read_only);
		break;
	case SCST_CMD_LUN_DEL:
		res = scst_acg_del_lun(acg, lun);
		break;
	default:
		scst_acg_clear_luns(acg);
		break;
	}
	if (res == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_LUN],
				    "the LUN is already in use");
	else if (res == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_LUN],
				    "there is no such LUN");
	else if (res)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_LUN],
				    "cannot change the LUN");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

/* ---- sessions ---- */

static int scst_nl_fill_sess(struct sk_buff *skb, void *obj,
			    const struct scst_nl_dst *dst, char *page)
{
	struct scst_session *sess = obj;
	struct scst_tgt_dev *tgt_dev;
	u32 luns = 0;
	void *hdr;

	list_for_each_entry(tgt_dev, &sess->tgt_dev_list, sess_list)
		luns++;
	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	/* The registration holds one reference, each command one more. */
	if (nla_put_string(skb, SCST_A_DRIVER, sess->tgt->drv->tgtt->name) ||
	    nla_put_string(skb, SCST_A_TARGET, sess->tgt->name) ||
	    nla_put_string(skb, SCST_A_INITIATOR, sess->initiator_name) ||
	    (sess->acg && sess->acg->name &&
	     nla_put_string(skb, SCST_A_GROUP, sess->acg->name)) ||
	    nla_put_u32(skb, SCST_A_LUN_COUNT, luns) ||
	    nla_put_u32(skb, SCST_A_ACTIVE_COMMANDS,
			refcount_read(&sess->refcnt) - 1)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scst_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[SCST_A_INITIATOR];
	struct scst_session *sess;
	struct scst_tgt *tgt;
	int res;

	if (!name)
		return SCST_NL_MISSING(info->extack, SCST_A_INITIATOR,
				       "missing SCST_A_INITIATOR (or use a dump)");
	mutex_lock(&scst_mutex);
	res = scst_nl_find_tgt(info->attrs, info->extack, &tgt);
	if (res)
		goto out;
	res = -ENOENT;
	list_for_each_entry(sess, &tgt->sessions, list) {
		if (!strcmp(sess->initiator_name, nla_data(name))) {
			res = scst_nl_reply(info, scst_nl_fill_sess, sess,
					    NULL);
			goto out;
		}
	}
	NL_SET_ERR_MSG_ATTR(info->extack, name, "no session of this initiator");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

static int scst_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct scst_nl_dst dst = scst_nl_dump_dst(cb, SCST_CMD_SESSION_GET);
	struct scst_tgt *tgt;
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_nl_find_tgt(scst_genl_dump_attrs(cb), cb->extack, &tgt);
	if (!res)
		res = scst_nl_dump_list(skb, cb, &dst, &tgt->sessions,
					offsetof(struct scst_session, list),
					scst_nl_fill_sess);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

/* ---- the family ---- */

/* ---- ALUA: device groups, target port groups (scst_alua.c) ---- */

static int scst_nl_put_kv(struct sk_buff *skb, const char *name,
			  const char *value, bool key)
{
	struct nlattr *nest = nla_nest_start(skb, SCST_A_ATTR);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_ATTR_NAME, name) ||
	    nla_put_string(skb, SCST_A_ATTR_VALUE, value) ||
	    (key && nla_put_flag(skb, SCST_A_ATTR_KEY))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int scst_nl_fill_alua(struct sk_buff *skb, const struct scst_alua_obj *o,
			     const struct scst_nl_dst *dst)
{
	char num[8];
	void *hdr;

	hdr = scst_nl_put_hdr(skb, dst);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SCST_A_DEVICE_GROUP, o->dg) ||
	    (o->device && nla_put_string(skb, SCST_A_DEVICE, o->device)))
		goto cancel;
	if (o->tg && nla_put_string(skb, SCST_A_TARGET_GROUP, o->tg))
		goto cancel;
	if (o->tg && !o->target) {
		snprintf(num, sizeof(num), "%u", o->group_id);
		if (scst_nl_put_kv(skb, "group_id", num, true) ||
		    scst_nl_put_kv(skb, "state", scst_alua_state_name(o->state),
				   o->state != SCST_ALUA_ACTIVE) ||
		    scst_nl_put_kv(skb, "preferred", o->preferred ? "1" : "0",
				   o->preferred))
			goto cancel;
	}
	if (o->target) {
		if (nla_put_string(skb, SCST_A_TARGET, o->target))
			goto cancel;
		snprintf(num, sizeof(num), "%u", o->rel_tgt_id);
		if (o->rel_tgt_id && scst_nl_put_kv(skb, "rel_tgt_id", num, true))
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

struct scst_nl_alua_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct scst_nl_dst dst;
	long i;
};

static int scst_nl_alua_visit(void *arg, const struct scst_alua_obj *o)
{
	struct scst_nl_alua_dump *d = arg;
	int res;

	if (d->i++ < d->cb->args[0])
		return 0;
	res = scst_nl_fill_alua(d->skb, o, &d->dst);
	if (!res)
		d->cb->args[0] = d->i;
	return res;
}

static int scst_nl_dg_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct scst_nl_alua_dump d = {
		.skb = skb, .cb = cb,
		.dst = scst_nl_dump_dst(cb, SCST_CMD_DG_GET),
	};
	int res;

	mutex_lock(&scst_mutex);
	cb->seq = atomic_read(&scst_nl_generation);
	res = scst_alua_for_each(scst_nl_alua_visit, &d);
	mutex_unlock(&scst_mutex);
	return scst_nl_dump_done(skb, res);
}

/* The names a command needs: DEVICE_GROUP, then TARGET_GROUP, then TARGET. */
static int scst_nl_alua_names(struct genl_info *info, int depth)
{
	static const int types[] = {
		SCST_A_DEVICE_GROUP, SCST_A_TARGET_GROUP, SCST_A_TARGET
	};
	int i;

	for (i = 0; i < depth; i++) {
		if (!info->attrs[types[i]])
			return SCST_NL_MISSING(info->extack, types[i],
					       "missing SCST_A_DEVICE_GROUP, SCST_A_TARGET_GROUP or SCST_A_TARGET");
		if (!scst_mgmt_name_ok(nla_data(info->attrs[types[i]]))) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[types[i]],
					    "invalid name (empty, '/', \".\", \"..\" or \"mgmt\")");
			return -EINVAL;
		}
	}
	return 0;
}

/* The ATTR of a set command: its name, and its value in @value. */
static const char *scst_nl_alua_attr(struct genl_info *info,
				     const char **value, struct nlattr **vattr)
{
	struct nlattr *tb[SCST_A_MAX + 1];
	struct nlattr *nla = info->attrs[SCST_A_ATTR];

	if (!nla) {
		NL_SET_ERR_MSG(info->extack, "SCST_A_ATTR is required");
		return NULL;
	}
	if (nla_parse_nested(tb, SCST_A_MAX, nla, scst_nl_attr_policy,
			     info->extack))
		return NULL;
	if (!tb[SCST_A_ATTR_NAME] || !tb[SCST_A_ATTR_VALUE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "SCST_A_ATTR needs SCST_A_ATTR_NAME and SCST_A_ATTR_VALUE");
		return NULL;
	}
	*value = nla_data(tb[SCST_A_ATTR_VALUE]);
	*vattr = tb[SCST_A_ATTR_VALUE];
	return nla_data(tb[SCST_A_ATTR_NAME]);
}

static int scst_nl_tg_set(struct genl_info *info, struct scst_tg *tg)
{
	struct nlattr *vattr;
	const char *name, *value;
	bool pref;
	u16 id;
	u8 state;
	int res;

	name = scst_nl_alua_attr(info, &value, &vattr);
	if (!name)
		return -EINVAL;
	if (!strcmp(name, "group_id")) {
		if (kstrtou16(value, 0, &id) || !id) {
			NL_SET_ERR_MSG_ATTR(info->extack, vattr,
					    "group_id: expected a number in 1..65535");
			return -EINVAL;
		}
		res = scst_tg_set_group_id(tg, id);
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, vattr,
					    "group_id: another target group of the device group has it");
		return res;
	}
	if (!strcmp(name, "state")) {
		if (scst_alua_state_parse(value, &state)) {
			NL_SET_ERR_MSG_ATTR(info->extack, vattr,
					    "state: expected active, nonoptimized, standby, unavailable, offline or transitioning");
			return -EINVAL;
		}
		return scst_tg_set_state(tg, state);
	}
	if (!strcmp(name, "preferred")) {
		if (kstrtobool(value, &pref)) {
			NL_SET_ERR_MSG_ATTR(info->extack, vattr,
					    "preferred: expected 0 or 1");
			return -EINVAL;
		}
		return scst_tg_set_preferred(tg, pref);
	}
	NL_SET_ERR_MSG(info->extack,
		       "no such target group attribute (group_id, state, preferred)");
	return -EINVAL;
}

static int scst_nl_tg_tgt_set(struct genl_info *info, struct scst_tg_tgt *m)
{
	struct nlattr *vattr;
	const char *name, *value;
	u16 id;

	name = scst_nl_alua_attr(info, &value, &vattr);
	if (!name)
		return -EINVAL;
	if (strcmp(name, "rel_tgt_id")) {
		NL_SET_ERR_MSG(info->extack,
			       "no such attribute of a target group's target (rel_tgt_id)");
		return -EINVAL;
	}
	if (kstrtou16(value, 0, &id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, vattr,
				    "rel_tgt_id: expected a number in 0..65535");
		return -EINVAL;
	}
	return scst_tg_tgt_set_rel_tgt_id(m, id);
}

/* Every ALUA change: the command says what, the names where. */
static int scst_nl_alua_change(struct sk_buff *skb, struct genl_info *info)
{
	static const int depth[] = {
		[SCST_CMD_DG_ADD] = 1, [SCST_CMD_DG_DEL] = 1,
		[SCST_CMD_DG_DEVICE_ADD] = 1, [SCST_CMD_DG_DEVICE_DEL] = 1,
		[SCST_CMD_TG_ADD] = 2, [SCST_CMD_TG_DEL] = 2,
		[SCST_CMD_TG_SET] = 2,
		[SCST_CMD_TG_TARGET_ADD] = 3, [SCST_CMD_TG_TARGET_DEL] = 3,
		[SCST_CMD_TG_TARGET_SET] = 3,
	};
	struct nlattr **attrs = info->attrs;
	u8 cmd = info->genlhdr->cmd;
	const char *dgn, *tgn, *tn;
	struct scst_tg_tgt *m;
	struct scst_dg *dg;
	struct scst_tg *tg;
	int res;

	res = scst_nl_alua_names(info, depth[cmd]);
	if (res)
		return res;
	dgn = nla_data(attrs[SCST_A_DEVICE_GROUP]);
	tgn = depth[cmd] > 1 ? nla_data(attrs[SCST_A_TARGET_GROUP]) : NULL;
	tn = depth[cmd] > 2 ? nla_data(attrs[SCST_A_TARGET]) : NULL;
	if ((cmd == SCST_CMD_DG_DEVICE_ADD || cmd == SCST_CMD_DG_DEVICE_DEL) &&
	    !attrs[SCST_A_DEVICE])
		return SCST_NL_MISSING(info->extack, SCST_A_DEVICE,
				       "missing SCST_A_DEVICE");

	mutex_lock(&scst_mutex);
	if (cmd == SCST_CMD_DG_ADD) {
		res = scst_dg_add(dgn);
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE_GROUP],
					    "the device group already exists");
		goto out;
	}
	if (cmd == SCST_CMD_DG_DEL) {
		res = scst_dg_del(dgn);
		goto not_found;
	}
	dg = scst_alua_find_dg(dgn);
	res = -ENOENT;
	if (!dg) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE_GROUP],
				    "no such device group");
		goto out;
	}
	switch (cmd) {
	case SCST_CMD_DG_DEVICE_ADD:
		res = scst_dg_dev_add(dg, nla_data(attrs[SCST_A_DEVICE]));
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE],
					    "the device is already in a device group");
		else if (res == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE],
					    "no such device");
		goto out;
	case SCST_CMD_DG_DEVICE_DEL:
		res = scst_dg_dev_del(dg, nla_data(attrs[SCST_A_DEVICE]));
		if (res == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_DEVICE],
					    "the device is not in this device group");
		goto out;
	case SCST_CMD_TG_ADD:
		res = scst_tg_add(dg, tgn);
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET_GROUP],
					    "the target group already exists");
		else if (res == -ENOSPC)
			NL_SET_ERR_MSG(info->extack,
				       "too many target groups in the device group");
		goto out;
	case SCST_CMD_TG_DEL:
		res = scst_tg_del(dg, tgn);
		goto not_found;
	}
	tg = scst_alua_find_tg(dgn, tgn);
	if (!tg) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET_GROUP],
				    "no such target group");
		goto out;
	}
	switch (cmd) {
	case SCST_CMD_TG_SET:
		res = scst_nl_tg_set(info, tg);
		goto out;
	case SCST_CMD_TG_TARGET_ADD:
		res = scst_tg_tgt_add(tg, tn);
		if (res == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET],
					    "the target is already in the target group");
		else if (res == -EINVAL)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET],
					    "this name cannot name a target here");
		goto out;
	case SCST_CMD_TG_TARGET_DEL:
		res = scst_tg_tgt_del(tg, tn);
		goto not_found;
	}
	m = scst_alua_find_tg_tgt(dgn, tgn, tn);
	if (!m) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SCST_A_TARGET],
				    "the target is not in the target group");
		goto out;
	}
	res = scst_nl_tg_tgt_set(info, m);
	goto out;

not_found:
	if (res == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such object");
out:
	mutex_unlock(&scst_mutex);
	return res;
}

#define SCST_NL_GET(_cmd, _doit, _dumpit)				\
	{ .cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit) }
#define SCST_NL_SET(_cmd, _doit)					\
	{ .cmd = (_cmd), .doit = (_doit), .flags = GENL_ADMIN_PERM }

static const struct genl_small_ops scst_nl_ops[] = {
	SCST_NL_GET(SCST_CMD_GET_VERSION, scst_nl_get_version, NULL),
	SCST_NL_GET(SCST_CMD_HANDLER_GET, scst_nl_handler_get,
		    scst_nl_handler_dump),
	SCST_NL_GET(SCST_CMD_DEVICE_GET, scst_nl_device_get,
		    scst_nl_device_dump),
	SCST_NL_SET(SCST_CMD_DEVICE_ADD, scst_nl_device_add),
	SCST_NL_SET(SCST_CMD_DEVICE_DEL, scst_nl_device_del),
	SCST_NL_SET(SCST_CMD_DEVICE_SET, scst_nl_device_set),
	SCST_NL_GET(SCST_CMD_DRIVER_GET, scst_nl_driver_get,
		    scst_nl_driver_dump),
	SCST_NL_SET(SCST_CMD_DRIVER_MGMT, scst_nl_driver_mgmt),
	SCST_NL_GET(SCST_CMD_TARGET_GET, scst_nl_target_get,
		    scst_nl_target_dump),
	SCST_NL_SET(SCST_CMD_TARGET_ADD, scst_nl_target_add),
	SCST_NL_SET(SCST_CMD_TARGET_DEL, scst_nl_target_del),
	SCST_NL_SET(SCST_CMD_TARGET_SET, scst_nl_target_set),
	SCST_NL_GET(SCST_CMD_GROUP_GET, scst_nl_group_get,
		    scst_nl_group_dump),
	SCST_NL_SET(SCST_CMD_GROUP_ADD, scst_nl_group_add),
	SCST_NL_SET(SCST_CMD_GROUP_DEL, scst_nl_group_del),
	SCST_NL_SET(SCST_CMD_INITIATOR_ADD, scst_nl_initiator),
	SCST_NL_SET(SCST_CMD_INITIATOR_DEL, scst_nl_initiator),
	SCST_NL_SET(SCST_CMD_INITIATOR_MOVE, scst_nl_initiator),
	SCST_NL_GET(SCST_CMD_LUN_GET, scst_nl_lun_get, scst_nl_lun_dump),
	SCST_NL_SET(SCST_CMD_LUN_ADD, scst_nl_lun_change),
	SCST_NL_SET(SCST_CMD_LUN_DEL, scst_nl_lun_change),
	SCST_NL_SET(SCST_CMD_LUN_REPLACE, scst_nl_lun_change),
	SCST_NL_SET(SCST_CMD_LUN_CLEAR, scst_nl_lun_change),
	SCST_NL_GET(SCST_CMD_SESSION_GET, scst_nl_session_get,
		    scst_nl_session_dump),
	SCST_NL_GET(SCST_CMD_GLOBAL_GET, scst_nl_global_get, NULL),
	SCST_NL_SET(SCST_CMD_GLOBAL_SET, scst_nl_global_set),
	SCST_NL_SET(SCST_CMD_ATTR_ADD, scst_nl_attr_change),
	SCST_NL_SET(SCST_CMD_ATTR_DEL, scst_nl_attr_change),
	SCST_NL_GET(SCST_CMD_DG_GET, NULL, scst_nl_dg_dump),
	SCST_NL_SET(SCST_CMD_DG_ADD, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_DG_DEL, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_DG_DEVICE_ADD, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_DG_DEVICE_DEL, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_ADD, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_DEL, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_SET, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_TARGET_ADD, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_TARGET_DEL, scst_nl_alua_change),
	SCST_NL_SET(SCST_CMD_TG_TARGET_SET, scst_nl_alua_change),
};

static const struct genl_multicast_group scst_nl_mcgrps[] = {
	{ .name = SCST_GENL_MCGRP_EVENTS },
};

static struct genl_family scst_nl_family __ro_after_init = {
	.name		= SCST_GENL_NAME,
	.version	= SCST_GENL_VERSION,
	.maxattr	= SCST_A_MAX,
	.policy		= scst_nl_policy,
	.netnsok	= false,
	.parallel_ops	= false,
	/* Every command validates strictly: header and attributes. */
	.resv_start_op	= 0,
	.module		= THIS_MODULE,
	.small_ops	= scst_nl_ops,
	.n_small_ops	= ARRAY_SIZE(scst_nl_ops),
	.mcgrps		= scst_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(scst_nl_mcgrps),
};

/**
 * scst_nl_init() - register the "scst" generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int scst_nl_init(void)
{
	int res;

	skb_queue_head_init(&scst_nl_events);
	res = genl_register_family(&scst_nl_family);
	if (res) {
		pr_err("cannot register the generic netlink family: %d\n", res);
		return res;
	}
	WRITE_ONCE(scst_nl_registered, true);
	return 0;
}

/**
 * scst_nl_exit() - unregister the family, after sending the last events
 */
void scst_nl_exit(void)
{
	WRITE_ONCE(scst_nl_registered, false);
	flush_work(&scst_nl_event_work);
	skb_queue_purge(&scst_nl_events);
	genl_unregister_family(&scst_nl_family);
}
