#include "kernel_nl.hpp"

#include <scstctl/kernel.hpp>

#include "error.hpp"
#include "client.hpp"
#include "uapi/scst_netlink.h"
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

scstconf::Result<Providers> NetlinkKernel::providers()
{
	scstnl::Client nl;
	if (nl.error())
		return connect_error(nl.error());
	Providers p;
	scstnl::Request handlers;
	handlers.cmd = SCST_CMD_HANDLER_GET;
	handlers.dump = true;
	auto e = nl.call(handlers, [&](const scstnl::Record &r) {
		if (auto h = r.get("handler"))
			p.handlers.insert(*h);
	});
	if (e)
		return connect_error(e);
	scstnl::Request drivers;
	drivers.cmd = SCST_CMD_DRIVER_GET;
	drivers.dump = true;
	e = nl.call(drivers, [&](const scstnl::Record &r) {
		if (auto d = r.get("driver"))
			p.drivers.insert(*d);
	});
	if (e)
		return connect_error(e);
	return p;
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
