// What the daemon needs from the kernel, as an interface: the real one
// talks netlink through libscstctl (kernel_nl.cpp), the unit tests use a
// model of the kernel (scstconf::apply_to_model).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include <scstconf/model.hpp>
#include <scstconf/ops.hpp>
#include <scstconf/result.hpp>

namespace scstadmd {

struct ApplyOutcome {
	std::size_t done = 0;			// operations applied before the failure
	std::vector<scstconf::Error> errors;	// empty: all applied
	bool rolled_back = false;
	std::vector<scstconf::Error> rollback_errors;

	bool ok() const { return errors.empty(); }
};

// The device handlers and target drivers registered in the kernel: their
// modules are loaded.
struct Providers {
	std::set<std::string> handlers;
	std::set<std::string> drivers;
};

class KernelPort {
public:
	virtual ~KernelPort() = default;
	// The running state, normalized.
	virtual scstconf::Result<scstconf::Config> read_running() = 0;
	virtual scstconf::Result<Providers> providers() = 0;
	// @desired in the form read_running() reports the same state in, so
	// that diffing against it changes only what really differs.
	virtual scstconf::Config canonical(scstconf::Config desired, const scstconf::Config &)
	{
		return desired;
	}
	// Apply @ops in order; on a failure undo what was done.
	virtual ApplyOutcome apply(const std::vector<scstconf::Op> &ops) = 0;
};

} // namespace scstadmd
