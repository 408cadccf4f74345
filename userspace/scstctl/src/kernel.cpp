// scstconf's model and operations on the kernel's "scst" generic netlink
// family (include/uapi/scst_netlink.h). What the family has no command for
// (attributes of handlers, drivers and groups) goes through the sysfs writes
// of scstconf::to_sysfs(), the mgmt lines of a target driver through
// SCST_CMD_DRIVER_MGMT. Multi-valued attributes of drivers and targets
// (iSCSI's IncomingUser...) are SCST_CMD_ATTR_ADD/DEL.
#include "scstctl/kernel.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <unistd.h>

#include <client.hpp>
#include <codec.hpp>
#include <uapi/scst_netlink.h>

namespace scstctl {

using scstconf::Config;
using scstconf::Error;
using scstconf::Op;
using scstconf::OpKind;
using scstconf::Result;
using scstconf::Scope;
using scstnl::AttrPair;
using scstnl::Record;
using scstnl::Request;

namespace {

constexpr std::string_view kLocalDriver = "scst_local";

// vdisk parameters that are booleans defaulting to 0 (scst_vdisk.c). Not
// thin_provisioned: its default depends on the backing store, so a 0 given
// in the config must reach the kernel.
constexpr std::array kVdiskFlags = {"read_only", "write_through", "nv_cache",
				    "o_direct", "removable", "zero_read"};

Error kernel_error(std::string field, const scstnl::Error &e)
{
	return Error{"", 0, 0, std::move(field), e.str()};
}

Error op_error(const Op &op, std::string message)
{
	return Error{"", 0, 0, scstconf::describe(op), std::move(message)};
}

struct Dump {
	std::vector<Record> records;
	scstnl::Error error;
};

// Set when a dump message says the objects changed while it ran.
thread_local bool dump_interrupted = false;

// A dump that a change interrupted (sessions come and go during logins)
// is read again, a few times.
Dump dump(scstnl::Client &nl, Request req)
{
	Dump d;
	req.dump = true;
	for (int attempt = 0;; attempt++) {
		d.records.clear();
		d.error = nl.call(req, [&](const Record &r) {
			dump_interrupted |= r.dump_intr;
			d.records.push_back(r);
		});
		if (d.error.err != -EINTR || attempt == 4)
			return d;
	}
}

// The values of every field called `name`, in order.
std::vector<std::string> all(const Record &r, std::string_view name)
{
	std::vector<std::string> v;
	for (const auto &[k, val] : r.fields)
		if (k == name)
			v.push_back(val);
	return v;
}

std::string get(const Record &r, std::string_view name)
{
	return r.get(name).value_or("");
}

std::optional<uint64_t> to_number(std::string_view s)
{
	uint64_t v = 0;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || p != s.data() + s.size() || s.empty())
		return std::nullopt;
	return v;
}

// The "[key]" attributes of a record: every value of a multi-valued one
// (one SCST_A_ATTR each, iSCSI's IncomingUser...), in order.
void add_key_attrs(const Record &r, scstconf::Attributes &out)
{
	std::set<std::string> seen;
	for (const auto &key : r.key_attrs)
		if (seen.insert(key).second)
			for (auto &v : all(r, "attr." + key))
				out.add(key, std::move(v));
}

scstconf::Handler &handler_of(Config &c, const std::string &name)
{
	if (auto *h = scstconf::find_named(c.handlers, name))
		return *h;
	c.handlers.push_back({name, {}, {}, {}});
	return c.handlers.back();
}

// A LUN as read back: LUN_GET reports read_only when either the LUN or its
// device is read-only; only the LUN's own flag is configuration.
scstconf::Lun lun_of(const Record &r, const std::set<std::string> &ro_devices)
{
	scstconf::Lun lun;
	lun.number = to_number(get(r, "lun")).value_or(0);
	lun.device = get(r, "device");
	if (get(r, "read_only") == "1" && !ro_devices.contains(lun.device))
		lun.attrs.add("read_only", "1");
	return lun;
}

Result<void> read_luns(scstnl::Client &nl, const std::string &drv, const std::string &tgt,
		       const std::string *group, const std::set<std::string> &ro_devices,
		       std::vector<scstconf::Lun> &out)
{
	Request req{SCST_CMD_LUN_GET, true, {}};
	req.add(SCST_A_DRIVER, drv).add(SCST_A_TARGET, tgt);
	if (group)
		req.add(SCST_A_GROUP, *group);
	auto d = dump(nl, req);
	if (d.error)
		return kernel_error("LUNs of target " + drv + "/" + tgt, d.error);
	for (const auto &r : d.records)
		out.push_back(lun_of(r, ro_devices));
	return {};
}

Result<void> read_target(scstnl::Client &nl, const std::string &drv, const Record &rec,
			 const std::set<std::string> &ro_devices, scstconf::Target &t)
{
	t.name = get(rec, "target");
	// Targets of a driver without enable_target are always enabled: not
	// configuration. Elsewhere only "enabled 1" says something.
	if (drv != kLocalDriver && get(rec, "enabled") == "1")
		t.attrs.add("enabled", "1");
	if (auto id = get(rec, "rel_tgt_id"); !id.empty() && id != "0")
		t.attrs.add("rel_tgt_id", id);
	add_key_attrs(rec, t.attrs);

	if (drv == kLocalDriver) {
		// scst_local: the sessions are the add_target session_name's.
		Request req{SCST_CMD_SESSION_GET, true, {}};
		req.add(SCST_A_DRIVER, drv).add(SCST_A_TARGET, t.name);
		auto d = dump(nl, req);
		if (d.error)
			return kernel_error("sessions of target " + drv + "/" + t.name, d.error);
		for (const auto &r : d.records)
			t.attrs.add("session_name", get(r, "initiator"));
	}

	if (auto r = read_luns(nl, drv, t.name, nullptr, ro_devices, t.luns); !r)
		return r;

	Request req{SCST_CMD_GROUP_GET, true, {}};
	req.add(SCST_A_DRIVER, drv).add(SCST_A_TARGET, t.name);
	auto d = dump(nl, req);
	if (d.error)
		return kernel_error("groups of target " + drv + "/" + t.name, d.error);
	for (const auto &r : d.records) {
		scstconf::Group g;
		g.name = get(r, "group");
		for (auto &ini : all(r, "initiator"))
			g.initiators.push_back({std::move(ini), {}});
		if (auto res = read_luns(nl, drv, t.name, &g.name, ro_devices, g.luns); !res)
			return res;
		t.groups.push_back(std::move(g));
	}
	return {};
}

// ALUA: one DG_GET message per device group, device, target group and
// target group member, in that order.
Result<void> read_alua(scstnl::Client &nl, Config &c)
{
	auto d = dump(nl, Request{SCST_CMD_DG_GET, true, {}});
	if (d.error)
		return kernel_error("device groups", d.error);
	auto key_attrs = [](const Record &r, scstconf::Attributes &to) {
		for (const auto &key : r.key_attrs)
			if (auto v = r.get("attr." + key))
				to.add(key, *v);
	};
	for (const auto &r : d.records) {
		auto dgn = get(r, "device_group");
		auto *dg = scstconf::find_named(c.device_groups, dgn);
		if (!dg) {
			c.device_groups.push_back({dgn, {}, {}, {}, {}});
			dg = &c.device_groups.back();
		}
		auto tgn = r.get("target_group");
		if (!tgn) {
			if (auto dev = r.get("device"))
				dg->devices.push_back({*dev, {}});
			continue;
		}
		auto *tg = scstconf::find_named(dg->target_groups, *tgn);
		if (!tg) {
			dg->target_groups.push_back({*tgn, {}, {}, {}});
			tg = &dg->target_groups.back();
		}
		if (auto tgt = r.get("target")) {
			scstconf::TargetGroupMember m{*tgt, {}, {}};
			key_attrs(r, m.attrs);
			tg->targets.push_back(std::move(m));
		} else {
			key_attrs(r, tg->attrs);
		}
	}
	return {};
}

// ---- carrying out operations ----

Result<void> call(scstnl::Client &nl, const Op &op, const Request &req)
{
	auto e = nl.call(req, [](const Record &) {});
	if (e.err == -EPERM)
		return op_error(op, e.str() + " (changes need CAP_NET_ADMIN: run as root)");
	if (e)
		return op_error(op, e.str());
	return {};
}

// Requests naming a device group, a target group, a target of that.
Request alua_req(uint8_t cmd, const scstconf::ObjectPath &p, int depth)
{
	Request req{cmd, false, {}};
	req.add(SCST_A_DEVICE_GROUP, p.device_group);
	if (depth > 1)
		req.add(SCST_A_TARGET_GROUP, p.target_group);
	if (depth > 2)
		req.add(SCST_A_TARGET, p.member);
	return req;
}

// "targets/<driver>/mgmt" under the sysfs root: the driver's name.
std::optional<std::string> driver_mgmt_path(std::string_view path)
{
	std::string prefix = std::string(scstconf::kSysfsRoot) + "/targets/";
	if (!path.starts_with(prefix) || !path.ends_with("/mgmt"))
		return std::nullopt;
	auto mid = path.substr(prefix.size(), path.size() - prefix.size() - 5);
	if (mid.empty() || mid.find('/') != std::string_view::npos)
		return std::nullopt;
	return std::string(mid);
}

// A file descriptor closed when it goes out of scope.
struct Fd {
	int fd;
	explicit Fd(int f) : fd(f) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd >= 0)
			::close(fd);
	}
};

