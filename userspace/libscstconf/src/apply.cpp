// Op applied to a model of the running state: a dry run of the kernel's
// mgmt commands, strict enough that every operation can be undone by its
// inverse.
#include <algorithm>

#include "scstconf/ops.hpp"

namespace scstconf {

namespace {

template <class T>
void erase_named(std::vector<T> &v, std::string_view name)
{
	std::erase_if(v, [&](const T &e) { return e.name == name; });
}

class Simulator {
public:
	Simulator(Config &c, const Op &op) : c_(c), op_(op), p_(op.at) {}

	Result<void> run()
	{
		switch (op_.kind) {
		case OpKind::SetAttr:
			return set_attr();
		case OpKind::AddAttrValue:
			return add_attr_value();
		case OpKind::DelAttrValue:
			return del_attr_value();
		case OpKind::AddDevice:
			return add_device();
		case OpKind::DelDevice:
			return del_device();
		case OpKind::AddTarget:
			return add_target();
		case OpKind::DelTarget:
			return del_target();
		case OpKind::AddLun:
			return add_lun();
		case OpKind::DelLun:
			return del_lun();
		case OpKind::ReplaceLun:
			return replace_lun();
		case OpKind::CreateGroup:
			return create_group();
		case OpKind::DelGroup:
			return del_group();
		case OpKind::AddInitiator:
			return add_initiator();
		case OpKind::DelInitiator:
			return del_initiator();
		case OpKind::MoveInitiator:
			return move_initiator();
		default:
			return run_alua();
		}
	}

private:
	Result<void> run_alua()
	{
		switch (op_.kind) {
		case OpKind::CreateDeviceGroup:
			return create_device_group();
		case OpKind::DelDeviceGroup:
			return del_device_group();
		case OpKind::AddDeviceGroupDevice:
			return add_device_group_device();
		case OpKind::DelDeviceGroupDevice:
			return del_device_group_device();
		case OpKind::CreateTargetGroup:
			return create_target_group();
		case OpKind::DelTargetGroup:
			return del_target_group();
		case OpKind::AddTargetGroupMember:
			return add_member();
		case OpKind::DelTargetGroupMember:
			return del_member();
		default:
			return fail("unknown operation");
		}
	}

	Error fail(std::string message) const { return Error{"", 0, 0, describe(op_), std::move(message)}; }

	// ---- lookups: nullptr when absent ----

	Handler *handler() { return find_named(c_.handlers, p_.handler); }
	Device *device()
	{
		Handler *h = handler();
		return h ? find_named(h->devices, p_.device) : nullptr;
	}
	TargetDriver *driver() { return find_named(c_.drivers, p_.driver); }
	Target *target()
	{
		TargetDriver *d = driver();
		return d ? find_named(d->targets, p_.target) : nullptr;
	}
	Group *group(std::string_view name)
	{
		Target *t = target();
		return t ? find_named(t->groups, name) : nullptr;
	}
	Group *group() { return group(p_.group); }
	std::vector<Lun> *luns()
	{
		if (p_.group.empty()) {
			Target *t = target();
			return t ? &t->luns : nullptr;
		}
		Group *g = group();
		return g ? &g->luns : nullptr;
	}
	DeviceGroup *device_group() { return find_named(c_.device_groups, p_.device_group); }
	TargetGroup *target_group()
	{
		DeviceGroup *dg = device_group();
		return dg ? find_named(dg->target_groups, p_.target_group) : nullptr;
	}
	TargetGroupMember *member()
	{
		TargetGroup *tg = target_group();
		return tg ? find_named(tg->targets, p_.member) : nullptr;
	}

	Attributes *attrs_of(Scope scope)
	{
		auto attrs = [](auto *obj) { return obj ? &obj->attrs : nullptr; };
		switch (scope) {
		case Scope::Scst: return &c_.attrs;
		case Scope::Handler: return attrs(handler());
		case Scope::Device: return attrs(device());
		case Scope::Driver: return attrs(driver());
		case Scope::Target: return attrs(target());
		case Scope::Group: return attrs(group());
		case Scope::DeviceGroup: return attrs(device_group());
		case Scope::TargetGroup: return attrs(target_group());
		case Scope::TargetGroupMember: return attrs(member());
		case Scope::Lun: return nullptr;
		}
		return nullptr;
	}

	bool device_in_use(std::string_view name) const
	{
		auto uses = [&](const std::vector<Lun> &ls) {
			return std::any_of(ls.begin(), ls.end(),
					   [&](const Lun &l) { return l.device == name; });
		};
		for (const auto &d : c_.drivers)
			for (const auto &t : d.targets) {
				if (uses(t.luns))
					return true;
				for (const auto &g : t.groups)
					if (uses(g.luns))
						return true;
			}
		for (const auto &dg : c_.device_groups)
			if (find_named(dg.devices, name))
				return true;
		return false;
	}

