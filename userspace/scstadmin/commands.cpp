// scstadmin's verbs on top of libscstconf (files, validation, diff) and
// libscstctl (the kernel over netlink).
#include "commands.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <client.hpp>
#include <scstconf/diff.hpp>
#include <scstconf/json.hpp>
#include <scstconf/parser.hpp>
#include <scstconf/policy.hpp>
#include <scstconf/validate.hpp>
#include <scstconf/writer.hpp>
#include <scstctl/kernel.hpp>
#include <uapi/scst_netlink.h>

#include "options.hpp"

namespace scstadmin {

using json = nlohmann::ordered_json;
using scstconf::Config;
using scstconf::Error;
using scstconf::Op;
using scstconf::OpKind;
using scstconf::Scope;
using scstnl::Record;
using scstnl::Request;

namespace {

constexpr int kFail = 1;

void print_error(const Error &e)
{
	std::cerr << "scstadmin: " << e.to_string() << "\n";
}

int fail(const Error &e)
{
	print_error(e);
	return kFail;
}

int fail(std::string field, std::string message)
{
	return fail(Error{"", 0, 0, std::move(field), std::move(message)});
}

bool ends_with_json(const std::string &path)
{
	return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

// Ask on a terminal; elsewhere (scripts) go ahead.
bool confirm(const Invocation &inv, const std::string &what)
{
	if (inv.noprompt || !isatty(STDIN_FILENO))
		return true;
	std::cout << what << "\nAre you sure? [y/N] " << std::flush;
	std::string answer;
	std::getline(std::cin, answer);
	return answer == "y" || answer == "Y" || answer == "yes";
}

// ---- reading from the kernel ----

struct Records {
	std::vector<Record> list;
	scstnl::Error error;
};

Records get(scstnl::Client &nl, Request req)
{
	Records r;
	r.error = nl.call(req, [&](const Record &rec) { r.list.push_back(rec); });
	return r;
}

Records dump(scstnl::Client &nl, uint8_t cmd, std::vector<std::pair<int, std::string>> names = {})
{
	Request req{cmd, true, {}};
	for (auto &[type, v] : names)
		if (!v.empty())
			req.add(type, v);
	return get(nl, req);
}

std::string field(const Record &r, std::string_view name)
{
	return r.get(name).value_or("");
}

std::vector<std::string> fields(const Record &r, std::string_view name)
{
	std::vector<std::string> v;
	for (const auto &[k, val] : r.fields)
		if (k == name)
			v.push_back(val);
	return v;
}

int kernel_fail(const std::string &what, const scstnl::Error &e)
{
	return fail(what, e.str());
}

// ---- output ----

// Rows of columns, aligned; or the JSON document.
class Table {
public:
	explicit Table(std::vector<std::string> head) : head_(std::move(head)) {}
	void row(std::vector<std::string> r) { rows_.push_back(std::move(r)); }

	void print() const
	{
		std::vector<std::size_t> w(head_.size());
		for (std::size_t i = 0; i < head_.size(); i++)
			w[i] = head_[i].size();
		for (const auto &r : rows_)
			for (std::size_t i = 0; i < r.size() && i < w.size(); i++)
				w[i] = std::max(w[i], r[i].size());
		auto line = [&](const std::vector<std::string> &r) {
			std::string s;
			for (std::size_t i = 0; i < r.size(); i++) {
				s += r[i];
				if (i + 1 < r.size())
					s += std::string(w[i] - r[i].size() + 2, ' ');
			}
			std::cout << s << "\n";
		};
		line(head_);
		std::size_t total = 0;
		for (auto x : w)
			total += x + 2;
		std::cout << std::string(total - 2, '-') << "\n";
		for (const auto &r : rows_)
			line(r);
	}

private:
	std::vector<std::string> head_;
	std::vector<std::vector<std::string>> rows_;
};

void print_json(const json &j)
{
	std::cout << j.dump(2) << "\n";
}

// k: v, or k: [v1, v2...] for a multi-valued attribute (IncomingUser).
void add_json_attr(json &a, const std::string &k, const std::string &v)
{
	if (!a.contains(k))
		a[k] = v;
	else if (a[k].is_array())
		a[k].push_back(v);
	else
		a[k] = json::array({a[k], v});
}

json attrs_json(const Record &r)
{
	json a = json::object();
	for (const auto &[k, v] : r.fields)
		if (k.starts_with("attr."))
			add_json_attr(a, k.substr(5), v);
	return a;
}

int list_attrs(const Invocation &inv, const std::string &name, const std::vector<std::pair<std::string, std::string>> &attrs,
	       const std::vector<std::string> &keys)
{
	if (inv.json) {
		json a = json::object();
		for (const auto &[k, v] : attrs)
			add_json_attr(a, k, v);
		print_json({{"name", name}, {"attributes", a}, {"key", keys}});
		return 0;
	}
	Table t({"Attribute", "Value", "Key"});
	for (const auto &[k, v] : attrs)
		t.row({k, v, std::find(keys.begin(), keys.end(), k) != keys.end() ? "yes" : ""});
	t.print();
	return 0;
}

// The attributes of a record: its plain fields after the names, then the
// SCST_A_ATTR ones.
std::vector<std::pair<std::string, std::string>> record_attrs(const Record &r, std::set<std::string> skip)
{
	std::vector<std::pair<std::string, std::string>> out;
	for (const auto &[k, v] : r.fields)
		if (k.starts_with("attr."))
			out.emplace_back(k.substr(5), v);
		else if (!skip.contains(k))
			out.emplace_back(k, v);
	return out;
}

// ---- listings ----

int list_handlers(scstnl::Client &nl, const Invocation &inv)
{
	auto hs = dump(nl, SCST_CMD_HANDLER_GET);
	auto ds = dump(nl, SCST_CMD_DEVICE_GET);
	if (hs.error)
		return kernel_fail("handlers", hs.error);
	if (ds.error)
		return kernel_fail("devices", ds.error);
	json out = json::array();
	Table t({"Handler", "Device"});
	bool found = false;
	for (const auto &h : hs.list) {
		auto name = field(h, "handler");
		if (!inv.value.empty() && name != inv.value)
			continue;
		found = true;
		std::vector<std::string> devs;
		for (const auto &d : ds.list)
			if (field(d, "handler") == name)
				devs.push_back(field(d, "device"));
		std::vector<std::string> params;
		if (auto p = h.get("add_params"); p && !p->empty()) {
			std::istringstream in(*p);
			for (std::string s; std::getline(in, s, ',');)
				params.push_back(s);
		}
		out.push_back({{"name", name}, {"devices", devs}, {"add_params", params}});
		if (devs.empty())
			t.row({name, ""});
		for (std::size_t i = 0; i < devs.size(); i++)
			t.row({i ? "" : name, devs[i]});
	}
	if (!inv.value.empty() && !found)
		return fail("-list_handler", "no handler \"" + inv.value + "\"");
	inv.json ? print_json(out) : t.print();
	return 0;
}

int list_dev_attr(scstnl::Client &nl, const Invocation &inv, const std::string &dev)
{
	Request req{SCST_CMD_DEVICE_GET, false, {}};
	req.add(SCST_A_DEVICE, dev);
	auto r = get(nl, req);
	if (r.error)
		return kernel_fail("device " + dev, r.error);
	if (r.list.empty())
		return fail("device " + dev, "no reply");
	return list_attrs(inv, dev, record_attrs(r.list[0], {"device"}), r.list[0].key_attrs);
}

int list_devices(scstnl::Client &nl, const Invocation &inv)
{
	if (!inv.value.empty())
		return list_dev_attr(nl, inv, inv.value);
	auto ds = dump(nl, SCST_CMD_DEVICE_GET);
	if (ds.error)
		return kernel_fail("devices", ds.error);
	json out = json::array();
	Table t({"Device", "Handler", "Size", "Block size", "Read-only"});
	for (const auto &d : ds.list) {
		json j = {{"name", field(d, "device")},
			  {"handler", field(d, "handler")},
			  {"size", std::stoull(field(d, "size").empty() ? "0" : field(d, "size"))},
			  {"block_size", std::stoul(field(d, "block_size").empty() ? "0" : field(d, "block_size"))},
			  {"read_only", field(d, "read_only") == "1"},
			  {"attributes", attrs_json(d)},
			  {"key", d.key_attrs}};
		out.push_back(j);
		t.row({field(d, "device"), field(d, "handler"), field(d, "size"), field(d, "block_size"),
		       field(d, "read_only")});
	}
	inv.json ? print_json(out) : t.print();
	return 0;
}

int list_drivers(scstnl::Client &nl, const Invocation &inv)
{
	auto ds = dump(nl, SCST_CMD_DRIVER_GET);
	if (ds.error)
		return kernel_fail("target drivers", ds.error);
	json out = json::array();
	Table t({"Driver", "Targets"});
	for (const auto &d : ds.list) {
		auto name = field(d, "driver");
		if (!inv.value.empty() && name != inv.value)
			continue;
		auto ts = dump(nl, SCST_CMD_TARGET_GET, {{SCST_A_DRIVER, name}});
		std::vector<std::string> tgts;
		for (const auto &t2 : ts.list)
			tgts.push_back(field(t2, "target"));
		out.push_back({{"name", name}, {"targets", tgts}});
		t.row({name, std::to_string(tgts.size())});
	}
	inv.json ? print_json(out) : t.print();
	return 0;
}

json luns_json(const std::vector<Record> &luns)
{
	json out = json::array();
	for (const auto &l : luns)
		out.push_back({{"lun", std::stoul(field(l, "lun"))},
			       {"device", field(l, "device")},
			       {"read_only", field(l, "read_only") == "1"}});
	return out;
}

// The targets selected by -driver and the verb's value or -target.
struct TargetRef {
	std::string driver, target;
	Record rec;
};

scstconf::Result<std::vector<TargetRef>> targets(scstnl::Client &nl, const std::string &driver,
						 const std::string &target)
{
	std::vector<TargetRef> out;
	auto ds = dump(nl, SCST_CMD_DRIVER_GET);
	if (ds.error)
		return Error{"", 0, 0, "target drivers", ds.error.str()};
	for (const auto &d : ds.list) {
		auto drv = field(d, "driver");
		if (!driver.empty() && drv != driver)
			continue;
		auto ts = dump(nl, SCST_CMD_TARGET_GET, {{SCST_A_DRIVER, drv}});
		if (ts.error)
			return Error{"", 0, 0, "targets of " + drv, ts.error.str()};
		for (auto &t : ts.list)
			if (target.empty() || field(t, "target") == target)
				out.push_back({drv, field(t, "target"), t});
	}
	if (!target.empty() && out.empty())
		return Error{"", 0, 0, "target " + target, "no such target"};
	return out;
}

int list_targets(scstnl::Client &nl, const Invocation &inv)
{
	auto ts = targets(nl, inv.driver, inv.value);
	if (!ts)
		return fail(ts.error());
	json out = json::array();
	Table t({"Driver", "Target", "Enabled", "rel_tgt_id", "LUNs", "Groups"});
	for (const auto &tr : *ts) {
		auto luns = dump(nl, SCST_CMD_LUN_GET, {{SCST_A_DRIVER, tr.driver}, {SCST_A_TARGET, tr.target}});
		auto groups = dump(nl, SCST_CMD_GROUP_GET, {{SCST_A_DRIVER, tr.driver}, {SCST_A_TARGET, tr.target}});
		if (luns.error)
			return kernel_fail("LUNs of " + tr.target, luns.error);
		if (groups.error)
			return kernel_fail("groups of " + tr.target, groups.error);
		std::vector<std::string> gnames;
		for (const auto &g : groups.list)
			gnames.push_back(field(g, "group"));
		out.push_back({{"driver", tr.driver},
			       {"name", tr.target},
			       {"enabled", field(tr.rec, "enabled") == "1"},
			       {"rel_tgt_id", std::stoul(field(tr.rec, "rel_tgt_id").empty() ? "0" : field(tr.rec, "rel_tgt_id"))},
			       {"luns", luns_json(luns.list)},
			       {"groups", gnames}});
		t.row({tr.driver, tr.target, field(tr.rec, "enabled"), field(tr.rec, "rel_tgt_id"),
		       std::to_string(luns.list.size()), std::to_string(gnames.size())});
	}
	inv.json ? print_json(out) : t.print();
	return 0;
}

int list_groups(scstnl::Client &nl, const Invocation &inv)
{
	auto ts = targets(nl, inv.driver, inv.target);
	if (!ts)
		return fail(ts.error());
	json out = json::array();
	Table t({"Driver", "Target", "Group", "Initiators", "LUNs"});
	bool found = false;
	for (const auto &tr : *ts) {
		auto groups = dump(nl, SCST_CMD_GROUP_GET, {{SCST_A_DRIVER, tr.driver}, {SCST_A_TARGET, tr.target}});
		if (groups.error)
			return kernel_fail("groups of " + tr.target, groups.error);
		for (const auto &g : groups.list) {
			auto name = field(g, "group");
			if (!inv.value.empty() && name != inv.value)
				continue;
			found = true;
			auto luns = dump(nl, SCST_CMD_LUN_GET,
					 {{SCST_A_DRIVER, tr.driver}, {SCST_A_TARGET, tr.target}, {SCST_A_GROUP, name}});
			if (luns.error)
				return kernel_fail("LUNs of group " + name, luns.error);
			auto inis = fields(g, "initiator");
			out.push_back({{"driver", tr.driver},
				       {"target", tr.target},
				       {"name", name},
				       {"initiators", inis},
				       {"luns", luns_json(luns.list)}});
			std::string ini_list, lun_list;
			for (const auto &i : inis)
				ini_list += (ini_list.empty() ? "" : " ") + i;
			for (const auto &l : luns.list)
				lun_list += (lun_list.empty() ? "" : " ") + field(l, "lun") + ":" + field(l, "device");
			t.row({tr.driver, tr.target, name, ini_list, lun_list});
		}
	}
	if (!inv.value.empty() && !found)
		return fail("-list_group", "no group \"" + inv.value + "\"");
	inv.json ? print_json(out) : t.print();
	return 0;
}

// ALUA: the running configuration's device groups, as -write_config
// would save them.
int list_dgrps(scstnl::Client &nl, const Invocation &inv)
{
	auto running = scstctl::read_running(nl);
	if (!running)
		return fail(running.error());
	json out = json::array();
	Table t({"Device group", "Devices", "Target group", "group_id", "State", "Preferred",
		 "Targets"});
	bool found = false;
	for (const auto &dg : running->device_groups) {
		if (!inv.value.empty() && dg.name != inv.value)
			continue;
		found = true;
		std::vector<std::string> devs;
		std::string dev_list;
		for (const auto &d : dg.devices) {
			devs.push_back(d.name);
			dev_list += (dev_list.empty() ? "" : " ") + d.name;
		}
		json tgs = json::array();
		if (dg.target_groups.empty())
			t.row({dg.name, dev_list, "", "", "", "", ""});
		for (const auto &tg : dg.target_groups) {
			auto state = tg.attrs.get("state").value_or("active");
			auto pref = tg.attrs.get("preferred").value_or("0");
			auto gid = tg.attrs.get("group_id").value_or("0");
			json members = json::array();
			std::string tgt_list;
			for (const auto &m : tg.targets) {
				json mj = {{"name", m.name}};
				std::string shown = m.name;
				if (auto id = m.attrs.get("rel_tgt_id")) {
					mj["rel_tgt_id"] = std::stoul(*id);
					shown += "(rel_tgt_id " + *id + ")";
				}
				members.push_back(mj);
				tgt_list += (tgt_list.empty() ? "" : " ") + shown;
			}
			tgs.push_back({{"name", tg.name},
				       {"group_id", std::stoul(gid)},
				       {"state", state},
				       {"preferred", pref == "1"},
				       {"targets", members}});
			t.row({dg.name, dev_list, tg.name, gid, state, pref, tgt_list});
		}
		out.push_back({{"name", dg.name}, {"devices", devs}, {"target_groups", tgs}});
	}
	if (!inv.value.empty() && !found)
		return fail("-list_dgrp", "no device group \"" + inv.value + "\"");
	inv.json ? print_json(out) : t.print();
	return 0;
}

int list_sessions(scstnl::Client &nl, const Invocation &inv)
{
	auto ts = targets(nl, inv.driver, inv.target);
	if (!ts)
		return fail(ts.error());
	json out = json::array();
	Table t({"Driver", "Target", "Initiator", "Group", "LUNs", "Commands"});
	for (const auto &tr : *ts) {
		auto ss = dump(nl, SCST_CMD_SESSION_GET, {{SCST_A_DRIVER, tr.driver}, {SCST_A_TARGET, tr.target}});
		if (ss.error)
			return kernel_fail("sessions of " + tr.target, ss.error);
		for (const auto &s : ss.list) {
			out.push_back({{"driver", tr.driver},
				       {"target", tr.target},
				       {"initiator", field(s, "initiator")},
				       {"group", field(s, "group")},
				       {"lun_count", std::stoul(field(s, "lun_count"))},
				       {"active_commands", std::stoul(field(s, "active_commands"))}});
			t.row({tr.driver, tr.target, field(s, "initiator"), field(s, "group"),
			       field(s, "lun_count"), field(s, "active_commands")});
		}
	}
	inv.json ? print_json(out) : t.print();
	return 0;
}

int list_other_attr(scstnl::Client &nl, const Invocation &inv)
{
	switch (inv.verb) {
	case Verb::ListScstAttr: {
		auto r = get(nl, Request{SCST_CMD_GLOBAL_GET, false, {}});
		if (r.error || r.list.empty())
			return kernel_fail("global settings", r.error);
		return list_attrs(inv, "scst", record_attrs(r.list[0], {}), r.list[0].key_attrs);
	}
	case Verb::ListHndAttr: {
		Request req{SCST_CMD_HANDLER_GET, false, {}};
		req.add(SCST_A_HANDLER, inv.value);
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("handler " + inv.value, r.error);
		return list_attrs(inv, inv.value, record_attrs(r.list[0], {"handler"}), {});
	}
	case Verb::ListDevAttr:
		return list_dev_attr(nl, inv, inv.value);
	case Verb::ListDrvAttr: {
		Request req{SCST_CMD_DRIVER_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.value);
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("driver " + inv.value, r.error);
		return list_attrs(inv, inv.value, record_attrs(r.list[0], {"driver"}), r.list[0].key_attrs);
	}
	case Verb::ListTgtAttr: {
		Request req{SCST_CMD_TARGET_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.value);
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("target " + inv.driver + "/" + inv.value, r.error);
		return list_attrs(inv, inv.value, record_attrs(r.list[0], {"driver", "target"}), r.list[0].key_attrs);
	}
	case Verb::ListGrpAttr: {
		Request req{SCST_CMD_GROUP_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.target).add(SCST_A_GROUP, inv.value);
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("group " + inv.value, r.error);
		return list_attrs(inv, inv.value, record_attrs(r.list[0], {"driver", "target", "group"}), {});
	}
	default: {  // ListLunAttr
		Request req{SCST_CMD_LUN_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.target);
		if (!inv.group.empty())
			req.add(SCST_A_GROUP, inv.group);
		char *end = nullptr;
		unsigned long lun = std::strtoul(inv.lun.c_str(), &end, 10);
		if (inv.lun.empty() || *end)
			return fail("-list_lun_attr", "\"" + inv.lun + "\" is not a LUN number");
		req.add(SCST_A_LUN, static_cast<uint32_t>(lun));
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("LUN " + inv.lun, r.error);
		return list_attrs(inv, inv.lun, record_attrs(r.list[0], {"driver", "target", "group", "lun"}), {});
	}
	}
}

// ---- configuration files ----

scstconf::Result<Config> load(const std::string &path)
{
	return ends_with_json(path) ? scstconf::from_json_file(path) : scstconf::parse_conf_file(path);
}

// Where in the file the object an operation touches was defined.
scstconf::SourcePos pos_of(const Config &c, const Op &op)
{
	const auto &p = op.at;
	if (auto *dg = scstconf::find_named(c.device_groups, p.device_group)) {
		if (auto *tg = scstconf::find_named(dg->target_groups, p.target_group))
			return tg->pos;
		return dg->pos;
	}
	if (!p.device.empty())
		if (auto d = scstconf::find_device(c, p.device))
			return d.device->pos;
	if (auto *drv = scstconf::find_named(c.drivers, p.driver)) {
		if (auto *t = scstconf::find_named(drv->targets, p.target)) {
			const std::vector<scstconf::Lun> *luns = &t->luns;
			scstconf::SourcePos pos = t->pos;
			if (auto *g = scstconf::find_named(t->groups, p.group)) {
				luns = &g->luns;
				pos = g->pos;
				for (const auto &i : g->initiators)
					if (i.name == op.initiator)
						return i.pos;
			}
			if (op.kind == OpKind::AddLun || op.kind == OpKind::ReplaceLun)
				if (auto *l = scstconf::find_lun(*luns, op.lun))
					return l->pos;
			return pos;
		}
		return drv->pos;
	}
	if (auto *h = scstconf::find_named(c.handlers, p.handler))
		return h->pos;
	return {};
}

bool removes(const Op &op)
{
	switch (op.kind) {
	case OpKind::DelDevice:
	case OpKind::DelTarget:
	case OpKind::DelLun:
	case OpKind::ReplaceLun:
	case OpKind::DelGroup:
	case OpKind::DelInitiator:
	case OpKind::DelDeviceGroup:
	case OpKind::DelTargetGroup:
		return true;
	default:
		return false;
	}
}

// Apply `plan`, printing each step; errors name the config's line.
int apply(scstnl::Client &nl, const Invocation &inv, const std::vector<Op> &plan, const Config *desired)
{
	scstctl::ApplyOptions opt;
	opt.cont_on_err = inv.cont_on_err;
	opt.on_op = [](const Op &op) { std::cout << "  " << scstconf::describe(op) << "\n"; };
	auto rep = scstctl::apply_plan(nl, plan, opt);
	if (rep.ok()) {
		std::cout << "Done: " << rep.done.size() << " change(s).\n";
		return 0;
	}
	for (std::size_t i = 0; i < rep.errors.size(); i++) {
		auto e = rep.errors[i];
		if (desired) {
			// The failed op is the one after the last done (no cont_on_err).
			for (const auto &op : plan)
				if (scstconf::describe(op) == e.field) {
					auto pos = pos_of(*desired, op);
					e.file = desired->source;
					e.line = pos.line;
					e.column = pos.column;
					break;
				}
		}
		print_error(e);
	}
	if (rep.rolled_back) {
		if (rep.rollback_errors.empty())
			std::cerr << "scstadmin: rolled back the " << rep.done.size()
				  << " change(s) made: the running configuration is as before\n";
		for (const auto &e : rep.rollback_errors)
			std::cerr << "scstadmin: rollback failed: " << e.to_string() << "\n";
	}
	return kFail;
}

int do_config(scstnl::Client &nl, const Invocation &inv, bool check)
{
	auto desired = load(inv.value);
	if (!desired)
		return fail(desired.error());
	auto errors = scstconf::validate(*desired);
	for (const auto &e : errors)
		print_error(e);
	if (!errors.empty()) {
		std::cerr << "scstadmin: " << inv.value << ": " << errors.size()
			  << " error(s), nothing changed\n";
		return kFail;
	}
	auto running = scstctl::read_running(nl);
	if (!running)
		return fail(running.error());
	Config want = scstctl::canonical(*desired, *running);
	auto plan = scstconf::diff(*running, want);
	if (!plan) {
		auto e = plan.error();
		if (e.file.empty())
			e.file = inv.value;
		return fail(e);
	}
	for (const auto &w : plan->warnings)
		std::cerr << "scstadmin: warning: " << w << "\n";
	if (plan->empty()) {
		std::cout << "No changes: the running configuration matches " << inv.value << ".\n";
		return 0;
	}
	if (check) {
		std::cout << "Changes -config " << inv.value << " would make:\n";
		for (const auto &op : plan->ops)
			std::cout << "  " << scstconf::describe(op) << "\n";
		return 0;
	}
	// What this kernel cannot do at all fails before anything changes.
	int unsupported = 0;
	for (const auto &op : plan->ops)
		if (auto r = scstctl::check_supported(op); !r) {
			auto e = r.error();
			auto pos = pos_of(*desired, op);
			e.file = desired->source;
			e.line = pos.line;
			e.column = pos.column;
			print_error(e);
			unsupported++;
		}
	if (unsupported) {
		std::cerr << "scstadmin: " << inv.value << ": " << unsupported
			  << " change(s) this kernel cannot make, nothing changed\n";
		return kFail;
	}
	std::vector<std::string> removals;
	for (const auto &op : plan->ops)
		if (removes(op))
			removals.push_back(scstconf::describe(op));
	if (!removals.empty() && !inv.force) {
		for (const auto &r : removals)
			std::cerr << "  " << r << "\n";
		std::cerr << "scstadmin: applying " << inv.value << " removes or replaces what is listed "
			  << "above; use -force to do it\n";
		return kFail;
	}
	if (!removals.empty() && !confirm(inv, "Applying " + inv.value + " removes objects in use."))
		return kFail;
	std::cout << "Applying " << inv.value << ":\n";
	return apply(nl, inv, plan->ops, &*desired);
}

// An open file descriptor, closed when it goes out of scope.
class Fd {
public:
	explicit Fd(int fd) : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const { return fd_; }
	// Close now, reporting the error (for written files).
	int close()
	{
		int res = ::close(fd_);
		fd_ = -1;
		return res;
	}

private:
	int fd_;
};

// A temporary file removed unless it was renamed into place.
class TempFile {
public:
	explicit TempFile(std::string path) : path_(std::move(path)) {}
	TempFile(const TempFile &) = delete;
	TempFile &operator=(const TempFile &) = delete;
	~TempFile()
	{
		if (!path_.empty())
			::unlink(path_.c_str());
	}
	const std::string &path() const { return path_; }
	int rename_to(const std::string &target)
	{
		int res = ::rename(path_.c_str(), target.c_str());
		if (res == 0)
			path_.clear();
		return res;
	}

private:
	std::string path_;
};

// Write `text` to `path` atomically: a temporary file, fsync, rename.
scstconf::Result<void> write_atomically(const std::string &path, const std::string &text)
{
	auto error = [&](int err) { return Error{path, 0, 0, "", std::strerror(err)}; };
	TempFile tmp(path + ".tmp." + std::to_string(getpid()));
	// It may hold CHAP secrets (IncomingUser): for root only.
	Fd fd(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
	if (fd.get() < 0)
		return error(errno);
	for (std::size_t off = 0; off < text.size();) {
		ssize_t n = ::write(fd.get(), text.data() + off, text.size() - off);
		if (n < 0)
			return error(errno);
		off += n;
	}
	if (::fsync(fd.get()) < 0 || fd.close() < 0 || tmp.rename_to(path) < 0)
		return error(errno);
	return {};
}

int write_config(scstnl::Client &nl, const Invocation &inv)
{
	auto running = scstctl::read_running(nl);
	if (!running)
		return fail(running.error());
	std::string text = ends_with_json(inv.value)
				   ? scstconf::to_json(*running) + "\n"
				   : scstconf::write_conf(*running, {"Written by scstadmin: the running SCST configuration."});
	if (auto r = write_atomically(inv.value, text); !r)
		return fail(r.error());
	std::cout << "Configuration written to " << inv.value << ".\n";
	return 0;
}

int clear_config(scstnl::Client &nl, const Invocation &inv)
{
	auto running = scstctl::read_running(nl);
	if (!running)
		return fail(running.error());
	auto plan = scstconf::diff(*running, Config{});
	if (!plan)
		return fail(plan.error());
	if (plan->empty()) {
		std::cout << "Nothing to clear.\n";
		return 0;
	}
	if (!confirm(inv, "This removes every device, target, group and LUN."))
		return kFail;
	std::cout << "Clearing the configuration:\n";
	return apply(nl, inv, plan->ops, nullptr);
}

// ---- single changes ----

int run_ops(scstnl::Client &nl, const Invocation &inv, const std::vector<Op> &ops)
{
	// A value out of its known range: say so, and send none of them.
	for (const auto &op : ops)
		if (auto r = scstconf::check_values(op); !r)
			return fail(r.error());
	if (destructive(inv.verb) && !confirm(inv, "-" + inv.verb_name + " " + inv.value))
		return kFail;
	int rc = 0;
	for (const auto &op : ops) {
		std::cout << scstconf::describe(op) << "\n";
		if (auto r = scstctl::apply_op(nl, op); !r) {
			print_error(r.error());
			rc = kFail;
			if (!inv.cont_on_err)
				break;
		}
	}
	return rc;
}

Op make(OpKind kind, Scope scope, scstconf::ObjectPath at)
{
	Op op;
	op.kind = kind;
	op.scope = scope;
	op.at = std::move(at);
	return op;
}

scstconf::Attributes attributes_of(const Invocation &inv)
{
	scstconf::Attributes a;
	for (const auto &[k, v] : inv.attributes)
		a.add(k, v);
	return a;
}

std::vector<Op> set_ops(const Invocation &inv, Scope scope, scstconf::ObjectPath at)
{
	std::vector<Op> ops;
	for (const auto &[k, v] : inv.attributes) {
		Op op = make(OpKind::SetAttr, scope, at);
		op.key = k;
		op.value = v;
		ops.push_back(op);
	}
	return ops;
}

scstconf::Result<uint64_t> lun_number(const Invocation &inv)
{
	char *end = nullptr;
	unsigned long long n = std::strtoull(inv.lun.c_str(), &end, 10);
	if (inv.lun.empty() || *end)
		return Error{"", 0, 0, "-" + inv.verb_name, "\"" + inv.lun + "\" is not a LUN number"};
	return static_cast<uint64_t>(n);
}

int change(scstnl::Client &nl, const Invocation &inv)
{
	scstconf::ObjectPath tgt{.driver = inv.driver, .target = inv.target.empty() ? inv.value : inv.target};
	scstconf::ObjectPath grp{.driver = inv.driver, .target = inv.target, .group = inv.group};
	switch (inv.verb) {
	case Verb::SetScstAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Scst, {}));
	case Verb::SetHndAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Handler, {.handler = inv.value}));
	case Verb::SetDevAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Device, {.device = inv.value}));
	case Verb::SetDrvAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Driver, {.driver = inv.value}));
	case Verb::SetTgtAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Target, {.driver = inv.driver, .target = inv.value}));
	case Verb::AddDrvAttr:
	case Verb::RemDrvAttr:
	case Verb::AddTgtAttr:
	case Verb::RemTgtAttr: {
		// One value each of multi-valued attributes (IncomingUser...).
		const bool drv = inv.verb == Verb::AddDrvAttr || inv.verb == Verb::RemDrvAttr;
		const bool add = inv.verb == Verb::AddDrvAttr || inv.verb == Verb::AddTgtAttr;
		std::vector<Op> ops;
		for (const auto &[k, v] : inv.attributes) {
			Op op = drv ? make(add ? OpKind::AddAttrValue : OpKind::DelAttrValue, Scope::Driver,
					   {.driver = inv.value})
				    : make(add ? OpKind::AddAttrValue : OpKind::DelAttrValue, Scope::Target,
					   {.driver = inv.driver, .target = inv.value});
			op.key = k;
			op.value = v;
			ops.push_back(op);
		}
		return run_ops(nl, inv, ops);
	}
	case Verb::SetGrpAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::Group,
						{.driver = inv.driver, .target = inv.target, .group = inv.value}));
	case Verb::AddDgrp:
		return run_ops(nl, inv, {make(OpKind::CreateDeviceGroup, Scope::DeviceGroup,
					      {.device_group = inv.value})});
	case Verb::RemDgrp:
		return run_ops(nl, inv, {make(OpKind::DelDeviceGroup, Scope::DeviceGroup,
					      {.device_group = inv.value})});
	case Verb::AddDgrpDev:
	case Verb::RemDgrpDev:
		return run_ops(nl, inv, {make(inv.verb == Verb::AddDgrpDev ? OpKind::AddDeviceGroupDevice
									   : OpKind::DelDeviceGroupDevice,
					      Scope::DeviceGroup,
					      {.device = inv.value, .device_group = inv.dev_group})});
	case Verb::AddTgrp: {
		Op op = make(OpKind::CreateTargetGroup, Scope::TargetGroup,
			     {.device_group = inv.dev_group, .target_group = inv.value});
		op.attrs.settable = attributes_of(inv);
		return run_ops(nl, inv, {op});
	}
	case Verb::RemTgrp:
		return run_ops(nl, inv, {make(OpKind::DelTargetGroup, Scope::TargetGroup,
					      {.device_group = inv.dev_group, .target_group = inv.value})});
	case Verb::SetTgrpAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::TargetGroup,
						{.device_group = inv.dev_group, .target_group = inv.value}));
	case Verb::AddTgrpTgt: {
		Op op = make(OpKind::AddTargetGroupMember, Scope::TargetGroupMember,
			     {.device_group = inv.dev_group, .target_group = inv.tgt_group,
			      .member = inv.value});
		op.attrs.settable = attributes_of(inv);
		return run_ops(nl, inv, {op});
	}
	case Verb::RemTgrpTgt:
		return run_ops(nl, inv, {make(OpKind::DelTargetGroupMember, Scope::TargetGroupMember,
					      {.device_group = inv.dev_group, .target_group = inv.tgt_group,
					       .member = inv.value})});
	case Verb::SetTtgtAttr:
		return run_ops(nl, inv, set_ops(inv, Scope::TargetGroupMember,
						{.device_group = inv.dev_group, .target_group = inv.tgt_group,
						 .member = inv.value}));
	case Verb::ResyncDev: {
		Op op = make(OpKind::SetAttr, Scope::Device, {.device = inv.value});
		op.key = "resync_size";
		op.value = "1";
		return run_ops(nl, inv, {op});
	}
	case Verb::OpenDev: {
		Op op = make(OpKind::AddDevice, Scope::Device, {.handler = inv.handler, .device = inv.value});
		op.attrs.params = attributes_of(inv);
		return run_ops(nl, inv, {op});
	}
	case Verb::CloseDev:
		return run_ops(nl, inv, {make(OpKind::DelDevice, Scope::Device, {.handler = inv.handler, .device = inv.value})});
	case Verb::AddTarget: {
		Op op = make(OpKind::AddTarget, Scope::Target, {.driver = inv.driver, .target = inv.value});
		auto policy = scstconf::AttrPolicy::defaults();
		for (const auto &[k, v] : inv.attributes) {
			switch (policy.rule(Scope::Target, inv.driver, k).kind) {
			case scstconf::AttrKind::CreateOnly:
				op.attrs.params.add(k, v);
				break;
			case scstconf::AttrKind::Settable:
				op.attrs.settable.add(k, v);
				break;
			case scstconf::AttrKind::MultiValue:
				op.attrs.multi.add(k, v);
				break;
			}
		}
		return run_ops(nl, inv, {op});
	}
	case Verb::RemTarget:
		return run_ops(nl, inv, {make(OpKind::DelTarget, Scope::Target, {.driver = inv.driver, .target = inv.value})});
	case Verb::EnableTarget:
	case Verb::DisableTarget: {
		Op op = make(OpKind::SetAttr, Scope::Target, {.driver = inv.driver, .target = inv.value});
		op.key = "enabled";
		op.value = inv.verb == Verb::EnableTarget ? "1" : "0";
		return run_ops(nl, inv, {op});
	}
	case Verb::AddGroup:
	case Verb::RemGroup:
		grp.group = inv.value;
		return run_ops(nl, inv, {make(inv.verb == Verb::AddGroup ? OpKind::CreateGroup : OpKind::DelGroup,
					      Scope::Group, grp)});
	case Verb::AddInit:
	case Verb::RemInit:
	case Verb::MoveInit: {
		Op op = make(inv.verb == Verb::AddInit   ? OpKind::AddInitiator
			     : inv.verb == Verb::RemInit ? OpKind::DelInitiator
							 : OpKind::MoveInitiator,
			     Scope::Group, grp);
		op.initiator = inv.value;
		op.to_group = inv.to;
		return run_ops(nl, inv, {op});
	}
	case Verb::ClearInits: {
		Request req{SCST_CMD_GROUP_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.target).add(SCST_A_GROUP, inv.group);
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("group " + inv.group, r.error);
		std::vector<Op> ops;
		for (const auto &i : fields(r.list[0], "initiator")) {
			Op op = make(OpKind::DelInitiator, Scope::Group, grp);
			op.initiator = i;
			ops.push_back(op);
		}
		return run_ops(nl, inv, ops);
	}
	case Verb::AddLun:
	case Verb::RemLun:
	case Verb::ReplaceLun: {
		auto n = lun_number(inv);
		if (!n)
			return fail(n.error());
		Op op = make(inv.verb == Verb::AddLun   ? OpKind::AddLun
			     : inv.verb == Verb::RemLun ? OpKind::DelLun
							: OpKind::ReplaceLun,
			     Scope::Lun, grp);
		op.lun = *n;
		op.lun_device = inv.device;
		op.lun_params = attributes_of(inv);
		return run_ops(nl, inv, {op});
	}
	case Verb::SetLunAttr: {
		// LUN parameters change by "replace" with the same device.
		auto n = lun_number(inv);
		if (!n)
			return fail(n.error());
		auto req = Request{SCST_CMD_LUN_GET, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.target);
		if (!inv.group.empty())
			req.add(SCST_A_GROUP, inv.group);
		req.add(SCST_A_LUN, static_cast<uint32_t>(*n));
		auto r = get(nl, req);
		if (r.error || r.list.empty())
			return kernel_fail("LUN " + inv.lun, r.error);
		Op op = make(OpKind::ReplaceLun, Scope::Lun, grp);
		op.lun = *n;
		op.lun_device = op.old_lun_device = field(r.list[0], "device");
		op.lun_params = attributes_of(inv);
		return run_ops(nl, inv, {op});
	}
	case Verb::ClearLuns: {
		if (!confirm(inv, "-clear_luns of " + inv.driver + "/" + inv.target))
			return kFail;
		Request req{SCST_CMD_LUN_CLEAR, false, {}};
		req.add(SCST_A_DRIVER, inv.driver).add(SCST_A_TARGET, inv.target);
		if (!inv.group.empty())
			req.add(SCST_A_GROUP, inv.group);
		auto r = get(nl, req);
		if (r.error)
			return kernel_fail("-clear_luns", r.error);
		std::cout << "Removed every LUN of " << inv.driver << "/" << inv.target
			  << (inv.group.empty() ? "" : " group " + inv.group) << ".\n";
		return 0;
	}
	default:
		return fail("-" + inv.verb_name, "not implemented");
	}
}

}  // namespace

