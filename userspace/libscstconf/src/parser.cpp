#include "scstconf/parser.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "syntax.hpp"

namespace scstconf {

namespace {

using syntax::Token;
using Err = std::optional<Error>;

enum class Section {
	Top,
	Handler,
	Device,
	Driver,
	Target,
	Group,
	Lun,
	DeviceGroup,
	TargetGroup,
	TargetGroupMember,
};

std::string_view section_name(Section s)
{
	switch (s) {
	case Section::Top:
		return "the top level";
	case Section::Handler:
		return "HANDLER";
	case Section::Device:
		return "DEVICE";
	case Section::Driver:
		return "TARGET_DRIVER";
	case Section::Target:
		return "TARGET";
	case Section::Group:
		return "GROUP";
	case Section::Lun:
		return "LUN";
	case Section::DeviceGroup:
		return "DEVICE_GROUP";
	case Section::TargetGroup:
		return "TARGET_GROUP";
	case Section::TargetGroupMember:
		return "TARGET (in TARGET_GROUP)";
	}
	return "?";
}

// One non-empty line: its words, without a final "{" that opens a section.
struct Statement {
	int line = 0;
	std::vector<Token> words;
	bool opens = false;

	const std::string &word(std::size_t i) const { return words[i].text; }
	bool is_keyword() const
	{
		return !words[0].quoted && syntax::is_keyword(words[0].text);
	}
	bool is_close() const
	{
		return !opens && !words[0].quoted && words[0].text == "}";
	}
	SourcePos pos(std::size_t i = 0) const { return {line, words[i].column}; }
};

std::string join_words(const std::vector<Token> &words, std::size_t from)
{
	std::string s;
	for (std::size_t i = from; i < words.size(); ++i)
		s += (i > from ? " " : "") + words[i].text;
	return s;
}

class Parser {
public:
	Parser(std::string_view text, std::string file)
		: text_(text), file_(std::move(file))
	{
	}

	Result<Config> run()
	{
		cfg_.source = file_;
		auto on_kw = [this](const Statement &st) { return top_keyword(st); };
		if (auto e = body(Section::Top, cfg_.attrs, nullptr, on_kw))
			return *e;
		return std::move(cfg_);
	}

private:
	using KeywordFn = std::function<Err(const Statement &)>;

	Error error(const Statement &st, std::size_t word, std::string field,
		    std::string message) const
	{
		return Error{file_, st.line, st.words[word].column, std::move(field),
			     std::move(message)};
	}

	// The next statement, or nullopt in `out` at the end of the text.
	Err next(std::optional<Statement> &out)
	{
		out.reset();
		while (!at_end_) {
			std::string_view line;
			const std::size_t nl = text_.find('\n', offset_);
			if (nl == std::string_view::npos) {
				line = text_.substr(offset_);
				at_end_ = true;
			} else {
				line = text_.substr(offset_, nl - offset_);
				offset_ = nl + 1;
			}
			++line_no_;
			auto tokens = syntax::tokenize(line, line_no_, file_);
			if (!tokens)
				return tokens.error();
			if (tokens->empty())
				continue;
			Statement st{line_no_, std::move(*tokens), false};
			const Token &last = st.words.back();
			if (!last.quoted && last.text == "{") {
				const int column = last.column;
				st.opens = true;
				st.words.pop_back();
				if (st.words.empty())
					return Error{file_, st.line, column, "{",
						     "'{' must end the line that names the section"};
			}
			out = std::move(st);
			return std::nullopt;
		}
		return std::nullopt;
	}

	static bool allowed(Section s, std::string_view kw)
	{
		using namespace syntax;
		switch (s) {
		case Section::Top:
			return kw == kHandler || kw == kTargetDriver || kw == kDeviceGroup;
		case Section::Handler:
			return kw == kDevice;
		case Section::Driver:
			return kw == kTarget;
		case Section::Target:
			return kw == kLun || kw == kGroup;
		case Section::Group:
			return kw == kLun || kw == kInitiator;
		case Section::DeviceGroup:
			return kw == kDevice || kw == kTargetGroup;
		case Section::TargetGroup:
			return kw == kTarget;
		default:
			return false;
		}
	}

	// The statements of a section up to its '}' (the end of the text for
	// the top level): attributes go to `attrs`, keywords to `on_kw`.
	Err body(Section s, Attributes &attrs, const Statement *opener,
		 const KeywordFn &on_kw)
	{
		for (;;) {
			std::optional<Statement> st;
			if (auto e = next(st))
				return e;
			if (!st) {
				if (s == Section::Top)
					return std::nullopt;
				return error(*opener, 0, opener->word(0),
					     "section opened here is not closed: missing '}'");
			}
			if (auto e = statement(s, *st, attrs, on_kw))
				return e;
			if (st->is_close())
				return std::nullopt;
		}
	}

