// iSCSI portals: the listening sockets of scstadmd (--iscsi-portal) and
// the connections in their login phase, all in the daemon's poll() loop.
#pragma once

#include <map>
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
	explicit IscsiPortals(IscsiKernel &kernel) : kernel_(kernel) {}

	// Listen on every address; one that cannot be bound is logged and
	// skipped (another target may own it), none at all is an error.
	scstconf::Result<void> listen(const std::vector<PortalAddr> &addrs);
	void attach(EventLoop &loop);
	std::size_t logins() const { return conns_.size(); }

private:
	void accept_on(EventLoop &loop, int lfd);

	IscsiKernel &kernel_;
	std::vector<UniqueFd> listeners_;
	std::map<int, std::unique_ptr<LoginConn>> conns_;
};

} // namespace scstadmd