	// ---- attributes ----

	// A handler, a target driver or the SCST core exists implicitly (the
	// module is loaded); create its entry on first use.
	Attributes *implicit_attrs()
	{
		if (op_.scope == Scope::Handler && !handler())
			c_.handlers.push_back({p_.handler, {}, {}, {}});
		if (op_.scope == Scope::Driver && !driver())
			c_.drivers.push_back({p_.driver, {}, {}, {}});
		return attrs_of(op_.scope);
	}

	bool implicit() const
	{
		return op_.scope == Scope::Handler || op_.scope == Scope::Driver;
	}

	Result<void> set_attr()
	{
		Attributes *a = attrs_of(op_.scope);
		if (!a && !implicit())
			return fail("no such object");
		const auto current = a ? a->get(op_.key) : std::nullopt;
		if (current != op_.old_value)
			return fail("the current value is " +
				    (current ? "\"" + *current + "\"" : std::string("unset")));
		a = implicit_attrs();
		if (op_.value)
			a->set(op_.key, *op_.value);
		else
			a->erase(op_.key);
		return {};
	}

	Result<void> add_attr_value()
	{
		Attributes *a = attrs_of(op_.scope);
		if (!a && !implicit())
			return fail("no such object");
		const auto values = a ? a->values(op_.key) : std::vector<std::string>{};
		if (std::find(values.begin(), values.end(), op_.value.value_or("")) != values.end())
			return fail("the value is already there");
		implicit_attrs()->add(op_.key, op_.value.value_or(""));
		return {};
	}

	Result<void> del_attr_value()
	{
		Attributes *a = attrs_of(op_.scope);
		if (!a || !a->erase_value(op_.key, op_.value.value_or("")))
			return fail("no such value");
		return {};
	}

	// ---- devices and targets ----

	Result<void> add_device()
	{
		if (find_device(c_, p_.device))
			return fail("a device with this name exists");
		if (!handler())
			c_.handlers.push_back({p_.handler, {}, {}, {}});
		handler()->devices.push_back({p_.device, op_.attrs.all(), {}});
		return {};
	}

