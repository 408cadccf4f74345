// scstadmd's pure parts: the atomic writer, the start-up decision, the
// restore/save logic against a model of the kernel, the debounce, the event
// lines, the options and the event loop.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <scstconf/ops.hpp>
#include <scstconf/parser.hpp>

#include "atomic_file.hpp"
#include "daemon.hpp"
#include "error.hpp"
#include "events.hpp"
#include "loop.hpp"
#include "options.hpp"
#include "state.hpp"
#include "uapi/scst_netlink.h"

using namespace scstadmd;
using scstconf::Config;
using namespace std::chrono_literals;

namespace {

scstnl::Record record(uint8_t cmd, std::vector<std::pair<std::string, std::string>> fields)
{
	scstnl::Record r;
	r.cmd = cmd;
	r.fields = std::move(fields);
	return r;
}

class TmpDir {
public:
	TmpDir()
	{
		char t[] = "/tmp/scstadmd-test.XXXXXX";
		path_ = ::mkdtemp(t);
	}
	~TmpDir()
	{
		std::string cmd = "rm -rf '" + path_ + "'";
		if (std::system(cmd.c_str()) != 0)
			ADD_FAILURE() << "cannot remove " << path_;
	}
	const std::string &path() const { return path_; }
	std::string file(const std::string &name) const { return path_ + "/" + name; }
	std::vector<std::string> entries() const
	{
		std::vector<std::string> v;
		DIR *d = ::opendir(path_.c_str());
		while (auto *e = ::readdir(d))
			if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
				v.push_back(e->d_name);
		::closedir(d);
		std::sort(v.begin(), v.end());
		return v;
	}

private:
	std::string path_;
};

Config parse(const std::string &text)
{
	auto c = scstconf::parse_conf(text, "test.conf");
	EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
	return c.ok() ? *c : Config{};
}

const char *kFresh = R"(
TARGET_DRIVER scst_local {
	TARGET scst_local_tgt
}
)";

const char *kSaved = R"(# saved
HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 16
	}
	DEVICE null1
}

TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		LUN 0 null0
		GROUP g1 {
			LUN 3 null1
			INITIATOR host1
		}
	}
}
)";

// The kernel as a model: apply_to_model has the kernel's checks. Fails
// the operation number fail_at, then undoes what it did.
class FakeKernel : public KernelPort {
public:
	explicit FakeKernel(Config c) : state(std::move(c)) {}

	scstconf::Result<Config> read_running() override
	{
		reads++;
		if (fail_reads)
			return make_error("no kernel");
		return scstconf::normalize(state);
	}
	scstconf::Result<Providers> providers() override
	{
		if (fail_reads)
			return make_error("no kernel");
		return loaded;
	}
	ApplyOutcome apply(const std::vector<scstconf::Op> &ops) override
	{
		applies++;
		ApplyOutcome out;
		std::vector<scstconf::Op> done;
		for (std::size_t i = 0; i < ops.size(); i++) {
			auto r = i == fail_at ? scstconf::Result<void>(make_error("refused"))
					      : scstconf::apply_to_model(state, ops[i]);
			if (!r) {
				out.errors.push_back(r.error());
				auto undo = scstconf::apply_to_model(state, scstconf::inverse(done));
				out.rolled_back = undo.ok();
				break;
			}
			done.push_back(ops[i]);
		}
		out.done = done.size();
		return out;
	}

	Config state;
	Providers loaded{{"vdisk_nullio", "vdisk_fileio", "vdisk_blockio"}, {"scst_local"}};
	std::size_t fail_at = SIZE_MAX;
	bool fail_reads = false;
	int reads = 0, applies = 0;
};

std::string slurp(const std::string &path)
{
	auto t = read_file(path);
	EXPECT_TRUE(t.ok());
	return t.ok() && t->has_value() ? **t : std::string("<missing>");
}

} // namespace

// ---- the atomic writer ----

