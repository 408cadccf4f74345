#include "scstconf/diff.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace scstconf {

namespace {

const Attributes kNoAttrs;

std::vector<std::string> sorted_values(const Attributes &a, std::string_view key)
{
	auto v = a.values(key);
	std::sort(v.begin(), v.end());
	return v;
}

// The keys of both, each once, sorted.
std::vector<std::string> all_keys(const Attributes &a, const Attributes &b)
{
	std::set<std::string> keys;
	for (const auto &attr : a)
		keys.insert(attr.key);
	for (const auto &attr : b)
		keys.insert(attr.key);
	return {keys.begin(), keys.end()};
}

// Values in `a` and not in `b`, as multisets.
std::vector<std::string> minus(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
	std::vector<std::string> out;
	std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
	return out;
}

class Differ {
public:
	Differ(const Config &running, const Config &desired, const AttrPolicy &policy)
		: run_(normalize(running)), want_(normalize(desired)), policy_(policy), cur_(run_)
	{
	}

	Result<Plan> run()
	{
		classify();
		disable();
		alua_teardown();
		targets_teardown();
		devices_build();
		replace_luns();
		devices_teardown();
		devices_recreate();
		targets_build();
		alua_build();
		enable();
		if (error_)
			return *error_;
		return std::move(plan_);
	}

private:
	// ---- emitting: each operation is applied to cur_, the state so far ----

	void emit(Op op)
	{
		if (error_)
			return;
		auto r = apply_to_model(cur_, op);
		if (!r) {
			error_ = r.error();
			return;
		}
		plan_.ops.push_back(std::move(op));
	}

	void warn(std::string message) { plan_.warnings.push_back(std::move(message)); }

	static Op make(OpKind kind, ObjectPath at)
	{
		Op op;
		op.kind = kind;
		op.at = std::move(at);
		return op;
	}

	ObjectAttrs split(Scope scope, std::string_view owner, const Attributes &a) const
	{
		ObjectAttrs out;
		for (const auto &attr : a) {
			switch (policy_.rule(scope, owner, attr.key).kind) {
			case AttrKind::CreateOnly:
				out.params.add(attr.key, attr.value);
				break;
			case AttrKind::Settable:
				out.settable.add(attr.key, attr.value);
				break;
			case AttrKind::MultiValue:
				out.multi.add(attr.key, attr.value);
				break;
			}
		}
		return out;
	}

	Op object_op(OpKind kind, ObjectPath at, Scope scope, std::string_view owner,
		     const Attributes &a) const
	{
		Op op = make(kind, std::move(at));
		op.attrs = split(scope, owner, a);
		return op;
	}

	Op set_op(Scope scope, ObjectPath at, std::string_view owner, const std::string &key,
		  std::optional<std::string> value, std::optional<std::string> old) const
	{
		Op op = make(OpKind::SetAttr, std::move(at));
		op.scope = scope;
		op.key = key;
		op.value = std::move(value);
		op.old_value = std::move(old);
		op.reset_value = policy_.rule(scope, owner, key).reset_value;
		return op;
	}

	// ---- what changes ----

	// Whether going from `r` to `w` needs the object re-created: a
	// create-only attribute changes, or a settable one is dropped and
	// its default is unknown.
	bool needs_recreate(Scope scope, std::string_view owner, const Attributes &r,
			    const Attributes &w) const
	{
		for (const auto &key : all_keys(r, w)) {
			const AttrRule rule = policy_.rule(scope, owner, key);
			const auto rv = sorted_values(r, key), wv = sorted_values(w, key);
			if (rule.kind == AttrKind::CreateOnly && rv != wv)
				return true;
			if (rule.kind == AttrKind::Settable && !rv.empty() && wv.empty() &&
			    !rule.reset_value)
				return true;
		}
		return false;
	}