	Err statement(Section s, const Statement &st, Attributes &attrs,
		      const KeywordFn &on_kw)
	{
		if (st.is_close()) {
			if (s == Section::Top)
				return error(st, 0, "}", "'}' without an open section");
			if (st.words.size() > 1)
				return error(st, 1, "}", "unexpected '" + st.word(1) + "' after '}'");
			return std::nullopt;
		}
		const Token &first = st.words[0];
		if (st.is_keyword()) {
			if (!allowed(s, first.text))
				return error(st, 0, first.text,
					     first.text + " is not allowed in " +
						     std::string(section_name(s)));
			return on_kw(st);
		}
		if (!first.quoted && syntax::looks_like_keyword(first.text))
			return error(st, 0, first.text, "unknown keyword");
		if (st.opens)
			return error(st, 0, first.text,
				     "'" + first.text + "' is not a section keyword");
		if (first.text.empty())
			return error(st, 0, "", "empty attribute name");
		if (st.words.size() < 2)
			return error(st, 0, first.text, "attribute has no value");
		attrs.add(first.text, join_words(st.words, 1), st.pos());
		return std::nullopt;
	}

	// Checks "KEYWORD arg..." has `nargs` arguments and opens a section
	// only when it may.
	Err shape(const Statement &st, std::size_t nargs, bool may_open,
		  std::string_view usage) const
	{
		const std::string &kw = st.word(0);
		if (st.words.size() < nargs + 1)
			return error(st, 0, kw, "expected \"" + std::string(usage) + "\"");
		if (st.words.size() > nargs + 1)
			return error(st, nargs + 1, kw,
				     "unexpected '" + st.word(nargs + 1) + "', expected \"" +
					     std::string(usage) + "\"");
		if (st.opens && !may_open)
			return error(st, 0, kw, kw + " cannot open a section");
		return std::nullopt;
	}

	// A section's body, or nothing when the line does not open one.
	Err maybe_body(const Statement &st, Section s, Attributes &attrs,
		       const KeywordFn &on_kw = {})
	{
		if (!st.opens)
			return std::nullopt;
		KeywordFn none = [](const Statement &) { return Err{}; };
		return body(s, attrs, &st, on_kw ? on_kw : none);
	}

	template <class T>
	Err duplicate(const Statement &st, const std::vector<T> &v) const
	{
		if (const T *other = find_named(v, st.word(1)))
			return error(st, 1, st.word(0),
				     st.word(0) + " " + st.word(1) + " is already defined at line " +
					     std::to_string(other->pos.line));
		return std::nullopt;
	}

	// ---- the sections ----

	Err top_keyword(const Statement &st)
	{
		using namespace syntax;
		const std::string &kw = st.word(0);
		if (kw == kHandler)
			return handler(st);
		if (kw == kTargetDriver)
			return driver(st);
		return device_group(st);
	}

	Err handler(const Statement &st)
	{
		if (auto e = shape(st, 1, true, "HANDLER <name> {"))
			return e;
		if (auto e = duplicate(st, cfg_.handlers))
			return e;
		Handler h{st.word(1), {}, {}, st.pos()};
		auto on_kw = [&](const Statement &d) { return device(d, h); };
		if (auto e = maybe_body(st, Section::Handler, h.attrs, on_kw))
			return e;
		cfg_.handlers.push_back(std::move(h));
		return std::nullopt;
	}

	Err device(const Statement &st, Handler &h)
	{
		if (auto e = shape(st, 1, true, "DEVICE <name> [{]"))
			return e;
		auto seen = device_lines_.find(st.word(1));
		if (seen != device_lines_.end())
			return error(st, 1, "DEVICE",
				     "DEVICE " + st.word(1) + " is already defined at line " +
					     std::to_string(seen->second));
		device_lines_.emplace(st.word(1), st.line);
		Device d{st.word(1), {}, st.pos()};
		if (auto e = maybe_body(st, Section::Device, d.attrs))
			return e;
		h.devices.push_back(std::move(d));
		return std::nullopt;
	}

	Err driver(const Statement &st)
	{
		if (auto e = shape(st, 1, true, "TARGET_DRIVER <name> {"))
			return e;
		if (auto e = duplicate(st, cfg_.drivers))
			return e;
		TargetDriver d{st.word(1), {}, {}, st.pos()};
		auto on_kw = [&](const Statement &t) { return target(t, d); };
		if (auto e = maybe_body(st, Section::Driver, d.attrs, on_kw))
			return e;
		cfg_.drivers.push_back(std::move(d));
		return std::nullopt;
	}

