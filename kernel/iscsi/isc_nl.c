// SPDX-License-Identifier: GPL-2.0
/*
 * The "scst_iscsi" generic netlink family (include/uapi/
 * scst_iscsi_netlink.h): scstadmd hands over logged-in connections with
 * CONN_ADD and lists sessions with SESSION_GET. Validation is strict, as
 * in the core's "scst" family, and errors say why in the extack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/in.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "uapi/scst_iscsi_netlink.h"
#include "isc_priv.h"

static struct genl_family isc_nl_family;

/* Not const: 6.1's policy points to a mutable range. */
static struct netlink_range_validation isc_nl_dsl_range = {
	.min = 512, .max = ISC_MAX_DSL,
};

/* Beyond the s16 of NLA_POLICY_MAX() on 6.1. */
static struct netlink_range_validation isc_nl_u16_range = {
	.min = 0, .max = U16_MAX,
};

#define ISC_NL_BOOL	NLA_POLICY_MAX(NLA_U32, 1)

static const struct nla_policy isc_nl_param_policy[ISC_P_MAX + 1] = {
	[ISC_P_HEADER_DIGEST]		= ISC_NL_BOOL,
	[ISC_P_DATA_DIGEST]		= ISC_NL_BOOL,
	/* One connection per session for now. */
	[ISC_P_MAX_CONNECTIONS]		= NLA_POLICY_RANGE(NLA_U32, 1, 1),
	[ISC_P_INITIAL_R2T]		= ISC_NL_BOOL,
	[ISC_P_IMMEDIATE_DATA]		= ISC_NL_BOOL,
	[ISC_P_MAX_RECV_DSL]		= NLA_POLICY_FULL_RANGE(NLA_U32,
							&isc_nl_dsl_range),
	[ISC_P_MAX_XMIT_DSL]		= NLA_POLICY_FULL_RANGE(NLA_U32,
							&isc_nl_dsl_range),
	[ISC_P_MAX_BURST]		= NLA_POLICY_FULL_RANGE(NLA_U32,
							&isc_nl_dsl_range),
	[ISC_P_FIRST_BURST]		= NLA_POLICY_FULL_RANGE(NLA_U32,
							&isc_nl_dsl_range),
	[ISC_P_TIME2WAIT]		= NLA_POLICY_MAX(NLA_U32, 3600),
	[ISC_P_TIME2RETAIN]		= NLA_POLICY_MAX(NLA_U32, 3600),
	[ISC_P_MAX_OUTSTANDING_R2T]	= NLA_POLICY_RANGE(NLA_U32, 1, 32767),
	[ISC_P_DATA_PDU_IN_ORDER]	= ISC_NL_BOOL,
	[ISC_P_DATA_SEQ_IN_ORDER]	= ISC_NL_BOOL,
	/* The kernel does error recovery level 0 only. */
	[ISC_P_ERL]			= NLA_POLICY_MAX(NLA_U32, 0),
	[ISC_P_TPGT]			= NLA_POLICY_FULL_RANGE(NLA_U32,
							&isc_nl_u16_range),
};

static const struct nla_policy isc_nl_policy[ISC_A_MAX + 1] = {
	[ISC_A_TARGET]		= { .type = NLA_NUL_STRING, .len = 255 },
	[ISC_A_INITIATOR]	= { .type = NLA_NUL_STRING,
				    .len = ISC_NAME_MAX },
	[ISC_A_ISID]		= { .type = NLA_U64 },
	[ISC_A_TSIH]		= { .type = NLA_U16 },
	[ISC_A_CID]		= { .type = NLA_U16 },
	[ISC_A_FD]		= { .type = NLA_U32 },
	[ISC_A_EXP_CMD_SN]	= { .type = NLA_U32 },
	[ISC_A_STAT_SN]		= { .type = NLA_U32 },
	[ISC_A_PARAMS]		= NLA_POLICY_NESTED(isc_nl_param_policy),
	[ISC_A_CONN_COUNT]	= { .type = NLA_REJECT },
	[ISC_A_PAD]		= { .type = NLA_REJECT },
};