TEST(AtomicFile, CreatesReplacesAndLeavesNoTemporaryFile)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	ASSERT_TRUE(write_file_atomic(path, "one\n").ok());
	EXPECT_EQ(slurp(path), "one\n");
	struct stat st;
	ASSERT_EQ(::stat(path.c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600u) << "a new file may hold CHAP secrets: root only";

	ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
	ASSERT_TRUE(write_file_atomic(path, "two\n").ok());
	EXPECT_EQ(slurp(path), "two\n");
	ASSERT_EQ(::stat(path.c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0640u) << "the mode of the replaced file is kept";
	EXPECT_EQ(dir.entries(), std::vector<std::string>{"scst.conf"});
}

TEST(AtomicFile, LargeContentAndEmptyContent)
{
	TmpDir dir;
	auto path = dir.file("big.conf");
	std::string big(3 << 20, 'x');
	ASSERT_TRUE(write_file_atomic(path, big).ok());
	EXPECT_EQ(slurp(path), big);
	ASSERT_TRUE(write_file_atomic(path, "").ok());
	EXPECT_EQ(slurp(path), "");
}

TEST(AtomicFile, ErrorsAreValuesAndTheOldFileStays)
{
	TmpDir dir;
	auto r = write_file_atomic(dir.file("nodir/scst.conf"), "x");
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find("temporary file"), std::string::npos) << r.error().to_string();

	// The target is a directory: rename fails, the temporary file goes.
	ASSERT_EQ(::mkdir(dir.file("isdir").c_str(), 0755), 0);
	r = write_file_atomic(dir.file("isdir"), "x");
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(dir.entries(), std::vector<std::string>{"isdir"});
}

TEST(AtomicFile, ReadMissingFileIsNotAnError)
{
	TmpDir dir;
	auto r = read_file(dir.file("none"));
	ASSERT_TRUE(r.ok());
	EXPECT_FALSE(r->has_value());
	EXPECT_EQ(dir_name("/etc/scst.conf"), "/etc");
	EXPECT_EQ(dir_name("scst.conf"), ".");
	EXPECT_EQ(dir_name("/scst.conf"), "/");
}

// ---- the start-up decision ----

TEST(StartDecision, DriverTargetsAloneAreNoConfiguration)
{
	EXPECT_FALSE(holds_configuration(Config{}));
	EXPECT_FALSE(holds_configuration(parse(kFresh)));
	EXPECT_TRUE(holds_configuration(parse(kSaved)));
	EXPECT_TRUE(holds_configuration(parse("HANDLER vdisk_nullio {\n DEVICE d\n}\n")));
	EXPECT_TRUE(holds_configuration(parse("TARGET_DRIVER scst_local {\n TARGET t {\n GROUP g\n }\n}\n")));
}

TEST(StartDecision, RestoreOnlyAFileIntoAFreshKernel)
{
	EXPECT_EQ(decide_start(parse(kFresh), true), StartAction::RestoreFile);
	EXPECT_EQ(decide_start(parse(kFresh), false), StartAction::SaveKernel);
	EXPECT_EQ(decide_start(parse(kSaved), true), StartAction::SaveKernel);
	EXPECT_EQ(decide_start(parse(kSaved), false), StartAction::SaveKernel);
}

// ---- start-up against a model of the kernel ----

TEST(StartUp, RestoresTheSavedFileIntoAFreshKernel)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	ASSERT_TRUE(write_file_atomic(path, kSaved).ok());
	FakeKernel k(parse(kFresh));
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok()) << rep.error().to_string();
	EXPECT_EQ(rep->action, StartAction::RestoreFile);
	EXPECT_TRUE(rep->restored);
	EXPECT_GT(rep->ops, 0u);
	EXPECT_EQ(scstconf::normalize(k.state), scstconf::normalize(parse(kSaved)));
	// The file is now the kernel's state in canonical form.
	EXPECT_EQ(slurp(path), render_config(k.state));
	EXPECT_EQ(parse(slurp(path)), parse(kSaved));
}