	Result<void> del_device()
	{
		const Device *d = device();
		if (!d)
			return fail("no such device");
		if (device_in_use(p_.device))
			return fail("a LUN or a device group still uses it");
		if (!(d->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(handler()->devices, p_.device);
		return {};
	}

	Result<void> add_target()
	{
		if (target())
			return fail("the target exists");
		if (!driver())
			c_.drivers.push_back({p_.driver, {}, {}, {}});
		driver()->targets.push_back({p_.target, op_.attrs.all(), {}, {}, {}});
		return {};
	}

	Result<void> del_target()
	{
		const Target *t = target();
		if (!t)
			return fail("no such target");
		if (!t->luns.empty() || !t->groups.empty())
			return fail("the target still has LUNs or groups");
		if (t->attrs.get("enabled") == "1")
			return fail("the target is enabled");
		if (!(t->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(driver()->targets, p_.target);
		return {};
	}

	// ---- LUNs ----

	Result<void> add_lun()
	{
		std::vector<Lun> *ls = luns();
		if (!ls)
			return fail("no such target or group");
		if (find_lun(*ls, op_.lun))
			return fail("the LUN is in use");
		if (!find_device(c_, op_.lun_device))
			return fail("no such device");
		ls->push_back({op_.lun, op_.lun_device, op_.lun_params, {}});
		return {};
	}

	Result<void> del_lun()
	{
		std::vector<Lun> *ls = luns();
		const Lun *l = ls ? find_lun(*ls, op_.lun) : nullptr;
		if (!l)
			return fail("no such LUN");
		if (l->device != op_.lun_device || !(l->attrs == op_.lun_params))
			return fail("the LUN is not the one recorded for undoing it");
		std::erase_if(*ls, [&](const Lun &x) { return x.number == op_.lun; });
		return {};
	}

	Result<void> replace_lun()
	{
		std::vector<Lun> *ls = luns();
		Lun *l = ls ? find_lun(*ls, op_.lun) : nullptr;
		if (!l)
			return fail("no such LUN");
		if (l->device != op_.old_lun_device || !(l->attrs == op_.old_lun_params))
			return fail("the LUN is not the one recorded for undoing it");
		if (!find_device(c_, op_.lun_device))
			return fail("no such device");
		l->device = op_.lun_device;
		l->attrs = op_.lun_params;
		return {};
	}

	// ---- initiator groups ----

	Result<void> create_group()
	{
		Target *t = target();
		if (!t)
			return fail("no such target");
		if (group())
			return fail("the group exists");
		t->groups.push_back({p_.group, op_.attrs.all(), {}, {}, {}});
		return {};
	}

	Result<void> del_group()
	{
		const Group *g = group();
		if (!g)
			return fail("no such group");
		if (!g->luns.empty() || !g->initiators.empty())
			return fail("the group still has LUNs or initiators");
		if (!(g->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(target()->groups, p_.group);
		return {};
	}

	Result<void> add_initiator()
	{
		Group *g = group();
		if (!g)
			return fail("no such group");
		for (const auto &other : target()->groups)
			if (find_named(other.initiators, op_.initiator))
				return fail("already in group \"" + other.name + "\"");
		g->initiators.push_back({op_.initiator, {}});
		return {};
	}

	Result<void> del_initiator()
	{
		Group *g = group();
		if (!g || !find_named(g->initiators, op_.initiator))
			return fail("no such initiator");
		erase_named(g->initiators, op_.initiator);
		return {};
	}

	Result<void> move_initiator()
	{
		Group *from = group();
		Group *to = group(op_.to_group);
		if (!from || !find_named(from->initiators, op_.initiator))
			return fail("no such initiator");
		if (!to || to == from)
			return fail("no such destination group");
		erase_named(from->initiators, op_.initiator);
		to->initiators.push_back({op_.initiator, {}});
		return {};
	}

	// ---- ALUA ----

	Result<void> create_device_group()
	{
		if (device_group())
			return fail("the device group exists");
		c_.device_groups.push_back({p_.device_group, op_.attrs.all(), {}, {}, {}});
		return {};
	}

	Result<void> del_device_group()
	{
		const DeviceGroup *dg = device_group();
		if (!dg)
			return fail("no such device group");
		if (!dg->devices.empty() || !dg->target_groups.empty())
			return fail("the device group still has devices or target groups");
		if (!(dg->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(c_.device_groups, p_.device_group);
		return {};
	}

	Result<void> add_device_group_device()
	{
		DeviceGroup *dg = device_group();
		if (!dg)
			return fail("no such device group");
		if (!find_device(c_, p_.device))
			return fail("no such device");
		for (const auto &other : c_.device_groups)
			if (find_named(other.devices, p_.device))
				return fail("already in device group \"" + other.name + "\"");
		dg->devices.push_back({p_.device, {}});
		return {};
	}

	Result<void> del_device_group_device()
	{
		DeviceGroup *dg = device_group();
		if (!dg || !find_named(dg->devices, p_.device))
			return fail("no such device in the device group");
		erase_named(dg->devices, p_.device);
		return {};
	}

	Result<void> create_target_group()
	{
		DeviceGroup *dg = device_group();
		if (!dg)
			return fail("no such device group");
		if (target_group())
			return fail("the target group exists");
		dg->target_groups.push_back({p_.target_group, op_.attrs.all(), {}, {}});
		return {};
	}

	Result<void> del_target_group()
	{
		const TargetGroup *tg = target_group();
		if (!tg)
			return fail("no such target group");
		if (!tg->targets.empty())
			return fail("the target group still has targets");
		if (!(tg->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(device_group()->target_groups, p_.target_group);
		return {};
	}

	Result<void> add_member()
	{
		TargetGroup *tg = target_group();
		if (!tg)
			return fail("no such target group");
		if (member())
			return fail("the target is already in the target group");
		tg->targets.push_back({p_.member, op_.attrs.all(), {}});
		return {};
	}

	Result<void> del_member()
	{
		const TargetGroupMember *m = member();
		if (!m)
			return fail("no such target in the target group");
		if (!(m->attrs == op_.attrs.all()))
			return fail("its attributes are not the ones recorded for undoing it");
		erase_named(target_group()->targets, p_.member);
		return {};
	}

	Config &c_;
	const Op &op_;
	const ObjectPath &p_;
};

}  // namespace

Result<void> apply_to_model(Config &config, const Op &op)
{
	return Simulator(config, op).run();
}

Result<void> apply_to_model(Config &config, const std::vector<Op> &ops)
{
	Config copy = config;
	for (std::size_t i = 0; i < ops.size(); ++i) {
		auto r = Simulator(copy, ops[i]).run();
		if (!r) {
			Error e = r.error();
			e.message = "operation " + std::to_string(i + 1) + ": " + e.message;
			return e;
		}
	}
	config = std::move(copy);
	return {};
}

}  // namespace scstconf