Result<void> write_file(const Op &op, const std::string &path, const std::string &text)
{
	Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
	if (fd.fd < 0) {
		int err = errno;
		if (err == ENOENT)
			return op_error(op, path + ": no such attribute in this kernel");
		return op_error(op, path + ": " + std::strerror(err));
	}
	if (::write(fd.fd, text.data(), text.size()) < 0)
		return op_error(op, "writing \"" + text + "\" to " + path + ": " + std::strerror(errno) +
					    " (see the kernel log)");
	return {};
}

// What netlink cannot do: the sysfs writes, a driver's mgmt lines through
// DRIVER_MGMT.
Result<void> apply_sysfs(scstnl::Client &nl, const Op &op)
{
	for (const auto &w : scstconf::to_sysfs(op)) {
		Result<void> r;
		if (auto drv = driver_mgmt_path(w.path)) {
			Request req{SCST_CMD_DRIVER_MGMT, false, {}};
			req.add(SCST_A_DRIVER, *drv).add(SCST_A_MGMT_LINE, w.text);
			r = call(nl, op, req);
		} else {
			r = write_file(op, w.path, w.text);
		}
		if (!r)
			return r;
	}
	return {};
}

Result<uint8_t> flag(const Op &op, std::string_view key, std::string_view v)
{
	if (v == "1")
		return uint8_t{1};
	if (v == "0")
		return uint8_t{0};
	return op_error(op, std::string(key) + " must be 0 or 1, not \"" + std::string(v) + "\"");
}