/* struct isc_params field of each ISC_P_ attribute. */
static u32 *isc_nl_param_field(struct isc_params *p, int type)
{
	switch (type) {
	case ISC_P_HEADER_DIGEST:	return &p->header_digest;
	case ISC_P_DATA_DIGEST:		return &p->data_digest;
	case ISC_P_MAX_CONNECTIONS:	return &p->max_connections;
	case ISC_P_INITIAL_R2T:		return &p->initial_r2t;
	case ISC_P_IMMEDIATE_DATA:	return &p->immediate_data;
	case ISC_P_MAX_RECV_DSL:	return &p->max_recv_dsl;
	case ISC_P_MAX_XMIT_DSL:	return &p->max_xmit_dsl;
	case ISC_P_MAX_BURST:		return &p->max_burst;
	case ISC_P_FIRST_BURST:		return &p->first_burst;
	case ISC_P_TIME2WAIT:		return &p->time2wait;
	case ISC_P_TIME2RETAIN:		return &p->time2retain;
	case ISC_P_MAX_OUTSTANDING_R2T:	return &p->max_outstanding_r2t;
	case ISC_P_DATA_PDU_IN_ORDER:	return &p->data_pdu_in_order;
	case ISC_P_DATA_SEQ_IN_ORDER:	return &p->data_seq_in_order;
	case ISC_P_ERL:			return &p->erl;
	default:			return NULL;
	}
}

static int isc_nl_parse_params(struct nlattr *nest, struct isc_conn_args *a,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ISC_P_MAX + 1];
	int res, type;
	u32 *field;

	isc_params_default(&a->p);
	a->tpgt = 1;
	res = nla_parse_nested(tb, ISC_P_MAX, nest, isc_nl_param_policy,
			       extack);
	if (res)
		return res;
	for (type = 1; type <= ISC_P_MAX; type++) {
		if (!tb[type])
			continue;
		field = isc_nl_param_field(&a->p, type);
		if (field)
			*field = nla_get_u32(tb[type]);
		else if (type == ISC_P_TPGT)
			a->tpgt = nla_get_u32(tb[type]);
	}
	/* Data-Out PDUs and sequences out of order need ERL > 0 to help. */
	if (!a->p.data_pdu_in_order || !a->p.data_seq_in_order) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "DataPDUInOrder and DataSequenceInOrder must be Yes");
		return -EINVAL;
	}
	if (a->p.first_burst > a->p.max_burst) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "FirstBurstLength exceeds MaxBurstLength");
		return -EINVAL;
	}
	return 0;
}

/* The connected TCP socket behind @fd in the caller's file table. */
static struct socket *isc_nl_get_sock(struct nlattr *attr,
				      struct netlink_ext_ack *extack)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(nla_get_u32(attr), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "not a socket");
		return ERR_PTR(err);
	}
	if (sock->type != SOCK_STREAM || !sock->sk ||
	    sock->sk->sk_protocol != IPPROTO_TCP ||
	    (sock->sk->sk_family != AF_INET && sock->sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "not a TCP socket");
		sockfd_put(sock);
		return ERR_PTR(-EINVAL);
	}
	if (sock->sk->sk_state != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "the socket is not connected");
		sockfd_put(sock);
		return ERR_PTR(-ENOTCONN);
	}
	return sock;
}

