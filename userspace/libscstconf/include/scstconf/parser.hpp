// scst.conf text -> Config.
//
// The grammar (SCST's scst.conf, see README.md next to this library):
//   file      := { line }
//   line      := [ statement ] [ '#' comment ]
//   statement := KEYWORD args [ '{' ]     opens a section when '{' ends it
//              | '}'                     closes the innermost section
//              | name value...           an attribute; several words are
//                                        joined with one blank
// Keywords are upper case: HANDLER, DEVICE, TARGET_DRIVER, TARGET, LUN,
// GROUP, INITIATOR, DEVICE_GROUP, TARGET_GROUP. Words may be "quoted".
#pragma once

#include <string>
#include <string_view>

#include "scstconf/model.hpp"
#include "scstconf/result.hpp"

namespace scstconf {

// Parses `text`; `file` only names it in errors and in Config::source.
// Stops at the first error, which names the line, the column and the
// keyword or attribute concerned.
Result<Config> parse_conf(std::string_view text, const std::string &file = "");

// Reads and parses a file.
Result<Config> parse_conf_file(const std::string &path);

}  // namespace scstconf
