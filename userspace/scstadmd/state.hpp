// The pure logic of the daemon: what to do at start, how the saved file is
// rendered and kept in step with the kernel, and the debounce of events.
#pragma once

#include <chrono>
#include <functional>
#include <vector>
#include <optional>
#include <string>

#include <scstconf/model.hpp>
#include <scstconf/result.hpp>

#include "kernel_port.hpp"

namespace scstadmd {

// Does the kernel hold a configuration? Targets alone do not count: target
// drivers create theirs when they load (scst_local's scst_local_tgt,
// hardware ports). Devices, LUNs, initiator groups and device groups do.
bool holds_configuration(const scstconf::Config &running);

enum class StartAction {
	RestoreFile,	// fresh kernel and a saved file: apply the file
	SaveKernel,	// otherwise the kernel is the truth: write it to the file
};

StartAction decide_start(const scstconf::Config &running, bool file_exists);

// The saved file's text for a running state: canonical (normalized), with
// a fixed header, so that the same state always gives the same bytes.
std::string render_config(const scstconf::Config &running);

// Writes the running state to the file when it differs from what the file
// holds.
class Persister {
public:
	explicit Persister(std::string path) : path_(std::move(path)) {}
	const std::string &path() const { return path_; }

	// true when the file was (re)written, false when it already matched.
	scstconf::Result<bool> persist(const scstconf::Config &running);

private:
	std::string path_;
};

// Loads the saved file and checks it completely. Errors name
// file:line:column: field.
scstconf::Result<scstconf::Config> load_saved(const std::string &path,
					      std::vector<scstconf::Error> *all_errors = nullptr);

// Where @op's object is in @desired (for file:line messages).
scstconf::SourcePos locate(const scstconf::Config &desired, const scstconf::Op &op);

// Whether devices or targets of @saved are gone from @running: what a
// module being unloaded does too, so such a change is saved only once it
// is confirmed by a second look (Syncer).
bool removes_objects(const scstconf::Config &saved, const scstconf::Config &running);

// What of @saved cannot be in the kernel now because its module is not
// loaded: "handler vdisk_fileio", "target driver scst_local".
std::vector<std::string> unloaded_providers(const scstconf::Config &saved, const Providers &loaded);

struct StartReport {
	StartAction action = StartAction::SaveKernel;
	bool restored = false;		// the file was applied
	bool rejected = false;		// the file could not be applied (kernel left as it was)
	std::string rejected_to;	// where the rejected file was moved
	std::size_t ops = 0;		// operations applied to restore
	bool file_written = false;
	// Not empty: the file names handlers or drivers that are not loaded;
	// nothing was done, wait for them (Syncer::wait()).
	std::vector<std::string> waiting_for;
};

// Start-up: read the kernel; restore the file into a fresh kernel or save
// the kernel's state to the file. A file that cannot be applied leaves the
// kernel untouched and is moved aside to PATH.rejected, then the kernel's
// state is saved: either way the file matches the kernel afterwards.
scstconf::Result<StartReport> start_up(KernelPort &kernel, Persister &persister);

// Apply the saved file to the kernel whose state is @running (a file that
// fails is moved to PATH.rejected, the kernel rolled back), then save the
// kernel's state.
scstconf::Result<StartReport> restore_and_save(KernelPort &kernel, Persister &persister,
					       const scstconf::Config &running);

// Trailing-edge debounce: fires @quiet after the last poke, but no later
// than @max_delay after the first one of a burst.
class Debouncer {
public:
	using Clock = std::chrono::steady_clock;
	using Duration = Clock::duration;
	using TimePoint = Clock::time_point;

	Debouncer(Duration quiet = std::chrono::milliseconds(100),
		  Duration max_delay = std::chrono::seconds(1))
		: quiet_(quiet), max_delay_(max_delay) {}

	void poke(TimePoint now);
	std::optional<TimePoint> deadline() const;
	bool due(TimePoint now) const;
	bool pending() const { return first_.has_value(); }
	void clear() { first_.reset(), last_.reset(); }

private:
	Duration quiet_, max_delay_;
	std::optional<TimePoint> first_, last_;
};

// Keeps the file in step with the kernel while the daemon runs: events
// poke it, and a resync reads the kernel and persists when due.
//
// Modules going away must not empty the file: when a handler or target
// driver the file uses is unloaded (or the kernel cannot be read), the
// Syncer stops saving ("waiting") and polls; once everything is back it
// applies the file again, as at start, and saves from then on.
class Syncer {
public:
	using TimePoint = Debouncer::TimePoint;
	using Duration = Debouncer::Duration;

	Syncer(KernelPort &kernel, Persister &persister, Debouncer debouncer = {},
	       Duration poll = std::chrono::seconds(2), Duration settle = std::chrono::seconds(1))
		: kernel_(kernel), persister_(persister), debouncer_(debouncer), poll_(poll), settle_(settle) {}

	// A configuration-changing event arrived.
	void changed(TimePoint now) { debouncer_.poke(now); }
	// When the loop must call tick() next (nullopt: nothing pending).
	std::optional<TimePoint> deadline() const;
	// Resync if the debounce time has come; poll while waiting.
	void tick(TimePoint now);
	// Resync now (an event overrun). A change that removes devices or
	// targets is saved only if it is still so @settle later and the
	// modules are still loaded (an rmmod removes the objects first and
	// unregisters the handler or driver a moment later); @confirmed skips
	// that wait.
	void resync_now(TimePoint now, bool confirmed = false);
	// SIGHUP: re-read and save the running state as it is, even while
	// waiting for modules (they are then dropped from the file).
	void save_as_is(TimePoint now);
	// Start-up found modules missing: wait for them.
	void wait(TimePoint now, const std::vector<std::string> &missing);

	bool waiting() const { return waiting_; }
	// Called after the file was applied again once the modules came back
	// (the daemon re-subscribes to the events then).
	void on_recovered(std::function<void()> f) { on_recovered_ = std::move(f); }

	std::size_t resyncs() const { return resyncs_; }
	std::size_t writes() const { return writes_; }
	std::size_t failures() const { return failures_; }
	std::size_t recoveries() const { return recoveries_; }

private:
	void enter_waiting(TimePoint now, const std::string &why);
	void try_recover(TimePoint now);

	KernelPort &kernel_;
	Persister &persister_;
	Debouncer debouncer_;
	Duration poll_, settle_;
	std::optional<TimePoint> confirm_at_;
	bool waiting_ = false;
	std::string waiting_why_;
	std::optional<TimePoint> poll_at_;
	std::function<void()> on_recovered_;
	std::size_t resyncs_ = 0, writes_ = 0, failures_ = 0, recoveries_ = 0;
	bool last_failed_ = false;
};

} // namespace scstadmd