	void classify()
	{
		for (const auto &h : run_.handlers)
			for (const auto &d : h.devices) {
				const DeviceAt w = find_device(want_, d.name);
				if (w && (w.handler->name != h.name ||
					  needs_recreate(Scope::Device, h.name, d.attrs, w.device->attrs)))
					recreated_devices_.insert(d.name);
			}
		for (const auto &drv : run_.drivers)
			for (const auto &t : drv.targets) {
				const Target *w = want_target(drv.name, t.name);
				if (w && needs_recreate(Scope::Target, drv.name, t.attrs, w->attrs))
					recreated_targets_.insert({drv.name, t.name});
			}
	}

	const Target *want_target(std::string_view drv, std::string_view tgt) const
	{
		const TargetDriver *d = find_named(want_.drivers, drv);
		return d ? find_named(d->targets, tgt) : nullptr;
	}

	Target *cur_target(std::string_view drv, std::string_view tgt)
	{
		TargetDriver *d = find_named(cur_.drivers, drv);
		return d ? find_named(d->targets, tgt) : nullptr;
	}

	// The desired target, when the running one stays (not deleted nor
	// re-created).
	const Target *kept_target(const std::string &drv, const std::string &tgt) const
	{
		if (recreated_targets_.count({drv, tgt}))
			return nullptr;
		return want_target(drv, tgt);
	}

	bool recreated(const std::string &device) const
	{
		return recreated_devices_.count(device) > 0;
	}

	// ---- attributes of objects that stay ----

	// `cur` is a copy: emit() changes the object it comes from.
	void sync_attrs(Scope scope, const ObjectPath &at, std::string_view owner,
			const Attributes cur, const Attributes &want,
			std::string_view skip = {})
	{
		for (const auto &key : all_keys(cur, want)) {
			if (key == skip)
				continue;
			const auto cv = sorted_values(cur, key), wv = sorted_values(want, key);
			if (cv == wv)
				continue;
			const AttrRule rule = policy_.rule(scope, owner, key);
			const std::string what = key + " of " + describe_object(scope, at);
			switch (rule.kind) {
			case AttrKind::MultiValue:
				sync_values(scope, at, key, cv, wv);
				break;
			case AttrKind::Settable:
				if (wv.size() > 1)
					warn(what + ": several values for a single-valued attribute; left unchanged");
				else if (wv.empty() && !rule.reset_value)
					warn(what + ": dropped from the config but its default is unknown; left at \"" +
					     cv.front() + "\"");
				else
					emit(set_op(scope, at, owner, key,
						    wv.empty() ? std::nullopt : std::optional(wv.front()),
						    cur.get(key)));
				break;
			case AttrKind::CreateOnly:
				warn(what + ": can only be given when the object is created; left unchanged");
				break;
			}
		}
	}

	void sync_values(Scope scope, const ObjectPath &at, const std::string &key,
			 const std::vector<std::string> &cv, const std::vector<std::string> &wv)
	{
		auto value_op = [&](OpKind kind, const std::string &v) {
			Op op = make(kind, at);
			op.scope = scope;
			op.key = key;
			op.value = v;
			emit(std::move(op));
		};
		for (const auto &v : minus(cv, wv))
			value_op(OpKind::DelAttrValue, v);
		for (const auto &v : minus(wv, cv))
			value_op(OpKind::AddAttrValue, v);
	}

	// ---- 1. disable ----

	void disable()
	{
		for (const auto &name : driver_names()) {
			const TargetDriver *drv = find_named(run_.drivers, name);
			const TargetDriver *wdrv = find_named(want_.drivers, name);
			lower_enabled(Scope::Driver, {.driver = name}, name,
				      drv ? drv->attrs : kNoAttrs, wdrv ? wdrv->attrs : kNoAttrs);
			if (!drv)
				continue;
			for (const auto &t : drv->targets) {
				const ObjectPath at{.driver = name, .target = t.name};
				if (const Target *w = kept_target(name, t.name))
					lower_enabled(Scope::Target, at, name, t.attrs, w->attrs);
				else if (t.attrs.get("enabled") == "1")
					emit(set_op(Scope::Target, at, name, "enabled", "0", "1"));
			}
		}
	}

	std::set<std::string> driver_names() const
	{
		std::set<std::string> names;
		for (const auto &d : run_.drivers)
			names.insert(d.name);
		for (const auto &d : want_.drivers)
			names.insert(d.name);
		return names;
	}

