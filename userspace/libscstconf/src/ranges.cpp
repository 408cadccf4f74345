// Numeric attributes with a range the kernel checks: one table, used by
// the validator (scst.conf) and before an operation is sent (scstadmin).
#include <array>
#include <charconv>

#include "scstconf/ops.hpp"
#include "scstconf/policy.hpp"

namespace scstconf {

namespace {

constexpr std::uint64_t kMaxDsl = 0xffffff;  // ISC_MAX_DSL, kernel/iscsi/iscsi_pdu.h

constexpr std::array kRanges = {
	// scst_sysfs.c, DEVICE_SET: SCST_NL_MAX_TGT_DEV_COMMANDS
	NumericRange{Scope::Device, "", "max_tgt_dev_commands", 0, 65535, "a number of commands",
		     "0: no limit"},
	// isc_main.c, ISC_TGT_ATTR: the RFC 7143 ranges, QueuedCommands ours
	NumericRange{Scope::Target, "iscsi", "MaxRecvDataSegmentLength", 512, kMaxDsl,
		     "a number of bytes", ""},
	NumericRange{Scope::Target, "iscsi", "MaxXmitDataSegmentLength", 512, kMaxDsl,
		     "a number of bytes", ""},
	NumericRange{Scope::Target, "iscsi", "MaxBurstLength", 512, kMaxDsl, "a number of bytes", ""},
	NumericRange{Scope::Target, "iscsi", "FirstBurstLength", 512, kMaxDsl, "a number of bytes",
		     ""},
	NumericRange{Scope::Target, "iscsi", "MaxOutstandingR2T", 1, 65535, "a number of R2Ts", ""},
	NumericRange{Scope::Target, "iscsi", "QueuedCommands", 1, 2048, "a number of commands", ""},
	NumericRange{Scope::Target, "iscsi", "NopInInterval", 0, 65535, "a number of seconds",
		     "0: no pings"},
	NumericRange{Scope::Target, "iscsi", "NopInTimeout", 1, 65535, "a number of seconds", ""},
	NumericRange{Scope::Target, "iscsi", "RspTimeout", 1, 65535, "a number of seconds", ""},
};

// A decimal number without leading zeros; nullopt for anything else,
// and for numbers that do not fit.
std::optional<std::uint64_t> decimal(std::string_view s)
{
	std::uint64_t v = 0;
	if (s.empty() || (s.size() > 1 && s[0] == '0'))
		return std::nullopt;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return v;
}

std::string quote(std::string_view s)
{
	return "\"" + std::string(s) + "\"";
}

std::string owner_of(const Op &op, Scope scope)
{
	if (scope == Scope::Device || scope == Scope::Handler)
		return op.at.handler;
	if (scope == Scope::Target || scope == Scope::Driver)
		return op.at.driver;
	return "";
}

}  // namespace

const NumericRange *numeric_range(Scope scope, std::string_view owner, std::string_view key)
{
	for (const auto &r : kRanges)
		if (r.scope == scope && r.key == key && (r.owner.empty() || r.owner == owner))
			return &r;
	return nullptr;
}

std::optional<std::string> range_error(Scope scope, std::string_view owner, std::string_view key,
				       std::string_view value)
{
	const NumericRange *r = numeric_range(scope, owner, key);
	if (!r)
		return std::nullopt;
	auto n = decimal(value);
	if (n && *n >= r->min && *n <= r->max)
		return std::nullopt;
	std::string why = quote(value);
	if (value.empty() || value.find_first_not_of("0123456789") != value.npos)
		why += " is not a decimal number";
	else if (value.size() > 1 && value[0] == '0')
		why += " has a leading zero";
	else
		why += " is out of range";
	why += ": expected " + std::string(r->what) + " " + std::to_string(r->min) + ".." +
	       std::to_string(r->max);
	if (!r->note.empty())
		why += " (" + std::string(r->note) + ")";
	return why;
}

Result<void> check_values(const Op &op)
{
	// A SetAttr's description names the attribute, an Add's all of them.
	auto check = [&](const std::string &key, const std::string &value) -> Result<void> {
		if (auto why = range_error(op.scope, owner_of(op, op.scope), key, value))
			return Error{"", 0, 0, describe(op),
				     (op.kind == OpKind::SetAttr ? "" : key + ": ") + *why};
		return {};
	};
	switch (op.kind) {
	case OpKind::SetAttr:
		if (op.value)
			return check(op.key, *op.value);
		if (op.reset_value)
			return check(op.key, *op.reset_value);
		return {};
	case OpKind::AddDevice:
	case OpKind::AddTarget:
		for (const auto &a : op.attrs.all())
			if (auto r = check(a.key, a.value); !r)
				return r;
		return {};
	default:
		return {};
	}
}

}  // namespace scstconf
