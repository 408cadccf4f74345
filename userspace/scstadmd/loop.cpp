#include "loop.hpp"
#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace scstadmd {

void EventLoop::watch(int fd, short events, OnReady on_ready)
{
	sources_[fd] = Source{events, std::move(on_ready)};
}

void EventLoop::unwatch(int fd)
{
	sources_.erase(fd);
}

scstconf::Result<void> EventLoop::run_once(std::optional<std::chrono::milliseconds> max_wait)
{
	std::vector<pollfd> pfds;
	pfds.reserve(sources_.size());
	for (const auto &[fd, src] : sources_)
		pfds.push_back({fd, src.events, 0});

	std::optional<TimePoint> next;
	for (const auto &t : timers_)
		if (auto d = t.deadline(); d && (!next || *d < *next))
			next = d;
	int timeout = -1;
	if (next) {
		auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
		timeout = static_cast<int>(std::max<long long>(0, left.count()));
	}
	if (max_wait && (timeout < 0 || max_wait->count() < timeout))
		timeout = static_cast<int>(max_wait->count());

	int n = ::poll(pfds.data(), pfds.size(), timeout);
	if (n < 0) {
		if (errno == EINTR)
			return {};
		return make_error(std::string("poll: ") + std::strerror(errno));
	}
	for (const auto &p : pfds) {
		if (!p.revents)
			continue;
		// A callback before may have removed it (or replaced it).
		auto it = sources_.find(p.fd);
		if (it == sources_.end())
			continue;
		auto cb = it->second.on_ready;	// a copy: it may unwatch itself
		cb(p.revents);
		if (stopped_)
			return {};
	}
	auto now = Clock::now();
	for (std::size_t i = 0; i < timers_.size(); i++)
		if (auto d = timers_[i].deadline(); d && *d <= now)
			timers_[i].fire(now);
	return {};
}

scstconf::Result<void> EventLoop::run()
{
	stopped_ = false;
	while (!stopped_)
		if (auto r = run_once(); !r)
			return r;
	return {};
}

} // namespace scstadmd

