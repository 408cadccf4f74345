#include "iscsi_discovery.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

extern "C" {
#include "iscsi_text.h"
}

namespace scstadmd {

namespace {

bool is_v6(std::string_view addr)
{
	return addr.find(':') != std::string_view::npos;
}

// iSCSI names compare case-insensitively (RFC 3722 folds them to lower case).
bool same_name(std::string_view a, std::string_view b)
{
	return std::ranges::equal(a, b, [](char x, char y) {
		return std::tolower(static_cast<unsigned char>(x)) ==
		       std::tolower(static_cast<unsigned char>(y));
	});
}

bool is_any(std::string_view canonical)
{
	return canonical == "0.0.0.0" || canonical == "::";
}

// The portal's address, canonical; nullopt for an unusable one.
std::optional<IscsiPortal> canonical_portal(const IscsiPortal &p)
{
	auto a = canonical_ip(p.addr);
	if (!a)
		return std::nullopt;
	IscsiPortal c = p;
	c.addr = std::move(*a);
	return c;
}

} // namespace

std::optional<std::string> canonical_ip(std::string_view addr)
{
	if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']')
		addr = addr.substr(1, addr.size() - 2);
	if (auto pct = addr.find('%'); pct != std::string_view::npos)
		addr = addr.substr(0, pct);
	if (addr.empty() || addr.size() >= INET6_ADDRSTRLEN)
		return std::nullopt;
	const std::string s(addr);
	unsigned char bin[sizeof(struct in6_addr)];
	char out[INET6_ADDRSTRLEN];
	const int af = is_v6(s) ? AF_INET6 : AF_INET;
	if (inet_pton(af, s.c_str(), bin) != 1 || !inet_ntop(af, bin, out, sizeof(out)))
		return std::nullopt;
	return std::string(out);
}

bool wildcard_match(std::string_view p, std::string_view s)
{
	// Backtracking to the last '*' only, like scst_wildcard_match(); a
	// '*' is always a wildcard (the kernel takes it for a literal when
	// the name has a '*' there, which no valid iSCSI name has).
	std::size_t pi = 0, si = 0, star = std::string_view::npos, retry = 0;
	while (si < s.size()) {
		if (pi < p.size() && p[pi] == '*') {
			star = pi++;
			retry = si;
		} else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
			pi++;
			si++;
		} else if (star != std::string_view::npos) {
			pi = star + 1;
			si = ++retry;
		} else {
			return false;
		}
	}
	while (pi < p.size() && p[pi] == '*')
		pi++;
	return pi == p.size();
}

bool target_enabled(const scstconf::TargetDriver &drv, const scstconf::Target &t)
{
	auto drv_enabled = drv.attrs.get("enabled");
	if (drv_enabled && *drv_enabled == "0")
		return false;
	return t.attrs.get("enabled") == "1";
}

bool initiator_may_see(const scstconf::Target &t, std::string_view initiator)
{
	for (const scstconf::Group &g : t.groups)
		for (const scstconf::Initiator &i : g.initiators)
			if (wildcard_match(i.name, initiator))
				return true;
	return !t.luns.empty();
}

bool portal_allowed(const scstconf::Target &t, std::string_view addr)
{
	const auto patterns = t.attrs.values("allowed_portal");
	if (patterns.empty())
		return true;
	auto canon = canonical_ip(addr);
	const std::string a = canon ? *canon : std::string(addr);
	for (std::string_view pat : patterns) {
		if (pat.size() >= 2 && pat.front() == '[' && pat.back() == ']')
			pat = pat.substr(1, pat.size() - 2);
		// A literal pattern matches in any spelling of the address.
		auto canon_pat = canonical_ip(pat);
		if (wildcard_match(pat, a) || (canon_pat && *canon_pat == a))
			return true;
	}
	return false;
}

std::vector<DiscoveredTarget> send_targets(const scstconf::Config &c, const SendTargetsQuery &q)
{
	std::vector<DiscoveredTarget> out;
	const scstconf::TargetDriver *drv = scstconf::find_named(c.drivers, "iscsi");
	if (!drv)
		return out;
	auto arrival = canonical_portal(q.arrival);
	if (!arrival)
		return out;

	// The concrete portals, the arrival one first (with its listener's
	// TPGT), wildcard listeners replaced by the arrival address.
	std::vector<IscsiPortal> portals;
	auto add = [&](IscsiPortal p) {
		if (std::find(portals.begin(), portals.end(), p) == portals.end())
			portals.push_back(std::move(p));
	};
	std::vector<IscsiPortal> listeners;
	for (const IscsiPortal &p : q.portals) {
		auto l = canonical_portal(p);
		if (!l)
			continue;
		if (is_any(l->addr)) {
			if (is_v6(l->addr) != is_v6(arrival->addr))
				continue;
			l->addr = arrival->addr;
		}
		listeners.push_back(std::move(*l));
	}
	for (const IscsiPortal &l : listeners)
		if (l.addr == arrival->addr && l.port == arrival->port) {
			arrival->tpgt = l.tpgt;
			add(l);
			break;
		}
	for (const IscsiPortal &l : listeners)
		add(l);

	const bool discovery = !q.session_target.has_value();
	if (discovery && q.value.empty())
		return out;
	for (const scstconf::Target &t : drv->targets) {
		// A normal session: its own target, asked for by "", "All" or
		// its name (RFC 7143 4.3).
		if (!discovery && (!same_name(t.name, *q.session_target) ||
				   !(q.value.empty() || q.value == "All" || same_name(t.name, q.value))))
			continue;
		if (discovery && q.value != "All" && !same_name(t.name, q.value))
			continue;
		if (!target_enabled(*drv, t) || !initiator_may_see(t, q.initiator) ||
		    !portal_allowed(t, arrival->addr))
			continue;
		DiscoveredTarget d{t.name, {}};
		for (const IscsiPortal &p : portals)
			if (portal_allowed(t, p.addr))
				d.portals.push_back(p);
		out.push_back(std::move(d));
	}
	return out;
}

std::vector<std::uint8_t> send_targets_text(std::span<const DiscoveredTarget> targets)
{
	std::vector<std::uint8_t> buf(4096);
	u32 len = 0;
	for (const DiscoveredTarget &t : targets) {
		if (t.name.empty() || t.name.size() > ISC_NAME_MAX)
			continue;
		std::vector<isc_portal> ps;
		ps.reserve(t.portals.size());
		for (const IscsiPortal &p : t.portals)
			ps.push_back({p.addr.c_str(), p.port, p.tpgt});
		int r;
		while ((r = isc_sendtargets_add(buf.data(), static_cast<u32>(buf.size()), &len,
						t.name.c_str(), ps.data(),
						static_cast<u32>(ps.size()))) == -ENOSPC)
			buf.resize(buf.size() * 2);
		// -EINVAL: a name or address the text format cannot carry.
	}
	buf.resize(len);
	return buf;
}

} // namespace scstadmd
