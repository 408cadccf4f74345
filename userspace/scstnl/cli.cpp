#include "cli.hpp"

#include <charconv>
#include <functional>
#include <map>

#include "uapi/scst_netlink.h"

namespace scstnl {
namespace {

const char usage_text[] =
	"usage: scstnl COMMAND [ARGS...] [-g GROUP] [-r]\n"
	"  version\n"
	"  handler-get [HANDLER]                 driver-get [DRIVER]\n"
	"  device-get [DEVICE]                   device-add HANDLER DEVICE [PARAMS]\n"
	"  device-del DEVICE                     device-set DEVICE ATTR VALUE\n"
	"  driver-mgmt DRIVER LINE\n"
	"  target-get [DRIVER [TARGET]]          target-add DRIVER TARGET [PARAMS]\n"
	"  target-del DRIVER TARGET\n"
	"  target-set DRIVER TARGET enabled=0|1|rel_tgt_id=N|ATTR=VALUE...\n"
	"  group-get DRIVER TARGET [GROUP]       group-add|group-del DRIVER TARGET GROUP\n"
	"  initiator-add|initiator-del DRIVER TARGET GROUP INITIATOR\n"
	"  initiator-move DRIVER TARGET GROUP INITIATOR DEST_GROUP\n"
	"  lun-get DRIVER TARGET [LUN]           lun-add|lun-replace DRIVER TARGET LUN DEVICE\n"
	"  lun-del DRIVER TARGET LUN             lun-clear DRIVER TARGET\n"
	"  session-get DRIVER TARGET [INITIATOR]\n"
	"  monitor                               print events until killed\n"
	"-g GROUP: a LUN command on an ini_group instead of the default LUNs\n"
	"-r: the LUN is read-only\n"
	"A GET without its last name lists all (a dump).\n";

struct Args {
	std::vector<std::string> pos;
	std::optional<std::string> group;
	bool read_only = false;
};

template <typename T>
bool to_uint(const std::string &s, T &out)
{
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && p == s.data() + s.size();
}

struct Spec {
	uint8_t cmd;
	size_t min, max;	// positional arguments
	// Fill the request; return an error text or "".
	std::function<std::string(const Args &, Request &)> fill;
};

// The common "DRIVER TARGET" prefix.
void tgt(const Args &a, Request &r)
{
	r.add(SCST_A_DRIVER, a.pos[0]).add(SCST_A_TARGET, a.pos[1]);
}

void group(const Args &a, Request &r)
{
	if (a.group)
		r.add(SCST_A_GROUP, *a.group);
}

std::string lun(const std::string &s, Request &r)
{
	uint32_t n;
	if (!to_uint(s, n))
		return "invalid LUN \"" + s + "\"";
	r.add(SCST_A_LUN, n);
	return "";
}

// A GET whose optional last argument selects one object: a dump without it.
std::function<std::string(const Args &, Request &)> get(std::vector<int> types)
{
	return [types](const Args &a, Request &r) -> std::string {
		r.dump = a.pos.size() < types.size();
		for (size_t i = 0; i < a.pos.size(); i++) {
			if (types[i] == SCST_A_LUN) {
				auto err = lun(a.pos[i], r);
				if (!err.empty())
					return err;
			} else {
				r.add(types[i], a.pos[i]);
			}
		}
		group(a, r);
		return "";
	};
}

// A command whose positional arguments are all strings, in this order.
std::function<std::string(const Args &, Request &)> strings(std::vector<int> types)
{
	return [types](const Args &a, Request &r) -> std::string {
		for (size_t i = 0; i < a.pos.size(); i++)
			r.add(types[i], a.pos[i]);
		return "";
	};
}

std::string lun_change(const Args &a, Request &r)
{
	tgt(a, r);
	group(a, r);
	if (a.pos.size() > 2) {
		auto err = lun(a.pos[2], r);
		if (!err.empty())
			return err;
	}
	if (a.pos.size() > 3)
		r.add(SCST_A_DEVICE, a.pos[3]);
	if (a.read_only)
		r.add(SCST_A_READ_ONLY, uint8_t{1});
	return "";
}

std::string target_set(const Args &a, Request &r)
{
	tgt(a, r);
	for (size_t i = 2; i < a.pos.size(); i++) {
		auto eq = a.pos[i].find('=');
		if (eq == std::string::npos)
			return "expected KEY=VALUE, not \"" + a.pos[i] + "\"";
		std::string key = a.pos[i].substr(0, eq), value = a.pos[i].substr(eq + 1);
		if (key == "enabled") {
			uint8_t v;
			if (!to_uint(value, v))
				return "enabled must be 0 or 1";
			r.add(SCST_A_ENABLED, v);
		} else if (key == "rel_tgt_id") {
			uint16_t v;
			if (!to_uint(value, v))
				return "rel_tgt_id must be a number";
			r.add(SCST_A_REL_TGT_ID, v);
		} else {
			r.add(SCST_A_ATTR, AttrPair{key, value});
		}
	}
	return "";
}

const std::map<std::string, Spec> &specs()
{
	static const std::map<std::string, Spec> table = {
		{"version", {SCST_CMD_GET_VERSION, 0, 0, strings({})}},
		{"global-get", {SCST_CMD_GLOBAL_GET, 0, 0, strings({})}},
		{"global-set", {SCST_CMD_GLOBAL_SET, 2, 2,
				[](const Args &a, Request &r) {
					r.add(SCST_A_ATTR, AttrPair{a.pos[0], a.pos[1]});
					return std::string();
				}}},
		{"handler-get", {SCST_CMD_HANDLER_GET, 0, 1, get({SCST_A_HANDLER})}},
		{"device-get", {SCST_CMD_DEVICE_GET, 0, 1, get({SCST_A_DEVICE})}},
		{"device-add", {SCST_CMD_DEVICE_ADD, 2, 3,
				strings({SCST_A_HANDLER, SCST_A_DEVICE, SCST_A_PARAMS})}},
		{"device-del", {SCST_CMD_DEVICE_DEL, 1, 1, strings({SCST_A_DEVICE})}},
		{"device-set", {SCST_CMD_DEVICE_SET, 3, 3,
				[](const Args &a, Request &r) {
					r.add(SCST_A_DEVICE, a.pos[0])
						.add(SCST_A_ATTR, AttrPair{a.pos[1], a.pos[2]});
					return std::string();
				}}},
		{"driver-get", {SCST_CMD_DRIVER_GET, 0, 1, get({SCST_A_DRIVER})}},
		{"driver-mgmt", {SCST_CMD_DRIVER_MGMT, 2, 2,
				 strings({SCST_A_DRIVER, SCST_A_MGMT_LINE})}},
		{"target-get", {SCST_CMD_TARGET_GET, 0, 2,
				get({SCST_A_DRIVER, SCST_A_TARGET})}},
		{"target-add", {SCST_CMD_TARGET_ADD, 2, 3,
				strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_PARAMS})}},
		{"target-del", {SCST_CMD_TARGET_DEL, 2, 2,
				strings({SCST_A_DRIVER, SCST_A_TARGET})}},
		{"target-set", {SCST_CMD_TARGET_SET, 3, 64, target_set}},
		{"group-get", {SCST_CMD_GROUP_GET, 2, 3,
			       get({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP})}},
		{"group-add", {SCST_CMD_GROUP_ADD, 3, 3,
			       strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP})}},
		{"group-del", {SCST_CMD_GROUP_DEL, 3, 3,
			       strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP})}},
		{"initiator-add", {SCST_CMD_INITIATOR_ADD, 4, 4,
				   strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP,
					    SCST_A_INITIATOR})}},
		{"initiator-del", {SCST_CMD_INITIATOR_DEL, 4, 4,
				   strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP,
					    SCST_A_INITIATOR})}},
		{"initiator-move", {SCST_CMD_INITIATOR_MOVE, 5, 5,
				    strings({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_GROUP,
					     SCST_A_INITIATOR, SCST_A_DEST_GROUP})}},
		{"lun-get", {SCST_CMD_LUN_GET, 2, 3,
			     get({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_LUN})}},
		{"lun-add", {SCST_CMD_LUN_ADD, 4, 4, lun_change}},
		{"lun-replace", {SCST_CMD_LUN_REPLACE, 4, 4, lun_change}},
		{"lun-del", {SCST_CMD_LUN_DEL, 3, 3, lun_change}},
		{"lun-clear", {SCST_CMD_LUN_CLEAR, 2, 2, lun_change}},
		{"session-get", {SCST_CMD_SESSION_GET, 2, 3,
				 get({SCST_A_DRIVER, SCST_A_TARGET, SCST_A_INITIATOR})}},
	};
	return table;
}

} // namespace

