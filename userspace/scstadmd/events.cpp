#include "events.hpp"

#include "uapi/scst_netlink.h"

namespace scstadmd {

namespace {

std::string field(const scstnl::Record &ev, const char *name)
{
	return ev.get(name).value_or("");
}

// "drv/tgt", "drv/tgt group g" and so on, from what the event names.
std::string object_of(const scstnl::Record &ev)
{
	std::string s;
	auto add = [&s](const std::string &part) {
		if (!s.empty())
			s += ' ';
		s += part;
	};
	if (auto d = ev.get("handler"))
		add("handler " + *d);
	if (auto d = ev.get("device"))
		add("device " + *d);
	if (auto drv = ev.get("driver")) {
		std::string t = *drv;
		if (auto tgt = ev.get("target"))
			t += "/" + *tgt;
		add("target " + t);
	}
	if (auto g = ev.get("group"))
		add("group " + *g);
	if (auto l = ev.get("lun"))
		add("LUN " + *l);
	if (auto i = ev.get("initiator"))
		add("initiator " + *i);
	if (auto g = ev.get("dest_group"))
		add("to group " + *g);
	return s;
}

} // namespace

std::string describe_event(const scstnl::Record &ev)
{
	switch (ev.cmd) {
	case SCST_EVENT_SESSION_UP:
	case SCST_EVENT_SESSION_DOWN: {
		std::string s = ev.cmd == SCST_EVENT_SESSION_UP ? "session up: " : "session down: ";
		s += field(ev, "driver") + "/" + field(ev, "target") + " initiator " + field(ev, "initiator");
		if (auto g = ev.get("group"))
			s += " (group " + *g + ")";
		return s;
	}
	case SCST_EVENT_DEVICE_ADDED:
	case SCST_EVENT_DEVICE_REMOVED: {
		std::string s = ev.cmd == SCST_EVENT_DEVICE_ADDED ? "device added: " : "device removed: ";
		s += field(ev, "device");
		if (auto h = ev.get("handler"))
			s += " (" + *h + ")";
		return s;
	}
	case SCST_EVENT_DEVICE_RESIZED: {
		std::string s = "device resized: " + field(ev, "device");
		if (auto sz = ev.get("size"))
			s += " to " + *sz + " bytes";
		return s;
	}
	case SCST_EVENT_CONFIG_CHANGED: {
		std::string s = "config changed: " + field(ev, "cmd");
		std::string obj = object_of(ev);
		if (!obj.empty())
			s += " " + obj;
		if (auto a = ev.get("attr_name"))
			s += " attribute " + *a;
		if (auto m = ev.get("mgmt_line"))
			s += " \"" + *m + "\"";
		return s;
	}
	default:
		return "event " + scstnl::cmd_name(ev.cmd) + ": " + ev.line();
	}
}

bool changes_config(const scstnl::Record &ev)
{
	return ev.cmd != SCST_EVENT_SESSION_UP && ev.cmd != SCST_EVENT_SESSION_DOWN;
}

} // namespace scstadmd
