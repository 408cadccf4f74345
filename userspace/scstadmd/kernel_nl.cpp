#include "kernel_nl.hpp"

#include <scstctl/kernel.hpp>

#include "error.hpp"
#include "client.hpp"
#include "log.hpp"

namespace scstadmd {

namespace {

scstconf::Error connect_error(const scstnl::Error &e)
{
	return make_error(e.str(), {}, "netlink");
}

} // namespace

scstconf::Result<scstconf::Config> NetlinkKernel::read_running()
{
	scstnl::Client nl;
	if (nl.error())
		return connect_error(nl.error());
	return scstctl::read_running(nl);
}

scstconf::Config NetlinkKernel::canonical(scstconf::Config desired, const scstconf::Config &running)
{
	return scstctl::canonical(std::move(desired), running);
}

ApplyOutcome NetlinkKernel::apply(const std::vector<scstconf::Op> &ops)
{
	ApplyOutcome out;
	scstnl::Client nl;
	if (nl.error()) {
		out.errors.push_back(connect_error(nl.error()));
		return out;
	}
	scstctl::ApplyOptions opt;
	opt.on_op = [](const scstconf::Op &op) { log_debug("applying: " + scstconf::describe(op)); };
	auto rep = scstctl::apply_plan(nl, ops, opt);
	out.done = rep.done.size();
	out.errors = std::move(rep.errors);
	out.rolled_back = rep.rolled_back;
	out.rollback_errors = std::move(rep.rollback_errors);
	return out;
}

} // namespace scstadmd