	// "enabled" going to anything but 1 is written first.
	void lower_enabled(Scope scope, const ObjectPath &at, std::string_view owner,
			   const Attributes &cur, const Attributes &want)
	{
		const auto cv = cur.get("enabled"), wv = want.get("enabled");
		if (cv != wv && wv != "1")
			emit(set_op(scope, at, owner, "enabled", wv, cv));
	}

	// ---- 2. ALUA teardown ----

	void alua_teardown()
	{
		for (const auto &dg : run_.device_groups) {
			const DeviceGroup *wdg = find_named(want_.device_groups, dg.name);
			for (const auto &tg : dg.target_groups) {
				const TargetGroup *wtg = wdg ? find_named(wdg->target_groups, tg.name)
							     : nullptr;
				for (const auto &m : tg.targets)
					if (!wtg || !find_named(wtg->targets, m.name))
						emit(object_op(OpKind::DelTargetGroupMember,
							       {.device_group = dg.name,
								.target_group = tg.name,
								.member = m.name},
							       Scope::TargetGroupMember, "",
							       cur_member_attrs(dg.name, tg.name, m.name)));
				if (!wtg)
					emit(object_op(OpKind::DelTargetGroup,
						       {.device_group = dg.name, .target_group = tg.name},
						       Scope::TargetGroup, "",
						       cur_tg_attrs(dg.name, tg.name)));
			}
			for (const auto &d : dg.devices)
				if (!wdg || !find_named(wdg->devices, d.name) || recreated(d.name) ||
				    !find_device(want_, d.name))
					emit(make(OpKind::DelDeviceGroupDevice,
						  {.device = d.name, .device_group = dg.name}));
			if (!wdg)
				emit(object_op(OpKind::DelDeviceGroup, {.device_group = dg.name},
					       Scope::DeviceGroup, "", cur_dg_attrs(dg.name)));
		}
	}

	const Attributes &cur_dg_attrs(const std::string &dg) const
	{
		const DeviceGroup *g = find_named(cur_.device_groups, dg);
		return g ? g->attrs : kNoAttrs;
	}

	const Attributes &cur_tg_attrs(const std::string &dg, const std::string &tg) const
	{
		const DeviceGroup *g = find_named(cur_.device_groups, dg);
		const TargetGroup *t = g ? find_named(g->target_groups, tg) : nullptr;
		return t ? t->attrs : kNoAttrs;
	}

	const Attributes &cur_member_attrs(const std::string &dg, const std::string &tg,
					   const std::string &m) const
	{
		const DeviceGroup *g = find_named(cur_.device_groups, dg);
		const TargetGroup *t = g ? find_named(g->target_groups, tg) : nullptr;
		const TargetGroupMember *x = t ? find_named(t->targets, m) : nullptr;
		return x ? x->attrs : kNoAttrs;
	}

	// ---- 3. targets: teardown and initiator moves ----

	void targets_teardown()
	{
		for (const auto &drv : run_.drivers)
			for (const auto &t : drv.targets) {
				const Target *cur = cur_target(drv.name, t.name);
				if (!cur)
					continue;
				const Target snapshot = *cur;
				if (const Target *w = kept_target(drv.name, t.name))
					reshape_target(drv.name, snapshot, *w);
				else
					delete_target(drv.name, snapshot);
			}
	}

	void del_lun(const ObjectPath &at, const Lun &l)
	{
		Op op = make(OpKind::DelLun, at);
		op.lun = l.number;
		op.lun_device = l.device;
		op.lun_params = l.attrs;
		emit(std::move(op));
	}

	void del_group(const std::string &drv, const ObjectPath &at)
	{
		Target *t = cur_target(at.driver, at.target);
		const Group *g = t ? find_named(t->groups, at.group) : nullptr;
		emit(object_op(OpKind::DelGroup, at, Scope::Group, drv, g ? g->attrs : kNoAttrs));
	}

