#include "scstconf/json.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace scstconf {

namespace {

using json = nlohmann::ordered_json;
using Err = std::optional<Error>;

// ---- writing ----

json attrs_json(const Attributes &a)
{
	json j = json::object();
	for (const auto &key : a.keys()) {
		auto values = a.values(key);
		if (values.size() == 1)
			j[key] = values.front();
		else
			j[key] = values;
	}
	return j;
}

// `j[key] = v` unless v is empty.
void put(json &j, const char *key, json v)
{
	if (!v.empty())
		j[key] = std::move(v);
}

json luns_json(const std::vector<Lun> &luns)
{
	json a = json::array();
	for (const auto &l : luns) {
		json j = {{"lun", l.number}, {"device", l.device}};
		put(j, "attributes", attrs_json(l.attrs));
		a.push_back(std::move(j));
	}
	return a;
}

json group_json(const Group &g)
{
	json j = {{"name", g.name}};
	put(j, "attributes", attrs_json(g.attrs));
	put(j, "luns", luns_json(g.luns));
	json inis = json::array();
	for (const auto &i : g.initiators)
		inis.push_back(i.name);
	put(j, "initiators", std::move(inis));
	return j;
}

json target_json(const Target &t)
{
	json j = {{"name", t.name}};
	put(j, "attributes", attrs_json(t.attrs));
	put(j, "luns", luns_json(t.luns));
	json groups = json::array();
	for (const auto &g : t.groups)
		groups.push_back(group_json(g));
	put(j, "groups", std::move(groups));
	return j;
}

json handlers_json(const std::vector<Handler> &handlers)
{
	json a = json::array();
	for (const auto &h : handlers) {
		json j = {{"name", h.name}};
		put(j, "attributes", attrs_json(h.attrs));
		json devices = json::array();
		for (const auto &d : h.devices) {
			json dj = {{"name", d.name}};
			put(dj, "attributes", attrs_json(d.attrs));
			devices.push_back(std::move(dj));
		}
		put(j, "devices", std::move(devices));
		a.push_back(std::move(j));
	}
	return a;
}

json drivers_json(const std::vector<TargetDriver> &drivers)
{
	json a = json::array();
	for (const auto &d : drivers) {
		json j = {{"name", d.name}};
		put(j, "attributes", attrs_json(d.attrs));
		json targets = json::array();
		for (const auto &t : d.targets)
			targets.push_back(target_json(t));
		put(j, "targets", std::move(targets));
		a.push_back(std::move(j));
	}
	return a;
}

json target_group_json(const TargetGroup &tg)
{
	json j = {{"name", tg.name}};
	put(j, "attributes", attrs_json(tg.attrs));
	json members = json::array();
	for (const auto &m : tg.targets) {
		json mj = {{"name", m.name}};
		put(mj, "attributes", attrs_json(m.attrs));
		members.push_back(std::move(mj));
	}
	put(j, "targets", std::move(members));
	return j;
}

json device_groups_json(const std::vector<DeviceGroup> &dgs)
{
	json a = json::array();
	for (const auto &dg : dgs) {
		json j = {{"name", dg.name}};
		put(j, "attributes", attrs_json(dg.attrs));
		json devices = json::array();
		for (const auto &d : dg.devices)
			devices.push_back(d.name);
		put(j, "devices", std::move(devices));
		json tgs = json::array();
		for (const auto &tg : dg.target_groups)
			tgs.push_back(target_group_json(tg));
		put(j, "target_groups", std::move(tgs));
		a.push_back(std::move(j));
	}
	return a;
}

// ---- reading ----

std::string escape_pointer(std::string_view key)
{
	std::string s;
	for (char c : key) {
		if (c == '~')
			s += "~0";
		else if (c == '/')
			s += "~1";
		else
			s += c;
	}
	return s;
}

std::string type_name(const json &j)
{
	return j.type_name();
}

class JsonReader {
public:
	explicit JsonReader(std::string file) : file_(std::move(file)) {}

	Result<Config> read(const json &root)
	{
		Config c;
		c.source = file_;
		if (auto e = object(root, "", {"attributes", "handlers", "target_drivers",
					       "device_groups"}))
			return *e;
		if (auto e = attrs(root, "", c.attrs))
			return *e;
		auto e = list(root, "", "handlers", c.handlers,
			      [this](const json &j, const std::string &p, Handler &h) {
				      return handler(j, p, h);
			      });
		if (!e)
			e = list(root, "", "target_drivers", c.drivers,
				 [this](const json &j, const std::string &p, TargetDriver &d) {
					 return driver(j, p, d);
				 });
		if (!e)
			e = list(root, "", "device_groups", c.device_groups,
				 [this](const json &j, const std::string &p, DeviceGroup &dg) {
					 return device_group(j, p, dg);
				 });
		if (e)
			return *e;
		return c;
	}

private:
	Error fail(const std::string &path, std::string message) const
	{
		return Error{file_, 0, 0, path.empty() ? "/" : path, std::move(message)};
	}

