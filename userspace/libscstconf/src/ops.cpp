// Op basics: names, inverses and the human-readable description.
#include "scstconf/ops.hpp"

#include <utility>

#include "syntax.hpp"

namespace scstconf {

std::string_view op_kind_name(OpKind k)
{
	switch (k) {
	case OpKind::SetAttr: return "set_attr";
	case OpKind::AddAttrValue: return "add_attr_value";
	case OpKind::DelAttrValue: return "del_attr_value";
	case OpKind::AddDevice: return "add_device";
	case OpKind::DelDevice: return "del_device";
	case OpKind::AddTarget: return "add_target";
	case OpKind::DelTarget: return "del_target";
	case OpKind::AddLun: return "add_lun";
	case OpKind::DelLun: return "del_lun";
	case OpKind::ReplaceLun: return "replace_lun";
	case OpKind::CreateGroup: return "create_group";
	case OpKind::DelGroup: return "del_group";
	case OpKind::AddInitiator: return "add_initiator";
	case OpKind::DelInitiator: return "del_initiator";
	case OpKind::MoveInitiator: return "move_initiator";
	case OpKind::CreateDeviceGroup: return "create_device_group";
	case OpKind::DelDeviceGroup: return "del_device_group";
	case OpKind::AddDeviceGroupDevice: return "add_device_group_device";
	case OpKind::DelDeviceGroupDevice: return "del_device_group_device";
	case OpKind::CreateTargetGroup: return "create_target_group";
	case OpKind::DelTargetGroup: return "del_target_group";
	case OpKind::AddTargetGroupMember: return "add_target_group_member";
	case OpKind::DelTargetGroupMember: return "del_target_group_member";
	}
	return "?";
}

Attributes ObjectAttrs::all() const
{
	Attributes a = params;
	for (const auto *part : {&settable, &multi})
		for (const auto &attr : *part)
			a.add(attr.key, attr.value, attr.pos);
	return a;
}

namespace {

// The kind that undoes `k` for the add/del pairs.
OpKind opposite(OpKind k)
{
	static constexpr std::pair<OpKind, OpKind> kPairs[] = {
		{OpKind::AddAttrValue, OpKind::DelAttrValue},
		{OpKind::AddDevice, OpKind::DelDevice},
		{OpKind::AddTarget, OpKind::DelTarget},
		{OpKind::AddLun, OpKind::DelLun},
		{OpKind::CreateGroup, OpKind::DelGroup},
		{OpKind::AddInitiator, OpKind::DelInitiator},
		{OpKind::CreateDeviceGroup, OpKind::DelDeviceGroup},
		{OpKind::AddDeviceGroupDevice, OpKind::DelDeviceGroupDevice},
		{OpKind::CreateTargetGroup, OpKind::DelTargetGroup},
		{OpKind::AddTargetGroupMember, OpKind::DelTargetGroupMember},
	};
	for (auto [a, b] : kPairs) {
		if (k == a)
			return b;
		if (k == b)
			return a;
	}
	return k;
}

}  // namespace

Op inverse(const Op &op)
{
	Op inv = op;
	switch (op.kind) {
	case OpKind::SetAttr:
		std::swap(inv.value, inv.old_value);
		break;
	case OpKind::ReplaceLun:
		std::swap(inv.lun_device, inv.old_lun_device);
		std::swap(inv.lun_params, inv.old_lun_params);
		break;
	case OpKind::MoveInitiator:
		std::swap(inv.at.group, inv.to_group);
		break;
	default:
		inv.kind = opposite(op.kind);
	}
	return inv;
}

std::vector<Op> inverse(const std::vector<Op> &ops)
{
	std::vector<Op> inv;
	inv.reserve(ops.size());
	for (auto it = ops.rbegin(); it != ops.rend(); ++it)
		inv.push_back(inverse(*it));
	return inv;
}

// ---- describe ----

namespace {

using syntax::quote;

std::string target_name(const ObjectPath &p)
{
	return quote(p.driver) + "/" + quote(p.target);
}

}  // namespace

std::string describe_object(Scope scope, const ObjectPath &p)
{
	switch (scope) {
	case Scope::Scst:
		return "SCST";
	case Scope::Handler:
		return "handler " + quote(p.handler);
	case Scope::Device:
		return "device " + quote(p.device);
	case Scope::Driver:
		return "target driver " + quote(p.driver);
	case Scope::Target:
		return "target " + target_name(p);
	case Scope::Group:
		return "group " + quote(p.group) + " of target " + target_name(p);
	case Scope::Lun:
		return "LUN";
	case Scope::DeviceGroup:
		return "device group " + quote(p.device_group);
	case Scope::TargetGroup:
		return "target group " + quote(p.device_group) + "/" + quote(p.target_group);
	case Scope::TargetGroupMember:
		return "target " + quote(p.member) + " of target group " + quote(p.device_group) +
		       "/" + quote(p.target_group);
	}
	return "?";
}

namespace {

std::string attr_list(const Attributes &a)
{
	if (a.empty())
		return "";
	std::string s = " (";
	bool first = true;
	for (const auto &attr : a) {
		s += (first ? "" : ", ") + quote(attr.key) + "=" + quote(attr.value);
		first = false;
	}
	return s + ")";
}

std::string luns_of(const ObjectPath &p)
{
	if (p.group.empty())
		return "target " + target_name(p);
	return "group " + quote(p.group) + " of target " + target_name(p);
}

std::string describe_set(const Op &op)
{
	const std::string obj = describe_object(op.scope, op.at);
	const std::string was = op.old_value ? " (was " + quote(*op.old_value) + ")" : "";
	if (op.value)
		return "set " + op.key + " of " + obj + " to " + quote(*op.value) + was;
	if (op.reset_value)
		return "reset " + op.key + " of " + obj + " to " + quote(*op.reset_value) + was;
	return "drop " + op.key + " of " + obj + was + " (default unknown: nothing is written)";
}

}  // namespace

std::string describe(const Op &op)
{
	const ObjectPath &p = op.at;
	switch (op.kind) {
	case OpKind::SetAttr:
		return describe_set(op);
	case OpKind::AddAttrValue:
		return "add " + op.key + " " + quote(op.value.value_or("")) + " to " +
		       describe_object(op.scope, p);
	case OpKind::DelAttrValue:
		return "remove " + op.key + " " + quote(op.value.value_or("")) + " from " +
		       describe_object(op.scope, p);
	case OpKind::AddDevice:
		return "add device " + quote(p.device) + " to handler " + quote(p.handler) +
		       attr_list(op.attrs.all());
	case OpKind::DelDevice:
		return "delete device " + quote(p.device) + " of handler " + quote(p.handler);
	case OpKind::AddTarget:
		return "add target " + target_name(p) + attr_list(op.attrs.all());
	case OpKind::DelTarget:
		return "delete target " + target_name(p);
	case OpKind::AddLun:
		return "add LUN " + std::to_string(op.lun) + " (" + quote(op.lun_device) + ")" +
		       attr_list(op.lun_params) + " to " + luns_of(p);
	case OpKind::DelLun:
		return "delete LUN " + std::to_string(op.lun) + " (" + quote(op.lun_device) +
		       ") of " + luns_of(p);
	case OpKind::ReplaceLun:
		return "replace LUN " + std::to_string(op.lun) + " of " + luns_of(p) + ": " +
		       quote(op.old_lun_device) + attr_list(op.old_lun_params) + " -> " +
		       quote(op.lun_device) + attr_list(op.lun_params);
	case OpKind::CreateGroup:
		return "create group " + quote(p.group) + " in target " + target_name(p) +
		       attr_list(op.attrs.all());
	case OpKind::DelGroup:
		return "delete group " + quote(p.group) + " of target " + target_name(p);
	case OpKind::AddInitiator:
		return "add initiator " + quote(op.initiator) + " to " + luns_of(p);
	case OpKind::DelInitiator:
		return "remove initiator " + quote(op.initiator) + " from " + luns_of(p);
	case OpKind::MoveInitiator:
		return "move initiator " + quote(op.initiator) + " of target " + target_name(p) +
		       " from group " + quote(p.group) + " to group " + quote(op.to_group);
	case OpKind::CreateDeviceGroup:
		return "create device group " + quote(p.device_group) + attr_list(op.attrs.all());
	case OpKind::DelDeviceGroup:
		return "delete device group " + quote(p.device_group);
	case OpKind::AddDeviceGroupDevice:
		return "add device " + quote(p.device) + " to device group " + quote(p.device_group);
	case OpKind::DelDeviceGroupDevice:
		return "remove device " + quote(p.device) + " from device group " +
		       quote(p.device_group);
	case OpKind::CreateTargetGroup:
		return "create target group " + quote(p.device_group) + "/" + quote(p.target_group) +
		       attr_list(op.attrs.all());
	case OpKind::DelTargetGroup:
		return "delete target group " + quote(p.device_group) + "/" + quote(p.target_group);
	case OpKind::AddTargetGroupMember:
		return "add target " + quote(p.member) + " to target group " + quote(p.device_group) +
		       "/" + quote(p.target_group) + attr_list(op.attrs.all());
	case OpKind::DelTargetGroupMember:
		return "remove target " + quote(p.member) + " from target group " +
		       quote(p.device_group) + "/" + quote(p.target_group);
	}
	return "?";
}

}  // namespace scstconf