	void delete_target(const std::string &drv, const Target &t)
	{
		const ObjectPath at{.driver = drv, .target = t.name};
		for (const auto &g : t.groups) {
			ObjectPath gat = at;
			gat.group = g.name;
			for (const auto &l : g.luns)
				del_lun(gat, l);
			for (const auto &i : g.initiators) {
				Op op = make(OpKind::DelInitiator, gat);
				op.initiator = i.name;
				emit(std::move(op));
			}
			del_group(drv, gat);
		}
		for (const auto &l : t.luns)
			del_lun(at, l);
		const Target *cur = cur_target(drv, t.name);
		emit(object_op(OpKind::DelTarget, at, Scope::Target, drv, cur ? cur->attrs : kNoAttrs));
	}

	void reshape_target(const std::string &drv, const Target &cur, const Target &want)
	{
		const ObjectPath at{.driver = drv, .target = cur.name};
		for (const auto &wg : want.groups)
			if (!find_named(cur.groups, wg.name)) {
				ObjectPath gat = at;
				gat.group = wg.name;
				emit(object_op(OpKind::CreateGroup, gat, Scope::Group, drv, wg.attrs));
			}
		for (const auto &g : cur.groups)
			shuffle_initiators(at, g, want);
		remove_luns(at, cur.luns, &want.luns);
		for (const auto &g : cur.groups) {
			const Group *wg = find_named(want.groups, g.name);
			ObjectPath gat = at;
			gat.group = g.name;
			remove_luns(gat, g.luns, wg ? &wg->luns : nullptr);
		}
		for (const auto &g : cur.groups)
			if (!find_named(want.groups, g.name)) {
				ObjectPath gat = at;
				gat.group = g.name;
				del_group(drv, gat);
			}
	}

	void shuffle_initiators(const ObjectPath &at, const Group &g, const Target &want)
	{
		ObjectPath gat = at;
		gat.group = g.name;
		for (const auto &i : g.initiators) {
			const Group *dest = nullptr;
			for (const auto &wg : want.groups)
				if (find_named(wg.initiators, i.name))
					dest = &wg;
			if (dest && dest->name == g.name)
				continue;
			Op op = make(dest ? OpKind::MoveInitiator : OpKind::DelInitiator, gat);
			op.initiator = i.name;
			if (dest)
				op.to_group = dest->name;
			emit(std::move(op));
		}
	}

	// Deletes the LUNs that go, and those that change but cannot be
	// replaced because a device they name is re-created (they are added
	// back in step 8).
	void remove_luns(const ObjectPath &at, const std::vector<Lun> &cur,
			 const std::vector<Lun> *want)
	{
		for (const auto &l : cur) {
			const Lun *w = want ? find_lun(*want, l.number) : nullptr;
			if (!w || recreated(l.device) || recreated(w->device))
				del_lun(at, l);
		}
	}

	// ---- 4. SCST, handlers, devices that stay, new devices ----

	void devices_build()
	{
		sync_attrs(Scope::Scst, {}, "", cur_.attrs, want_.attrs);
		std::set<std::string> handlers;
		for (const auto &h : run_.handlers)
			handlers.insert(h.name);
		for (const auto &h : want_.handlers)
			handlers.insert(h.name);
		for (const auto &name : handlers) {
			const Handler *c = find_named(cur_.handlers, name);
			const Handler *w = find_named(want_.handlers, name);
			sync_attrs(Scope::Handler, {.handler = name}, name, c ? c->attrs : kNoAttrs,
				   w ? w->attrs : kNoAttrs);
		}
		for (const auto &h : want_.handlers)
			for (const auto &d : h.devices) {
				const DeviceAt c = find_device(cur_, d.name);
				const ObjectPath at{.handler = h.name, .device = d.name};
				if (!c && !find_device(run_, d.name))
					emit(object_op(OpKind::AddDevice, at, Scope::Device, h.name, d.attrs));
				else if (c && !recreated(d.name))
					sync_attrs(Scope::Device, at, h.name, c.device->attrs, d.attrs);
			}
	}

	// ---- 5. LUNs whose device or parameters change ----