TEST(StartUp, AnInvalidFileLeavesTheKernelAloneAndIsKeptAside)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	std::string bad = kSaved;
	bad.replace(bad.find("LUN 0 null0"), 11, "LUN 0 null0\n\t\tLUN 1 nosuch");
	ASSERT_TRUE(write_file_atomic(path, bad).ok());
	std::vector<scstconf::Error> errors;
	auto l = load_saved(path, &errors);
	ASSERT_FALSE(l.ok());
	EXPECT_EQ(l.error().file, path);
	EXPECT_EQ(l.error().line, 12);
	EXPECT_NE(l.error().field.find("LUN 1"), std::string::npos) << l.error().to_string();

	FakeKernel k(parse(kFresh));
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok()) << rep.error().to_string();
	EXPECT_TRUE(rep->rejected);
	EXPECT_EQ(k.applies, 0);
	EXPECT_EQ(k.state, parse(kFresh));
	EXPECT_EQ(slurp(path + ".rejected"), bad);
	EXPECT_EQ(slurp(path), render_config(parse(kFresh)));
}

TEST(StartUp, AFailedApplyIsRolledBack)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	ASSERT_TRUE(write_file_atomic(path, kSaved).ok());
	FakeKernel k(parse(kFresh));
	k.fail_at = 2;
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok()) << rep.error().to_string();
	EXPECT_TRUE(rep->rejected);
	EXPECT_EQ(k.applies, 1);
	EXPECT_EQ(scstconf::normalize(k.state), scstconf::normalize(parse(kFresh)));
	EXPECT_EQ(slurp(path + ".rejected"), kSaved);
}

TEST(StartUp, AKernelWithAConfigurationIsTheTruth)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	ASSERT_TRUE(write_file_atomic(path, kFresh).ok());	// stale
	FakeKernel k(parse(kSaved));
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok()) << rep.error().to_string();
	EXPECT_EQ(rep->action, StartAction::SaveKernel);
	EXPECT_EQ(k.applies, 0);
	EXPECT_EQ(k.state, parse(kSaved));
	EXPECT_TRUE(rep->file_written);
	EXPECT_EQ(parse(slurp(path)), parse(kSaved));

	// A restart changes nothing, not even the file.
	struct stat before, after;
	ASSERT_EQ(::stat(path.c_str(), &before), 0);
	auto again = start_up(k, p);
	ASSERT_TRUE(again.ok());
	EXPECT_FALSE(again->file_written);
	ASSERT_EQ(::stat(path.c_str(), &after), 0);
	EXPECT_EQ(before.st_ino, after.st_ino);
}

TEST(StartUp, NoFileAndNoKernelGivesAnEmptyFile)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	FakeKernel k(parse(kFresh));
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok());
	EXPECT_TRUE(rep->file_written);
	EXPECT_EQ(k.applies, 0);
	EXPECT_EQ(parse(slurp(path)), scstconf::normalize(parse(kFresh)));
}

TEST(StartUp, UnreadableKernelIsAnError)
{
	TmpDir dir;
	FakeKernel k(parse(kFresh));
	k.fail_reads = true;
	Persister p(dir.file("scst.conf"));
	EXPECT_FALSE(start_up(k, p).ok());
	EXPECT_TRUE(dir.entries().empty());
}

TEST(Locate, FindsTheLineOfAnOperationsObject)
{
	auto c = parse(kSaved);
	scstconf::Op add_dev;
	add_dev.kind = scstconf::OpKind::AddDevice;
	add_dev.at.handler = "vdisk_nullio";
	add_dev.at.device = "null1";
	EXPECT_EQ(locate(c, add_dev).line, 6);
	scstconf::Op add_lun;
	add_lun.kind = scstconf::OpKind::AddLun;
	add_lun.at.driver = "scst_local";
	add_lun.at.target = "scst_local_tgt";
	add_lun.at.group = "g1";
	add_lun.lun = 3;
	EXPECT_EQ(locate(c, add_lun).line, 13);
	scstconf::Op add_grp = add_lun;
	add_grp.kind = scstconf::OpKind::CreateGroup;
	EXPECT_EQ(locate(c, add_grp).line, 12);
}

