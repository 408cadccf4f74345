// Config <-> JSON, the same model as scst.conf:
//
// {
//   "attributes": {"setup_id": "0x1234"},
//   "handlers": [{"name": "vdisk_fileio", "attributes": {...},
//                 "devices": [{"name": "disk01",
//                              "attributes": {"filename": "/srv/disk01.img"}}]}],
//   "target_drivers": [{"name": "iscsi", "attributes": {...},
//       "targets": [{"name": "iqn...", "attributes": {...},
//                    "luns": [{"lun": 0, "device": "disk01", "attributes": {...}}],
//                    "groups": [{"name": "hosts_a", "attributes": {...},
//                                "luns": [...], "initiators": ["iqn..."]}]}]}],
//   "device_groups": [{"name": "dg1", "attributes": {...}, "devices": ["disk01"],
//       "target_groups": [{"name": "tg1", "attributes": {"group_id": "1"},
//                          "targets": [{"name": "iqn...", "attributes": {...}}]}]}]
// }
//
// An attribute's value is a string, or an array of strings when the key
// occurs several times (IncomingUser); reading also takes numbers and
// booleans (true -> "1"). Members may be left out when empty; unknown
// members are errors.
#pragma once

#include <string>
#include <string_view>

#include "scstconf/model.hpp"
#include "scstconf/result.hpp"

namespace scstconf {

// Never throws; bytes that are not UTF-8 are replaced by U+FFFD.
std::string to_json(const Config &config, int indent = 2);

// Errors name the JSON path (a JSON pointer such as
// "/target_drivers/0/targets/1/luns/2/device"), or the line and column for
// malformed JSON.
Result<Config> from_json(std::string_view text, const std::string &file = "");
Result<Config> from_json_file(const std::string &path);

}  // namespace scstconf
