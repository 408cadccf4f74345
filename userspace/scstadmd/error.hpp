// Building scstconf::Error values.
#pragma once

#include <string>

#include <scstconf/result.hpp>

namespace scstadmd {

inline scstconf::Error make_error(std::string message, std::string file = {}, std::string field = {})
{
	scstconf::Error e;
	e.file = std::move(file);
	e.field = std::move(field);
	e.message = std::move(message);
	return e;
}

} // namespace scstadmd