// ---- persisting and the debounce ----

TEST(Persister, WritesOnlyWhenTheStateChanged)
{
	TmpDir dir;
	Persister p(dir.file("scst.conf"));
	auto w = p.persist(parse(kSaved));
	ASSERT_TRUE(w.ok());
	EXPECT_TRUE(*w);
	w = p.persist(parse(kSaved));
	ASSERT_TRUE(w.ok());
	EXPECT_FALSE(*w);
	w = p.persist(parse(kFresh));
	ASSERT_TRUE(w.ok());
	EXPECT_TRUE(*w);
	EXPECT_EQ(parse(slurp(p.path())), scstconf::normalize(parse(kFresh)));
}

TEST(Debouncer, FiresAQuietPeriodAfterTheLastPoke)
{
	Debouncer d(100ms, 1s);
	Debouncer::TimePoint t0{};
	EXPECT_FALSE(d.deadline());
	d.poke(t0);
	EXPECT_FALSE(d.due(t0 + 99ms));
	EXPECT_TRUE(d.due(t0 + 100ms));
	d.poke(t0 + 60ms);
	EXPECT_FALSE(d.due(t0 + 100ms));
	EXPECT_EQ(*d.deadline(), t0 + 160ms);
	d.clear();
	EXPECT_FALSE(d.pending());
}

TEST(Debouncer, AContinuousStreamStillFiresWithinMaxDelay)
{
	Debouncer d(100ms, 1s);
	Debouncer::TimePoint t0{};
	for (auto t = 0ms; t < 2s; t += 50ms)
		d.poke(t0 + t);
	EXPECT_EQ(*d.deadline(), t0 + 1s);
}

TEST(Syncer, ABurstOfEventsGivesOneResync)
{
	TmpDir dir;
	FakeKernel k(parse(kFresh));
	Persister p(dir.file("scst.conf"));
	Syncer s(k, p, Debouncer(100ms, 1s));
	Debouncer::TimePoint t0{};

	k.state = parse(kSaved);
	for (auto t : {0ms, 30ms, 60ms})
		s.changed(t0 + t);
	s.tick(t0 + 120ms);
	EXPECT_EQ(s.resyncs(), 0u);
	s.tick(t0 + 160ms);
	EXPECT_EQ(s.resyncs(), 1u);
	EXPECT_EQ(s.writes(), 1u);
	EXPECT_FALSE(s.deadline());
	EXPECT_EQ(parse(slurp(p.path())), scstconf::normalize(parse(kSaved)));

	// An event that changes nothing rewrites nothing.
	s.changed(t0 + 1s);
	s.tick(t0 + 2s);
	EXPECT_EQ(s.resyncs(), 2u);
	EXPECT_EQ(s.writes(), 1u);

	// A resync forced by an overrun; removals are saved once confirmed.
	k.state = parse(kFresh);
	s.resync_now(t0 + 3s);
	EXPECT_EQ(s.writes(), 1u);
	ASSERT_TRUE(s.deadline());
	EXPECT_EQ(*s.deadline(), t0 + 4s);
	s.tick(t0 + 4s);
	EXPECT_EQ(s.writes(), 2u);
	EXPECT_FALSE(s.deadline());
	EXPECT_EQ(parse(slurp(p.path())), scstconf::normalize(parse(kFresh)));
}

