// SPDX-License-Identifier: GPL-2.0
/*
 * scst_iscsi: the "iscsi" target driver. Targets are added and removed
 * through targets/iscsi/mgmt (or the "scst" netlink family), carry the
 * iSCSI keys as attributes that scstadmd reads when it negotiates a login,
 * and get their sessions from scstadmd over the "scst_iscsi" family.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "isc_priv.h"

DEFINE_MUTEX(isc_mutex);
LIST_HEAD(isc_tgt_list);
static bool isc_exiting;

/* ---- target attributes: the iSCSI keys a login negotiates ---- */

enum isc_attr_kind { ISC_AK_DIGEST, ISC_AK_BOOL, ISC_AK_NUM };

struct isc_tgt_attr {
	struct kobj_attribute kattr;
	u8 param;		/* enum isc_tgt_param */
	u8 kind;		/* enum isc_attr_kind */
	u32 def, min, max;
};

static struct isc_tgt_attr *isc_to_attr(struct kobj_attribute *a)
{
	return container_of(a, struct isc_tgt_attr, kattr);
}

static ssize_t isc_tgt_attr_show(struct kobject *kobj,
				 struct kobj_attribute *a, char *buf)
{
	struct isc_tgt_attr *ta = isc_to_attr(a);
	struct scst_tgt *scst_tgt = scst_kobj_to_tgt(kobj);
	struct isc_tgt *tgt;
	ssize_t len;
	u32 v;

	if (!scst_tgt)
		return -ENOENT;
	tgt = scst_tgt_get_priv(scst_tgt);
	v = READ_ONCE(tgt->params[ta->param]);
	switch (ta->kind) {
	case ISC_AK_DIGEST:
		if (v == BIT(ISC_DIGEST_CRC32C))
			len = sysfs_emit(buf, "CRC32C\n");
		else if (v == BIT(ISC_DIGEST_NONE))
			len = sysfs_emit(buf, "None\n");
		else
			len = sysfs_emit(buf, "CRC32C,None\n");
		break;
	case ISC_AK_BOOL:
		len = sysfs_emit(buf, "%s\n", v ? "Yes" : "No");
		break;
	default:
		len = sysfs_emit(buf, "%u\n", v);
		break;
	}
	/* SCST marks a value that is configuration rather than default. */
	if (v != ta->def)
		len += sysfs_emit_at(buf, len, "[key]\n");
	return len;
}

/* "None", "CRC32C", or both in preference order, comma separated. */
static int isc_parse_digest(char *s, u32 *mask)
{
	char *tok;

	*mask = 0;
	while ((tok = strsep(&s, ",")) != NULL) {
		tok = strim(tok);
		if (!strcasecmp(tok, "None"))
			*mask |= BIT(ISC_DIGEST_NONE);
		else if (!strcasecmp(tok, "CRC32C"))
			*mask |= BIT(ISC_DIGEST_CRC32C);
		else
			return -EINVAL;
	}
	return *mask ? 0 : -EINVAL;
}

static ssize_t isc_tgt_attr_store(struct kobject *kobj,
				  struct kobj_attribute *a, const char *buf,
				  size_t count)
{
	struct isc_tgt_attr *ta = isc_to_attr(a);
	struct scst_tgt *scst_tgt = scst_kobj_to_tgt(kobj);
	char s[32], *p;
	u32 v;
	int res;

	if (!scst_tgt)
		return -ENOENT;
	if (count >= sizeof(s))
		return -EINVAL;
	memcpy(s, buf, count);
	s[count] = '\0';
	p = strim(s);

	switch (ta->kind) {
	case ISC_AK_DIGEST:
		res = isc_parse_digest(p, &v);
		break;
	case ISC_AK_BOOL:
		if (!strcasecmp(p, "Yes") || !strcmp(p, "1")) {
			v = 1;
			res = 0;
		} else if (!strcasecmp(p, "No") || !strcmp(p, "0")) {
			v = 0;
			res = 0;
		} else {
			res = -EINVAL;
		}
		break;
	default:
		res = kstrtou32(p, 0, &v);
		if (!res && (v < ta->min || v > ta->max))
			res = -ERANGE;
		break;
	}
	if (res) {
		pr_warn("targets/iscsi/%s/%s: invalid value \"%s\"\n",
			scst_tgt_get_name(scst_tgt), a->attr.name, p);
		return res;
	}
	/* A login reads the set once; it never sees half an update. */
	WRITE_ONCE(((struct isc_tgt *)scst_tgt_get_priv(scst_tgt))->params[ta->param], v);
	return count;
}

