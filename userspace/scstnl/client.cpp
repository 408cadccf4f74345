#include "client.hpp"

#include <cstring>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "uapi/scst_netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace scstnl {

void SockDeleter::operator()(nl_sock *sk) const
{
	nl_socket_free(sk);
}

void MsgDeleter::operator()(nl_msg *msg) const
{
	nlmsg_free(msg);
}

std::string Error::str() const
{
	std::string s = std::strerror(-err);
	if (!message.empty())
		s += ": " + message;
	if (!attr.empty())
		s += " (attribute " + attr + ")";
	return s;
}

namespace {

// The extended ack TLVs (NLMSGERR_ATTR_*) that follow @off bytes of the
// payload of @nlh, an NLMSG_ERROR or NLMSG_DONE message.
void parse_ext_ack(const nlmsghdr *nlh, size_t off, nl_msg *request, Error &e)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_ALIGN(off);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return;
	auto *tlvs = reinterpret_cast<nlattr *>(
		reinterpret_cast<char *>(NLMSG_DATA(nlh)) + off);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	nlattr *a;
	int rem;

	nla_for_each_attr(a, tlvs, len, rem) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			e.message = static_cast<const char *>(nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (request)
				if (auto name = attr_at_offset(request, nla_get_u32(a)))
					e.attr = *name;
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			e.attr = attr_name(nla_get_u32(a)) + ", missing";
			break;
		}
	}
}

struct CallState {
	const Client::OnRecord *on_record;
	nl_msg *request;
	Error error;
	bool done = false;
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *st = static_cast<CallState *>(arg);
	(*st->on_record)(decode(msg));
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto *st = static_cast<CallState *>(arg);
	nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = 0;

	st->done = true;
	// A dump that failed after it started says so in NLMSG_DONE.
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(err)) {
		std::memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		if (err < 0) {
			st->error.err = err;
			parse_ext_ack(nlh, sizeof(err), st->request, st->error);
		}
	}
	return NL_STOP;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<CallState *>(arg)->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *st = static_cast<CallState *>(arg);
	auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<char *>(e) - NLMSG_HDRLEN);
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	st->done = true;
	st->error.err = e->error;
	parse_ext_ack(nlh, off, st->request, st->error);
	return NL_STOP;
}

int no_seq_check(nl_msg *, void *)
{
	return NL_OK;
}

} // namespace

Client::Client() : sock_(nl_socket_alloc())
{
	int one = 1, res;

	if (!sock_) {
		error_ = {-ENOMEM, "cannot allocate a netlink socket", {}};
		return;
	}
	res = genl_connect(sock_.get());
	if (res < 0) {
		error_ = {-EIO, std::string("genl_connect: ") + nl_geterror(res), {}};
		return;
	}
	// Extended acks with the error text, without a copy of our request.
	setsockopt(nl_socket_get_fd(sock_.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sock_.get()), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	family_ = genl_ctrl_resolve(sock_.get(), SCST_GENL_NAME);
	if (family_ < 0)
		error_ = {-ENOENT, "the scst generic netlink family is not registered (is scst.ko loaded?)", {}};
}

Error Client::call(const Request &req, const OnRecord &on_record)
{
	if (error_)
		return error_;
	// Room for a few values of SCST_NL_VALUE_MAX (nlmsg_alloc() gives a page).
	MsgPtr msg(nlmsg_alloc_size(4 * SCST_NL_VALUE_MAX));
	if (!msg)
		return {-ENOMEM, "cannot allocate a message", {}};
	if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0,
			 req.dump ? NLM_F_DUMP : 0, req.cmd, SCST_GENL_VERSION) ||
	    !encode_attrs(msg.get(), req))
		return {-EMSGSIZE, "the request does not fit in a message", {}};

	CallState st{&on_record, msg.get(), {}, false};
	std::unique_ptr<nl_cb, decltype(&nl_cb_put)> cb(nl_cb_alloc(NL_CB_DEFAULT), nl_cb_put);
	if (!cb)
		return {-ENOMEM, "cannot allocate callbacks", {}};
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &st);

	int res = nl_send_auto(sock_.get(), msg.get());
	if (res < 0)
		return {-EIO, std::string("send: ") + nl_geterror(res), {}};
	while (!st.done) {
		res = nl_recvmsgs(sock_.get(), cb.get());
		// libnl read the dump to its end: the caller may ask again.
		if (res == -NLE_DUMP_INTR && !st.error)
			return {-EINTR, "the objects changed during the dump", {}};
		if (res < 0 && !st.error)
			return {-EIO, std::string("receive: ") + nl_geterror(res), {}};
	}
	return st.error;
}

Error Client::monitor(const OnRecord &on_record, const std::function<void()> &on_ready)
{
	if (error_)
		return error_;
	int grp = genl_ctrl_resolve_grp(sock_.get(), SCST_GENL_NAME, SCST_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return {-ENOENT, "no events multicast group", {}};
	int res = nl_socket_add_membership(sock_.get(), grp);
	if (res < 0)
		return {-EIO, std::string("join the events group: ") + nl_geterror(res), {}};

	CallState st{&on_record, nullptr, {}, false};
	std::unique_ptr<nl_cb, decltype(&nl_cb_put)> cb(nl_cb_alloc(NL_CB_DEFAULT), nl_cb_put);
	if (!cb)
		return {-ENOMEM, "cannot allocate callbacks", {}};
	nl_cb_set(cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, nullptr);
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	if (on_ready)
		on_ready();
	for (;;) {
		res = nl_recvmsgs(sock_.get(), cb.get());
		// ENOBUFS: events were lost because we were slow; keep going.
		if (res < 0 && res != -NLE_NOMEM)
			return {-EIO, std::string("receive: ") + nl_geterror(res), {}};
	}
}

} // namespace scstnl