TEST(Syncer, AFailedReadIsRetried)
{
	TmpDir dir;
	FakeKernel k(parse(kSaved));
	k.fail_reads = true;
	Persister p(dir.file("scst.conf"));
	Syncer s(k, p, Debouncer(100ms, 1s));
	Debouncer::TimePoint t0{};
	s.changed(t0);
	s.tick(t0 + 100ms);
	EXPECT_EQ(s.failures(), 1u);
	ASSERT_TRUE(s.deadline());
	EXPECT_EQ(*s.deadline(), t0 + 1100ms);
	k.fail_reads = false;
	s.tick(t0 + 1100ms);
	EXPECT_EQ(s.writes(), 1u);
	EXPECT_FALSE(s.deadline());
}

// ---- events ----

TEST(Events, OneReadableLineEach)
{
	auto up = record(SCST_EVENT_SESSION_UP, {{"driver", "scst_local"}, {"target", "scst_local_tgt"}, {"initiator", "host1"}});
	EXPECT_EQ(describe_event(up), "session up: scst_local/scst_local_tgt initiator host1");
	EXPECT_FALSE(changes_config(up));
	auto added = record(SCST_EVENT_DEVICE_ADDED, {{"device", "d0"}, {"handler", "vdisk_nullio"}, {"size", "4096"}});
	EXPECT_EQ(describe_event(added), "device added: d0 (vdisk_nullio)");
	EXPECT_TRUE(changes_config(added));
	auto resized = record(SCST_EVENT_DEVICE_RESIZED, {{"device", "d0"}, {"handler", "vdisk_fileio"}, {"size", "8192"}});
	EXPECT_EQ(describe_event(resized), "device resized: d0 to 8192 bytes");
	auto changed = record(SCST_EVENT_CONFIG_CHANGED, {{"cmd", "LUN_ADD"}, {"device", "d0"}, {"driver", "scst_local"},
				{"target", "scst_local_tgt"}, {"group", "g1"}, {"lun", "2"}});
	EXPECT_EQ(describe_event(changed),
		  "config changed: LUN_ADD device d0 target scst_local/scst_local_tgt group g1 LUN 2");
	EXPECT_TRUE(changes_config(changed));
}

// ---- options ----

TEST(Options, DefaultsAndValues)
{
	auto o = parse_options({});
	ASSERT_TRUE(o.ok());
	EXPECT_EQ(o->config, "/etc/scst.conf");
	EXPECT_EQ(o->lock_file, "/run/scstadmd.lock");
	EXPECT_FALSE(o->foreground);
	EXPECT_EQ(o->level, Level::Info);
	o = parse_options({"--config", "/x.conf", "-f", "--log-level=debug", "--lock-file=/tmp/l"});
	ASSERT_TRUE(o.ok());
	EXPECT_EQ(o->config, "/x.conf");
	EXPECT_TRUE(o->foreground);
	EXPECT_EQ(o->level, Level::Debug);
	EXPECT_EQ(o->lock_file, "/tmp/l");
	EXPECT_FALSE(parse_options({"--config"}).ok());
	EXPECT_FALSE(parse_options({"--log-level", "loud"}).ok());
	EXPECT_FALSE(parse_options({"--frobnicate"}).ok());
	EXPECT_FALSE(parse_options({"--foreground=1"}).ok());
	o = parse_options({"--check", "-c", "/y.conf"});
	ASSERT_TRUE(o.ok());
	EXPECT_TRUE(o->check);
	EXPECT_EQ(o->config, "/y.conf");
}

// ---- the event loop ----