	void replace_luns()
	{
		for (const auto &wdrv : want_.drivers)
			for (const auto &wt : wdrv.targets) {
				Target *ct = cur_target(wdrv.name, wt.name);
				if (!ct || !kept_target(wdrv.name, wt.name))
					continue;
				const ObjectPath at{.driver = wdrv.name, .target = wt.name};
				replace_in(at, ct->luns, wt.luns);
				for (const auto &wg : wt.groups) {
					Group *cg = find_named(ct->groups, wg.name);
					ObjectPath gat = at;
					gat.group = wg.name;
					if (cg)
						replace_in(gat, cg->luns, wg.luns);
				}
			}
	}

	void replace_in(const ObjectPath &at, const std::vector<Lun> &cur, const std::vector<Lun> &want)
	{
		std::vector<Op> ops;
		for (const auto &w : want) {
			const Lun *c = find_lun(cur, w.number);
			if (!c || (c->device == w.device && c->attrs == w.attrs))
				continue;
			Op op = make(OpKind::ReplaceLun, at);
			op.lun = w.number;
			op.lun_device = w.device;
			op.lun_params = w.attrs;
			op.old_lun_device = c->device;
			op.old_lun_params = c->attrs;
			ops.push_back(std::move(op));
		}
		// `cur` belongs to cur_, which emit() changes.
		for (auto &op : ops)
			emit(std::move(op));
	}

	// ---- 6. and 7. devices that go or are re-created ----

	void devices_teardown()
	{
		for (const auto &h : run_.handlers)
			for (const auto &d : h.devices)
				if (!find_device(want_, d.name) || recreated(d.name)) {
					const DeviceAt c = find_device(cur_, d.name);
					emit(object_op(OpKind::DelDevice, {.handler = h.name, .device = d.name},
						       Scope::Device, h.name,
						       c ? c.device->attrs : kNoAttrs));
				}
	}

	void devices_recreate()
	{
		for (const auto &h : want_.handlers)
			for (const auto &d : h.devices)
				if (recreated(d.name))
					emit(object_op(OpKind::AddDevice, {.handler = h.name, .device = d.name},
						       Scope::Device, h.name, d.attrs));
	}

	// ---- 8. targets, groups, LUNs, initiators ----

	void targets_build()
	{
		for (const auto &name : driver_names()) {
			const TargetDriver *c = find_named(cur_.drivers, name);
			const TargetDriver *w = find_named(want_.drivers, name);
			sync_attrs(Scope::Driver, {.driver = name}, name, c ? c->attrs : kNoAttrs,
				   w ? w->attrs : kNoAttrs, "enabled");
			if (w)
				for (const auto &t : w->targets)
					build_target(name, t);
		}
	}

	void build_target(const std::string &drv, const Target &want)
	{
		const ObjectPath at{.driver = drv, .target = want.name};
		if (const Target *cur = cur_target(drv, want.name)) {
			sync_attrs(Scope::Target, at, drv, cur->attrs, want.attrs, "enabled");
		} else {
			Attributes attrs = want.attrs;
			if (attrs.get("enabled") == "1")
				attrs.erase("enabled");  // step 10
			emit(object_op(OpKind::AddTarget, at, Scope::Target, drv, attrs));
		}
		add_luns(at, want.luns);
		for (const auto &wg : want.groups) {
			ObjectPath gat = at;
			gat.group = wg.name;
			Target *cur = cur_target(drv, want.name);
			const Group *cg = cur ? find_named(cur->groups, wg.name) : nullptr;
			if (cg)
				sync_attrs(Scope::Group, gat, drv, cg->attrs, wg.attrs);
			else
				emit(object_op(OpKind::CreateGroup, gat, Scope::Group, drv, wg.attrs));
			add_luns(gat, wg.luns);
			for (const auto &i : wg.initiators)
				if (!has_initiator(gat, i.name)) {
					Op op = make(OpKind::AddInitiator, gat);
					op.initiator = i.name;
					emit(std::move(op));
				}
		}
	}

	bool has_initiator(const ObjectPath &at, const std::string &name)
	{
		Target *t = cur_target(at.driver, at.target);
		const Group *g = t ? find_named(t->groups, at.group) : nullptr;
		return g && find_named(g->initiators, name);
	}

