#include "daemon.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "error.hpp"
#include "atomic_file.hpp"
#include "events.hpp"
#include "iscsi_portal.hpp"
#include "log.hpp"
#include "loop.hpp"
#include "nl_events.hpp"
#include "signals.hpp"
#include "state.hpp"

namespace scstadmd {

scstconf::Result<LockFile> LockFile::acquire(const std::string &path)
{
	LockFile l;
	l.fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
	if (!l.fd_)
		return make_error(std::string("open: ") + std::strerror(errno), path);
	if (::flock(l.fd_.get(), LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		if (err == EWOULDBLOCK) {
			std::string holder;
			if (auto t = read_file(path); t && t->has_value())
				holder = **t;
			while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
				holder.pop_back();
			return make_error("another scstadmd is running" +
							  (holder.empty() ? std::string() : " (pid " + holder + ")"), path);
		}
		return make_error(std::string("flock: ") + std::strerror(err), path);
	}
	return l;
}

void LockFile::write_pid()
{
	std::string pid = std::to_string(::getpid()) + "\n";
	if (::ftruncate(fd_.get(), 0) == 0 && ::pwrite(fd_.get(), pid.data(), pid.size(), 0) < 0)
		log_debug("cannot write the pid to the lock file");
}

namespace {

// Detach from the terminal once started: start-up errors still reach
// the terminal and the exit code. The lock, the sockets and the signalfd
// are inherited by the child.
scstconf::Result<void> detach()
{
	pid_t pid = ::fork();
	if (pid < 0)
		return make_error(std::string("fork: ") + std::strerror(errno));
	if (pid > 0)
		::_exit(0);
	::setsid();
	UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
	if (null) {
		::dup2(null.get(), 0);
		::dup2(null.get(), 1);
		::dup2(null.get(), 2);
	}
	log_to_syslog("scstadmd");
	return {};
}

} // namespace

int check_config(const std::string &path)
{
	std::vector<scstconf::Error> errors;
	auto c = load_saved(path, &errors);
	for (const auto &e : errors)
		log_error(e.to_string());
	if (!c)
		return 1;
	log_info(path + ": OK");
	return 0;
}

int run_daemon(const Options &opt, KernelPort &kernel)
{
	set_log_level(opt.level);
	auto lock = LockFile::acquire(opt.lock_file);
	if (!lock) {
		log_error(lock.error().to_string());
		return 1;
	}

	auto sigs = SignalFd::open({SIGTERM, SIGINT, SIGHUP});
	if (!sigs) {
		log_error(sigs.error().to_string());
		return 1;
	}
	// Subscribe before reading the state: no change can fall in between.
	auto events = EventSocket::open();
	if (!events) {
		log_error(events.error().to_string());
		return 1;
	}

	Persister persister(opt.config);
	auto start = start_up(kernel, persister);
	if (!start) {
		log_error("start-up failed: " + start.error().to_string());
		return 1;
	}
	if (start->file_written)
		log_info("saved the configuration to " + opt.config);
	if (!opt.foreground) {
		if (auto d = detach(); !d) {
			log_error(d.error().to_string());
			return 1;
		}
	}
	lock->write_pid();
	log_info("running; saving every change of the configuration to " + opt.config);

	Syncer syncer(kernel, persister);
	EventLoop loop;
	int status = 0;
	if (!start->waiting_for.empty())
		syncer.wait(EventLoop::Clock::now(), start->waiting_for);

	auto iscsi_kernel = make_netlink_iscsi_kernel(kernel);
	IscsiPortals portals(*iscsi_kernel);
	if (auto r = portals.listen(iscsi_portal_addrs(opt)); !r)
		log_warning(r.error().to_string());
	portals.attach(loop);

	loop.watch(sigs->fd(), POLLIN, [&](short) {
		while (auto sig = sigs->read()) {
			if (*sig == SIGHUP) {
				log_info("SIGHUP: re-reading the running configuration");
				syncer.save_as_is(EventLoop::Clock::now());
			} else {
				log_info(std::string("exiting on ") + ::strsignal(*sig));
				loop.stop();
			}
		}
	});
	std::function<void(short)> on_events = [&](short) {
		auto now = EventLoop::Clock::now();
		auto d = events->drain([&](const scstnl::Record &ev) {
			log_info(describe_event(ev));
			if (changes_config(ev))
				syncer.changed(now);
		});
		if (!d) {
			log_error(d.error().to_string());
			status = 1;
			loop.stop();
			return;
		}
		if (d->overrun) {
			log_warning("events were lost (netlink overrun): full resync");
			syncer.resync_now(now);
		}
	};
	loop.watch(events->fd(), POLLIN, on_events);
	// The scst module may have been reloaded: its multicast group is new.
	syncer.on_recovered([&] {
		loop.unwatch(events->fd());
		auto fresh = EventSocket::open();
		if (!fresh) {
			log_error("cannot subscribe to the events again: " + fresh.error().to_string());
			status = 1;
			loop.stop();
			return;
		}
		*events = std::move(*fresh);
		loop.watch(events->fd(), POLLIN, on_events);
		// Changes made while subscribing are not lost.
		syncer.resync_now(EventLoop::Clock::now());
	});
	loop.add_timer({[&] { return syncer.deadline(); }, [&](EventLoop::TimePoint now) { syncer.tick(now); }});

	if (auto r = loop.run(); !r) {
		log_error(r.error().to_string());
		status = 1;
	}
	// Changes still waiting for their debounce are saved before leaving.
	if (syncer.deadline() && !syncer.waiting())
		syncer.resync_now(EventLoop::Clock::now(), true);
	return status;
}

} // namespace scstadmd
