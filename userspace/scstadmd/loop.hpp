// The daemon's event loop: poll() over any number of file descriptors
// (signals, netlink events; later iSCSI listening and login sockets) plus
// timers given as "the next deadline" of each timer source.
#pragma once

#include <poll.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <scstconf/result.hpp>

namespace scstadmd {

class EventLoop {
public:
	using Clock = std::chrono::steady_clock;
	using TimePoint = Clock::time_point;
	// Called with poll()'s revents for the fd.
	using OnReady = std::function<void(short revents)>;

	struct Timer {
		std::function<std::optional<TimePoint>()> deadline;
		std::function<void(TimePoint now)> fire;
	};

	// Watch @fd for @events (POLLIN...). A callback may add and remove
	// sources, including its own.
	void watch(int fd, short events, OnReady on_ready);
	void unwatch(int fd);
	bool watching(int fd) const { return sources_.count(fd) != 0; }
	void add_timer(Timer t) { timers_.push_back(std::move(t)); }

	// Runs until stop(); an error of poll() ends it.
	scstconf::Result<void> run();
	void stop() { stopped_ = true; }

	// One round: wait at most until the nearest deadline (or @max_wait)
	// and dispatch. Public for tests.
	scstconf::Result<void> run_once(std::optional<std::chrono::milliseconds> max_wait = std::nullopt);

private:
	struct Source {
		short events;
		OnReady on_ready;
	};
	std::map<int, Source> sources_;
	std::vector<Timer> timers_;
	bool stopped_ = false;
};

} // namespace scstadmd