TEST(EventLoop, DispatchesFdsAndTimers)
{
	int p[2];
	ASSERT_EQ(::pipe(p), 0);
	EventLoop loop;
	int reads = 0, fired = 0;
	std::optional<EventLoop::TimePoint> when = EventLoop::Clock::now() + 20ms;
	loop.watch(p[0], POLLIN, [&](short) {
		char c;
		ASSERT_EQ(::read(p[0], &c, 1), 1);
		reads++;
		loop.unwatch(p[0]);	// removing itself is fine
	});
	loop.add_timer({[&] { return when; }, [&](EventLoop::TimePoint) {
				fired++;
				when.reset();
				loop.stop();
			}});
	ASSERT_EQ(::write(p[1], "x", 1), 1);
	ASSERT_TRUE(loop.run().ok());
	EXPECT_EQ(reads, 1);
	EXPECT_EQ(fired, 1);
	EXPECT_FALSE(loop.watching(p[0]));
	::close(p[0]);
	::close(p[1]);
}

// ---- modules going away and coming back ----

TEST(Providers, WhatTheFileNeedsThatIsNotLoaded)
{
	Providers p{{"vdisk_nullio"}, {}};
	EXPECT_EQ(unloaded_providers(parse(kSaved), p), std::vector<std::string>{"target driver scst_local"});
	p.drivers.insert("scst_local");
	EXPECT_TRUE(unloaded_providers(parse(kSaved), p).empty());
	EXPECT_EQ(unloaded_providers(parse("HANDLER vdisk_fileio {\n DEVICE f {\n filename /x\n }\n}\n"), p),
		  std::vector<std::string>{"handler vdisk_fileio"});
}

TEST(StartUp, WaitsForTheModulesTheFileNeeds)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	ASSERT_TRUE(write_file_atomic(path, kSaved).ok());
	FakeKernel k(Config{});
	k.loaded.drivers.clear();	// scst_local not loaded yet
	Persister p(path);
	auto rep = start_up(k, p);
	ASSERT_TRUE(rep.ok()) << rep.error().to_string();
	EXPECT_EQ(rep->waiting_for, std::vector<std::string>{"target driver scst_local"});
	EXPECT_EQ(k.applies, 0);
	EXPECT_EQ(slurp(path), kSaved) << "the file is left alone while waiting";

	// scst_local loads: the file is applied at the next poll.
	Syncer s(k, p, Debouncer(100ms, 1s), 2s);
	Debouncer::TimePoint t0{};
	s.wait(t0, rep->waiting_for);
	EXPECT_TRUE(s.waiting());
	EXPECT_EQ(*s.deadline(), t0 + 2s);
	s.tick(t0 + 2s);
	EXPECT_TRUE(s.waiting());
	k.state = parse(kFresh);
	k.loaded.drivers.insert("scst_local");
	int recovered = 0;
	s.on_recovered([&] { recovered++; });
	s.tick(t0 + 4s);
	EXPECT_FALSE(s.waiting());
	EXPECT_EQ(recovered, 1);
	EXPECT_EQ(scstconf::normalize(k.state), scstconf::normalize(parse(kSaved)));
	EXPECT_EQ(parse(slurp(path)), parse(kSaved));
}

TEST(Syncer, AnUnloadedModuleDoesNotEmptyTheFileAndIsRestoredWhenBack)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	FakeKernel k(parse(kSaved));
	Persister p(path);
	ASSERT_TRUE(start_up(k, p).ok());
	Syncer s(k, p, Debouncer(100ms, 1s), 2s);
	Debouncer::TimePoint t0{};
	std::string before = slurp(path);

	// rmmod scst_vdisk: its devices go, and the LUNs that used them.
	k.state = parse(kFresh);
	k.loaded.handlers.clear();
	s.changed(t0);
	s.tick(t0 + 100ms);
	EXPECT_TRUE(s.waiting());
	EXPECT_EQ(slurp(path), before);
	// More events while waiting save nothing either, and do not make the
	// loop spin until the next poll.
	s.changed(t0 + 1s);
	ASSERT_TRUE(s.deadline());
	EXPECT_EQ(*s.deadline(), t0 + 2100ms);
	s.tick(t0 + 1100ms);
	EXPECT_EQ(*s.deadline(), t0 + 2100ms);
	EXPECT_EQ(slurp(path), before);

	// modprobe scst_vdisk: the file is applied again.
	k.loaded.handlers = {"vdisk_nullio", "vdisk_fileio", "vdisk_blockio"};
	s.tick(t0 + 2100ms);
	EXPECT_FALSE(s.waiting());
	EXPECT_EQ(s.recoveries(), 1u);
	EXPECT_EQ(scstconf::normalize(k.state), scstconf::normalize(parse(kSaved)));
	EXPECT_EQ(slurp(path), before);
}