#define ISC_TGT_ATTR(_name, _param, _kind, _def, _min, _max)		\
	static struct isc_tgt_attr isc_attr_##_param = {		\
		.kattr = __ATTR(_name, 0644, isc_tgt_attr_show,		\
				isc_tgt_attr_store),			\
		.param = ISC_TP_##_param, .kind = (_kind),		\
		.def = (_def), .min = (_min), .max = (_max),		\
	}

/*
 * Defaults: what SCST's iscsi-scst uses, sized for throughput; the RFC
 * ranges bound what may be set.
 */
ISC_TGT_ATTR(HeaderDigest, HEADER_DIGEST, ISC_AK_DIGEST,
	     BIT(ISC_DIGEST_NONE) | BIT(ISC_DIGEST_CRC32C), 0, 0);
ISC_TGT_ATTR(DataDigest, DATA_DIGEST, ISC_AK_DIGEST,
	     BIT(ISC_DIGEST_NONE) | BIT(ISC_DIGEST_CRC32C), 0, 0);
ISC_TGT_ATTR(InitialR2T, INITIAL_R2T, ISC_AK_BOOL, 0, 0, 1);
ISC_TGT_ATTR(ImmediateData, IMMEDIATE_DATA, ISC_AK_BOOL, 1, 0, 1);
ISC_TGT_ATTR(MaxRecvDataSegmentLength, MAX_RECV_DSL, ISC_AK_NUM,
	     1048576, 512, ISC_MAX_DSL);
ISC_TGT_ATTR(MaxXmitDataSegmentLength, MAX_XMIT_DSL, ISC_AK_NUM,
	     1048576, 512, ISC_MAX_DSL);
ISC_TGT_ATTR(MaxBurstLength, MAX_BURST, ISC_AK_NUM, 1048576, 512, ISC_MAX_DSL);
ISC_TGT_ATTR(FirstBurstLength, FIRST_BURST, ISC_AK_NUM, 65536, 512,
	     ISC_MAX_DSL);
ISC_TGT_ATTR(MaxOutstandingR2T, MAX_OUTSTANDING_R2T, ISC_AK_NUM, 32, 1,
	     65535);
ISC_TGT_ATTR(QueuedCommands, QUEUED_COMMANDS, ISC_AK_NUM, 128, 1, 2048);
/*
 * Liveness, in seconds, SCST's names and defaults: a connection idle for
 * NopInInterval gets a NOP-In ping (0: never) and is closed when the
 * answer takes longer than NopInTimeout; RspTimeout bounds how long the
 * initiator may keep the target waiting for write data or for taking a
 * PDU off the wire. They apply to running sessions too.
 */
ISC_TGT_ATTR(NopInInterval, NOP_IN_INTERVAL, ISC_AK_NUM, 30, 0, 65535);
ISC_TGT_ATTR(NopInTimeout, NOP_IN_TIMEOUT, ISC_AK_NUM, 30, 1, 65535);
ISC_TGT_ATTR(RspTimeout, RSP_TIMEOUT, ISC_AK_NUM, 90, 1, 65535);

static struct isc_tgt_attr *const isc_tgt_attr_list[ISC_TP_COUNT] = {
	&isc_attr_HEADER_DIGEST, &isc_attr_DATA_DIGEST,
	&isc_attr_INITIAL_R2T, &isc_attr_IMMEDIATE_DATA,
	&isc_attr_MAX_RECV_DSL, &isc_attr_MAX_XMIT_DSL,
	&isc_attr_MAX_BURST, &isc_attr_FIRST_BURST,
	&isc_attr_MAX_OUTSTANDING_R2T, &isc_attr_QUEUED_COMMANDS,
	&isc_attr_NOP_IN_INTERVAL, &isc_attr_NOP_IN_TIMEOUT,
	&isc_attr_RSP_TIMEOUT,
};

