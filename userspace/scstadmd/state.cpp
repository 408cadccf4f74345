#include "state.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <scstconf/diff.hpp>
#include <scstconf/parser.hpp>
#include <scstconf/validate.hpp>
#include <scstconf/writer.hpp>

#include "error.hpp"
#include "atomic_file.hpp"
#include "log.hpp"

namespace scstadmd {

using scstconf::Config;
using scstconf::Error;
using scstconf::Result;

bool holds_configuration(const Config &running)
{
	for (const auto &h : running.handlers)
		if (!h.devices.empty())
			return true;
	for (const auto &d : running.drivers)
		for (const auto &t : d.targets)
			if (!t.luns.empty() || !t.groups.empty())
				return true;
	return !running.device_groups.empty();
}

StartAction decide_start(const Config &running, bool file_exists)
{
	if (file_exists && !holds_configuration(running))
		return StartAction::RestoreFile;
	return StartAction::SaveKernel;
}

std::string render_config(const Config &running)
{
	return scstconf::write_conf(
		scstconf::normalize(running),
		{.header = "The running configuration of the SCSI target, saved by scstadmd.\n"
			   "scstadmd rewrites this file whenever the configuration changes;\n"
			   "change the target with scstadmin, netlink or sysfs instead."});
}

Result<bool> Persister::persist(const Config &running)
{
	std::string text = render_config(running);
	auto old = read_file(path_);
	if (old && old->has_value() && **old == text)
		return false;
	auto w = write_file_atomic(path_, text);
	if (!w)
		return w.error();
	return true;
}

Result<Config> load_saved(const std::string &path, std::vector<Error> *all_errors)
{
	auto desired = scstconf::parse_conf_file(path);
	if (!desired) {
		if (all_errors)
			all_errors->push_back(desired.error());
		return desired.error();
	}
	auto errors = scstconf::validate(*desired);
	if (!errors.empty()) {
		if (all_errors)
			*all_errors = errors;
		return errors.front();
	}
	return desired;
}

scstconf::SourcePos locate(const Config &desired, const scstconf::Op &op)
{
	const auto &at = op.at;
	if (!at.device.empty() && at.driver.empty())
		if (auto d = scstconf::find_device(desired, at.device))
			return d.device->pos;
	if (!at.driver.empty()) {
		const auto *drv = scstconf::find_named(desired.drivers, at.driver);
		if (!drv)
			return {};
		const auto *tgt = scstconf::find_named(drv->targets, at.target);
		if (!tgt)
			return drv->pos;
		const auto *luns = &tgt->luns;
		scstconf::SourcePos pos = tgt->pos;
		if (!at.group.empty()) {
			const auto *g = scstconf::find_named(tgt->groups, at.group);
			if (!g)
				return tgt->pos;
			luns = &g->luns;
			pos = g->pos;
		}
		switch (op.kind) {
		case scstconf::OpKind::AddLun:
		case scstconf::OpKind::ReplaceLun:
			if (const auto *l = scstconf::find_lun(*luns, op.lun))
				return l->pos;
			break;
		default:
			break;
		}
		return pos;
	}
	if (!at.handler.empty())
		if (const auto *h = scstconf::find_named(desired.handlers, at.handler))
			return h->pos;
	if (!at.device_group.empty())
		if (const auto *dg = scstconf::find_named(desired.device_groups, at.device_group))
			return dg->pos;
	return {};
}

namespace {

// Apply @path to the kernel whose state is @running. An error names the
// file and line of what failed; the kernel is then as it was.
Result<std::size_t> restore(KernelPort &kernel, const Config &running, const std::string &path)
{
	std::vector<Error> errors;
	auto desired = load_saved(path, &errors);
	if (!desired) {
		for (std::size_t i = 1; i < errors.size(); i++)
			log_error(errors[i].to_string());
		return desired.error();
	}
	*desired = kernel.canonical(std::move(*desired), running);
	auto plan = scstconf::diff(running, *desired);
	if (!plan)
		return plan.error();
	for (const auto &w : plan->warnings)
		log_warning(path + ": " + w);
	for (const auto &op : plan->ops)
		log_debug("restore: " + scstconf::describe(op));
	auto out = kernel.apply(plan->ops);
	if (out.ok())
		return plan->ops.size();

	Error e = out.errors.front();
	if (out.done < plan->ops.size()) {
		const auto &op = plan->ops[out.done];
		auto pos = locate(*desired, op);
		e.file = path;
		e.line = pos.line;
		e.column = pos.column;
		if (e.field.empty())
			e.field = scstconf::describe(op);
		else
			e.message = scstconf::describe(op) + ": " + e.message;
	}
	for (std::size_t i = 1; i < out.errors.size(); i++)
		log_error(out.errors[i].to_string());
	if (out.rolled_back)
		log_info("restore: rolled back the " + std::to_string(out.done) + " operation(s) already applied");
	for (const auto &re : out.rollback_errors)
		log_error("rollback: " + re.to_string());
	return e;
}

} // namespace

bool removes_objects(const Config &saved, const Config &running)
{
	for (const auto &h : saved.handlers)
		for (const auto &d : h.devices)
			if (!scstconf::find_device(running, d.name))
				return true;
	for (const auto &drv : saved.drivers) {
		const auto *now = scstconf::find_named(running.drivers, drv.name);
		for (const auto &t : drv.targets)
			if (!now || !scstconf::find_named(now->targets, t.name))
				return true;
	}
	return false;
}

std::vector<std::string> unloaded_providers(const Config &saved, const Providers &loaded)
{
	std::vector<std::string> missing;
	for (const auto &h : saved.handlers)
		if (!loaded.handlers.count(h.name))
			missing.push_back("handler " + h.name);
	for (const auto &d : saved.drivers)
		if (!loaded.drivers.count(d.name))
			missing.push_back("target driver " + d.name);
	return missing;
}

namespace {

std::string join(const std::vector<std::string> &v)
{
	std::string s;
	for (const auto &e : v)
		s += (s.empty() ? "" : ", ") + e;
	return s;
}

// The saved file's config, if it exists and parses.
std::optional<Config> saved_config(const std::string &path)
{
	auto text = read_file(path);
	if (!text || !text->has_value())
		return std::nullopt;
	auto c = scstconf::parse_conf(**text, path);
	if (!c)
		return std::nullopt;
	return std::move(*c);
}

} // namespace

Result<StartReport> restore_and_save(KernelPort &kernel, Persister &persister, const Config &running)
{
	StartReport rep;
	rep.action = StartAction::RestoreFile;
	auto r = restore(kernel, running, persister.path());
	if (r) {
		rep.restored = true;
		rep.ops = *r;
		log_info("restored " + persister.path() + " (" + std::to_string(*r) + " operation(s))");
	} else {
		log_error(r.error().to_string());
		rep.rejected = true;
		rep.rejected_to = persister.path() + ".rejected";
		if (std::rename(persister.path().c_str(), rep.rejected_to.c_str()) < 0)
			return make_error("cannot move it to " + rep.rejected_to + ": " + std::strerror(errno),
					  persister.path());
		log_error(persister.path() + " was not applied, the kernel is unchanged; the file is now " +
			  rep.rejected_to);
	}
	auto now = kernel.read_running();
	if (!now)
		return now.error();
	auto w = persister.persist(*now);
	if (!w)
		return w.error();
	rep.file_written = *w;
	return rep;
}

Result<StartReport> start_up(KernelPort &kernel, Persister &persister)
{
	StartReport rep;
	auto running = kernel.read_running();
	if (!running)
		return running.error();
	auto existing = read_file(persister.path());
	if (!existing)
		return existing.error();
	auto loaded = kernel.providers();
	if (!loaded)
		return loaded.error();
	if (auto saved = saved_config(persister.path())) {
		rep.waiting_for = unloaded_providers(*saved, *loaded);
		if (!rep.waiting_for.empty()) {
			log_warning(persister.path() + " needs " + join(rep.waiting_for) +
				    ", not loaded: waiting for it before restoring or saving anything");
			return rep;
		}
	}

	rep.action = decide_start(*running, existing->has_value());
	if (rep.action == StartAction::RestoreFile) {
		log_info("the kernel holds no configuration: restoring " + persister.path());
		return restore_and_save(kernel, persister, *running);
	}
	if (existing->has_value())
		log_info("the kernel holds a configuration: it is the truth, saving it to " + persister.path());
	auto w = persister.persist(*running);
	if (!w)
		return w.error();
	rep.file_written = *w;
	return rep;
}

void Debouncer::poke(TimePoint now)
{
	if (!first_)
		first_ = now;
	last_ = now;
}

std::optional<Debouncer::TimePoint> Debouncer::deadline() const
{
	if (!first_)
		return std::nullopt;
	return std::min(*last_ + quiet_, *first_ + max_delay_);
}

bool Debouncer::due(TimePoint now) const
{
	auto d = deadline();
	return d && now >= *d;
}

std::optional<Syncer::TimePoint> Syncer::deadline() const
{
	// While waiting only the poll counts: the events that arrive then
	// (the module coming back) are handled by the next poll.
	if (waiting_)
		return poll_at_;
	auto d = debouncer_.deadline();
	if (confirm_at_ && (!d || *confirm_at_ < *d))
		return confirm_at_;
	return d;
}

void Syncer::tick(TimePoint now)
{
	if (waiting_) {
		if (poll_at_ && now >= *poll_at_) {
			debouncer_.clear();
			try_recover(now);
		}
		return;
	}
	if (confirm_at_ && now >= *confirm_at_) {
		resync_now(now, true);
	} else {
		if (!debouncer_.due(now))
			return;
		resync_now(now);
	}
	if (last_failed_)
		debouncer_.poke(now + std::chrono::seconds(1) - std::chrono::milliseconds(100));
}

void Syncer::wait(TimePoint now, const std::vector<std::string> &missing)
{
	enter_waiting(now, join(missing) + " not loaded");
}

void Syncer::enter_waiting(TimePoint now, const std::string &why)
{
	if (!waiting_ || why != waiting_why_)
		log_warning(why + ": not saving " + persister_.path() +
			    " until it is back, then applying it again");
	waiting_ = true;
	waiting_why_ = why;
	confirm_at_.reset();
	poll_at_ = now + poll_;
}

void Syncer::resync_now(TimePoint now, bool confirmed)
{
	debouncer_.clear();
	if (confirmed)
		confirm_at_.reset();
	if (waiting_) {
		try_recover(now);
		return;
	}
	resyncs_++;
	last_failed_ = true;
	auto running = kernel_.read_running();
	if (!running) {
		failures_++;
		log_error("cannot read the running configuration: " + running.error().to_string());
		return;
	}
	// A handler or driver unloaded takes its objects along: keep them in
	// the file.
	auto loaded = kernel_.providers();
	if (!loaded) {
		failures_++;
		log_error("cannot list the handlers and drivers: " + loaded.error().to_string());
		return;
	}
	if (auto saved = saved_config(persister_.path())) {
		auto missing = unloaded_providers(*saved, *loaded);
		if (!missing.empty()) {
			last_failed_ = false;
			confirm_at_.reset();
			enter_waiting(now, join(missing) + " unloaded");
			return;
		}
		if (!confirmed && removes_objects(*saved, *running)) {
			last_failed_ = false;
			if (!confirm_at_) {
				confirm_at_ = now + settle_;
				log_debug("devices or targets were removed: saving once that is confirmed");
			}
			return;
		}
	}
	confirm_at_.reset();
	auto w = persister_.persist(*running);
	if (!w) {
		failures_++;
		log_error("cannot save the configuration: " + w.error().to_string());
		return;
	}
	last_failed_ = false;
	if (*w) {
		writes_++;
		log_info("saved the configuration to " + persister_.path());
	} else {
		log_debug("the configuration is unchanged");
	}
}

void Syncer::try_recover(TimePoint now)
{
	poll_at_ = now + poll_;
	auto running = kernel_.read_running();
	if (!running) {
		log_debug("still waiting: " + running.error().to_string());
		return;
	}
	auto loaded = kernel_.providers();
	if (!loaded) {
		log_debug("still waiting: " + loaded.error().to_string());
		return;
	}
	auto saved = saved_config(persister_.path());
	if (saved && !unloaded_providers(*saved, *loaded).empty())
		return;
	waiting_ = false;
	poll_at_.reset();
	recoveries_++;
	resyncs_++;
	auto exists = read_file(persister_.path());
	if (exists && exists->has_value()) {
		log_info("everything " + persister_.path() + " needs is loaded again: applying it");
		auto rep = restore_and_save(kernel_, persister_, *running);
		if (!rep) {
			failures_++;
			log_error("cannot restore: " + rep.error().to_string());
		} else if (rep->file_written) {
			writes_++;
		}
	} else if (auto w = persister_.persist(*running); w && *w) {
		writes_++;
	}
	if (on_recovered_)
		on_recovered_();
}

void Syncer::save_as_is(TimePoint now)
{
	if (waiting_) {
		log_info("saving the running configuration as it is: no longer waiting for " + waiting_why_);
		waiting_ = false;
		poll_at_.reset();
	}
	debouncer_.clear();
	confirm_at_.reset();
	resyncs_++;
	auto running = kernel_.read_running();
	if (!running) {
		failures_++;
		log_error("cannot read the running configuration: " + running.error().to_string());
		debouncer_.poke(now + std::chrono::seconds(1) - std::chrono::milliseconds(100));
		return;
	}
	auto w = persister_.persist(*running);
	if (!w) {
		failures_++;
		log_error("cannot save the configuration: " + w.error().to_string());
		return;
	}
	if (*w) {
		writes_++;
		log_info("saved the configuration to " + persister_.path());
	} else {
		log_debug("the configuration is unchanged");
	}
}

} // namespace scstadmd
