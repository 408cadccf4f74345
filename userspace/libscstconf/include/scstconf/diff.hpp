// The difference between the running state and a desired config, as an
// ordered list of primitive operations.
#pragma once

#include <string>
#include <vector>

#include "scstconf/model.hpp"
#include "scstconf/ops.hpp"
#include "scstconf/policy.hpp"
#include "scstconf/result.hpp"

namespace scstconf {

struct Plan {
	// Applied in this order, they turn the running state into the desired
	// one; inverse(ops) turns it back.
	std::vector<Op> ops;
	// Differences no operation can make, e.g. a settable attribute dropped
	// from the config whose default is unknown (it is left as it is).
	std::vector<std::string> warnings;

	bool empty() const { return ops.empty(); }
};

// The operations, in this order:
//   1. disable the targets (then drivers) being disabled, deleted or
//      re-created;
//   2. take apart ALUA: target group members, target groups, device group
//      devices and device groups that go;
//   3. per target: create new groups, move initiators between groups,
//      remove initiators, LUNs and groups that go, delete the targets that
//      go or are re-created (LUNs, groups and initiators first);
//   4. SCST core and handler attributes, settable device attributes, add
//      new devices;
//   5. replace the LUNs whose device or parameters change;
//   6. delete the devices that go or are re-created (a create-only
//      attribute such as filename changes, or the handler);
//   7. add the re-created devices;
//   8. driver attributes, add targets, target and group attributes,
//      groups, LUNs, initiators;
//   9. build ALUA: device groups, their devices, target groups, members;
//  10. enable targets, then drivers.
// Both configs are normalized first. `desired` should have passed
// validate(); an operation the model rejects (e.g. a LUN naming no device)
// is returned as an error.
Result<Plan> diff(const Config &running, const Config &desired,
		  const AttrPolicy &policy = AttrPolicy::defaults());

}  // namespace scstconf