static const struct attribute *const isc_tgt_attrs[] = {
	&isc_attr_HEADER_DIGEST.kattr.attr,
	&isc_attr_DATA_DIGEST.kattr.attr,
	&isc_attr_INITIAL_R2T.kattr.attr,
	&isc_attr_IMMEDIATE_DATA.kattr.attr,
	&isc_attr_MAX_RECV_DSL.kattr.attr,
	&isc_attr_MAX_XMIT_DSL.kattr.attr,
	&isc_attr_MAX_BURST.kattr.attr,
	&isc_attr_FIRST_BURST.kattr.attr,
	&isc_attr_MAX_OUTSTANDING_R2T.kattr.attr,
	&isc_attr_QUEUED_COMMANDS.kattr.attr,
	&isc_attr_NOP_IN_INTERVAL.kattr.attr,
	&isc_attr_NOP_IN_TIMEOUT.kattr.attr,
	&isc_attr_RSP_TIMEOUT.kattr.attr,
	NULL,
};

/*
 * ---- CHAP accounts and portals: multi-valued attributes kept by the core ----
 *
 * The driver's IncomingUser/OutgoingUser authenticate discovery sessions, a
 * target's its logins; allowed_portal limits the portals a target is
 * reached and announced on. scstadmd reads them over netlink and enforces
 * them, so here they are only checked, to refuse at configuration time
 * what a login would never accept.
 */

#define ISC_CHAP_NAME_MAX	255
#define ISC_CHAP_SECRET_MIN	12	/* RFC 7143 9.2.1: 96 bits */
#define ISC_CHAP_SECRET_MAX	255
#define ISC_PORTAL_PATTERN_MAX	64

/* Cut the next blank-separated word off *@p; NULL when there is none. */
static char *isc_next_word(char **p)
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

/* "user secret", made canonical with one blank between. No secret logged. */
static int isc_check_account(char *value)
{
	char *p = value, *user, *secret;
	size_t ulen, slen;

	user = isc_next_word(&p);
	secret = isc_next_word(&p);
	if (!user || !secret || *skip_spaces(p)) {
		pr_warn("a CHAP account is \"user secret\": two words\n");
		return -EINVAL;
	}
	ulen = strlen(user);
	slen = strlen(secret);
	if (ulen > ISC_CHAP_NAME_MAX) {
		pr_warn("CHAP user name longer than %d bytes\n",
			ISC_CHAP_NAME_MAX);
		return -EINVAL;
	}
	if (slen < ISC_CHAP_SECRET_MIN || slen > ISC_CHAP_SECRET_MAX) {
		pr_warn("CHAP secret of user %s: %zu bytes, expected %d..%d\n",
			user, slen, ISC_CHAP_SECRET_MIN, ISC_CHAP_SECRET_MAX);
		return -EINVAL;
	}
	/* user, one blank, secret: memmove, the words may overlap. */
	memmove(value, user, ulen);
	value[ulen] = ' ';
	memmove(value + ulen + 1, secret, slen);
	value[ulen + 1 + slen] = '\0';
	return 0;
}

/*
 * A wildcard pattern over the portal's IP address ('*', '?'), IPv6 with or
 * without brackets: "10.1.1.*", "[fd00::*]", "::1".
 */
static int isc_check_portal(char *value)
{
	size_t len = strlen(value);

	if (len > ISC_PORTAL_PATTERN_MAX ||
	    strspn(value, "0123456789abcdefABCDEF.:*?[]") != len) {
		pr_warn("allowed_portal \"%s\": expected a pattern over an IP address (digits, '.', ':', '*', '?', brackets)\n",
			value);
		return -EINVAL;
	}
	return 0;
}

static const struct scst_mv_attr isc_drv_mv_attrs[] = {
	{ .name = "IncomingUser", .secret = true, .check = isc_check_account },
	{ .name = "OutgoingUser", .max_values = 1, .secret = true,
	  .check = isc_check_account },
	{ }
};

static const struct scst_mv_attr isc_tgt_mv_attrs[] = {
	{ .name = "IncomingUser", .secret = true, .check = isc_check_account },
	{ .name = "OutgoingUser", .max_values = 1, .secret = true,
	  .check = isc_check_account },
	{ .name = "allowed_portal", .check = isc_check_portal },
	{ }
};

/* ---- targets (isc_mutex held) ---- */

struct isc_tgt *isc_tgt_find(const char *name)
{
	struct isc_tgt *tgt;

	lockdep_assert_held(&isc_mutex);
	list_for_each_entry(tgt, &isc_tgt_list, list)
		if (!strcmp(scst_tgt_get_name(tgt->scst_tgt), name))
			return tgt;
	return NULL;
}

