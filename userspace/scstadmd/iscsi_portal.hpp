// iSCSI portals: the listening sockets of scstadmd (--iscsi-portal) and
// the connections in their login phase, all in the daemon's poll() loop.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <scstconf/result.hpp>

#include "fd.hpp"
#include "iscsi_login.hpp"
#include "loop.hpp"

namespace scstadmd {

// "0.0.0.0:3260", "[::]:3260", "10.0.0.1" (port 3260).
struct PortalAddr {
	std::string host;
	uint16_t port = 3260;
};
scstconf::Result<PortalAddr> parse_portal(const std::string &s);

struct Options;
// The portals the options ask for, the defaults if none.
std::vector<PortalAddr> iscsi_portal_addrs(const Options &opt);

class IscsiPortals {
public:
	// A connection that sends nothing for @idle during login or in a
	// discovery session is closed: it would hold a descriptor forever.
	explicit IscsiPortals(IscsiKernel &kernel,
			      std::chrono::milliseconds idle = std::chrono::seconds(30))
		: kernel_(kernel), idle_(idle)
	{
	}

	// Listen on every address; one that cannot be bound is logged and
	// skipped (another target may own it), none at all is an error.
	scstconf::Result<void> listen(const std::vector<PortalAddr> &addrs);
	void attach(EventLoop &loop);
	std::size_t logins() const { return conns_.size(); }
	// The port of the first listener (tests listen on port 0).
	uint16_t port() const;

private:
	struct Conn {
		std::unique_ptr<LoginConn> login;
		EventLoop::TimePoint deadline;
	};

	void accept_on(EventLoop &loop, int lfd);
	std::optional<EventLoop::TimePoint> next_deadline() const;
	void expire(EventLoop &loop, EventLoop::TimePoint now);

	IscsiKernel &kernel_;
	std::chrono::milliseconds idle_;
	std::vector<UniqueFd> listeners_;
	std::vector<IscsiPortal> portals_;  // their addresses, for SendTargets
	std::map<int, Conn> conns_;
};

} // namespace scstadmd
