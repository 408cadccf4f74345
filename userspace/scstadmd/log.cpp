#include "log.hpp"

#include <syslog.h>

#include <cstdio>

namespace scstadmd {

namespace {

Level current = Level::Info;
bool use_syslog = false;

} // namespace

std::optional<Level> parse_level(std::string_view name)
{
	if (name == "error" || name == "err")
		return Level::Error;
	if (name == "warning" || name == "warn")
		return Level::Warning;
	if (name == "info")
		return Level::Info;
	if (name == "debug")
		return Level::Debug;
	return std::nullopt;
}

std::string_view level_name(Level l)
{
	switch (l) {
	case Level::Error:
		return "error";
	case Level::Warning:
		return "warning";
	case Level::Info:
		return "info";
	case Level::Debug:
		return "debug";
	}
	return "?";
}

void set_log_level(Level l)
{
	current = l;
}

Level log_level()
{
	return current;
}

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	use_syslog = true;
}

void log(Level l, const std::string &msg)
{
	if (l > current)
		return;
	if (use_syslog) {
		static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
		syslog(prio[static_cast<int>(l)], "%s", msg.c_str());
		return;
	}
	// One write per line, so lines of concurrent writers do not mix.
	std::string line = "scstadmd: ";
	if (l != Level::Info)
		line += std::string(level_name(l)) + ": ";
	line += msg + "\n";
	std::fwrite(line.data(), 1, line.size(), stderr);
	std::fflush(stderr);
}

} // namespace scstadmd
