#include "scstconf/writer.hpp"

#include "syntax.hpp"

namespace scstconf {

namespace {

using syntax::quote;

class Writer {
public:
	std::string run(const Config &c, const WriteOptions &o)
	{
		header(o.header);
		attrs(c.attrs);
		for (const auto &h : c.handlers)
			handler(h);
		for (const auto &d : c.drivers)
			driver(d);
		for (const auto &dg : c.device_groups)
			device_group(dg);
		return std::move(out_);
	}

private:
	void header(const std::string &text)
	{
		if (text.empty())
			return;
		std::size_t start = 0;
		while (start <= text.size()) {
			std::size_t nl = text.find('\n', start);
			if (nl == std::string::npos)
				nl = text.size();
			std::string line = text.substr(start, nl - start);
			out_ += line.empty() ? "#\n" : "# " + line + "\n";
			start = nl + 1;
		}
		out_ += "\n";
	}

	void line(const std::string &text, bool opens = false, bool closes = false)
	{
		if (pending_blank_ && !closes && !after_open_ && !out_.empty() &&
		    !out_.ends_with("\n\n"))
			out_ += '\n';
		pending_blank_ = false;
		after_open_ = opens;
		out_.append(depth_, '\t');
		out_ += text;
		out_ += '\n';
	}

	// A blank line before the next statement, unless it opens or closes a
	// section.
	void separate() { pending_blank_ = true; }

	void attrs(const Attributes &a)
	{
		for (const auto &attr : a)
			line(syntax::quote_key(attr.key) + " " + quote(attr.value));
	}

	// "HEAD {", the body, "}"; or just "HEAD" when the body would be
	// empty and `always_block` is false.
	template <class Body>
	void section(const std::string &head, bool empty, bool always_block, Body body)
	{
		if (empty && !always_block) {
			line(head);
			return;
		}
		line(head + " {", true);
		++depth_;
		body();
		--depth_;
		line("}", false, true);
	}

	void handler(const Handler &h)
	{
		separate();
		section("HANDLER " + quote(h.name), false, true, [&] {
			attrs(h.attrs);
			for (const auto &d : h.devices) {
				separate();
				section("DEVICE " + quote(d.name), d.attrs.empty(), false,
					[&] { attrs(d.attrs); });
			}
		});
	}

	void luns(const std::vector<Lun> &ls)
	{
		separate();
		for (const auto &l : ls)
			section("LUN " + std::to_string(l.number) + " " + quote(l.device),
				l.attrs.empty(), false, [&] { attrs(l.attrs); });
	}

	void group(const Group &g)
	{
		separate();
		section("GROUP " + quote(g.name), false, true, [&] {
			attrs(g.attrs);
			luns(g.luns);
			separate();
			for (const auto &i : g.initiators)
				line("INITIATOR " + quote(i.name));
		});
	}

	void target(const Target &t)
	{
		separate();
		const bool empty = t.attrs.empty() && t.luns.empty() && t.groups.empty();
		section("TARGET " + quote(t.name), empty, false, [&] {
			attrs(t.attrs);
			luns(t.luns);
			for (const auto &g : t.groups)
				group(g);
		});
	}

	void driver(const TargetDriver &d)
	{
		separate();
		section("TARGET_DRIVER " + quote(d.name), false, true, [&] {
			attrs(d.attrs);
			for (const auto &t : d.targets)
				target(t);
		});
	}

	void target_group(const TargetGroup &tg)
	{
		separate();
		section("TARGET_GROUP " + quote(tg.name), false, true, [&] {
			attrs(tg.attrs);
			separate();
			for (const auto &m : tg.targets)
				section("TARGET " + quote(m.name), m.attrs.empty(), false,
					[&] { attrs(m.attrs); });
		});
	}

	void device_group(const DeviceGroup &dg)
	{
		separate();
		section("DEVICE_GROUP " + quote(dg.name), false, true, [&] {
			attrs(dg.attrs);
			separate();
			for (const auto &d : dg.devices)
				line("DEVICE " + quote(d.name));
			for (const auto &tg : dg.target_groups)
				target_group(tg);
		});
	}

	std::string out_;
	std::size_t depth_ = 0;
	bool pending_blank_ = false;
	bool after_open_ = false;
};

}  // namespace

std::string write_conf(const Config &config, const WriteOptions &options)
{
	return Writer().run(config, options);
}

}  // namespace scstconf
