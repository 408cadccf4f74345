// Shared by the tests of scstadmd's iSCSI login: a fake kernel that
// records the connections handed over, a target with the default limits,
// and Login Request PDUs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "iscsi_login.hpp"

namespace iscsi_login_test {

class FakeKernel : public scstadmd::IscsiKernel {
public:
	std::vector<scstadmd::IscsiTarget> tgts;
	std::vector<scstadmd::IscsiKernel::ConnAdd> added;
	// The configuration config() reports; without one, driver "iscsi"
	// with `drv_attrs` and each of `tgts` with LUN 0 for everybody.
	std::optional<scstconf::Config> cfg;
	scstconf::Attributes drv_attrs;

	scstconf::Result<scstconf::Config> config() override
	{
		if (cfg)
			return *cfg;
		scstconf::Config c;
		scstconf::TargetDriver d{"iscsi", drv_attrs, {}, {}};
		for (const auto &t : tgts) {
			scstconf::Target ct;
			ct.name = t.name;
			if (t.enabled)
				ct.attrs.add("enabled", "1");
			ct.luns.push_back({0, "d0", {}, {}});
			d.targets.push_back(std::move(ct));
		}
		c.drivers.push_back(std::move(d));
		return c;
	}

	scstconf::Result<std::optional<scstadmd::IscsiTarget>> target(const std::string &name) override
	{
		for (const auto &t : tgts)
			if (t.name == name)
				return std::optional<scstadmd::IscsiTarget>(t);
		return std::optional<scstadmd::IscsiTarget>();
	}
	scstconf::Result<std::vector<scstadmd::IscsiTarget>> targets() override { return tgts; }
	scstconf::Result<uint16_t> conn_add(const scstadmd::IscsiKernel::ConnAdd &c) override
	{
		added.push_back(c);
		return uint16_t(7);
	}
};

inline scstadmd::IscsiTarget make_target(const char *name, bool enabled)
{
	scstadmd::IscsiTarget t;
	t.name = name;
	t.enabled = enabled;
	isc_tgt_config_default(&t.cfg);
	t.cfg.limits.max_connections = 1;
	t.max_xmit_dsl = 65536;
	t.queued_commands = 32;
	return t;
}

// "key=value" strings as a NUL-separated data segment.
inline std::vector<uint8_t> keys(std::initializer_list<std::string> kvs)
{
	std::vector<uint8_t> v;
	for (const auto &s : kvs) {
		v.insert(v.end(), s.begin(), s.end());
		v.push_back(0);
	}
	return v;
}

// A Login Request in stage CSG, asking to go to NSG when `transit`.
inline std::vector<uint8_t> login_req(uint8_t csg, bool transit, uint8_t nsg,
				      const std::vector<uint8_t> &data)
{
	// Sized once: GCC 12 sees a false array-bounds error in insert().
	std::vector<uint8_t> pdu(ISC_BHS_LEN + isc_padded(data.size()), 0);
	pdu[0] = ISC_OP_LOGIN_REQ | ISC_OP_IMMEDIATE;
	pdu[1] = (transit ? ISC_FLAG_FINAL | nsg : 0) | (csg << ISC_LOGIN_CSG_SHIFT);
	isc_bhs_set_dlength(pdu.data(), data.size());
	const uint8_t isid[6] = {0x40, 0, 0, 1, 0, 0};
	std::copy(isid, isid + 6, pdu.begin() + 8);
	pdu[19] = 1;  // ITT
	std::copy(data.begin(), data.end(), pdu.begin() + ISC_BHS_LEN);
	return pdu;
}

}  // namespace iscsi_login_test
