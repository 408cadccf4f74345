// Config -> scst.conf text.
#pragma once

#include <string>

#include "scstconf/model.hpp"

namespace scstconf {

struct WriteOptions {
	// Written first, each line prefixed with "# ".
	std::string header;
};

// The config as scst.conf text, in the config's own order (pass it through
// normalize() for the canonical, sorted form). Tab-indented; words are
// quoted and escaped when needed, so parse_conf(write_conf(c)) == c.
std::string write_conf(const Config &config, const WriteOptions &options = {});

}  // namespace scstconf