	// `j` is an object whose members are all in `allowed`.
	Err object(const json &j, const std::string &path,
		   std::initializer_list<std::string_view> allowed) const
	{
		if (!j.is_object())
			return fail(path, "expected an object, found " + type_name(j));
		for (const auto &[key, value] : j.items())
			if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
				return fail(path + "/" + escape_pointer(key), "unknown member");
		return std::nullopt;
	}

	Err string(const json &obj, const std::string &path, const char *key,
		   std::string &out) const
	{
		const auto it = obj.find(key);
		if (it == obj.end())
			return fail(path + "/" + key, "missing");
		if (!it->is_string())
			return fail(path + "/" + key, "expected a string, found " + type_name(*it));
		out = it->get<std::string>();
		return std::nullopt;
	}

	// An attribute value: a string, a number or a boolean.
	Err scalar(const json &j, const std::string &path, std::string &out) const
	{
		if (j.is_string())
			out = j.get<std::string>();
		else if (j.is_boolean())
			out = j.get<bool>() ? "1" : "0";
		else if (j.is_number_integer() || j.is_number_unsigned())
			out = j.dump();
		else
			return fail(path, "expected a string, a whole number or a boolean, found " +
						  type_name(j));
		return std::nullopt;
	}

	Err attrs(const json &obj, const std::string &path, Attributes &out) const
	{
		const auto it = obj.find("attributes");
		if (it == obj.end())
			return std::nullopt;
		const std::string apath = path + "/attributes";
		if (!it->is_object())
			return fail(apath, "expected an object, found " + type_name(*it));
		for (const auto &[key, value] : it->items()) {
			const std::string kpath = apath + "/" + escape_pointer(key);
			if (!value.is_array()) {
				std::string v;
				if (auto e = scalar(value, kpath, v))
					return e;
				out.add(key, std::move(v));
				continue;
			}
			for (std::size_t i = 0; i < value.size(); ++i) {
				std::string v;
				if (auto e = scalar(value[i], kpath + "/" + std::to_string(i), v))
					return e;
				out.add(key, std::move(v));
			}
		}
		return std::nullopt;
	}

	// Each element of the array obj[key] read by `one` into a new T.
	template <class T, class F>
	Err list(const json &obj, const std::string &path, const char *key,
		 std::vector<T> &out, F one) const
	{
		const auto it = obj.find(key);
		if (it == obj.end())
			return std::nullopt;
		const std::string lpath = path + "/" + key;
		if (!it->is_array())
			return fail(lpath, "expected an array, found " + type_name(*it));
		for (std::size_t i = 0; i < it->size(); ++i) {
			T item{};
			if (auto e = one((*it)[i], lpath + "/" + std::to_string(i), item))
				return e;
			out.push_back(std::move(item));
		}
		return std::nullopt;
	}

	// An array of names, e.g. "initiators": ["iqn...", ...].
	template <class T>
	Err names(const json &obj, const std::string &path, const char *key,
		  std::vector<T> &out) const
	{
		return list(obj, path, key, out,
			    [this](const json &j, const std::string &p, T &item) -> Err {
				    if (!j.is_string())
					    return fail(p, "expected a string, found " + type_name(j));
				    item.name = j.get<std::string>();
				    return std::nullopt;
			    });
	}

	// {"name": ..., "attributes": {...}} plus `more` members.
	template <class T>
	Err named(const json &j, const std::string &path, T &out,
		  std::initializer_list<std::string_view> members) const
	{
		if (auto e = object(j, path, members))
			return e;
		if (auto e = string(j, path, "name", out.name))
			return e;
		return attrs(j, path, out.attrs);
	}

	Err handler(const json &j, const std::string &path, Handler &h) const
	{
		if (auto e = named(j, path, h, {"name", "attributes", "devices"}))
			return e;
		return list(j, path, "devices", h.devices,
			    [this](const json &dj, const std::string &p, Device &d) {
				    return named(dj, p, d, {"name", "attributes"});
			    });
	}

