// A non-blocking netlink socket subscribed to the "scst" family's "events"
// multicast group, for the daemon's poll() loop.
#pragma once

#include <functional>

#include <scstconf/result.hpp>

#include "client.hpp"

namespace scstadmd {

class EventSocket {
public:
	// Connects and joins the group.
	static scstconf::Result<EventSocket> open();

	int fd() const;

	struct Drained {
		std::size_t events = 0;
		bool overrun = false;	// ENOBUFS: the kernel dropped events
	};
	// Read every event queued, calling @on_event for each.
	scstconf::Result<Drained> drain(const std::function<void(const scstnl::Record &)> &on_event);

private:
	EventSocket() = default;
	scstnl::SockPtr sock_;
	int family_ = -1;
};

} // namespace scstadmd