TEST(Syncer, SighupSavesTheKernelAsItIsEvenWhileWaiting)
{
	TmpDir dir;
	auto path = dir.file("scst.conf");
	FakeKernel k(parse(kSaved));
	Persister p(path);
	ASSERT_TRUE(start_up(k, p).ok());
	Syncer s(k, p, Debouncer(100ms, 1s), 2s);
	Debouncer::TimePoint t0{};
	k.state = parse(kFresh);
	k.loaded.handlers.clear();
	s.resync_now(t0);
	EXPECT_TRUE(s.waiting());
	s.save_as_is(t0 + 1s);
	EXPECT_FALSE(s.waiting());
	EXPECT_EQ(parse(slurp(path)), scstconf::normalize(parse(kFresh)));
}

// ---- one daemon at a time ----

TEST(LockFile, ASecondHolderIsRefusedAndToldThePid)
{
	TmpDir dir;
	auto path = dir.file("scstadmd.lock");
	auto first = LockFile::acquire(path);
	ASSERT_TRUE(first.ok()) << first.error().to_string();
	first->write_pid();
	auto second = LockFile::acquire(path);
	ASSERT_FALSE(second.ok());
	EXPECT_EQ(second.error().message, "another scstadmd is running (pid " + std::to_string(::getpid()) + ")");
}

TEST(LockFile, FreedWithItsOwner)
{
	TmpDir dir;
	auto path = dir.file("scstadmd.lock");
	{
		auto first = LockFile::acquire(path);
		ASSERT_TRUE(first.ok());
	}
	EXPECT_TRUE(LockFile::acquire(path).ok());
}

TEST(Syncer, RemovalsAreSavedOnlyOnceConfirmed)
{
	EXPECT_TRUE(removes_objects(parse(kSaved), parse(kFresh)));
	EXPECT_FALSE(removes_objects(parse(kFresh), parse(kSaved)));

	TmpDir dir;
	auto path = dir.file("scst.conf");
	FakeKernel k(parse(kSaved));
	Persister p(path);
	ASSERT_TRUE(start_up(k, p).ok());
	std::string before = slurp(path);
	Syncer s(k, p, Debouncer(100ms, 1s), 2s, 1s);
	Debouncer::TimePoint t0{};

	// rmmod scst_vdisk, caught between removing its devices and
	// unregistering its handlers: nothing is saved...
	k.state = parse(kFresh);
	s.changed(t0);
	s.tick(t0 + 100ms);
	EXPECT_EQ(slurp(path), before);
	EXPECT_EQ(*s.deadline(), t0 + 1100ms);
	// ...and a moment later the handlers are gone: wait for them.
	k.loaded.handlers.clear();
	s.tick(t0 + 1100ms);
	EXPECT_TRUE(s.waiting());
	EXPECT_EQ(slurp(path), before);

	// An admin removing devices: saved a second later.
	k.loaded.handlers = {"vdisk_nullio"};
	k.state = parse(kSaved);
	s.tick(t0 + 3100ms);
	EXPECT_FALSE(s.waiting());
	k.state = parse(kFresh);
	s.changed(t0 + 4s);
	s.tick(t0 + 4100ms);
	EXPECT_EQ(slurp(path), before);
	s.tick(t0 + 5100ms);
	EXPECT_EQ(parse(slurp(path)), scstconf::normalize(parse(kFresh)));
	EXPECT_FALSE(s.deadline());
}
