// scstadmd: restores the saved SCSI target configuration at start and
// saves every change of it (daemon.hpp).
#include <iostream>

#include "daemon.hpp"
#include "kernel_nl.hpp"
#include "options.hpp"

int main(int argc, char **argv)
{
	auto opt = scstadmd::parse_options({argv + 1, argv + argc});
	if (!opt) {
		std::cerr << "scstadmd: " << opt.error().message << "\n" << scstadmd::usage();
		return 2;
	}
	if (opt->help) {
		std::cout << scstadmd::usage();
		return 0;
	}
	if (opt->check)
		return scstadmd::check_config(opt->config);
	scstadmd::NetlinkKernel kernel;
	return scstadmd::run_daemon(*opt, kernel);
}
