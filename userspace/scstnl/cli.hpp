// The scstnl command line: "scstnl COMMAND ARGS..." -> one Request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec.hpp"

namespace scstnl {

struct Invocation {
	bool monitor = false;
	Request request;
};

// Parse argv (without the program name). On a usage error returns nothing
// and sets @why.
std::optional<Invocation> parse_cli(const std::vector<std::string> &args, std::string &why);

// The usage text.
const char *usage();

} // namespace scstnl