int run(const std::vector<std::string> &args)
{
	auto inv = parse_args(args);
	if (!inv) {
		print_error(inv.error());
		std::cerr << "Try scstadmin -help.\n";
		return 2;
	}
	if (inv->verb == Verb::Help) {
		std::cout << usage();
		return 0;
	}
	scstnl::Client nl;
	if (nl.error())
		return kernel_fail("netlink", nl.error());
	switch (inv->verb) {
	case Verb::Config:
		return do_config(nl, *inv, false);
	case Verb::CheckConfig:
		return do_config(nl, *inv, true);
	case Verb::WriteConfig:
		return write_config(nl, *inv);
	case Verb::ClearConfig:
		return clear_config(nl, *inv);
	case Verb::ListHandler:
		return list_handlers(nl, *inv);
	case Verb::ListDevice:
		return list_devices(nl, *inv);
	case Verb::ListDriver:
		return list_drivers(nl, *inv);
	case Verb::ListTarget:
		return list_targets(nl, *inv);
	case Verb::ListGroup:
		return list_groups(nl, *inv);
	case Verb::ListSessions:
		return list_sessions(nl, *inv);
	case Verb::ListDgrp:
		return list_dgrps(nl, *inv);
	case Verb::ListScstAttr:
	case Verb::ListHndAttr:
	case Verb::ListDevAttr:
	case Verb::ListDrvAttr:
	case Verb::ListTgtAttr:
	case Verb::ListGrpAttr:
	case Verb::ListLunAttr:
		return list_other_attr(nl, *inv);
	default:
		return change(nl, *inv);
	}
}

}  // namespace scstadmin