const char *usage()
{
	return usage_text;
}

std::optional<Invocation> parse_cli(const std::vector<std::string> &args, std::string &why)
{
	Args a;
	std::string name;

	for (size_t i = 0; i < args.size(); i++) {
		if (args[i] == "-g" || args[i] == "--group") {
			if (++i == args.size()) {
				why = "-g needs a group name";
				return std::nullopt;
			}
			a.group = args[i];
		} else if (args[i] == "-r" || args[i] == "--read-only") {
			a.read_only = true;
		} else if (name.empty()) {
			name = args[i];
		} else {
			a.pos.push_back(args[i]);
		}
	}
	if (name.empty()) {
		why = "no command";
		return std::nullopt;
	}
	Invocation inv;
	if (name == "monitor" && a.pos.empty()) {
		inv.monitor = true;
		return inv;
	}
	auto it = specs().find(name);
	if (it == specs().end()) {
		why = "unknown command \"" + name + "\"";
		return std::nullopt;
	}
	const Spec &spec = it->second;
	if (a.pos.size() < spec.min || a.pos.size() > spec.max) {
		why = name + ": wrong number of arguments";
		return std::nullopt;
	}
	inv.request.cmd = spec.cmd;
	why = spec.fill(a, inv.request);
	if (!why.empty())
		return std::nullopt;
	return inv;
}

} // namespace scstnl