Result<void> set_attr(scstnl::Client &nl, const Op &op)
{
	const auto &value = op.value ? op.value : op.reset_value;
	if (!value)
		return {};  // back to an unknown default: nothing to write
	const auto &p = op.at;
	switch (op.scope) {
	case Scope::Scst: {
		Request req{SCST_CMD_GLOBAL_SET, false, {}};
		req.add(SCST_A_ATTR, AttrPair{op.key, *value});
		return call(nl, op, req);
	}
	case Scope::Device: {
		Request req{SCST_CMD_DEVICE_SET, false, {}};
		req.add(SCST_A_DEVICE, p.device).add(SCST_A_ATTR, AttrPair{op.key, *value});
		return call(nl, op, req);
	}
	case Scope::TargetGroup: {
		auto req = alua_req(SCST_CMD_TG_SET, p, 2);
		req.add(SCST_A_ATTR, AttrPair{op.key, *value});
		return call(nl, op, req);
	}
	case Scope::TargetGroupMember: {
		auto req = alua_req(SCST_CMD_TG_TARGET_SET, p, 3);
		req.add(SCST_A_ATTR, AttrPair{op.key, *value});
		return call(nl, op, req);
	}
	case Scope::Target: {
		Request req{SCST_CMD_TARGET_SET, false, {}};
		req.add(SCST_A_DRIVER, p.driver).add(SCST_A_TARGET, p.target);
		if (op.key == "enabled") {
			auto f = flag(op, op.key, *value);
			if (!f)
				return f.error();
			req.add(SCST_A_ENABLED, *f);
		} else if (op.key == "rel_tgt_id") {
			auto id = to_number(*value);
			if (!id || *id < 1 || *id > 65535)
				return op_error(op, "rel_tgt_id must be 1..65535, not \"" + *value + "\"");
			req.add(SCST_A_REL_TGT_ID, static_cast<uint16_t>(*id));
		} else {
			req.add(SCST_A_ATTR, AttrPair{op.key, *value});
		}
		return call(nl, op, req);
	}
	default:
		return apply_sysfs(nl, op);
	}
}