static int isc_nl_conn_add(struct sk_buff *skb, struct genl_info *info)
{
	static const int required[] = {
		ISC_A_TARGET, ISC_A_INITIATOR, ISC_A_ISID, ISC_A_TSIH,
		ISC_A_CID, ISC_A_FD, ISC_A_EXP_CMD_SN, ISC_A_STAT_SN,
		ISC_A_PARAMS,
	};
	struct nlattr **attrs = info->attrs;
	struct isc_conn_args a = {};
	const char *why = "";
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;
	u16 tsih;
	int res;

	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (GENL_REQ_ATTR_CHECK(info, required[i]))
			return -EINVAL;
	res = isc_nl_parse_params(attrs[ISC_A_PARAMS], &a, info->extack);
	if (res)
		return res;
	a.initiator = nla_data(attrs[ISC_A_INITIATOR]);
	if (!*a.initiator) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[ISC_A_INITIATOR],
				    "empty initiator name");
		return -EINVAL;
	}
	a.isid = nla_get_u64(attrs[ISC_A_ISID]);
	if (a.isid >> 48) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[ISC_A_ISID],
				    "an ISID has 6 bytes");
		return -EINVAL;
	}
	a.tsih = nla_get_u16(attrs[ISC_A_TSIH]);
	a.cid = nla_get_u16(attrs[ISC_A_CID]);
	a.exp_cmdsn = nla_get_u32(attrs[ISC_A_EXP_CMD_SN]);
	a.stat_sn = nla_get_u32(attrs[ISC_A_STAT_SN]);

	/* The reply is allocated first: a new session cannot be undone. */
	msg = genlmsg_new(nla_total_size(sizeof(u16)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &isc_nl_family, 0, ISC_CMD_CONN_ADD);
	if (!hdr) {
		res = -EMSGSIZE;
		goto out_free;
	}
	a.sock = isc_nl_get_sock(attrs[ISC_A_FD], info->extack);
	if (IS_ERR(a.sock)) {
		res = PTR_ERR(a.sock);
		goto out_free;
	}
	res = isc_session_conn_add(nla_data(attrs[ISC_A_TARGET]), &a, &tsih,
				   &why);
	if (res) {
		sockfd_put(a.sock);
		/* @why is a string literal, as NL_SET_ERR_MSG() wants. */
		info->extack->_msg = why;
		if (res == -ENOENT)
			NL_SET_BAD_ATTR(info->extack,
					a.tsih ? attrs[ISC_A_TSIH] :
					attrs[ISC_A_TARGET]);
		goto out_free;
	}
	if (nla_put_u16(msg, ISC_A_TSIH, tsih)) {
		/* Cannot happen: the message was sized for it. */
		res = -EMSGSIZE;
		goto out_free;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	return res;
}

static int isc_nl_fill_session(struct sk_buff *skb, struct netlink_callback *cb,
			       struct isc_session *sess)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &isc_nl_family, NLM_F_MULTI, ISC_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, ISC_A_TARGET,
			   scst_tgt_get_name(sess->tgt->scst_tgt)) ||
	    nla_put_string(skb, ISC_A_INITIATOR, sess->initiator) ||
	    nla_put_u64_64bit(skb, ISC_A_ISID, sess->isid, ISC_A_PAD) ||
	    nla_put_u16(skb, ISC_A_TSIH, sess->tsih) ||
	    nla_put_u32(skb, ISC_A_CONN_COUNT, 1)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Sessions in target order; cb->args[0] counts the ones already sent. A
 * session that comes or goes between two parts may shift the rest.
 */
static int isc_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = scst_genl_dump_attrs(cb);
	const char *only = attrs[ISC_A_TARGET] ?
			   nla_data(attrs[ISC_A_TARGET]) : NULL;
	struct isc_session *sess;
	struct isc_tgt *tgt;
	long idx = 0;
	int res = 0;

	mutex_lock(&isc_mutex);
	if (only && !isc_tgt_find(only)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[ISC_A_TARGET],
				    "no such iSCSI target");
		res = -ENOENT;
		goto out;
	}
	tgt = NULL;
	list_for_each_entry(tgt, &isc_tgt_list, list) {
		if (only && strcmp(scst_tgt_get_name(tgt->scst_tgt), only))
			continue;
		list_for_each_entry(sess, &tgt->sessions, list) {
			if (idx++ < cb->args[0])
				continue;
			if (isc_nl_fill_session(skb, cb, sess)) {
				idx--;
				goto done;
			}
		}
	}
done:
	cb->args[0] = idx;
	res = skb->len;
out:
	mutex_unlock(&isc_mutex);
	return res;
}

static const struct genl_small_ops isc_nl_ops[] = {
	{
		.cmd	= ISC_CMD_CONN_ADD,
		.doit	= isc_nl_conn_add,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= ISC_CMD_SESSION_GET,
		.dumpit	= isc_nl_session_dump,
	},
};

static struct genl_family isc_nl_family __ro_after_init = {
	.name		= SCST_ISCSI_GENL_NAME,
	.version	= SCST_ISCSI_GENL_VERSION,
	.maxattr	= ISC_A_MAX,
	.policy		= isc_nl_policy,
	.netnsok	= false,
	/* CONN_ADD may wait for a reinstated session to go. */
	.parallel_ops	= true,
	.resv_start_op	= 0,
	.module		= THIS_MODULE,
	.small_ops	= isc_nl_ops,
	.n_small_ops	= ARRAY_SIZE(isc_nl_ops),
};

int isc_nl_init(void)
{
	return genl_register_family(&isc_nl_family);
}

void isc_nl_exit(void)
{
	genl_unregister_family(&isc_nl_family);
}
