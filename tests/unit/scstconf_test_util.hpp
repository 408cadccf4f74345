// Shared by the libscstconf tests: a sample scst.conf and a generator of
// random valid configs.
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scstconf/model.hpp"
#include "scstconf/parser.hpp"

namespace scstconf_test {

// Every construct of the format, and valid for validate().
inline const char kSampleConf[] = R"(# Sample SCST configuration
setup_id 0x1234

HANDLER vdisk_fileio {
	DEVICE disk01 {
		filename /srv/disk01.img
		blocksize 4096
		nv_cache 1
	}
	DEVICE disk02 {
		filename "/srv/my disk 02.img"   # a path with blanks
	}
}

HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 1024
	}
}

TARGET_DRIVER iscsi {
	enabled 1
	IncomingUser "joe 12charsecret"

	TARGET iqn.2006-10.net.vlnb:tgt {
		IncomingUser "joe 12charsecret"
		IncomingUser "fred 12charsecret2"
		HeaderDigest CRC32C,None
		enabled 1
		rel_tgt_id 1

		LUN 0 disk01
		LUN 1 null0 {
			read_only 1
		}

		GROUP hosts_a {
			LUN 0 disk02
			INITIATOR iqn.1993-08.org.debian:01:*
			INITIATOR iqn.1994-05.com.redhat:client1
		}
	}
}

TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		session_name host1
		LUN 0 disk01
	}
}

DEVICE_GROUP dg1 {
	DEVICE disk01
	TARGET_GROUP tg1 {
		group_id 1
		state active
		TARGET iqn.2006-10.net.vlnb:tgt {
			rel_tgt_id 1
		}
	}
}
)";

inline scstconf::Config sample()
{
	auto r = scstconf::parse_conf(kSampleConf, "sample.conf");
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
	return r.ok() ? std::move(r).value() : scstconf::Config{};
}

// Random valid configs over small pools of names, so that two of them
// overlap: the same devices with other attributes, LUNs that move,
// initiators that change groups...
class RandomConfig {
public:
	explicit RandomConfig(unsigned seed) : rng_(seed) {}

	scstconf::Config make()
	{
		scstconf::Config c;
		c.attrs.add("setup_id", pick({"0x1", "0x2"}));
		devices(c);
		drivers(c);
		device_groups(c);
		return c;
	}

private:
	bool coin(int percent = 50) { return std::uniform_int_distribution<int>(0, 99)(rng_) < percent; }

	std::string pick(std::vector<std::string> from)
	{
		return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng_)];
	}

	void devices(scstconf::Config &c)
	{
		for (int i = 0; i < 6; ++i) {
			if (!coin(70))
				continue;
			const std::string name = "d" + std::to_string(i);
			const std::string h = pick({"vdisk_fileio", "vdisk_blockio", "vdisk_nullio"});
			scstconf::Device d{name, {}, {}};
			if (h != "vdisk_nullio")
				d.attrs.add("filename", pick({"/srv/" + name + ".img", "/srv/other " + name}));
			if (coin())
				d.attrs.add("blocksize", pick({"512", "4096"}));
			if (h == "vdisk_fileio" && coin())
				d.attrs.add("nv_cache", "1");
			if (h == "vdisk_nullio" && coin())
				d.attrs.add("size_mb", pick({"16", "32"}));
			scstconf::Handler *hp = scstconf::find_named(c.handlers, h);
			if (!hp) {
				c.handlers.push_back({h, {}, {}, {}});
				hp = &c.handlers.back();
			}
			hp->devices.push_back(std::move(d));
			devices_.push_back(name);
		}
	}

	std::vector<scstconf::Lun> luns()
	{
		std::vector<scstconf::Lun> ls;
		if (devices_.empty())
			return ls;
		for (std::uint64_t n = 0; n < 4; ++n) {
			if (!coin(40))
				continue;
			scstconf::Lun l{n, pick(devices_), {}, {}};
			if (coin(30))
				l.attrs.add("read_only", "1");
			ls.push_back(std::move(l));
		}
		return ls;
	}

	scstconf::Target target(const std::string &drv, const std::string &name)
	{
		scstconf::Target t{name, {}, luns(), {}, {}};
		if (coin(70))
			t.attrs.add("enabled", pick({"0", "1"}));
		if (coin())
			t.attrs.add("rel_tgt_id", std::to_string(next_rel_tgt_id_++));
		if (drv == "iscsi") {
			for (const char *u : {"joe 12charsecret1", "fred 12charsecret2", "ann 12charsecret3"})
				if (coin())
					t.attrs.add("IncomingUser", u);
			if (coin())
				t.attrs.add("HeaderDigest", pick({"None", "CRC32C"}));
			if (coin(30))
				t.attrs.add("QueuedCommands", pick({"32", "64"}));
		} else if (coin()) {
			t.attrs.add("session_name", pick({"host1", "host2"}));
		}
		std::vector<std::string> inis = {"i0", "i1", "i2", "i3", "i4"};
		std::shuffle(inis.begin(), inis.end(), rng_);
		for (int g = 0; g < 3; ++g) {
			if (!coin(50))
				continue;
			scstconf::Group grp{"g" + std::to_string(g), {}, luns(), {}, {}};
			while (!inis.empty() && coin(50)) {
				grp.initiators.push_back({inis.back(), {}});
				inis.pop_back();
			}
			t.groups.push_back(std::move(grp));
		}
		return t;
	}

	void drivers(scstconf::Config &c)
	{
		for (const std::string drv : {"iscsi", "scst_local"}) {
			if (!coin(80))
				continue;
			scstconf::TargetDriver d{drv, {}, {}, {}};
			if (drv == "iscsi") {
				if (coin())
					d.attrs.add("enabled", pick({"0", "1"}));
				if (coin())
					d.attrs.add("IncomingUser", "drv 12charsecret4");
			}
			for (int t = 0; t < 3; ++t)
				if (coin(60))
					d.targets.push_back(target(drv, "t" + std::to_string(t)));
			c.drivers.push_back(std::move(d));
		}
	}

	void device_groups(scstconf::Config &c)
	{
		std::vector<std::string> free = devices_;
		for (int i = 0; i < 2; ++i) {
			if (!coin(40))
				continue;
			scstconf::DeviceGroup dg{"dg" + std::to_string(i), {}, {}, {}, {}};
			while (!free.empty() && coin(50)) {
				dg.devices.push_back({free.back(), {}});
				free.pop_back();
			}
			int group_id = 1;
			for (int t = 0; t < 2; ++t) {
				if (!coin(60))
					continue;
				scstconf::TargetGroup tg{"tg" + std::to_string(t), {}, {}, {}};
				tg.attrs.add("group_id", std::to_string(group_id++));
				if (coin())
					tg.attrs.add("state", pick({"active", "standby", "offline"}));
				for (const char *m : {"t0", "t1", "remote0"})
					if (coin(40))
						tg.targets.push_back(
							{m, {{"rel_tgt_id", pick({"10", "11"})}}, {}});
				dg.target_groups.push_back(std::move(tg));
			}
			c.device_groups.push_back(std::move(dg));
		}
	}

	std::mt19937 rng_;
	std::vector<std::string> devices_;
	int next_rel_tgt_id_ = 1;
};

}  // namespace scstconf_test