std::string params_line(const scstconf::Attributes &a)
{
	std::string s;
	for (const auto &attr : a)
		s += (s.empty() ? "" : "; ") + attr.key + "=" + attr.value;
	return s;
}

// After an object is created: its settable attributes, then the values of
// its multi-valued ones (and, for groups, which take no parameters, those).
Result<void> object_attrs(scstnl::Client &nl, const Op &op, Scope scope)
{
	auto set = [&](OpKind kind, const scstconf::Attr &a) {
		Op sub;
		sub.kind = kind;
		sub.scope = scope;
		sub.at = op.at;
		sub.key = a.key;
		sub.value = a.value;
		return apply_op(nl, sub);
	};
	if (scope == Scope::Group)
		for (const auto &a : op.attrs.params)
			if (auto r = set(OpKind::SetAttr, a); !r)
				return r;
	for (const auto &a : op.attrs.settable)
		if (auto r = set(OpKind::SetAttr, a); !r)
			return r;
	for (const auto &a : op.attrs.multi)
		if (auto r = set(OpKind::AddAttrValue, a); !r)
			return r;
	return {};
}

// Create an object with `add`, then its attributes; if those fail, delete
// it again with `del` so that a failed operation changed nothing.
Result<void> create(scstnl::Client &nl, const Op &op, Scope scope, const Request &add,
		    const Request &del)
{
	if (auto r = call(nl, op, add); !r)
		return r;
	auto r = object_attrs(nl, op, scope);
	if (r)
		return r;
	(void)nl.call(del, [](const Record &) {});
	// The error is this operation's: say which of its steps failed.
	Error e = r.error();
	e.message = e.field + ": " + e.message;
	e.field = scstconf::describe(op);
	return e;
}

Request target_req(uint8_t cmd, const scstconf::ObjectPath &p)
{
	Request req{cmd, false, {}};
	req.add(SCST_A_DRIVER, p.driver).add(SCST_A_TARGET, p.target);
	return req;
}

Request group_req(uint8_t cmd, const scstconf::ObjectPath &p)
{
	auto req = target_req(cmd, p);
	if (!p.group.empty())
		req.add(SCST_A_GROUP, p.group);
	return req;
}

