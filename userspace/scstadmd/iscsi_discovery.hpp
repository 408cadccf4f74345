// SendTargets (RFC 7143 chapter 4.3 and appendix C): which iSCSI targets an
// initiator is shown, and at which portals.
//
// A target is offered when
// - the "iscsi" driver is not disabled (its "enabled" is absent or not 0)
//   and the target is enabled ("enabled 1");
// - the initiator may see it: its name matches an INITIATOR pattern of one
//   of the target's groups ('*' and '?', exactly as the kernel's LUN
//   masking matches them), or the target's default group has LUNs;
// - the portal the request came in on is allowed: a target with
//   "allowed_portal" patterns (SCST's attribute, wildcards over the IP
//   address, IPv6 with or without brackets) is only offered through, and
//   only lists, portals whose address matches one of them.
//
// Each offered target lists every listening portal it allows, the portal
// the request came in on first. A portal listening on the wildcard address
// (0.0.0.0 or ::) is listed with the address the request came in on, if
// that address is of the same family.
//
// SendTargets=All in a discovery session lists every target offered;
// SendTargets=<name> that one if offered (names compare case-insensitively,
// RFC 3722). A normal session only ever learns about its own target
// (RFC 7143 4.3): SendTargets="", "All" or its name answer that one,
// another name nothing. An empty value in a discovery session gets an
// empty answer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <scstconf/model.hpp>

namespace scstadmd {

struct IscsiPortal {
	std::string addr;  // IPv4 or IPv6 literal without brackets
	std::uint16_t port = 3260;
	std::uint16_t tpgt = 1;  // TargetPortalGroupTag

	bool operator==(const IscsiPortal &) const = default;
};

// The canonical text of an IP literal (inet_ntop of inet_pton; brackets and
// an IPv6 zone "%if" removed), or nullopt if it is not one.
std::optional<std::string> canonical_ip(std::string_view addr);

// The kernel's initiator matching (scst_wildcard_match): '*' any run, '?'
// any one character, everything else literally and case-sensitively. The
// same results for every valid iSCSI name (which has no '*').
bool wildcard_match(std::string_view pattern, std::string_view s);

bool target_enabled(const scstconf::TargetDriver &drv, const scstconf::Target &t);
// Would LUN masking give the initiator a view of this target?
bool initiator_may_see(const scstconf::Target &t, std::string_view initiator);
// allowed_portal of the target admits this address (no pattern: all).
bool portal_allowed(const scstconf::Target &t, std::string_view addr);

struct SendTargetsQuery {
	std::string_view initiator;  // InitiatorName of the session
	std::string_view value;      // SendTargets value: "All", a name, ""
	// A normal session: its target (then only that one is answered).
	std::optional<std::string_view> session_target;
	IscsiPortal arrival;  // the local address and port of the connection
	std::span<const IscsiPortal> portals;  // what the daemon listens on
};

struct DiscoveredTarget {
	std::string name;
	std::vector<IscsiPortal> portals;

	bool operator==(const DiscoveredTarget &) const = default;
};

// The targets to announce, in the order of the config.
std::vector<DiscoveredTarget> send_targets(const scstconf::Config &c, const SendTargetsQuery &q);

// The Text Response data: TargetName=..., TargetAddress=addr:port,tpgt
// (IPv6 in brackets), each NUL-terminated, through isc_sendtargets_add().
std::vector<std::uint8_t> send_targets_text(std::span<const DiscoveredTarget> targets);

} // namespace scstadmd