static void isc_tgt_destroy(struct isc_tgt *tgt)
{
	list_del(&tgt->list);
	/*
	 * The initiators are asked to log out and get ISC_ASYNC_LOGOUT_SECS
	 * to do so; the sessions unregister themselves with the core first.
	 */
	isc_session_logout_all(tgt);
	mutex_unlock(&isc_mutex);
	isc_session_wait_tgt(tgt);
	mutex_lock(&isc_mutex);
	scst_unregister_target(tgt->scst_tgt);
	kfree(tgt);
}

static int isc_add_target(const char *name, char *params)
{
	struct scst_tgt *scst_tgt;
	struct isc_tgt *tgt;
	char *key, *value;
	int i, res = 0;

	while ((key = scst_get_next_param(&params, &value))) {
		pr_warn("add_target %s: unknown parameter \"%s\"\n", name, key);
		return -EINVAL;
	}
	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return -ENOMEM;
	INIT_LIST_HEAD(&tgt->sessions);
	for (i = 0; i < ISC_TP_COUNT; i++)
		tgt->params[i] = isc_tgt_attr_list[i]->def;

	mutex_lock(&isc_mutex);
	if (isc_exiting) {
		res = -ENODEV;
		goto out_free;
	}
	if (isc_tgt_find(name)) {
		pr_warn("add_target: target %s already exists\n", name);
		res = -EEXIST;
		goto out_free;
	}
	scst_tgt = scst_register_target(&isc_tgtt, name, tgt);
	if (IS_ERR(scst_tgt)) {
		res = PTR_ERR(scst_tgt);
		pr_warn("add_target: cannot register target %s: %d\n", name, res);
		goto out_free;
	}
	tgt->scst_tgt = scst_tgt;
	list_add_tail(&tgt->list, &isc_tgt_list);
	mutex_unlock(&isc_mutex);
	return 0;

out_free:
	mutex_unlock(&isc_mutex);
	kfree(tgt);
	return res;
}

static int isc_del_target(const char *name)
{
	struct isc_tgt *tgt;
	int res = 0;

	mutex_lock(&isc_mutex);
	tgt = isc_tgt_find(name);
	if (tgt) {
		isc_tgt_destroy(tgt);
	} else {
		pr_warn("del_target: no target %s\n", name);
		res = -ENOENT;
	}
	mutex_unlock(&isc_mutex);
	return res;
}

/*
 * Disabling refuses new logins (scstadmd reads "enabled") and asks the
 * initiators to log out (an Async Message), closing the connections of
 * those that do not within ISC_ASYNC_LOGOUT_SECS; they log in again once
 * the target is back.
 */
static int isc_enable_target(struct scst_tgt *scst_tgt, bool enable)
{
	struct isc_tgt *tgt = scst_tgt_get_priv(scst_tgt);

	mutex_lock(&isc_mutex);
	WRITE_ONCE(tgt->enabled, enable);
	if (!enable)
		isc_session_logout_all(tgt);
	mutex_unlock(&isc_mutex);
	return 0;
}

static bool isc_is_target_enabled(struct scst_tgt *scst_tgt)
{
	struct isc_tgt *tgt = scst_tgt_get_priv(scst_tgt);

	return READ_ONCE(tgt->enabled);
}

/* ---- session attributes: the CmdSN window at work ---- */

static struct isc_session *isc_kobj_sess(struct kobject *kobj)
{
	struct scst_session *scst_sess = scst_kobj_to_sess(kobj);

	return scst_sess ? scst_sess_get_priv(scst_sess) : NULL;
}

/* A counter of the session, shown as sessions/<initiator>/<name>. */
struct isc_sess_stat {
	struct kobj_attribute attr;
	size_t off;		/* of the counter in struct isc_session */
	bool atomic;		/* an atomic_t; else a u32 */
};

static ssize_t isc_sess_stat_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	const struct isc_sess_stat *st =
		container_of(attr, struct isc_sess_stat, attr);
	struct isc_session *sess = isc_kobj_sess(kobj);
	const void *p;

	if (!sess)
		return -ENOENT;
	p = (const char *)sess + st->off;
	if (st->atomic)
		return sysfs_emit(buf, "%d\n", atomic_read(p));
	return sysfs_emit(buf, "%u\n", READ_ONCE(*(const u32 *)p));
}

#define ISC_SESS_FIELD(_field)	(((struct isc_session *)0)->_field)
#define ISC_SESS_ATOMIC(_field)	__same_type(ISC_SESS_FIELD(_field), atomic_t)

