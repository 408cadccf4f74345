#include "options.hpp"
#include "error.hpp"
#include "iscsi_portal.hpp"

namespace scstadmd {

const char *usage()
{
	return "usage: scstadmd [--config PATH] [--foreground] [--log-level LEVEL]\n"
	       "                [--lock-file PATH] [--iscsi-portal ADDR[:PORT]]...\n"
	       "       scstadmd --check [--config PATH]\n"
	       "  --config PATH      the saved configuration (default /etc/scst.conf)\n"
	       "  --foreground, -f   do not detach; log to stderr\n"
	       "  --log-level LEVEL  error, warning, info (default) or debug\n"
	       "  --lock-file PATH   one daemon per lock (default /run/scstadmd.lock)\n"
	       "  --check            parse and validate the file, print its errors, exit\n"
	       "  --iscsi-portal ADDR[:PORT]  accept iSCSI logins there (repeatable; default\n"
	       "                     0.0.0.0:3260 and [::]:3260; \"none\" for no portal)\n";
}

scstconf::Result<Options> parse_options(const std::vector<std::string> &args)
{
	Options o;
	auto bad = [](std::string msg) { return make_error(std::move(msg)); };

	for (std::size_t i = 0; i < args.size(); i++) {
		std::string a = args[i], value;
		bool has_value = false;
		if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
			value = a.substr(eq + 1);
			a = a.substr(0, eq);
			has_value = true;
		}
		auto take = [&](std::string &out) -> bool {
			if (!has_value) {
				if (i + 1 >= args.size())
					return false;
				value = args[++i];
			}
			out = value;
			return true;
		};
		if (a == "--foreground" || a == "-f") {
			if (has_value)
				return bad(a + " takes no value");
			o.foreground = true;
		} else if (a == "--check") {
			if (has_value)
				return bad(a + " takes no value");
			o.check = true;
		} else if (a == "--help" || a == "-h") {
			o.help = true;
		} else if (a == "--config" || a == "-c") {
			if (!take(o.config) || o.config.empty())
				return bad(a + " needs a path");
		} else if (a == "--lock-file") {
			if (!take(o.lock_file) || o.lock_file.empty())
				return bad(a + " needs a path");
		} else if (a == "--iscsi-portal") {
			std::string p;
			if (!take(p))
				return bad(a + " needs an address");
			if (p == "none") {
				o.no_iscsi = true;
			} else if (auto pa = parse_portal(p); !pa) {
				return bad(pa.error().message);
			} else {
				o.iscsi_portals.push_back(p);
			}
		} else if (a == "--log-level") {
			std::string l;
			if (!take(l))
				return bad(a + " needs a level");
			auto level = parse_level(l);
			if (!level)
				return bad("unknown log level \"" + l + "\" (error, warning, info, debug)");
			o.level = *level;
		} else {
			return bad("unknown argument \"" + args[i] + "\"");
		}
	}
	return o;
}

} // namespace scstadmd

