// scstadmin's command line, SCST style ("scstadmin -config /etc/scst.conf"):
// one verb with its value, the options that name objects, and flags.
// Parsing is pure: argv in, an Invocation or a usage error out.
#pragma once

#include <string>
#include <vector>

#include <scstconf/result.hpp>

namespace scstadmin {

enum class Verb {
	Help,
	Config, CheckConfig, WriteConfig, ClearConfig,
	ListHandler, ListDevice, ListDriver, ListTarget, ListGroup, ListSessions,
	ListScstAttr, ListHndAttr, ListDevAttr, ListDrvAttr, ListTgtAttr, ListGrpAttr, ListLunAttr,
	SetScstAttr, SetHndAttr, SetDevAttr, SetDrvAttr, SetTgtAttr, SetGrpAttr, SetLunAttr,
	AddDrvAttr, RemDrvAttr, AddTgtAttr, RemTgtAttr,
	OpenDev, CloseDev, ResyncDev,
	AddTarget, RemTarget, EnableTarget, DisableTarget,
	AddGroup, RemGroup,
	AddInit, RemInit, MoveInit, ClearInits,
	AddLun, RemLun, ReplaceLun, ClearLuns,
	// ALUA (SCST's names): device groups, target groups, their targets.
	ListDgrp, AddDgrp, RemDgrp, AddDgrpDev, RemDgrpDev,
	AddTgrp, RemTgrp, SetTgrpAttr, AddTgrpTgt, RemTgrpTgt, SetTtgtAttr,
};

struct Invocation {
	Verb verb = Verb::Help;
	std::string verb_name;   // as given, without dashes: "config"
	std::string value;       // the verb's argument: a file, a device, a LUN...
	std::string driver, target, group, handler, device, to;
	std::string dev_group, tgt_group;  // ALUA
	std::string lun;         // -lun (also the value of the LUN verbs)
	// -attributes "k=v,k2=v2" (SCST's separator; ';' works too), in order.
	std::vector<std::pair<std::string, std::string>> attributes;
	bool noprompt = false, force = false, cont_on_err = false, json = false;
};

// argv without the program name.
scstconf::Result<Invocation> parse_args(const std::vector<std::string> &args);

// The verbs that delete or replace something (confirmation on a tty).
bool destructive(Verb v);

std::string usage();

}  // namespace scstadmin
