#include "options.hpp"

#include <array>
#include <sstream>

#include <boost/program_options.hpp>

namespace po = boost::program_options;

namespace scstadmin {

namespace {

enum class Arg { None, Optional, Required };

struct VerbInfo {
	const char *name;
	Verb verb;
	Arg arg;
	const char *help;
};

constexpr std::array kVerbs = {
	VerbInfo{"config", Verb::Config, Arg::Required, "FILE: apply a config (scst.conf, or JSON if *.json)"},
	VerbInfo{"check_config", Verb::CheckConfig, Arg::Required, "FILE: show what -config would change"},
	VerbInfo{"write_config", Verb::WriteConfig, Arg::Required, "FILE: save the running config"},
	VerbInfo{"clear_config", Verb::ClearConfig, Arg::None, "remove everything"},
	VerbInfo{"list_handler", Verb::ListHandler, Arg::Optional, "[HANDLER]"},
	VerbInfo{"list_device", Verb::ListDevice, Arg::Optional, "[DEVICE]"},
	VerbInfo{"list_driver", Verb::ListDriver, Arg::Optional, "[DRIVER]"},
	VerbInfo{"list_target", Verb::ListTarget, Arg::Optional, "[TARGET] [-driver D]"},
	VerbInfo{"list_group", Verb::ListGroup, Arg::Optional, "[GROUP] [-driver D] [-target T]"},
	VerbInfo{"list_sessions", Verb::ListSessions, Arg::None, "[-driver D] [-target T]"},
	VerbInfo{"list_scst_attr", Verb::ListScstAttr, Arg::None, ""},
	VerbInfo{"list_hnd_attr", Verb::ListHndAttr, Arg::Required, "HANDLER"},
	VerbInfo{"list_dev_attr", Verb::ListDevAttr, Arg::Required, "DEVICE"},
	VerbInfo{"list_drv_attr", Verb::ListDrvAttr, Arg::Required, "DRIVER"},
	VerbInfo{"list_tgt_attr", Verb::ListTgtAttr, Arg::Required, "TARGET -driver D"},
	VerbInfo{"list_grp_attr", Verb::ListGrpAttr, Arg::Required, "GROUP -driver D -target T"},
	VerbInfo{"list_lun_attr", Verb::ListLunAttr, Arg::Required, "LUN -driver D -target T [-group G]"},
	VerbInfo{"set_scst_attr", Verb::SetScstAttr, Arg::None, "-attributes K=V,..."},
	VerbInfo{"set_hnd_attr", Verb::SetHndAttr, Arg::Required, "HANDLER -attributes K=V,..."},
	VerbInfo{"set_dev_attr", Verb::SetDevAttr, Arg::Required, "DEVICE -attributes K=V,..."},
	VerbInfo{"set_drv_attr", Verb::SetDrvAttr, Arg::Required, "DRIVER -attributes K=V,..."},
	VerbInfo{"set_tgt_attr", Verb::SetTgtAttr, Arg::Required, "TARGET -driver D -attributes K=V,..."},
	VerbInfo{"set_grp_attr", Verb::SetGrpAttr, Arg::Required, "GROUP -driver D -target T -attributes K=V,..."},
	VerbInfo{"add_drv_attr", Verb::AddDrvAttr, Arg::Required, "DRIVER -attributes K=V,... (a value of IncomingUser...)"},
	VerbInfo{"rem_drv_attr", Verb::RemDrvAttr, Arg::Required, "DRIVER -attributes K=V,..."},
	VerbInfo{"add_tgt_attr", Verb::AddTgtAttr, Arg::Required, "TARGET -driver D -attributes K=V,..."},
	VerbInfo{"rem_tgt_attr", Verb::RemTgtAttr, Arg::Required, "TARGET -driver D -attributes K=V,..."},
	VerbInfo{"set_lun_attr", Verb::SetLunAttr, Arg::Required, "LUN -driver D -target T [-group G] -attributes read_only=1"},
	VerbInfo{"open_dev", Verb::OpenDev, Arg::Required, "DEVICE -handler H [-attributes K=V,...]"},
	VerbInfo{"close_dev", Verb::CloseDev, Arg::Required, "DEVICE [-handler H]"},
	VerbInfo{"resync_dev", Verb::ResyncDev, Arg::Required, "DEVICE"},
	VerbInfo{"add_target", Verb::AddTarget, Arg::Required, "TARGET -driver D [-attributes K=V,...]"},
	VerbInfo{"rem_target", Verb::RemTarget, Arg::Required, "TARGET -driver D"},
	VerbInfo{"enable_target", Verb::EnableTarget, Arg::Required, "TARGET -driver D"},
	VerbInfo{"disable_target", Verb::DisableTarget, Arg::Required, "TARGET -driver D"},
	VerbInfo{"add_group", Verb::AddGroup, Arg::Required, "GROUP -driver D -target T"},
	VerbInfo{"rem_group", Verb::RemGroup, Arg::Required, "GROUP -driver D -target T"},
	VerbInfo{"add_init", Verb::AddInit, Arg::Required, "INITIATOR -driver D -target T -group G"},
	VerbInfo{"rem_init", Verb::RemInit, Arg::Required, "INITIATOR -driver D -target T -group G"},
	VerbInfo{"move_init", Verb::MoveInit, Arg::Required, "INITIATOR -driver D -target T -group G -to G2"},
	VerbInfo{"clear_inits", Verb::ClearInits, Arg::None, "-driver D -target T -group G"},
	VerbInfo{"add_lun", Verb::AddLun, Arg::Required, "LUN -driver D -target T [-group G] -device DEV [-attributes read_only=1]"},
	VerbInfo{"rem_lun", Verb::RemLun, Arg::Required, "LUN -driver D -target T [-group G]"},
	VerbInfo{"replace_lun", Verb::ReplaceLun, Arg::Required, "LUN -driver D -target T [-group G] -device DEV [-attributes ...]"},
	VerbInfo{"clear_luns", Verb::ClearLuns, Arg::None, "-driver D -target T [-group G]"},
	VerbInfo{"list_dgrp", Verb::ListDgrp, Arg::Optional, "[DEVICE_GROUP]: ALUA device and target groups"},
	VerbInfo{"add_dgrp", Verb::AddDgrp, Arg::Required, "DEVICE_GROUP"},
	VerbInfo{"rem_dgrp", Verb::RemDgrp, Arg::Required, "DEVICE_GROUP"},
	VerbInfo{"add_dgrp_dev", Verb::AddDgrpDev, Arg::Required, "DEVICE -dev_group DG"},
	VerbInfo{"rem_dgrp_dev", Verb::RemDgrpDev, Arg::Required, "DEVICE -dev_group DG"},
	VerbInfo{"add_tgrp", Verb::AddTgrp, Arg::Required, "TARGET_GROUP -dev_group DG [-attributes group_id=N,...]"},
	VerbInfo{"rem_tgrp", Verb::RemTgrp, Arg::Required, "TARGET_GROUP -dev_group DG"},
	VerbInfo{"set_tgrp_attr", Verb::SetTgrpAttr, Arg::Required, "TARGET_GROUP -dev_group DG -attributes state=standby,..."},
	VerbInfo{"add_tgrp_tgt", Verb::AddTgrpTgt, Arg::Required, "TARGET -dev_group DG -tgt_group TG [-attributes rel_tgt_id=N]"},
	VerbInfo{"rem_tgrp_tgt", Verb::RemTgrpTgt, Arg::Required, "TARGET -dev_group DG -tgt_group TG"},
	VerbInfo{"set_ttgt_attr", Verb::SetTtgtAttr, Arg::Required, "TARGET -dev_group DG -tgt_group TG -attributes rel_tgt_id=N"},
};

struct NamedOpt {
	const char *name;
	std::string Invocation::*field;
	const char *help;
};

const std::array kNamed = {
	NamedOpt{"driver", &Invocation::driver, "target driver"},
	NamedOpt{"target", &Invocation::target, "target"},
	NamedOpt{"group", &Invocation::group, "initiator group"},
	NamedOpt{"handler", &Invocation::handler, "device handler"},
	NamedOpt{"device", &Invocation::device, "device"},
	NamedOpt{"to", &Invocation::to, "destination group (-move_init)"},
	NamedOpt{"lun", &Invocation::lun, "LUN number"},
	NamedOpt{"dev_group", &Invocation::dev_group, "ALUA device group"},
	NamedOpt{"tgt_group", &Invocation::tgt_group, "ALUA target group"},
};

po::options_description describe_options()
{
	po::options_description verbs("Commands (one at a time)");
	for (const auto &v : kVerbs) {
		if (v.arg == Arg::None)
			verbs.add_options()(v.name, v.help);
		else if (v.arg == Arg::Optional)
			verbs.add_options()(v.name, po::value<std::string>()->implicit_value("", "")->value_name("ARG"),
					    v.help);
		else
			verbs.add_options()(v.name, po::value<std::string>()->value_name("ARG"), v.help);
	}
	po::options_description opts("Options");
	for (const auto &n : kNamed)
		opts.add_options()(n.name, po::value<std::string>(), n.help);
	opts.add_options()
		("attributes", po::value<std::string>(), "K=V[,K=V...]: attributes or parameters")
		("noprompt", "do not ask for confirmation")
		("force", "allow changes that delete or re-create objects in use")
		("cont_on_err", "go on after an error, without rollback")
		("json", "listings as JSON")
		("help", "this text");
	po::options_description all;
	all.add(verbs).add(opts);
	return all;
}

// "a=1,b=2" or "a=1;b=2" -> pairs. A value may not contain the separators.
scstconf::Result<std::vector<std::pair<std::string, std::string>>> split_attributes(const std::string &s)
{
	std::vector<std::pair<std::string, std::string>> out;
	std::string item;
	std::istringstream in(s);
	while (std::getline(in, item, s.find(';') != std::string::npos ? ';' : ',')) {
		auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
		if (b == std::string::npos)
			continue;
		item = item.substr(b, e - b + 1);
		auto eq = item.find('=');
		if (eq == std::string::npos || eq == 0)
			return scstconf::Error{"", 0, 0, "-attributes",
					       "\"" + item + "\" is not KEY=VALUE"};
		out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
	}
	return out;
}

scstconf::Error usage_error(std::string field, std::string message)
{
	return scstconf::Error{"", 0, 0, std::move(field), std::move(message)};
}

}  // namespace

bool destructive(Verb v)
{
	switch (v) {
	case Verb::ClearConfig:
	case Verb::CloseDev:
	case Verb::RemTarget:
	case Verb::DisableTarget:
	case Verb::RemGroup:
	case Verb::RemInit:
	case Verb::ClearInits:
	case Verb::RemLun:
	case Verb::ReplaceLun:
	case Verb::ClearLuns:
	case Verb::RemDgrp:
	case Verb::RemDgrpDev:
	case Verb::RemTgrp:
	case Verb::RemTgrpTgt:
		return true;
	default:
		return false;
	}
}

std::string usage()
{
	std::ostringstream s;
	s << "Usage: scstadmin -COMMAND [ARG] [-driver D] [-target T] [-group G] [-device DEV]\n"
	     "                 [-handler H] [-attributes K=V,...] [-noprompt] [-force]\n"
	     "                 [-cont_on_err] [--json]\n"
	     "  e.g. scstadmin -config /etc/scst.conf\n\n"
	  << describe_options();
	// SCST's spelling: -config, not --config (both work).
	std::string text = s.str();
	for (std::size_t at = 0; (at = text.find("  --", at)) != std::string::npos; at += 3)
		text.erase(at + 2, 1);
	return text;
}

scstconf::Result<Invocation> parse_args(const std::vector<std::string> &args)
{
	po::variables_map vm;
	std::vector<std::string> rest;
	try {
		auto desc = describe_options();
		desc.add_options()("args", po::value<std::vector<std::string>>(&rest));
		po::positional_options_description pos;
		pos.add("args", -1);
		// SCST's single-dash long options; no short ones.
		po::store(po::command_line_parser(args)
				  .options(desc)
				  .positional(pos)
				  .style(po::command_line_style::allow_long |
					 po::command_line_style::long_allow_adjacent |
					 po::command_line_style::long_allow_next |
					 po::command_line_style::allow_long_disguise)
				  .run(),
			  vm);
		po::notify(vm);
	} catch (const po::error &e) {
		return usage_error("", e.what());
	}

	for (const auto &r : rest)
		if (r.size() > 1 && r[0] == '-')
			return usage_error(r, "unknown option");
	Invocation inv;
	if (vm.count("help"))
		return inv;
	const VerbInfo *verb = nullptr;
	for (const auto &v : kVerbs) {
		if (!vm.count(v.name))
			continue;
		if (verb)
			return usage_error(v.name, std::string("one command at a time (also -") + verb->name + ")");
		verb = &v;
	}
	if (!verb)
		return usage_error("", "no command given (e.g. -config FILE, -list_target)");
	inv.verb = verb->verb;
	inv.verb_name = verb->name;
	if (verb->arg != Arg::None)
		inv.value = vm[verb->name].as<std::string>();
	// -list_device DEV: an optional argument is the next word.
	if (verb->arg == Arg::Optional && !rest.empty()) {
		inv.value = rest.front();
		rest.erase(rest.begin());
	}
	if (!rest.empty())
		return usage_error(rest.front(), "unexpected argument");
	// An unknown "-option" after a verb would be taken as its value.
	if (inv.value.size() > 1 && inv.value[0] == '-')
		return usage_error(inv.value, "unknown option (or -" + inv.verb_name + " is missing its argument)");
	for (const auto &n : kNamed)
		if (vm.count(n.name))
			inv.*n.field = vm[n.name].as<std::string>();
	if (vm.count("attributes")) {
		auto a = split_attributes(vm["attributes"].as<std::string>());
		if (!a)
			return a.error();
		inv.attributes = std::move(*a);
	}
	inv.noprompt = vm.count("noprompt");
	inv.force = vm.count("force");
	inv.cont_on_err = vm.count("cont_on_err");
	inv.json = vm.count("json");

	// What each verb needs.
	auto need = [&](const std::string &v, const char *name) -> std::optional<scstconf::Error> {
		if (v.empty())
			return usage_error(std::string("-") + name,
					   std::string("-") + inv.verb_name + " needs -" + name);
		return std::nullopt;
	};
	std::vector<std::pair<const std::string *, const char *>> needed;
	switch (inv.verb) {
	case Verb::ListTgtAttr:
	case Verb::SetTgtAttr:
	case Verb::AddTgtAttr:
	case Verb::RemTgtAttr:
	case Verb::AddTarget:
	case Verb::RemTarget:
	case Verb::EnableTarget:
	case Verb::DisableTarget:
		needed = {{&inv.driver, "driver"}};
		break;
	case Verb::ListGrpAttr:
	case Verb::SetGrpAttr:
	case Verb::AddGroup:
	case Verb::RemGroup:
	case Verb::ListLunAttr:
	case Verb::SetLunAttr:
	case Verb::RemLun:
	case Verb::ClearLuns:
		needed = {{&inv.driver, "driver"}, {&inv.target, "target"}};
		break;
	case Verb::AddInit:
	case Verb::RemInit:
	case Verb::ClearInits:
		needed = {{&inv.driver, "driver"}, {&inv.target, "target"}, {&inv.group, "group"}};
		break;
	case Verb::MoveInit:
		needed = {{&inv.driver, "driver"}, {&inv.target, "target"}, {&inv.group, "group"}, {&inv.to, "to"}};
		break;
	case Verb::AddLun:
	case Verb::ReplaceLun:
		needed = {{&inv.driver, "driver"}, {&inv.target, "target"}, {&inv.device, "device"}};
		break;
	case Verb::OpenDev:
		needed = {{&inv.handler, "handler"}};
		break;
	case Verb::AddDgrpDev:
	case Verb::RemDgrpDev:
	case Verb::AddTgrp:
	case Verb::RemTgrp:
	case Verb::SetTgrpAttr:
		needed = {{&inv.dev_group, "dev_group"}};
		break;
	case Verb::AddTgrpTgt:
	case Verb::RemTgrpTgt:
	case Verb::SetTtgtAttr:
		needed = {{&inv.dev_group, "dev_group"}, {&inv.tgt_group, "tgt_group"}};
		break;
	default:
		break;
	}
	for (const auto &[field, name] : needed)
		if (auto e = need(*field, name))
			return *e;
	switch (inv.verb) {
	case Verb::SetScstAttr:
	case Verb::SetHndAttr:
	case Verb::SetDevAttr:
	case Verb::SetDrvAttr:
	case Verb::SetTgtAttr:
	case Verb::SetGrpAttr:
	case Verb::AddDrvAttr:
	case Verb::RemDrvAttr:
	case Verb::AddTgtAttr:
	case Verb::RemTgtAttr:
	case Verb::SetTgrpAttr:
	case Verb::SetTtgtAttr:
		if (inv.attributes.empty())
			return usage_error("-attributes", "-" + inv.verb_name + " needs -attributes K=V,...");
		break;
	case Verb::SetLunAttr:
		if (inv.attributes.empty())
			return usage_error("-attributes", "-" + inv.verb_name + " needs -attributes K=V,...");
		inv.lun = inv.value;
		break;
	case Verb::AddLun:
	case Verb::RemLun:
	case Verb::ReplaceLun:
	case Verb::ListLunAttr:
		inv.lun = inv.value;
		break;
	default:
		break;
	}
	return inv;
}

}  // namespace scstadmin