	Err target(const Statement &st, TargetDriver &d)
	{
		if (auto e = shape(st, 1, true, "TARGET <name> [{]"))
			return e;
		if (auto e = duplicate(st, d.targets))
			return e;
		Target t{st.word(1), {}, {}, {}, st.pos()};
		auto on_kw = [&](const Statement &s) {
			if (s.word(0) == syntax::kLun)
				return lun(s, t.luns);
			return group(s, t);
		};
		if (auto e = maybe_body(st, Section::Target, t.attrs, on_kw))
			return e;
		d.targets.push_back(std::move(t));
		return std::nullopt;
	}

	Err lun(const Statement &st, std::vector<Lun> &luns)
	{
		if (auto e = shape(st, 2, true, "LUN <number> <device> [{]"))
			return e;
		const std::string &num = st.word(1);
		Lun l{0, st.word(2), {}, st.pos()};
		auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), l.number);
		if (st.words[1].quoted || num.empty() || ec != std::errc() ||
		    end != num.data() + num.size())
			return error(st, 1, "LUN", "'" + num + "' is not a LUN number");
		if (auto e = maybe_body(st, Section::Lun, l.attrs))
			return e;
		luns.push_back(std::move(l));
		return std::nullopt;
	}

	Err group(const Statement &st, Target &t)
	{
		if (auto e = shape(st, 1, true, "GROUP <name> {"))
			return e;
		if (auto e = duplicate(st, t.groups))
			return e;
		Group g{st.word(1), {}, {}, {}, st.pos()};
		auto on_kw = [&](const Statement &s) {
			if (s.word(0) == syntax::kLun)
				return lun(s, g.luns);
			return initiator(s, g);
		};
		if (auto e = maybe_body(st, Section::Group, g.attrs, on_kw))
			return e;
		t.groups.push_back(std::move(g));
		return std::nullopt;
	}

	Err initiator(const Statement &st, Group &g)
	{
		if (auto e = shape(st, 1, false, "INITIATOR <name>"))
			return e;
		g.initiators.push_back({st.word(1), st.pos()});
		return std::nullopt;
	}

	Err device_group(const Statement &st)
	{
		if (auto e = shape(st, 1, true, "DEVICE_GROUP <name> {"))
			return e;
		if (auto e = duplicate(st, cfg_.device_groups))
			return e;
		DeviceGroup dg{st.word(1), {}, {}, {}, st.pos()};
		auto on_kw = [&](const Statement &s) {
			if (s.word(0) == syntax::kDevice)
				return device_ref(s, dg);
			return target_group(s, dg);
		};
		if (auto e = maybe_body(st, Section::DeviceGroup, dg.attrs, on_kw))
			return e;
		cfg_.device_groups.push_back(std::move(dg));
		return std::nullopt;
	}

	Err device_ref(const Statement &st, DeviceGroup &dg)
	{
		if (auto e = shape(st, 1, false, "DEVICE <name>"))
			return e;
		if (auto e = duplicate(st, dg.devices))
			return e;
		dg.devices.push_back({st.word(1), st.pos()});
		return std::nullopt;
	}

	Err target_group(const Statement &st, DeviceGroup &dg)
	{
		if (auto e = shape(st, 1, true, "TARGET_GROUP <name> {"))
			return e;
		if (auto e = duplicate(st, dg.target_groups))
			return e;
		TargetGroup tg{st.word(1), {}, {}, st.pos()};
		auto on_kw = [&](const Statement &s) { return member(s, tg); };
		if (auto e = maybe_body(st, Section::TargetGroup, tg.attrs, on_kw))
			return e;
		dg.target_groups.push_back(std::move(tg));
		return std::nullopt;
	}

	Err member(const Statement &st, TargetGroup &tg)
	{
		if (auto e = shape(st, 1, true, "TARGET <name> [{]"))
			return e;
		if (auto e = duplicate(st, tg.targets))
			return e;
		TargetGroupMember m{st.word(1), {}, st.pos()};
		if (auto e = maybe_body(st, Section::TargetGroupMember, m.attrs))
			return e;
		tg.targets.push_back(std::move(m));
		return std::nullopt;
	}

	std::string_view text_;
	std::string file_;
	std::size_t offset_ = 0;
	bool at_end_ = false;
	int line_no_ = 0;
	Config cfg_;
	std::map<std::string, int, std::less<>> device_lines_;
};

}  // namespace

Result<Config> parse_conf(std::string_view text, const std::string &file)
{
	return Parser(text, file).run();
}

Result<Config> parse_conf_file(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return Error{path, 0, 0, "", std::string("cannot open: ") + std::strerror(errno)};
	std::ostringstream text;
	text << in.rdbuf();
	if (in.bad())
		return Error{path, 0, 0, "", "read error"};
	return parse_conf(text.str(), path);
}

}  // namespace scstconf
