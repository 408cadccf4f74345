#include "iscsi_portal.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "error.hpp"
#include "log.hpp"
#include "options.hpp"

namespace scstadmd {

scstconf::Result<PortalAddr> parse_portal(const std::string &s)
{
	PortalAddr p;
	std::string port;
	if (!s.empty() && s[0] == '[') {
		auto close = s.find(']');
		if (close == std::string::npos)
			return make_error("portal \"" + s + "\": no closing ']'");
		p.host = s.substr(1, close - 1);
		if (close + 1 < s.size()) {
			if (s[close + 1] != ':')
				return make_error("portal \"" + s + "\": ':' expected after ']'");
			port = s.substr(close + 2);
		}
	} else {
		auto colon = s.rfind(':');
		p.host = s.substr(0, colon);
		if (colon != std::string::npos)
			port = s.substr(colon + 1);
	}
	if (!port.empty()) {
		unsigned v = 0;
		auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
		if (ec != std::errc() || end != port.data() + port.size() || !v || v > 65535)
			return make_error("portal \"" + s + "\": bad port");
		p.port = static_cast<uint16_t>(v);
	}
	if (p.host.empty())
		return make_error("portal \"" + s + "\": no address");
	return p;
}

std::vector<PortalAddr> iscsi_portal_addrs(const Options &opt)
{
	std::vector<PortalAddr> v;
	if (opt.no_iscsi)
		return v;
	if (opt.iscsi_portals.empty())
		return {{"0.0.0.0", 3260}, {"::", 3260}};
	for (const auto &s : opt.iscsi_portals)
		if (auto p = parse_portal(s))
			v.push_back(*p);
	return v;
}

namespace {

scstconf::Result<UniqueFd> listen_one(const PortalAddr &a)
{
	sockaddr_storage ss{};
	socklen_t len;
	auto *a4 = reinterpret_cast<sockaddr_in *>(&ss);
	auto *a6 = reinterpret_cast<sockaddr_in6 *>(&ss);
	if (inet_pton(AF_INET, a.host.c_str(), &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(a.port);
		len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, a.host.c_str(), &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(a.port);
		len = sizeof(*a6);
	} else {
		return make_error("portal " + a.host + ": not an IPv4 or IPv6 address");
	}
	UniqueFd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!fd)
		return make_error(std::string("socket: ") + std::strerror(errno));
	int one = 1;
	::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	// [::] and 0.0.0.0 are separate portals, as the defaults have both.
	if (ss.ss_family == AF_INET6)
		::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0 || ::listen(fd.get(), 64) < 0)
		return make_error("portal " + a.host + ":" + std::to_string(a.port) + ": " + std::strerror(errno));
	return fd;
}

} // namespace

scstconf::Result<void> IscsiPortals::listen(const std::vector<PortalAddr> &addrs)
{
	for (const auto &a : addrs) {
		auto fd = listen_one(a);
		if (!fd) {
			log_warning(fd.error().to_string());
			continue;
		}
		log_info("iSCSI portal " + a.host + " port " + std::to_string(a.port));
		// What SendTargets announces (the bound port, for port 0).
		IscsiPortal p{a.host, a.port, 1};
		sockaddr_storage ss{};
		socklen_t sl = sizeof(ss);
		if (::getsockname(fd->get(), reinterpret_cast<sockaddr *>(&ss), &sl) == 0)
			p.port = ntohs(ss.ss_family == AF_INET6
					       ? reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port
					       : reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
		portals_.push_back(std::move(p));
		listeners_.push_back(std::move(*fd));
	}
	if (listeners_.empty() && !addrs.empty())
		return make_error("no iSCSI portal could listen");
	return {};
}

void IscsiPortals::attach(EventLoop &loop)
{
	for (const auto &l : listeners_) {
		int lfd = l.get();
		loop.watch(lfd, POLLIN, [this, &loop, lfd](short) { accept_on(loop, lfd); });
	}
	loop.add_timer({[this] { return next_deadline(); },
			[this, &loop](EventLoop::TimePoint now) { expire(loop, now); }});
}

uint16_t IscsiPortals::port() const
{
	sockaddr_storage ss{};
	socklen_t len = sizeof(ss);
	if (listeners_.empty() ||
	    ::getsockname(listeners_[0].get(), reinterpret_cast<sockaddr *>(&ss), &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
	return ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port);
}

std::optional<EventLoop::TimePoint> IscsiPortals::next_deadline() const
{
	std::optional<EventLoop::TimePoint> next;
	for (const auto &[fd, c] : conns_)
		if (!next || c.deadline < *next)
			next = c.deadline;
	return next;
}

void IscsiPortals::expire(EventLoop &loop, EventLoop::TimePoint now)
{
	for (auto it = conns_.begin(); it != conns_.end();) {
		if (it->second.deadline > now) {
			++it;
			continue;
		}
		log_info("iSCSI connection idle for " + std::to_string(idle_.count()) +
			 " ms in login or discovery: closed");
		loop.unwatch(it->first);
		it = conns_.erase(it);
	}
}

void IscsiPortals::accept_on(EventLoop &loop, int lfd)
{
	for (;;) {
		UniqueFd fd(::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
		if (!fd) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warning(std::string("iSCSI accept: ") + std::strerror(errno));
			return;
		}
		int one = 1;
		::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		int cfd = fd.get();
		conns_[cfd] = Conn{std::make_unique<LoginConn>(std::move(fd), kernel_, portals_),
				   EventLoop::Clock::now() + idle_};
		loop.watch(cfd, POLLIN, [this, &loop, cfd](short) {
			auto it = conns_.find(cfd);
			if (it == conns_.end())
				return;
			if (!it->second.login->on_readable()) {
				loop.unwatch(cfd);
				conns_.erase(it);
				return;
			}
			it->second.deadline = EventLoop::Clock::now() + idle_;
		});
	}
}

} // namespace scstadmd
