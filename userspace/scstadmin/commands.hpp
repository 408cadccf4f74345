// scstadmin: run one invocation; returns the exit code (0 ok, 1 failed,
// 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace scstadmin {

int run(const std::vector<std::string> &args);

}  // namespace scstadmin
