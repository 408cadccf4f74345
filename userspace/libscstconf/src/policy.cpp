#include "scstconf/policy.hpp"

namespace scstconf {

std::string_view scope_name(Scope s)
{
	switch (s) {
	case Scope::Scst:
		return "SCST";
	case Scope::Handler:
		return "HANDLER";
	case Scope::Device:
		return "DEVICE";
	case Scope::Driver:
		return "TARGET_DRIVER";
	case Scope::Target:
		return "TARGET";
	case Scope::Group:
		return "GROUP";
	case Scope::Lun:
		return "LUN";
	case Scope::DeviceGroup:
		return "DEVICE_GROUP";
	case Scope::TargetGroup:
		return "TARGET_GROUP";
	case Scope::TargetGroupMember:
		return "TARGET";
	}
	return "?";
}

AttrRule AttrPolicy::rule(Scope scope, std::string_view owner, std::string_view key) const
{
	auto it = rules_.find(std::make_tuple(scope, std::string(owner), std::string(key)));
	if (it == rules_.end())
		it = rules_.find(std::make_tuple(scope, std::string(), std::string(key)));
	if (it != rules_.end())
		return it->second;
	switch (scope) {
	case Scope::Device:
	case Scope::Target:
	case Scope::Lun:
		return {AttrKind::CreateOnly, std::nullopt, false};
	default:
		return {AttrKind::Settable, std::nullopt, false};
	}
}

void AttrPolicy::set(Scope scope, std::string owner, std::string key, AttrRule rule)
{
	if (rule.kind == AttrKind::MultiValue)
		rule.multiple = true;
	rules_[std::make_tuple(scope, std::move(owner), std::move(key))] = std::move(rule);
}

AttrPolicy AttrPolicy::defaults()
{
	const AttrRule settable_bool{AttrKind::Settable, "0", false};
	const AttrRule settable{AttrKind::Settable, std::nullopt, false};
	const AttrRule multi{AttrKind::MultiValue, std::nullopt, true};
	AttrPolicy p;

	// Targets (scst_sysfs.c): "enabled" is written last when enabling and
	// first when disabling; rel_tgt_id cannot be written back to 0.
	p.set(Scope::Target, "", "enabled", settable_bool);
	p.set(Scope::Target, "", "rel_tgt_id", settable);
	p.set(Scope::Driver, "", "enabled", settable_bool);

	// scst_local: add_target TARGET session_name=A;session_name=B
	p.set(Scope::Target, "scst_local", "session_name",
	      {AttrKind::CreateOnly, std::nullopt, true});

	// iSCSI (SCST's iscsi-scst): CHAP users and portals are dynamic
	// attributes; the negotiation keys are files.
	for (const char *key : {"IncomingUser", "OutgoingUser", "allowed_portal"}) {
		p.set(Scope::Driver, "iscsi", key, multi);
		p.set(Scope::Target, "iscsi", key, multi);
	}
	p.set(Scope::Target, "iscsi", "HeaderDigest", {AttrKind::Settable, "None", false});
	p.set(Scope::Target, "iscsi", "DataDigest", {AttrKind::Settable, "None", false});
	for (const char *key :
	     {"InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength",
	      "MaxXmitDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
	      "MaxOutstandingR2T", "QueuedCommands", "RspTimeout", "NopInInterval",
	      "NopInTimeout", "per_portal_acl", "redirect"})
		p.set(Scope::Target, "iscsi", key, settable);

	// Global settings (SCST_CMD_GLOBAL_SET) and their defaults.
	p.set(Scope::Scst, "", "sgv_max_cached_mb", {AttrKind::Settable, "64", false});
	p.set(Scope::Scst, "", "sgv_max_mb", {AttrKind::Settable, "0", false});
	p.set(Scope::Scst, "", "sgv_idle_secs", {AttrKind::Settable, "60", false});

	// The core's saved mode parameters: written after the device is
	// created, "default" when dropped from the config.
	p.set(Scope::Device, "", "mode_saved", {AttrKind::Settable, "default", false});
	// The core's user data segments of the lba_dependent ALUA state.
	p.set(Scope::Device, "", "lba_map", {AttrKind::Settable, "none", false});
	// The core's queue depth of one I_T nexus on a device, 0: no limit.
	p.set(Scope::Device, "", "max_tgt_dev_commands", {AttrKind::Settable, "0", false});

	// LUN parameters can only be changed by "replace".
	p.set(Scope::Lun, "", "read_only", {AttrKind::CreateOnly, std::nullopt, false});

	// ALUA (SCST's device_groups): all files.
	p.set(Scope::TargetGroup, "", "group_id", settable);
	p.set(Scope::TargetGroup, "", "state", {AttrKind::Settable, "active", false});
	p.set(Scope::TargetGroup, "", "preferred", settable_bool);
	p.set(Scope::TargetGroupMember, "", "rel_tgt_id", settable);
	return p;
}

}  // namespace scstconf