Result<void> lun_op(scstnl::Client &nl, const Op &op, uint8_t cmd)
{
	auto req = group_req(cmd, op.at);
	req.add(SCST_A_LUN, static_cast<uint32_t>(op.lun));
	if (cmd == SCST_CMD_LUN_DEL)
		return call(nl, op, req);
	req.add(SCST_A_DEVICE, op.lun_device);
	for (const auto &a : op.lun_params) {
		if (a.key != "read_only")
			return op_error(op, "LUN parameter \"" + a.key + "\" is not supported (only read_only)");
		auto f = flag(op, a.key, a.value);
		if (!f)
			return f.error();
		req.add(SCST_A_READ_ONLY, *f);
	}
	return call(nl, op, req);
}

Result<void> initiator_op(scstnl::Client &nl, const Op &op, uint8_t cmd)
{
	auto req = group_req(cmd, op.at);
	req.add(SCST_A_INITIATOR, op.initiator);
	if (cmd == SCST_CMD_INITIATOR_MOVE)
		req.add(SCST_A_DEST_GROUP, op.to_group);
	return call(nl, op, req);
}

Result<Config> read_running_once(scstnl::Client &nl)
{
	Config c;

	// Global settings that are not their defaults.
	auto err = nl.call(Request{SCST_CMD_GLOBAL_GET, false, {}}, [&](const Record &r) {
		for (const auto &key : r.key_attrs)
			if (auto v = r.get("attr." + key))
				c.attrs.add(key, *v);
	});
	if (err)
		return kernel_error("global settings", err);

	// Devices, with their handlers; only "[key]" attributes are configuration.
	auto devs = dump(nl, Request{SCST_CMD_DEVICE_GET, true, {}});
	if (devs.error)
		return kernel_error("devices", devs.error);
	std::set<std::string> ro_devices;
	for (const auto &r : devs.records) {
		scstconf::Device d;
		d.name = get(r, "device");
		add_key_attrs(r, d.attrs);
		if (get(r, "read_only") == "1")
			ro_devices.insert(d.name);
		handler_of(c, get(r, "handler")).devices.push_back(std::move(d));
	}
	if (auto r = read_alua(nl, c); !r)
		return r.error();

	auto drvs = dump(nl, Request{SCST_CMD_DRIVER_GET, true, {}});
	if (drvs.error)
		return kernel_error("target drivers", drvs.error);
	for (const auto &dr : drvs.records) {
		scstconf::TargetDriver td;
		td.name = get(dr, "driver");
		add_key_attrs(dr, td.attrs);
		Request req{SCST_CMD_TARGET_GET, true, {}};
		req.add(SCST_A_DRIVER, td.name);
		auto tgts = dump(nl, req);
		if (tgts.error)
			return kernel_error("targets of " + td.name, tgts.error);
		for (const auto &tr : tgts.records) {
			scstconf::Target t;
			if (auto res = read_target(nl, td.name, tr, ro_devices, t); !res)
				return res.error();
			td.targets.push_back(std::move(t));
		}
		c.drivers.push_back(std::move(td));
	}
	return scstconf::normalize(std::move(c));
}

}  // namespace

Result<Config> read_running(scstnl::Client &nl)
{
	if (nl.error())
		return kernel_error("netlink", nl.error());
	// A configuration change during the dumps: read it all again.
	for (int attempt = 0;; attempt++) {
		dump_interrupted = false;
		auto c = read_running_once(nl);
		if (!c || !dump_interrupted || attempt == 4)
			return c;
	}
}

Result<void> check_supported(const Op &)
{
	return {};
}

