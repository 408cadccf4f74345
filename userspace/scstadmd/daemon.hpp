// scstadmd's life: lock, (detach), subscribe to events, start up (restore
// or save), then keep the saved file in step with the kernel until SIGTERM.
#pragma once

#include <scstconf/result.hpp>

#include "fd.hpp"
#include "kernel_port.hpp"
#include "options.hpp"

namespace scstadmd {

// An exclusive flock(2) on a file, held while this object lives (and by
// the children it is inherited by).
class LockFile {
public:
	// Fails with a message naming the holder when another process has it.
	static scstconf::Result<LockFile> acquire(const std::string &path);
	// Write our pid into it (after detaching).
	void write_pid();

private:
	LockFile() = default;
	UniqueFd fd_;
};

// --check: 0 when @path parses and validates; its errors go to stderr.
int check_config(const std::string &path);

// The exit code of the daemon.
int run_daemon(const Options &opt, KernelPort &kernel);

} // namespace scstadmd
