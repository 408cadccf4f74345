#include "signals.hpp"
#include "error.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace scstadmd {

scstconf::Result<SignalFd> SignalFd::open(std::initializer_list<int> signals)
{
	SignalFd s;
	sigset_t set;
	sigemptyset(&set);
	for (int sig : signals)
		sigaddset(&set, sig);
	if (sigprocmask(SIG_BLOCK, &set, &s.old_) < 0)
		return make_error(std::string("sigprocmask: ") + std::strerror(errno));
	s.restore_ = true;
	s.fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
	if (!s.fd_)
		return make_error(std::string("signalfd: ") + std::strerror(errno));
	return s;
}

SignalFd::~SignalFd()
{
	if (restore_ && fd_)
		sigprocmask(SIG_SETMASK, &old_, nullptr);
}

std::optional<int> SignalFd::read()
{
	signalfd_siginfo si;
	for (;;) {
		ssize_t n = ::read(fd_.get(), &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != static_cast<ssize_t>(sizeof(si)))
			return std::nullopt;
		return static_cast<int>(si.ssi_signo);
	}
}

} // namespace scstadmd