Result<void> apply_op(scstnl::Client &nl, const Op &op)
{
	if (nl.error())
		return op_error(op, nl.error().str());
	if (auto r = scstconf::check_values(op); !r)
		return r;
	const auto &p = op.at;
	switch (op.kind) {
	case OpKind::SetAttr:
		return set_attr(nl, op);
	case OpKind::AddAttrValue:
	case OpKind::DelAttrValue: {
		if (op.scope != Scope::Driver && op.scope != Scope::Target)
			return apply_sysfs(nl, op);
		Request req{static_cast<uint8_t>(op.kind == OpKind::AddAttrValue ? SCST_CMD_ATTR_ADD
										  : SCST_CMD_ATTR_DEL),
			    false,
			    {}};
		req.add(SCST_A_DRIVER, p.driver);
		if (op.scope == Scope::Target)
			req.add(SCST_A_TARGET, p.target);
		req.add(SCST_A_ATTR, AttrPair{op.key, op.value.value_or("")});
		return call(nl, op, req);
	}
	case OpKind::AddDevice: {
		Request add{SCST_CMD_DEVICE_ADD, false, {}};
		add.add(SCST_A_HANDLER, p.handler).add(SCST_A_DEVICE, p.device);
		if (!op.attrs.params.empty())
			add.add(SCST_A_PARAMS, params_line(op.attrs.params));
		Request del{SCST_CMD_DEVICE_DEL, false, {}};
		del.add(SCST_A_DEVICE, p.device);
		return create(nl, op, Scope::Device, add, del);
	}
	case OpKind::DelDevice: {
		Request req{SCST_CMD_DEVICE_DEL, false, {}};
		req.add(SCST_A_DEVICE, p.device);
		return call(nl, op, req);
	}
	case OpKind::AddTarget: {
		auto add = target_req(SCST_CMD_TARGET_ADD, p);
		if (!op.attrs.params.empty())
			add.add(SCST_A_PARAMS, params_line(op.attrs.params));
		return create(nl, op, Scope::Target, add, target_req(SCST_CMD_TARGET_DEL, p));
	}
	case OpKind::DelTarget:
		return call(nl, op, target_req(SCST_CMD_TARGET_DEL, p));
	case OpKind::AddLun:
		return lun_op(nl, op, SCST_CMD_LUN_ADD);
	case OpKind::DelLun:
		return lun_op(nl, op, SCST_CMD_LUN_DEL);
	case OpKind::ReplaceLun:
		return lun_op(nl, op, SCST_CMD_LUN_REPLACE);
	case OpKind::CreateGroup:
		return create(nl, op, Scope::Group, group_req(SCST_CMD_GROUP_ADD, p),
			      group_req(SCST_CMD_GROUP_DEL, p));
	case OpKind::DelGroup:
		return call(nl, op, group_req(SCST_CMD_GROUP_DEL, p));
	case OpKind::AddInitiator:
		return initiator_op(nl, op, SCST_CMD_INITIATOR_ADD);
	case OpKind::DelInitiator:
		return initiator_op(nl, op, SCST_CMD_INITIATOR_DEL);
	case OpKind::MoveInitiator:
		return initiator_op(nl, op, SCST_CMD_INITIATOR_MOVE);
	case OpKind::CreateDeviceGroup:
		return create(nl, op, Scope::DeviceGroup, alua_req(SCST_CMD_DG_ADD, p, 1),
			      alua_req(SCST_CMD_DG_DEL, p, 1));
	case OpKind::DelDeviceGroup:
		return call(nl, op, alua_req(SCST_CMD_DG_DEL, p, 1));
	case OpKind::AddDeviceGroupDevice:
	case OpKind::DelDeviceGroupDevice: {
		auto req = alua_req(op.kind == OpKind::AddDeviceGroupDevice ? SCST_CMD_DG_DEVICE_ADD
									    : SCST_CMD_DG_DEVICE_DEL,
				    p, 1);
		req.add(SCST_A_DEVICE, p.device);
		return call(nl, op, req);
	}
	case OpKind::CreateTargetGroup:
		return create(nl, op, Scope::TargetGroup, alua_req(SCST_CMD_TG_ADD, p, 2),
			      alua_req(SCST_CMD_TG_DEL, p, 2));
	case OpKind::DelTargetGroup:
		return call(nl, op, alua_req(SCST_CMD_TG_DEL, p, 2));
	case OpKind::AddTargetGroupMember:
		return create(nl, op, Scope::TargetGroupMember,
			      alua_req(SCST_CMD_TG_TARGET_ADD, p, 3),
			      alua_req(SCST_CMD_TG_TARGET_DEL, p, 3));
	case OpKind::DelTargetGroupMember:
		return call(nl, op, alua_req(SCST_CMD_TG_TARGET_DEL, p, 3));
	}
	return op_error(op, "unknown operation");
}

