#include "syntax.hpp"

#include <array>

namespace scstconf::syntax {

namespace {

bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool is_control(char c)
{
	const auto u = static_cast<unsigned char>(c);
	return u < 0x20 || u == 0x7f;
}

// A backslash escape inside quotes: the character it stands for, or 0 when
// the backslash is literal.
char quoted_escape(char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '#':
		return c;
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	default:
		return 0;
	}
}

class LineLexer {
public:
	LineLexer(std::string_view line, int line_no, const std::string &file)
		: line_(line), line_no_(line_no), file_(file)
	{
	}

	Result<std::vector<Token>> run()
	{
		while (skip_blanks() && line_[i_] != '#') {
			if (auto e = word())
				return *e;
			if (comment_)
				break;
		}
		return std::move(tokens_);
	}

private:
	bool skip_blanks()
	{
		while (i_ < line_.size() && is_blank(line_[i_]))
			++i_;
		return i_ < line_.size();
	}

	std::optional<Error> word()
	{
		Token t;
		t.column = static_cast<int>(i_) + 1;
		while (i_ < line_.size() && !is_blank(line_[i_])) {
			const char c = line_[i_];
			if (c == '#') {
				comment_ = true;
				break;
			}
			if (c == '"') {
				t.quoted = true;
				if (auto e = quoted(t.text))
					return e;
			} else if (c == '\\' && i_ + 1 < line_.size() &&
				   (line_[i_ + 1] == '#' || line_[i_ + 1] == '"' ||
				    line_[i_ + 1] == '\\')) {
				t.text += line_[i_ + 1];
				i_ += 2;
			} else {
				t.text += c;
				++i_;
			}
		}
		tokens_.push_back(std::move(t));
		return std::nullopt;
	}

	// From the opening quote at i_ to past the closing one.
	std::optional<Error> quoted(std::string &out)
	{
		const std::size_t open = i_++;
		while (i_ < line_.size()) {
			const char c = line_[i_];
			if (c == '"') {
				++i_;
				return std::nullopt;
			}
			const char esc = c == '\\' && i_ + 1 < line_.size()
						 ? quoted_escape(line_[i_ + 1])
						 : 0;
			out += esc ? esc : c;
			i_ += esc ? 2 : 1;
		}
		return Error{file_, line_no_, static_cast<int>(open) + 1, "\"",
			     "unterminated quoted string"};
	}

	std::string_view line_;
	int line_no_;
	const std::string &file_;
	std::size_t i_ = 0;
	bool comment_ = false;
	std::vector<Token> tokens_;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view line, int line_no,
				    const std::string &file)
{
	return LineLexer(line, line_no, file).run();
}

bool is_keyword(std::string_view word)
{
	static constexpr std::array kKeywords = {
		kHandler, kDevice,    kTargetDriver, kTarget,      kLun,
		kGroup,	  kInitiator, kDeviceGroup,  kTargetGroup,
	};
	for (auto k : kKeywords)
		if (k == word)
			return true;
	return false;
}

bool looks_like_keyword(std::string_view word)
{
	if (word.size() < 2 || word[0] < 'A' || word[0] > 'Z')
		return false;
	for (char c : word)
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	return true;
}

namespace {

bool needs_quotes(std::string_view word)
{
	if (word.empty())
		return true;
	for (char c : word)
		if (is_blank(c) || is_control(c) || c == '"' || c == '#' ||
		    c == '\\' || c == '{' || c == '}')
			return true;
	return false;
}

}  // namespace

std::string quote(std::string_view word)
{
	if (!needs_quotes(word))
		return std::string(word);
	std::string out = "\"";
	for (char c : word) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\t':
			out += "\\t";
			break;
		case '\r':
			out += "\\r";
			break;
		default:
			out += c;
		}
	}
	return out + "\"";
}

std::string quote_key(std::string_view key)
{
	if (looks_like_keyword(key))
		return "\"" + std::string(key) + "\"";
	return quote(key);
}

}  // namespace scstconf::syntax