	void add_luns(const ObjectPath &at, const std::vector<Lun> &want)
	{
		for (const auto &l : want) {
			Target *t = cur_target(at.driver, at.target);
			const Group *g = t && !at.group.empty() ? find_named(t->groups, at.group) : nullptr;
			const std::vector<Lun> *cur = at.group.empty() ? (t ? &t->luns : nullptr)
								       : (g ? &g->luns : nullptr);
			if (cur && find_lun(*cur, l.number))
				continue;
			Op op = make(OpKind::AddLun, at);
			op.lun = l.number;
			op.lun_device = l.device;
			op.lun_params = l.attrs;
			emit(std::move(op));
		}
	}

	// ---- 9. ALUA ----

	void alua_build()
	{
		for (const auto &wdg : want_.device_groups) {
			const ObjectPath at{.device_group = wdg.name};
			if (const DeviceGroup *c = find_named(cur_.device_groups, wdg.name))
				sync_attrs(Scope::DeviceGroup, at, "", c->attrs, wdg.attrs);
			else
				emit(object_op(OpKind::CreateDeviceGroup, at, Scope::DeviceGroup, "",
					       wdg.attrs));
			for (const auto &d : wdg.devices) {
				const DeviceGroup *c = find_named(cur_.device_groups, wdg.name);
				if (!c || !find_named(c->devices, d.name))
					emit(make(OpKind::AddDeviceGroupDevice,
						  {.device = d.name, .device_group = wdg.name}));
			}
			for (const auto &wtg : wdg.target_groups)
				build_target_group(wdg.name, wtg);
		}
	}

	void build_target_group(const std::string &dg, const TargetGroup &want)
	{
		const ObjectPath at{.device_group = dg, .target_group = want.name};
		const Attributes &cattrs = cur_tg_attrs(dg, want.name);
		const DeviceGroup *cdg = find_named(cur_.device_groups, dg);
		if (cdg && find_named(cdg->target_groups, want.name))
			sync_attrs(Scope::TargetGroup, at, "", cattrs, want.attrs);
		else
			emit(object_op(OpKind::CreateTargetGroup, at, Scope::TargetGroup, "", want.attrs));
		for (const auto &m : want.targets) {
			ObjectPath mat = at;
			mat.member = m.name;
			const DeviceGroup *g = find_named(cur_.device_groups, dg);
			const TargetGroup *tg = g ? find_named(g->target_groups, want.name) : nullptr;
			const TargetGroupMember *cm = tg ? find_named(tg->targets, m.name) : nullptr;
			if (cm)
				sync_attrs(Scope::TargetGroupMember, mat, "", cm->attrs,
					   m.attrs);
			else
				emit(object_op(OpKind::AddTargetGroupMember, mat,
					       Scope::TargetGroupMember, "", m.attrs));
		}
	}

	// ---- 10. enable ----

	void enable()
	{
		for (const auto &wdrv : want_.drivers) {
			for (const auto &wt : wdrv.targets) {
				const Target *c = cur_target(wdrv.name, wt.name);
				raise_enabled(Scope::Target, {.driver = wdrv.name, .target = wt.name},
					      wdrv.name, c ? c->attrs : kNoAttrs, wt.attrs);
			}
			const TargetDriver *c = find_named(cur_.drivers, wdrv.name);
			raise_enabled(Scope::Driver, {.driver = wdrv.name}, wdrv.name,
				      c ? c->attrs : kNoAttrs, wdrv.attrs);
		}
	}

	void raise_enabled(Scope scope, const ObjectPath &at, std::string_view owner,
			   const Attributes &cur, const Attributes &want)
	{
		const auto cv = cur.get("enabled");
		if (want.get("enabled") == "1" && cv != "1")
			emit(set_op(scope, at, owner, "enabled", "1", cv));
	}

	const Config run_, want_;
	const AttrPolicy &policy_;
	Config cur_;
	Plan plan_;
	std::optional<Error> error_;
	std::set<std::string> recreated_devices_;
	std::set<std::pair<std::string, std::string>> recreated_targets_;
};

}  // namespace

Result<Plan> diff(const Config &running, const Config &desired, const AttrPolicy &policy)
{
	return Differ(running, desired, policy).run();
}

}  // namespace scstconf