/* A u32 or an atomic_t of struct isc_session: nothing else compiles. */
#define ISC_SESS_STAT(_name, _field)					\
	{								\
		.attr = __ATTR(_name, 0444, isc_sess_stat_show, NULL),	\
		.off = offsetof(struct isc_session, _field) +		\
		       BUILD_BUG_ON_ZERO(!ISC_SESS_ATOMIC(_field) &&	\
					 !__same_type(ISC_SESS_FIELD(_field), u32)), \
		.atomic = ISC_SESS_ATOMIC(_field),			\
	}

static const struct isc_sess_stat isc_sess_stats[] = {
	/* Commands received and not yet answered (or aborted). */
	ISC_SESS_STAT(commands, nr_cmds),
	/* The most commands the session has had in the target at once. */
	ISC_SESS_STAT(commands_peak, nr_cmds_peak),
	/* Times the initiator used up its window: a command took the last CmdSN. */
	ISC_SESS_STAT(window_closed, windows_closed),
	/* Responses with status BUSY or TASK SET FULL. */
	ISC_SESS_STAT(busy_responses, busy_rsps),
	/* The window's limit after those (AIMD), up to QueuedCommands. */
	ISC_SESS_STAT(busy_window, busy.limit),
	/* The least it has been. */
	ISC_SESS_STAT(busy_window_low, busy.low),
	/* Times a BUSY or TASK SET FULL shrank it. */
	ISC_SESS_STAT(busy_window_shrinks, busy.shrinks),
};

static const struct attribute *const isc_sess_attrs[] = {
	&isc_sess_stats[0].attr.attr,
	&isc_sess_stats[1].attr.attr,
	&isc_sess_stats[2].attr.attr,
	&isc_sess_stats[3].attr.attr,
	&isc_sess_stats[4].attr.attr,
	&isc_sess_stats[5].attr.attr,
	&isc_sess_stats[6].attr.attr,
	NULL
};
static_assert(ARRAY_SIZE(isc_sess_attrs) == ARRAY_SIZE(isc_sess_stats) + 1);

const struct scst_tgt_template isc_tgtt = {
	.name			= ISC_DRIVER_NAME,
	.owner			= THIS_MODULE,
	.rdy_to_xfer		= isc_rdy_to_xfer,
	.xmit_response		= isc_xmit_response,
	.on_free_cmd		= isc_on_free_cmd,
	.task_mgmt_fn_done	= isc_task_mgmt_fn_done,
	.add_target		= isc_add_target,
	.del_target		= isc_del_target,
	.enable_target		= isc_enable_target,
	.is_target_enabled	= isc_is_target_enabled,
	.tgt_attrs		= isc_tgt_attrs,
	.sess_attrs		= isc_sess_attrs,
	.drv_mv_attrs		= isc_drv_mv_attrs,
	.tgt_mv_attrs		= isc_tgt_mv_attrs,
	.mgmt_help		=
		"Usage: echo \"add_target TARGET\" >mgmt\n"
		"       echo \"del_target TARGET\" >mgmt\n"
		"Logins are accepted by scstadmd, which hands the connections over.\n",
};

/* ---- module ---- */

static void isc_remove_all(void)
{
	mutex_lock(&isc_mutex);
	isc_exiting = true;
	/* isc_tgt_destroy() drops the mutex: take the first one each time. */
	while (!list_empty(&isc_tgt_list))
		isc_tgt_destroy(list_first_entry(&isc_tgt_list, struct isc_tgt,
						 list));
	mutex_unlock(&isc_mutex);
}

static int __init isc_init(void)
{
	int res;

	res = isc_cmd_init();
	if (res)
		return res;
	res = isc_tcp_init();
	if (res)
		goto out_cmd;
	res = scst_register_target_template(&isc_tgtt);
	if (res)
		goto out_tcp;
	res = isc_nl_init();
	if (res)
		goto out_tgtt;
	return 0;

out_tgtt:
	scst_unregister_target_template(&isc_tgtt);
out_tcp:
	isc_tcp_exit();
out_cmd:
	isc_cmd_exit();
	return res;
}

static void __exit isc_exit(void)
{
	/* No new connection can arrive once the family is gone. */
	isc_nl_exit();
	isc_remove_all();
	scst_unregister_target_template(&isc_tgtt);
	isc_tcp_exit();
	isc_cmd_exit();
}

module_init(isc_init);
module_exit(isc_exit);

MODULE_DESCRIPTION("SCST iSCSI target driver: full feature phase in the kernel");
MODULE_LICENSE("GPL");