ApplyReport apply_plan(scstnl::Client &nl, const std::vector<Op> &ops, const ApplyOptions &opt)
{
	ApplyReport rep;
	for (const auto &op : ops) {
		if (opt.on_op)
			opt.on_op(op);
		auto r = apply_op(nl, op);
		if (r) {
			rep.done.push_back(op);
			continue;
		}
		rep.errors.push_back(r.error());
		if (opt.cont_on_err)
			continue;
		for (const auto &undo : scstconf::inverse(rep.done))
			if (auto u = apply_op(nl, undo); !u)
				rep.rollback_errors.push_back(u.error());
		rep.rolled_back = true;
		break;
	}
	return rep;
}

Config canonical(Config c, const Config &running)
{
	auto lun_params = [](std::vector<scstconf::Lun> &luns) {
		for (auto &l : luns)
			if (l.attrs.get("read_only") == "0")
				l.attrs.erase("read_only");
	};
	for (auto &h : c.handlers) {
		// The core's max_tgt_dev_commands reads back without its default.
		for (auto &d : h.devices)
			if (d.attrs.get("max_tgt_dev_commands") == "0")
				d.attrs.erase("max_tgt_dev_commands");
		if (!h.name.starts_with("vdisk_"))
			continue;
		for (auto &d : h.devices) {
			auto mb = d.attrs.get("size_mb");
			if (mb && !d.attrs.contains("size"))
				if (auto n = to_number(*mb); n && *n < (uint64_t(1) << 44)) {
					auto pos = d.attrs.find("size_mb")->pos;
					d.attrs.erase("size_mb");
					d.attrs.add("size", std::to_string(*n << 20), pos);
				}
			for (const char *f : kVdiskFlags)
				if (d.attrs.get(f) == "0")
					d.attrs.erase(f);
		}
	}
	// A target group without group_id keeps the one the kernel gave it.
	for (auto &dg : c.device_groups) {
		const scstconf::DeviceGroup *rdg = scstconf::find_named(running.device_groups, dg.name);
		for (auto &tg : dg.target_groups) {
			const scstconf::TargetGroup *rtg =
				rdg ? scstconf::find_named(rdg->target_groups, tg.name) : nullptr;
			if (rtg && !tg.attrs.contains("group_id"))
				if (auto id = rtg->attrs.get("group_id"))
					tg.attrs.add("group_id", *id);
			if (tg.attrs.get("preferred") == "0")
				tg.attrs.erase("preferred");
			if (tg.attrs.get("state") == "active")
				tg.attrs.erase("state");
		}
	}
	for (auto &drv : c.drivers)
		for (auto &t : drv.targets) {
			if (drv.name == kLocalDriver)
				t.attrs.erase("enabled");
			lun_params(t.luns);
			for (auto &g : t.groups)
				lun_params(g.luns);
			// What the config leaves to the kernel keeps its running value.
			const scstconf::Target *rt = nullptr;
			if (auto *rd = scstconf::find_named(running.drivers, drv.name))
				rt = scstconf::find_named(rd->targets, t.name);
			if (!rt)
				continue;
			if (!t.attrs.contains("rel_tgt_id"))
				if (auto id = rt->attrs.get("rel_tgt_id"))
					t.attrs.add("rel_tgt_id", *id);
			if (drv.name == kLocalDriver && !t.attrs.contains("session_name"))
				for (const auto &v : rt->attrs.values("session_name"))
					t.attrs.add("session_name", v);
		}
	return c;
}

}  // namespace scstctl
