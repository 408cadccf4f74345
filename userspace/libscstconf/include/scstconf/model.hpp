// The configuration model: what scst.conf and its JSON form describe.
//
//   Config: SCST core attributes
//     handlers: Handler (attributes) -> Device (name, attributes)
//     drivers:  TargetDriver (attributes) -> Target (attributes)
//                 -> Lun (number, device, attributes)      default group
//                 -> Group (attributes) -> Lun, Initiator  ini_groups
//     device_groups: DeviceGroup (attributes) -> DeviceRef
//                 -> TargetGroup (attributes) -> TargetGroupMember (attributes)
//
// Lists keep the order they were read in; normalize() sorts them. Every
// element remembers where it was read (SourcePos) for error messages, but
// positions never take part in comparisons.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scstconf {

// Where an element was read: 1-based line and column, 0 when unknown.
struct SourcePos {
	int line = 0;
	int column = 0;

	// Metadata, not content: two configs that differ only in layout are
	// equal.
	friend bool operator==(const SourcePos &, const SourcePos &) { return true; }
};

struct Attr {
	std::string key;
	std::string value;
	SourcePos pos;

	bool operator==(const Attr &) const = default;
};

// A multimap of attributes that keeps the order it was given: a key may
// occur several times (IncomingUser "joe secret" / IncomingUser "fred
// secret2"). Order carries no meaning in SCST, so two sets of attributes are
// equal when they hold the same (key, value) pairs, in any order.
class Attributes {
public:
	using const_iterator = std::vector<Attr>::const_iterator;

	Attributes() = default;
	Attributes(std::initializer_list<std::pair<std::string, std::string>> kv);

	// Appends, keeping other values of the key.
	void add(std::string key, std::string value, SourcePos pos = {});
	// Replaces every value of the key with one value (appends when absent).
	void set(std::string_view key, std::string value);
	// Removes every value of the key; how many there were.
	std::size_t erase(std::string_view key);
	// Removes the first occurrence of this key and value.
	bool erase_value(std::string_view key, std::string_view value);

	const Attr *find(std::string_view key) const;
	bool contains(std::string_view key) const { return find(key) != nullptr; }
	std::optional<std::string> get(std::string_view key) const;
	std::vector<std::string> values(std::string_view key) const;
	// The distinct keys, in the order they first appear.
	std::vector<std::string> keys() const;

	bool empty() const { return items_.empty(); }
	std::size_t size() const { return items_.size(); }
	const_iterator begin() const { return items_.begin(); }
	const_iterator end() const { return items_.end(); }

	// Sorts by key, then value: the canonical order.
	void sort();

	friend bool operator==(const Attributes &a, const Attributes &b);

private:
	std::vector<Attr> items_;
};

struct Device {
	std::string name;
	Attributes attrs;
	SourcePos pos;

	bool operator==(const Device &) const = default;
};

struct Handler {
	std::string name;
	Attributes attrs;
	std::vector<Device> devices;
	SourcePos pos;

	bool operator==(const Handler &) const = default;
};

struct Lun {
	std::uint64_t number = 0;
	std::string device;
	Attributes attrs;
	SourcePos pos;

	bool operator==(const Lun &) const = default;
};

struct Initiator {
	std::string name;  // a name or a pattern with *, ? and !
	SourcePos pos;

	bool operator==(const Initiator &) const = default;
};

// An initiator group (ini_groups/<name>): LUN masking.
struct Group {
	std::string name;
	Attributes attrs;
	std::vector<Lun> luns;
	std::vector<Initiator> initiators;
	SourcePos pos;

	bool operator==(const Group &) const = default;
};

struct Target {
	std::string name;
	Attributes attrs;
	std::vector<Lun> luns;  // the default group
	std::vector<Group> groups;
	SourcePos pos;

	bool operator==(const Target &) const = default;
};

struct TargetDriver {
	std::string name;
	Attributes attrs;
	std::vector<Target> targets;
	SourcePos pos;

	bool operator==(const TargetDriver &) const = default;
};

// DEVICE inside DEVICE_GROUP: a reference to a device defined in a HANDLER.
struct DeviceRef {
	std::string name;
	SourcePos pos;

	bool operator==(const DeviceRef &) const = default;
};

// TARGET inside TARGET_GROUP: a local or remote (cluster) target port.
struct TargetGroupMember {
	std::string name;
	Attributes attrs;  // rel_tgt_id
	SourcePos pos;

	bool operator==(const TargetGroupMember &) const = default;
};

// An ALUA target port group.
struct TargetGroup {
	std::string name;
	Attributes attrs;  // group_id, state, preferred
	std::vector<TargetGroupMember> targets;
	SourcePos pos;

	bool operator==(const TargetGroup &) const = default;
};

// Devices sharing ALUA settings.
struct DeviceGroup {
	std::string name;
	Attributes attrs;
	std::vector<DeviceRef> devices;
	std::vector<TargetGroup> target_groups;
	SourcePos pos;

	bool operator==(const DeviceGroup &) const = default;
};

struct Config {
	Attributes attrs;  // SCST core attributes (setup_id, ...)
	std::vector<Handler> handlers;
	std::vector<TargetDriver> drivers;
	std::vector<DeviceGroup> device_groups;
	// The file it was read from, for error messages; not compared.
	std::string source;

	friend bool operator==(const Config &a, const Config &b);
};

// The element named `name`, or nullptr.
template <class T>
T *find_named(std::vector<T> &v, std::string_view name)
{
	for (auto &e : v)
		if (e.name == name)
			return &e;
	return nullptr;
}

template <class T>
const T *find_named(const std::vector<T> &v, std::string_view name)
{
	for (const auto &e : v)
		if (e.name == name)
			return &e;
	return nullptr;
}

Lun *find_lun(std::vector<Lun> &luns, std::uint64_t number);
const Lun *find_lun(const std::vector<Lun> &luns, std::uint64_t number);

// A device anywhere in the config, with its handler.
struct DeviceAt {
	const Handler *handler = nullptr;
	const Device *device = nullptr;
	explicit operator bool() const { return device != nullptr; }
};
DeviceAt find_device(const Config &c, std::string_view name);

// The canonical form: every list sorted (by name, LUNs by number,
// attributes by key and value) and handlers and target drivers that have neither
// attributes nor children dropped, since they say nothing.
Config normalize(Config c);

}  // namespace scstconf
