// The real kernel: netlink through libscstctl.
#pragma once

#include "kernel_port.hpp"

namespace scstadmd {

// Each call connects afresh, so a reloaded scst module is found again.
class NetlinkKernel : public KernelPort {
public:
	scstconf::Result<scstconf::Config> read_running() override;
	scstconf::Result<Providers> providers() override;
	scstconf::Config canonical(scstconf::Config desired, const scstconf::Config &running) override;
	ApplyOutcome apply(const std::vector<scstconf::Op> &ops) override;
};

} // namespace scstadmd
