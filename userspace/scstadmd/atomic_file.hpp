// Files that are never seen half-written: the new content goes to a
// temporary file in the same directory, which is fsync'ed and renamed over
// the old one, and then the directory is fsync'ed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include <scstconf/result.hpp>

namespace scstadmd {

// Replace @path with @content atomically. The file keeps the mode of the
// file it replaces (@mode for a new one: root only, as scst.conf may hold
// CHAP secrets).
scstconf::Result<void> write_file_atomic(const std::string &path, std::string_view content,
					 mode_t mode = 0600);

// The content of @path; nullopt when it does not exist.
scstconf::Result<std::optional<std::string>> read_file(const std::string &path);

// The directory part of @path ("." when it has none).
std::string dir_name(const std::string &path);

} // namespace scstadmd
