// Semantic checks of a Config against what the kernel accepts.
#pragma once

#include <vector>

#include "scstconf/model.hpp"
#include "scstconf/policy.hpp"
#include "scstconf/result.hpp"

namespace scstconf {

// Every problem found, in the order of the config; empty when it is valid.
// Each error names Config::source and the element's line and column, and
// in `field` the object path and the field, e.g.
// "TARGET_DRIVER iscsi/TARGET t1/LUN 3/device".
//
// Checked: names usable in sysfs (no '/', no blanks, not "mgmt", < 256
// bytes); device names unique across handlers; vdisk parameters known,
// well-formed and filename given for vdisk_fileio/blockio; LUN numbers
// 0..16383, unique per target and group, naming an existing device;
// initiators unique per target; rel_tgt_id 1..65535 and unique; DEVICE_GROUP
// devices exist and belong to one group only; ALUA group_id and state;
// attributes given twice only when the policy allows it; parameter values
// that would not survive a "key=value;..." mgmt line.
std::vector<Error> validate(const Config &config,
			    const AttrPolicy &policy = AttrPolicy::defaults());

}  // namespace scstconf
