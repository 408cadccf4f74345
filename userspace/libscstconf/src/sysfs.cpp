// Op -> the writes to /sys/kernel/scst_tgt that carry it out.
#include "scstconf/ops.hpp"

namespace scstconf {

namespace {

class SysfsRenderer {
public:
	SysfsRenderer(const Op &op, std::string_view root) : op_(op), p_(op.at), root_(root) {}

	std::vector<SysfsWrite> run()
	{
		switch (op_.kind) {
		case OpKind::SetAttr:
			set_attr();
			break;
		case OpKind::AddAttrValue:
		case OpKind::DelAttrValue:
			attr_value(op_.kind == OpKind::AddAttrValue);
			break;
		case OpKind::AddDevice:
			mgmt(handler(), "add_device " + p_.device + params(op_.attrs.params, " "));
			object_attrs(Scope::Device, device());
			break;
		case OpKind::DelDevice:
			mgmt(handler(), "del_device " + p_.device);
			break;
		case OpKind::AddTarget:
			mgmt(driver(), "add_target " + p_.target + params(op_.attrs.params, " "));
			object_attrs(Scope::Target, target());
			break;
		case OpKind::DelTarget:
			mgmt(driver(), "del_target " + p_.target);
			break;
		default:
			run_groups();
		}
		return std::move(writes_);
	}

private:
	void run_groups()
	{
		const std::string lun = std::to_string(op_.lun);
		switch (op_.kind) {
		case OpKind::AddLun:
			mgmt(luns(), "add " + op_.lun_device + " " + lun + params(op_.lun_params, " "));
			break;
		case OpKind::DelLun:
			mgmt(luns(), "del " + lun);
			break;
		case OpKind::ReplaceLun:
			mgmt(luns(), "replace " + op_.lun_device + " " + lun + params(op_.lun_params, " "));
			break;
		case OpKind::CreateGroup:
			mgmt(target() + "/ini_groups", "create " + p_.group);
			object_attrs(Scope::Group, group());
			break;
		case OpKind::DelGroup:
			mgmt(target() + "/ini_groups", "del " + p_.group);
			break;
		case OpKind::AddInitiator:
			mgmt(group() + "/initiators", "add " + op_.initiator);
			break;
		case OpKind::DelInitiator:
			mgmt(group() + "/initiators", "del " + op_.initiator);
			break;
		case OpKind::MoveInitiator:
			mgmt(group() + "/initiators", "move " + op_.initiator + " " + op_.to_group);
			break;
		default:
			run_alua();
		}
	}

	void run_alua()
	{
		switch (op_.kind) {
		case OpKind::CreateDeviceGroup:
			mgmt(root_ + "/device_groups", "create " + p_.device_group);
			object_attrs(Scope::DeviceGroup, device_group());
			break;
		case OpKind::DelDeviceGroup:
			mgmt(root_ + "/device_groups", "del " + p_.device_group);
			break;
		case OpKind::AddDeviceGroupDevice:
			mgmt(device_group() + "/devices", "add " + p_.device);
			break;
		case OpKind::DelDeviceGroupDevice:
			mgmt(device_group() + "/devices", "del " + p_.device);
			break;
		case OpKind::CreateTargetGroup:
			mgmt(device_group() + "/target_groups", "add " + p_.target_group);
			object_attrs(Scope::TargetGroup, target_group());
			break;
		case OpKind::DelTargetGroup:
			mgmt(device_group() + "/target_groups", "del " + p_.target_group);
			break;
		case OpKind::AddTargetGroupMember:
			mgmt(target_group(), "add " + p_.member);
			object_attrs(Scope::TargetGroupMember, member());
			break;
		case OpKind::DelTargetGroupMember:
			mgmt(target_group(), "del " + p_.member);
			break;
		default:
			break;
		}
	}

	// " k=v; k2=v2" (the kernel splits at ';' and trims), or "".
	static std::string params(const Attributes &a, std::string_view lead)
	{
		std::string s;
		for (const auto &attr : a)
			s += (s.empty() ? std::string(lead) : std::string("; ")) + attr.key + "=" + attr.value;
		return s;
	}

	std::string handler() const { return root_ + "/handlers/" + p_.handler; }
	std::string device() const { return root_ + "/devices/" + p_.device; }
	std::string driver() const { return root_ + "/targets/" + p_.driver; }
	std::string target() const { return driver() + "/" + p_.target; }
	std::string group() const { return target() + "/ini_groups/" + p_.group; }
	std::string luns() const { return (p_.group.empty() ? target() : group()) + "/luns"; }
	std::string device_group() const { return root_ + "/device_groups/" + p_.device_group; }
	std::string target_group() const
	{
		return device_group() + "/target_groups/" + p_.target_group;
	}
	std::string member() const { return target_group() + "/" + p_.member; }

	// The directory holding the attribute files of an object of `scope`.
	std::string object_dir(Scope scope) const
	{
		switch (scope) {
		case Scope::Scst: return root_;
		case Scope::Handler: return handler();
		case Scope::Device: return device();
		case Scope::Driver: return driver();
		case Scope::Target: return target();
		case Scope::Group: return group();
		case Scope::DeviceGroup: return device_group();
		case Scope::TargetGroup: return target_group();
		case Scope::TargetGroupMember: return member();
		case Scope::Lun: return luns();
		}
		return root_;
	}

	void write(std::string path, std::string text)
	{
		writes_.push_back({std::move(path), std::move(text)});
	}

	void mgmt(const std::string &dir, std::string text) { write(dir + "/mgmt", std::move(text)); }

	void set_attr()
	{
		const auto &v = op_.value ? op_.value : op_.reset_value;
		if (v)
			write(object_dir(op_.scope) + "/" + op_.key, *v);
	}

	// SCST's dynamic attributes: the parent's mgmt file names the object.
	void attr_value(bool add, std::string_view key, std::string_view value)
	{
		const std::string verb = add ? "add_" : "del_";
		const std::string kv = std::string(key) + " " + std::string(value);
		switch (op_.scope) {
		case Scope::Target:
			mgmt(driver(), verb + "target_attribute " + p_.target + " " + kv);
			break;
		case Scope::Device:
			mgmt(handler(), verb + "device_attribute " + p_.device + " " + kv);
			break;
		default:
			mgmt(object_dir(op_.scope), verb + "attribute " + kv);
		}
	}

	void attr_value(bool add) { attr_value(add, op_.key, op_.value.value_or("")); }

	// After creating an object: its settable attributes, then the values of
	// its multi-valued ones.
	void object_attrs(Scope scope, const std::string &dir)
	{
		for (const auto &a : op_.attrs.settable)
			write(dir + "/" + a.key, a.value);
		// The group-like objects take no parameters: write those too.
		if (scope != Scope::Device && scope != Scope::Target)
			for (const auto &a : op_.attrs.params)
				write(dir + "/" + a.key, a.value);
		Op value_op = op_;
		value_op.scope = scope;
		SysfsRenderer values(value_op, root_);
		for (const auto &a : op_.attrs.multi)
			values.attr_value(true, a.key, a.value);
		for (auto &w : values.writes_)
			writes_.push_back(std::move(w));
	}

	const Op &op_;
	const ObjectPath &p_;
	std::string root_;
	std::vector<SysfsWrite> writes_;
};

}  // namespace

std::vector<SysfsWrite> to_sysfs(const Op &op, std::string_view root)
{
	return SysfsRenderer(op, root).run();
}

}  // namespace scstconf
