#include "scstconf/model.hpp"

#include <algorithm>
#include <tuple>

namespace scstconf {

Attributes::Attributes(
	std::initializer_list<std::pair<std::string, std::string>> kv)
{
	for (const auto &[k, v] : kv)
		add(k, v);
}

void Attributes::add(std::string key, std::string value, SourcePos pos)
{
	items_.push_back({std::move(key), std::move(value), pos});
}

void Attributes::set(std::string_view key, std::string value)
{
	auto first = std::find_if(items_.begin(), items_.end(),
				  [&](const Attr &a) { return a.key == key; });
	if (first == items_.end()) {
		add(std::string(key), std::move(value));
		return;
	}
	first->value = std::move(value);
	items_.erase(std::remove_if(first + 1, items_.end(),
				    [&](const Attr &a) { return a.key == key; }),
		     items_.end());
}

std::size_t Attributes::erase(std::string_view key)
{
	return std::erase_if(items_, [&](const Attr &a) { return a.key == key; });
}

bool Attributes::erase_value(std::string_view key, std::string_view value)
{
	auto it = std::find_if(items_.begin(), items_.end(), [&](const Attr &a) {
		return a.key == key && a.value == value;
	});
	if (it == items_.end())
		return false;
	items_.erase(it);
	return true;
}

const Attr *Attributes::find(std::string_view key) const
{
	for (const auto &a : items_)
		if (a.key == key)
			return &a;
	return nullptr;
}

std::optional<std::string> Attributes::get(std::string_view key) const
{
	const Attr *a = find(key);
	if (!a)
		return std::nullopt;
	return a->value;
}

std::vector<std::string> Attributes::values(std::string_view key) const
{
	std::vector<std::string> v;
	for (const auto &a : items_)
		if (a.key == key)
			v.push_back(a.value);
	return v;
}

std::vector<std::string> Attributes::keys() const
{
	std::vector<std::string> k;
	for (const auto &a : items_)
		if (std::find(k.begin(), k.end(), a.key) == k.end())
			k.push_back(a.key);
	return k;
}

void Attributes::sort()
{
	std::stable_sort(items_.begin(), items_.end(), [](const Attr &a, const Attr &b) {
		return std::tie(a.key, a.value) < std::tie(b.key, b.value);
	});
}

bool operator==(const Attributes &a, const Attributes &b)
{
	if (a.size() != b.size())
		return false;
	Attributes sa = a, sb = b;
	sa.sort();
	sb.sort();
	return sa.items_ == sb.items_;
}

bool operator==(const Config &a, const Config &b)
{
	return a.attrs == b.attrs && a.handlers == b.handlers &&
	       a.drivers == b.drivers && a.device_groups == b.device_groups;
}

Lun *find_lun(std::vector<Lun> &luns, std::uint64_t number)
{
	for (auto &l : luns)
		if (l.number == number)
			return &l;
	return nullptr;
}

const Lun *find_lun(const std::vector<Lun> &luns, std::uint64_t number)
{
	for (const auto &l : luns)
		if (l.number == number)
			return &l;
	return nullptr;
}

DeviceAt find_device(const Config &c, std::string_view name)
{
	for (const auto &h : c.handlers)
		if (const Device *d = find_named(h.devices, name))
			return {&h, d};
	return {};
}

namespace {

template <class T>
void sort_by_name(std::vector<T> &v)
{
	std::stable_sort(v.begin(), v.end(),
			 [](const T &a, const T &b) { return a.name < b.name; });
}

void normalize_luns(std::vector<Lun> &luns)
{
	for (auto &l : luns)
		l.attrs.sort();
	std::stable_sort(luns.begin(), luns.end(),
			 [](const Lun &a, const Lun &b) { return a.number < b.number; });
}

void normalize_target(Target &t)
{
	t.attrs.sort();
	normalize_luns(t.luns);
	for (auto &g : t.groups) {
		g.attrs.sort();
		normalize_luns(g.luns);
		sort_by_name(g.initiators);
	}
	sort_by_name(t.groups);
}

void normalize_device_group(DeviceGroup &dg)
{
	dg.attrs.sort();
	sort_by_name(dg.devices);
	for (auto &tg : dg.target_groups) {
		tg.attrs.sort();
		for (auto &m : tg.targets)
			m.attrs.sort();
		sort_by_name(tg.targets);
	}
	sort_by_name(dg.target_groups);
}

}  // namespace

Config normalize(Config c)
{
	c.attrs.sort();
	std::erase_if(c.handlers, [](const Handler &h) {
		return h.attrs.empty() && h.devices.empty();
	});
	for (auto &h : c.handlers) {
		h.attrs.sort();
		for (auto &d : h.devices)
			d.attrs.sort();
		sort_by_name(h.devices);
	}
	sort_by_name(c.handlers);
	std::erase_if(c.drivers, [](const TargetDriver &d) {
		return d.attrs.empty() && d.targets.empty();
	});
	for (auto &d : c.drivers) {
		d.attrs.sort();
		for (auto &t : d.targets)
			normalize_target(t);
		sort_by_name(d.targets);
	}
	sort_by_name(c.drivers);
	for (auto &dg : c.device_groups)
		normalize_device_group(dg);
	sort_by_name(c.device_groups);
	return c;
}

}  // namespace scstconf
