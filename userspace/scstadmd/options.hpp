// The command line of scstadmd.
#pragma once

#include <string>
#include <vector>

#include <scstconf/result.hpp>

#include "log.hpp"

namespace scstadmd {

struct Options {
	std::string config = "/etc/scst.conf";
	std::string lock_file = "/run/scstadmd.lock";
	bool foreground = false;
	Level level = Level::Info;
	bool help = false;
	bool check = false;	// only check the file: parse and validate
	// iSCSI portals, ADDR[:PORT]; empty: 0.0.0.0:3260 and [::]:3260
	std::vector<std::string> iscsi_portals;
	bool no_iscsi = false;	// --iscsi-portal none
};

// argv without the program name.
scstconf::Result<Options> parse_options(const std::vector<std::string> &args);
const char *usage();

} // namespace scstadmd