	Err lun(const json &j, const std::string &path, Lun &l) const
	{
		if (auto e = object(j, path, {"lun", "device", "attributes"}))
			return e;
		const auto it = j.find("lun");
		if (it == j.end())
			return fail(path + "/lun", "missing");
		if (!it->is_number_unsigned() && !(it->is_number_integer() && *it >= 0))
			return fail(path + "/lun", "expected a LUN number, found " + it->dump());
		l.number = it->get<std::uint64_t>();
		if (auto e = string(j, path, "device", l.device))
			return e;
		return attrs(j, path, l.attrs);
	}

	Err luns(const json &j, const std::string &path, std::vector<Lun> &out) const
	{
		return list(j, path, "luns", out,
			    [this](const json &lj, const std::string &p, Lun &l) {
				    return lun(lj, p, l);
			    });
	}

	Err group(const json &j, const std::string &path, Group &g) const
	{
		if (auto e = named(j, path, g, {"name", "attributes", "luns", "initiators"}))
			return e;
		if (auto e = luns(j, path, g.luns))
			return e;
		return names(j, path, "initiators", g.initiators);
	}

	Err target(const json &j, const std::string &path, Target &t) const
	{
		if (auto e = named(j, path, t, {"name", "attributes", "luns", "groups"}))
			return e;
		if (auto e = luns(j, path, t.luns))
			return e;
		return list(j, path, "groups", t.groups,
			    [this](const json &gj, const std::string &p, Group &g) {
				    return group(gj, p, g);
			    });
	}

	Err driver(const json &j, const std::string &path, TargetDriver &d) const
	{
		if (auto e = named(j, path, d, {"name", "attributes", "targets"}))
			return e;
		return list(j, path, "targets", d.targets,
			    [this](const json &tj, const std::string &p, Target &t) {
				    return target(tj, p, t);
			    });
	}

	Err target_group(const json &j, const std::string &path, TargetGroup &tg) const
	{
		if (auto e = named(j, path, tg, {"name", "attributes", "targets"}))
			return e;
		return list(j, path, "targets", tg.targets,
			    [this](const json &mj, const std::string &p, TargetGroupMember &m) {
				    return named(mj, p, m, {"name", "attributes"});
			    });
	}

	Err device_group(const json &j, const std::string &path, DeviceGroup &dg) const
	{
		if (auto e = named(j, path, dg, {"name", "attributes", "devices", "target_groups"}))
			return e;
		if (auto e = names(j, path, "devices", dg.devices))
			return e;
		return list(j, path, "target_groups", dg.target_groups,
			    [this](const json &tj, const std::string &p, TargetGroup &tg) {
				    return target_group(tj, p, tg);
			    });
	}

	std::string file_;
};

// 1-based line and column of byte offset `pos` in `text`.
std::pair<int, int> line_column(std::string_view text, std::size_t pos)
{
	pos = std::min(pos, text.size());
	int line = 1;
	std::size_t line_start = 0;
	for (std::size_t i = 0; i < pos; ++i)
		if (text[i] == '\n') {
			++line;
			line_start = i + 1;
		}
	return {line, static_cast<int>(pos - line_start) + 1};
}

}  // namespace

std::string to_json(const Config &config, int indent)
{
	json j = json::object();
	put(j, "attributes", attrs_json(config.attrs));
	put(j, "handlers", handlers_json(config.handlers));
	put(j, "target_drivers", drivers_json(config.drivers));
	put(j, "device_groups", device_groups_json(config.device_groups));
	return j.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Config> from_json(std::string_view text, const std::string &file)
{
	json root;
	try {
		root = json::parse(text.begin(), text.end());
	} catch (const json::parse_error &e) {
		// e.byte is 1-based: the byte the parser stopped at.
		auto [line, column] = line_column(text, e.byte ? e.byte - 1 : 0);
		std::string what = e.what();
		const auto colon = what.find("; ");
		return Error{file, line, column, "",
			     "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2))};
	} catch (const std::exception &e) {
		return Error{file, 0, 0, "", std::string("invalid JSON: ") + e.what()};
	}
	try {
		return JsonReader(file).read(root);
	} catch (const std::exception &e) {
		// The reader checks types before each access; this is a safety net.
		return Error{file, 0, 0, "", std::string("cannot read the JSON: ") + e.what()};
	}
}

Result<Config> from_json_file(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return Error{path, 0, 0, "", std::string("cannot open: ") + std::strerror(errno)};
	std::ostringstream text;
	text << in.rdbuf();
	if (in.bad())
		return Error{path, 0, 0, "", "read error"};
	return from_json(text.str(), path);
}

}  // namespace scstconf
