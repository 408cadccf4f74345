// Primitive configuration operations: what the differ produces and what
// scstadmin applies, one sysfs mgmt write (or a few) each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scstconf/model.hpp"
#include "scstconf/policy.hpp"
#include "scstconf/result.hpp"

namespace scstconf {

enum class OpKind {
	SetAttr,       // write an attribute file (or reset it to its default)
	AddAttrValue,  // one value of a multi-valued attribute
	DelAttrValue,
	AddDevice,     // handlers/<h>/mgmt add_device
	DelDevice,
	AddTarget,     // targets/<drv>/mgmt add_target
	DelTarget,
	AddLun,        // .../luns/mgmt add
	DelLun,
	ReplaceLun,
	CreateGroup,   // .../ini_groups/mgmt create
	DelGroup,
	AddInitiator,  // .../initiators/mgmt add
	DelInitiator,
	MoveInitiator,
	CreateDeviceGroup,  // device_groups/mgmt create
	DelDeviceGroup,
	AddDeviceGroupDevice,
	DelDeviceGroupDevice,
	CreateTargetGroup,
	DelTargetGroup,
	AddTargetGroupMember,
	DelTargetGroupMember,
};

std::string_view op_kind_name(OpKind k);

// The names of the object an operation acts on; those that do not apply
// are empty. For LUN operations an empty group is the target's default
// group (targets/<drv>/<tgt>/luns).
struct ObjectPath {
	std::string handler = {};
	std::string device = {};
	std::string driver = {};
	std::string target = {};
	std::string group = {};
	std::string device_group = {};
	std::string target_group = {};
	std::string member = {};

	bool operator==(const ObjectPath &) const = default;
};

// The attributes of an object being created (or deleted, so that the
// inverse re-creates it), split by how they reach the kernel.
struct ObjectAttrs {
	Attributes params;    // CreateOnly: on the add_device/add_target line
	Attributes settable;  // Settable: written to their files right after
	Attributes multi;     // MultiValue: one add_*attribute each

	Attributes all() const;
	bool operator==(const ObjectAttrs &) const = default;
};

struct Op {
	OpKind kind = OpKind::SetAttr;
	// Whose attribute, for SetAttr, AddAttrValue and DelAttrValue.
	Scope scope = Scope::Scst;
	ObjectPath at;

	// Attribute operations. SetAttr: `value` nullopt means back to the
	// default, written as `reset_value` (nothing is written when that is
	// unknown). `old_value` is what it replaces, for the inverse.
	std::string key;
	std::optional<std::string> value;
	std::optional<std::string> old_value;
	std::optional<std::string> reset_value;

	// Add/Del/Create operations on objects that carry attributes.
	ObjectAttrs attrs;

	// LUN operations; ReplaceLun also has the old device and parameters.
	std::uint64_t lun = 0;
	std::string lun_device, old_lun_device;
	Attributes lun_params, old_lun_params;

	// Initiator operations; MoveInitiator moves from at.group to to_group.
	std::string initiator;
	std::string to_group;

	bool operator==(const Op &) const = default;
};

// The operation that undoes `op` on the state `op` was applied to.
Op inverse(const Op &op);
// The operations that undo `ops`: each one's inverse, last first.
std::vector<Op> inverse(const std::vector<Op> &ops);

// Applies `op` to a model of the running state, with the kernel's checks
// and stricter ones that keep every operation invertible: a device is
// deleted only once no LUN nor device group uses it, a target once it is
// disabled and has no LUN nor group left, a group once it is empty, etc.
// `config` is unchanged when an error is returned.
Result<void> apply_to_model(Config &config, const Op &op);
Result<void> apply_to_model(Config &config, const std::vector<Op> &ops);

// The values `op` would send that are out of their attribute's known
// range (numeric_range()): an error naming the object, the attribute, the
// value and the range, so that nothing is sent.
Result<void> check_values(const Op &op);

// One line for people, e.g. "add LUN 0 (disk01) to target iscsi/tgt1".
std::string describe(const Op &op);
// The object whose attributes `scope` and `at` name, e.g.
// "group hosts_a of target iscsi/tgt1".
std::string describe_object(Scope scope, const ObjectPath &at);

// A write of `text` to the file `path`.
struct SysfsWrite {
	std::string path;
	std::string text;

	bool operator==(const SysfsWrite &) const = default;
};

inline constexpr std::string_view kSysfsRoot = "/sys/kernel/scst_tgt";

// The sysfs writes that carry out `op`, in order (README.md's mgmt
// syntax). Empty for a reset to an unknown default.
std::vector<SysfsWrite> to_sysfs(const Op &op, std::string_view root = kSysfsRoot);

}  // namespace scstconf
