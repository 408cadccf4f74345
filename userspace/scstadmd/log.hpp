// The daemon's log: one line per message, to stderr (foreground, or
// systemd's journal) or to syslog once detached.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scstadmd {

enum class Level { Error = 0, Warning = 1, Info = 2, Debug = 3 };

std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level l);

void set_log_level(Level l);
Level log_level();
// Send the lines to syslog(3) instead of stderr.
void log_to_syslog(const char *ident);

void log(Level l, const std::string &msg);
inline void log_error(const std::string &m) { log(Level::Error, m); }
inline void log_warning(const std::string &m) { log(Level::Warning, m); }
inline void log_info(const std::string &m) { log(Level::Info, m); }
inline void log_debug(const std::string &m) { log(Level::Debug, m); }

} // namespace scstadmd
