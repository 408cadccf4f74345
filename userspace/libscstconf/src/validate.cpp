#include "scstconf/validate.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <regex>
#include <sstream>

namespace scstconf {

namespace {

constexpr std::uint64_t kMaxLun = 16383;   // SCST_MAX_LUN, flat addressing
constexpr std::size_t kMaxName = 255;      // SCST_MAX_NAME - 1
constexpr std::size_t kMaxUsn = 16;        // VDISK_USN_LEN

// The parameters add_device takes, per handler (kernel/core/scst_vdisk.c).
struct HandlerParams {
	std::string_view handler;
	std::vector<std::string_view> params;
	bool needs_filename;
};

const std::vector<HandlerParams> &vdisk_handlers()
{
	static const std::vector<HandlerParams> table = {
		{"vdisk_nullio",
		 {"size", "size_mb", "blocksize", "read_only", "removable", "zero_read", "usn",
		  "mode_saved", "lba_map"},
		 false},
		{"vdisk_fileio",
		 {"filename", "size", "size_mb", "blocksize", "read_only", "write_through",
		  "nv_cache", "o_direct", "thin_provisioned", "removable", "usn", "mode_saved", "lba_map"},
		 true},
		{"vdisk_blockio",
		 {"filename", "blocksize", "read_only", "write_through", "nv_cache",
		  "thin_provisioned", "removable", "usn", "mode_saved", "lba_map"},
		 true},
	};
	return table;
}

const HandlerParams *handler_params(std::string_view handler)
{
	for (const auto &h : vdisk_handlers())
		if (h.handler == handler)
			return &h;
	return nullptr;
}

bool is_blank_or_control(char c)
{
	const auto u = static_cast<unsigned char>(c);
	return c == ' ' || u < 0x20 || u == 0x7f;
}

std::optional<std::uint64_t> number(std::string_view s)
{
	std::uint64_t v = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (s.empty() || ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return v;
}

// What the kernel's kstrtobool() takes.
bool is_bool(std::string_view s)
{
	if (s.empty())
		return false;
	if (std::string_view("01yYnN").find(s[0]) != std::string_view::npos)
		return true;
	return s == "on" || s == "off" || s == "ON" || s == "OFF" || s == "On" || s == "Off";
}

// memparse(): a number with an optional K, M, G, T, P or E suffix.
bool is_size(std::string_view s)
{
	if (!s.empty() && std::string_view("kKmMgGtTpPeE").find(s.back()) != std::string_view::npos)
		s.remove_suffix(1);
	auto n = number(s);
	return n && *n > 0;
}

// Why `name` cannot name an object in sysfs, or nullopt.
std::optional<std::string> bad_name(std::string_view name, bool device)
{
	if (name.empty())
		return "the name is empty";
	if (name.find('/') != std::string_view::npos)
		return "the name contains '/'";
	if (std::any_of(name.begin(), name.end(), is_blank_or_control))
		return "the name contains a blank or a control character";
	if (name == "." || name == "..")
		return "the name cannot be '.' or '..'";
	if (name == "mgmt" || (device && name == "type"))
		return "the name '" + std::string(name) + "' is reserved";
	if (name.size() > kMaxName)
		return "the name is longer than " + std::to_string(kMaxName) + " bytes";
	return std::nullopt;
}

class Validator {
public:
	Validator(const Config &c, const AttrPolicy &p) : cfg_(c), policy_(p) {}

	std::vector<Error> run()
	{
		attrs(Scope::Scst, "", "", cfg_.attrs);
		handlers();
		drivers();
		device_groups();
		return std::move(errors_);
	}

private:
	void fail(SourcePos pos, const std::string &path, const std::string &field,
		  std::string message)
	{
		std::string where = path;
		if (!field.empty())
			where += (where.empty() ? "" : "/") + field;
		errors_.push_back({cfg_.source, pos.line, pos.column, where, std::move(message)});
	}

	void name(SourcePos pos, const std::string &path, std::string_view n, bool device = false)
	{
		if (auto why = bad_name(n, device))
			fail(pos, path, "name", *why);
	}

	// Reports the second of two elements with the same key.
	template <class Key>
	bool first_use(std::map<Key, SourcePos> &seen, const Key &key, SourcePos pos,
		       const std::string &path, const std::string &field, const std::string &what)
	{
		auto [it, inserted] = seen.emplace(key, pos);
		if (!inserted)
			fail(pos, path, field,
			     what + (it->second.line ? " (first at line " +
							       std::to_string(it->second.line) + ")"
						     : ""));
		return inserted;
	}

	// Generic checks: names, repeated keys, values.
	void attrs(Scope scope, std::string_view owner, const std::string &path,
		   const Attributes &a)
	{
		std::map<std::string, SourcePos> seen;
		for (const auto &attr : a) {
			if (attr.key.empty() ||
			    std::any_of(attr.key.begin(), attr.key.end(), [](char c) {
				    return is_blank_or_control(c) || c == '/' || c == '=' || c == ';';
			    })) {
				fail(attr.pos, path, attr.key,
				     "not a valid attribute name (blank, control character, '/', '=' or ';')");
				continue;
			}
			const AttrRule rule = policy_.rule(scope, owner, attr.key);
			if (!rule.multiple)
				first_use(seen, attr.key, attr.pos, path, attr.key,
					  "given more than once");
			if (attr.value.find_first_of(std::string_view("\n\r\0", 3)) != std::string::npos)
				fail(attr.pos, path, attr.key, "the value contains a line break or NUL");
			else if (rule.kind == AttrKind::CreateOnly &&
				 attr.value.find(';') != std::string::npos)
				fail(attr.pos, path, attr.key,
				     "a parameter value cannot contain ';' (the mgmt separator)");
			else if (auto why = range_error(scope, owner, attr.key, attr.value))
				fail(attr.pos, path, attr.key, *why);
		}
	}

	// ---- handlers and devices ----

	void handlers()
	{
		std::map<std::string, SourcePos> handler_names, device_names;
		for (const auto &h : cfg_.handlers) {
			const std::string hpath = "HANDLER " + h.name;
			first_use(handler_names, h.name, h.pos, hpath, "", "HANDLER defined twice");
			name(h.pos, hpath, h.name);
			attrs(Scope::Handler, h.name, hpath, h.attrs);
			for (const auto &d : h.devices) {
				const std::string dpath = hpath + "/DEVICE " + d.name;
				first_use(device_names, d.name, d.pos, dpath, "",
					  "another device has this name");
				name(d.pos, dpath, d.name, true);
				attrs(Scope::Device, h.name, dpath, d.attrs);
				vdisk_params(h.name, d, dpath);
			}
		}
	}

	// The core's attributes of every handler's devices (scst_sysfs.c), their
	// values checked by attrs() (numeric_range()).
	static bool is_core_dev_attr(std::string_view key) { return key == "max_tgt_dev_commands"; }

	void vdisk_params(std::string_view handler, const Device &d, const std::string &path)
	{
		const HandlerParams *hp = handler_params(handler);
		if (!hp)
			return;
		for (const auto &a : d.attrs) {
			if (is_core_dev_attr(a.key))
				continue;
			if (std::find(hp->params.begin(), hp->params.end(), a.key) == hp->params.end()) {
				std::string known;
				for (auto p : hp->params)
					known += (known.empty() ? "" : ", ") + std::string(p);
				fail(a.pos, path, a.key,
				     "not a parameter of " + std::string(handler) + " (" + known + ")");
				continue;
			}
			if (auto why = vdisk_value(a.key, a.value))
				fail(a.pos, path, a.key, *why);
		}
		if (hp->needs_filename && !d.attrs.contains("filename"))
			fail(d.pos, path, "filename", std::string(handler) + " needs a filename");
	}

	// The core's text form of saved mode parameters (scst_mode_params_parse).
	static std::optional<std::string> mode_saved_value(std::string_view v)
	{
		static const std::map<std::string_view, unsigned> max = {
			{"wce", 1},  {"rcd", 1},  {"d_sense", 1}, {"swp", 1},
			{"tas", 1},  {"qerr", 3}, {"dexcpt", 1},  {"mrie", 6},
		};
		const std::string why =
			"expected \"default\" or name=value words of wce rcd d_sense swp tas "
			"qerr dexcpt mrie (qerr 0, 1 or 3, mrie 0 to 6, others 0 or 1)";
		size_t i = 0;
		while (i < v.size()) {
			while (i < v.size() && v[i] == ' ')
				i++;
			size_t end = v.find(' ', i);
			std::string_view word = v.substr(i, end == v.npos ? v.npos : end - i);
			i = end == v.npos ? v.size() : end;
			if (word.empty() || word == "default")
				continue;
			size_t eq = word.find('=');
			auto it = eq == word.npos ? max.end() : max.find(word.substr(0, eq));
			auto n = it == max.end() ? std::nullopt : number(word.substr(eq + 1));
			if (!n || *n > it->second || (it->first == "qerr" && *n == 2))
				return why;
		}
		return std::nullopt;
	}

	// The core's user data segments (scst_lba_map_parse): "none" or
	// FIRST-LAST:GID=STATE[,GID=STATE...] words in ascending LBA order.
	static std::optional<std::string> lba_map_value(std::string_view v)
	{
		static const std::regex seg(
			R"(([0-9]+)-([0-9]+):([0-9]+=(active|nonoptimized|standby|unavailable))"
			R"((,[0-9]+=(active|nonoptimized|standby|unavailable))*))");
		const std::string why =
			"expected \"none\" or segments FIRST-LAST:GROUP_ID=STATE[,GROUP_ID=STATE...] "
			"in ascending LBA order (states active, nonoptimized, standby, unavailable)";
		std::string s(v);
		for (char &c : s)
			if (c == ';' || c == '\t' || c == '\n')
				c = ' ';
		std::istringstream in(s);
		std::string word;
		std::optional<unsigned long long> prev_last;
		bool any = false;
		while (in >> word) {
			if (word == "none" && !any) {
				if (in >> word)
					return why;
				return std::nullopt;
			}
			any = true;
			std::smatch m;
			if (!std::regex_match(word, m, seg))
				return why;
			auto first = number(m[1].str()), last = number(m[2].str());
			if (!first || !last || *last < *first || (prev_last && *first <= *prev_last))
				return why;
			prev_last = *last;
		}
		return std::nullopt;
	}

	static std::optional<std::string> vdisk_value(std::string_view key, std::string_view v)
	{
		if (key == "filename")
			return v.starts_with('/') ? std::nullopt
						  : std::optional<std::string>("expected an absolute path");
		if (key == "blocksize") {
			auto n = number(v);
			if (!n || (*n != 512 && *n != 1024 && *n != 2048 && *n != 4096))
				return "expected 512, 1024, 2048 or 4096";
			return std::nullopt;
		}
		if (key == "size_mb") {
			auto n = number(v);
			return n && *n > 0 ? std::nullopt
					   : std::optional<std::string>("expected a number of MiB > 0");
		}
		if (key == "size")
			return is_size(v) ? std::nullopt
					  : std::optional<std::string>(
						    "expected a number of bytes > 0, optionally with K, M, G or T");
		if (key == "mode_saved")
			return mode_saved_value(v);
		if (key == "lba_map")
			return lba_map_value(v);
		if (key == "usn") {
			if (v.empty() || v.size() > kMaxUsn)
				return "expected 1 to " + std::to_string(kMaxUsn) + " printable characters";
			return std::nullopt;
		}
		return is_bool(v) ? std::nullopt : std::optional<std::string>("expected 0 or 1");
	}

	// ---- target drivers, targets, LUNs, groups ----

	void drivers()
	{
		std::map<std::string, SourcePos> driver_names;
		for (const auto &d : cfg_.drivers) {
			const std::string dpath = "TARGET_DRIVER " + d.name;
			first_use(driver_names, d.name, d.pos, dpath, "", "TARGET_DRIVER defined twice");
			name(d.pos, dpath, d.name);
			attrs(Scope::Driver, d.name, dpath, d.attrs);
			bool_attr(d.attrs, dpath, "enabled");
			if (d.name == "iscsi")
				iscsi_access(d.attrs, dpath);
			std::map<std::string, SourcePos> target_names;
			for (const auto &t : d.targets) {
				const std::string tpath = dpath + "/TARGET " + t.name;
				first_use(target_names, t.name, t.pos, tpath, "", "TARGET defined twice");
				target(d, t, tpath);
			}
		}
	}

	// What scst_iscsi accepts (kernel/iscsi/isc_main.c): CHAP accounts
	// "user secret" with a secret of 12..255 bytes (RFC 7143 9.2.1), one
	// OutgoingUser, allowed_portal patterns over an IP address.
	void iscsi_access(const Attributes &a, const std::string &path)
	{
		int outgoing = 0;
		for (const auto &attr : a) {
			if (attr.key == "IncomingUser" || attr.key == "OutgoingUser") {
				const auto sp = attr.value.find(' ');
				const std::string user = attr.value.substr(0, sp);
				const std::string secret =
					sp == std::string::npos ? "" : attr.value.substr(sp + 1);
				if (user.empty() || secret.empty() ||
				    secret.find_first_of(" \t") != std::string::npos)
					fail(attr.pos, path, attr.key, "expected \"user secret\"");
				else if (user.size() > 255)
					fail(attr.pos, path, attr.key, "the user name is longer than 255 bytes");
				else if (secret.size() < 12 || secret.size() > 255)
					fail(attr.pos, path, attr.key,
					     "the CHAP secret of " + user + " has " + std::to_string(secret.size()) +
						     " bytes, expected 12..255");
				if (attr.key == "OutgoingUser" && ++outgoing == 2)
					fail(attr.pos, path, attr.key, "given more than once (one account only)");
			} else if (attr.key == "allowed_portal" &&
				   (attr.value.empty() || attr.value.size() > 64 ||
				    attr.value.find_first_not_of("0123456789abcdefABCDEF.:*?[]") !=
					    std::string::npos)) {
				fail(attr.pos, path, attr.key,
				     "expected a pattern over an IP address (digits, '.', ':', '*', '?', brackets)");
			}
		}
	}

	void bool_attr(const Attributes &a, const std::string &path, std::string_view key)
	{
		for (const auto &attr : a)
			if (attr.key == key && attr.value != "0" && attr.value != "1")
				fail(attr.pos, path, attr.key, "expected 0 or 1");
	}

	void target(const TargetDriver &d, const Target &t, const std::string &path)
	{
		name(t.pos, path, t.name);
		attrs(Scope::Target, d.name, path, t.attrs);
		bool_attr(t.attrs, path, "enabled");
		if (d.name == "iscsi")
			iscsi_access(t.attrs, path);
		rel_tgt_id(t.attrs, path, &rel_tgt_ids_);
		luns(t.luns, path);
		std::map<std::string, SourcePos> group_names, initiators;
		for (const auto &g : t.groups) {
			const std::string gpath = path + "/GROUP " + g.name;
			first_use(group_names, g.name, g.pos, gpath, "", "GROUP defined twice");
			name(g.pos, gpath, g.name);
			attrs(Scope::Group, d.name, gpath, g.attrs);
			luns(g.luns, gpath);
			for (const auto &i : g.initiators) {
				const std::string ipath = gpath + "/INITIATOR " + i.name;
				if (auto why = bad_name(i.name, false))
					fail(i.pos, ipath, "", *why);
				first_use(initiators, i.name, i.pos, ipath, "",
					  "the initiator is already in a group of this target");
			}
		}
	}

	void rel_tgt_id(const Attributes &a, const std::string &path,
			std::map<std::uint64_t, SourcePos> *unique)
	{
		for (const auto &attr : a) {
			if (attr.key != "rel_tgt_id")
				continue;
			auto n = number(attr.value);
			if (!n || *n < 1 || *n > 65535) {
				fail(attr.pos, path, attr.key, "expected a number in 1..65535");
				continue;
			}
			if (unique)
				first_use(*unique, *n, attr.pos, path, attr.key,
					  "another target has this rel_tgt_id");
		}
	}

	void luns(const std::vector<Lun> &ls, const std::string &path)
	{
		std::map<std::uint64_t, SourcePos> numbers;
		for (const auto &l : ls) {
			const std::string lpath = path + "/LUN " + std::to_string(l.number);
			if (l.number > kMaxLun)
				fail(l.pos, lpath, "number",
				     "LUN numbers are 0.." + std::to_string(kMaxLun));
			first_use(numbers, l.number, l.pos, lpath, "number", "LUN number used twice");
			if (!find_device(cfg_, l.device))
				fail(l.pos, lpath, "device", "no device \"" + l.device + "\" is defined");
			attrs(Scope::Lun, "", lpath, l.attrs);
			for (const auto &a : l.attrs) {
				if (a.key != "read_only")
					fail(a.pos, lpath, a.key, "not a LUN parameter (read_only)");
				else if (!is_bool(a.value))
					fail(a.pos, lpath, a.key, "expected 0 or 1");
			}
		}
	}

	// ---- ALUA ----

	void device_groups()
	{
		std::map<std::string, SourcePos> dg_names, grouped_devices;
		for (const auto &dg : cfg_.device_groups) {
			const std::string path = "DEVICE_GROUP " + dg.name;
			first_use(dg_names, dg.name, dg.pos, path, "", "DEVICE_GROUP defined twice");
			name(dg.pos, path, dg.name);
			attrs(Scope::DeviceGroup, "", path, dg.attrs);
			for (const auto &d : dg.devices) {
				const std::string dpath = path + "/DEVICE " + d.name;
				if (!find_device(cfg_, d.name))
					fail(d.pos, dpath, "", "no device \"" + d.name + "\" is defined");
				first_use(grouped_devices, d.name, d.pos, dpath, "",
					  "the device is already in a DEVICE_GROUP");
			}
			std::map<std::string, SourcePos> tg_names;
			std::map<std::uint64_t, SourcePos> group_ids;
			for (const auto &tg : dg.target_groups) {
				const std::string tpath = path + "/TARGET_GROUP " + tg.name;
				first_use(tg_names, tg.name, tg.pos, tpath, "", "TARGET_GROUP defined twice");
				target_group(tg, tpath, group_ids);
			}
		}
	}

	void target_group(const TargetGroup &tg, const std::string &path,
			  std::map<std::uint64_t, SourcePos> &group_ids)
	{
		static constexpr std::array kStates = {
			"active",        "nonoptimized", "standby",      "unavailable",
			"lba_dependent", "offline",      "transitioning"};
		name(tg.pos, path, tg.name);
		attrs(Scope::TargetGroup, "", path, tg.attrs);
		for (const auto &a : tg.attrs) {
			if (a.key == "group_id") {
				auto n = number(a.value);
				if (!n || *n < 1 || *n > 65535)
					fail(a.pos, path, a.key, "expected a number in 1..65535");
				else
					first_use(group_ids, *n, a.pos, path, a.key,
						  "another TARGET_GROUP of this DEVICE_GROUP has this group_id");
			} else if (a.key == "state" &&
				   std::find(kStates.begin(), kStates.end(), a.value) == kStates.end()) {
				fail(a.pos, path, a.key,
				     "expected active, nonoptimized, standby, unavailable, lba_dependent, "
				     "offline or transitioning");
			}
		}
		std::map<std::string, SourcePos> members;
		for (const auto &m : tg.targets) {
			const std::string mpath = path + "/TARGET " + m.name;
			first_use(members, m.name, m.pos, mpath, "", "TARGET listed twice");
			name(m.pos, mpath, m.name);
			attrs(Scope::TargetGroupMember, "", mpath, m.attrs);
			rel_tgt_id(m.attrs, mpath, nullptr);
		}
	}

	const Config &cfg_;
	const AttrPolicy &policy_;
	std::vector<Error> errors_;
	std::map<std::uint64_t, SourcePos> rel_tgt_ids_;
};

}  // namespace

std::vector<Error> validate(const Config &config, const AttrPolicy &policy)
{
	return Validator(config, policy).run();
}

}  // namespace scstconf
