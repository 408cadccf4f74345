// scst.conf lexical rules shared by the lexer, the parser and the writer.
// Internal header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scstconf/result.hpp"

namespace scstconf::syntax {

// One word of a line. `quoted` when any part of it was in double quotes:
// a quoted word is never a keyword nor a brace.
struct Token {
	std::string text;
	int column = 0;  // 1-based byte offset of its first character
	bool quoted = false;
};

// Splits one line (without its '\n') into words. Words are separated by
// blanks; "..." quotes blanks, '#', braces and backslash escapes (\" \\ \#
// \n \t \r); outside quotes '#' starts a comment and \# \" \\ are literal
// characters.
Result<std::vector<Token>> tokenize(std::string_view line, int line_no,
				    const std::string &file);

// The section keywords, upper case as in SCST's scst.conf.
inline constexpr std::string_view kHandler = "HANDLER";
inline constexpr std::string_view kDevice = "DEVICE";
inline constexpr std::string_view kTargetDriver = "TARGET_DRIVER";
inline constexpr std::string_view kTarget = "TARGET";
inline constexpr std::string_view kLun = "LUN";
inline constexpr std::string_view kGroup = "GROUP";
inline constexpr std::string_view kInitiator = "INITIATOR";
inline constexpr std::string_view kDeviceGroup = "DEVICE_GROUP";
inline constexpr std::string_view kTargetGroup = "TARGET_GROUP";

bool is_keyword(std::string_view word);
// Upper-case letters, digits and '_', starting with a letter, 2+ long: taken
// for a misspelt keyword rather than an attribute name when unquoted.
bool looks_like_keyword(std::string_view word);

// The word as the writer puts it: quoted and escaped when the lexer would
// not read it back as one plain word.
std::string quote(std::string_view word);
// Same for the first word of an attribute line, which must also not read
// as a keyword.
std::string quote_key(std::string_view key);

}  // namespace scstconf::syntax
