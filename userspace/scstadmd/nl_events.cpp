#include "nl_events.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "error.hpp"
#include "uapi/scst_netlink.h"

namespace scstadmd {

namespace {

scstconf::Error nl_error(const std::string &what, int nlerr)
{
	return make_error(what + ": " + nl_geterror(nlerr), {}, "netlink");
}

} // namespace

scstconf::Result<EventSocket> EventSocket::open()
{
	EventSocket s;
	s.sock_.reset(nl_socket_alloc());
	if (!s.sock_)
		return make_error("cannot allocate a socket", {}, "netlink");
	nl_socket_disable_seq_check(s.sock_.get());
	if (int r = genl_connect(s.sock_.get()); r < 0)
		return nl_error("genl_connect", r);
	s.family_ = genl_ctrl_resolve(s.sock_.get(), SCST_GENL_NAME);
	if (s.family_ < 0)
		return make_error("the scst generic netlink family is not registered (is scst.ko loaded?)", {}, "netlink");
	int grp = genl_ctrl_resolve_grp(s.sock_.get(), SCST_GENL_NAME, SCST_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return nl_error("no \"" SCST_GENL_MCGRP_EVENTS "\" multicast group", grp);
	if (int r = nl_socket_add_membership(s.sock_.get(), grp); r < 0)
		return nl_error("join the events group", r);
	// Room for bursts (thousands of LUNs added by a script) before an
	// overrun forces a full resync.
	nl_socket_set_buffer_size(s.sock_.get(), 4 << 20, 0);
	if (int r = nl_socket_set_nonblocking(s.sock_.get()); r < 0)
		return nl_error("set non-blocking", r);
	return s;
}

int EventSocket::fd() const
{
	return nl_socket_get_fd(sock_.get());
}

scstconf::Result<EventSocket::Drained> EventSocket::drain(
	const std::function<void(const scstnl::Record &)> &on_event)
{
	Drained d;
	std::vector<char> buf(64 << 10);

	for (;;) {
		ssize_t n = ::recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return d;
			if (errno == ENOBUFS) {
				d.overrun = true;
				continue;
			}
			return make_error(std::string("receive: ") + std::strerror(errno), {}, "netlink");
		}
		int len = static_cast<int>(n);
		for (auto *nlh = reinterpret_cast<nlmsghdr *>(buf.data()); nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != family_ ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				continue;
			scstnl::MsgPtr msg(nlmsg_convert(nlh));
			if (!msg)
				continue;
			d.events++;
			on_event(scstnl::decode(msg.get()));
		}
	}
}

} // namespace scstadmd
