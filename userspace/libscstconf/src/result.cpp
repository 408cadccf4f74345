#include "scstconf/result.hpp"

namespace scstconf {

std::string Error::to_string() const
{
	std::string s = file;
	if (line > 0) {
		s += (s.empty() ? "" : ":") + std::to_string(line);
		if (column > 0)
			s += ":" + std::to_string(column);
	}
	if (!s.empty())
		s += ": ";
	if (!field.empty())
		s += field + ": ";
	return s + message;
}

}  // namespace scstconf
