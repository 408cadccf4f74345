// The kernel's multicast events: one readable log line each, and which
// ones change the configuration.
#pragma once

#include <string>

#include "codec.hpp"

namespace scstadmd {

// "session up: scst_local/scst_local_tgt initiator host1 (group g1)",
// "device added: disk0 (vdisk_fileio)", "config changed: LUN_ADD ...".
std::string describe_event(const scstnl::Record &ev);

// Whether the event may change what the saved file holds (sessions do not).
bool changes_config(const scstnl::Record &ev);

} // namespace scstadmd
