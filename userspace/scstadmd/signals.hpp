// Signals as a file descriptor (signalfd) for the event loop: the signals
// are blocked while it exists.
#pragma once

#include <signal.h>

#include <initializer_list>
#include <optional>

#include <scstconf/result.hpp>

#include "fd.hpp"

namespace scstadmd {

class SignalFd {
public:
	static scstconf::Result<SignalFd> open(std::initializer_list<int> signals);
	SignalFd(SignalFd &&) = default;
	SignalFd &operator=(SignalFd &&) = default;
	~SignalFd();

	int fd() const { return fd_.get(); }
	// The next pending signal, if any.
	std::optional<int> read();

private:
	SignalFd() = default;
	UniqueFd fd_;
	sigset_t old_{};
	bool restore_ = false;
};

} // namespace scstadmd
