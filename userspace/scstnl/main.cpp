// scstnl: send one command of the "scst" generic netlink family and print
// each reply (or event, for "monitor") as a line of key=value fields.
#include <iostream>

#include "cli.hpp"
#include "client.hpp"

int main(int argc, char **argv)
{
	std::string why;
	auto inv = scstnl::parse_cli({argv + 1, argv + argc}, why);
	if (!inv) {
		std::cerr << "scstnl: " << why << "\n" << scstnl::usage();
		return 2;
	}
	scstnl::Client client;
	auto print = [](const scstnl::Record &rec) { std::cout << rec.line() << std::endl; };
	auto print_event = [](const scstnl::Record &rec) {
		std::cout << "event=" << scstnl::cmd_name(rec.cmd) << ' ' << rec.line() << std::endl;
	};
	auto err = inv->monitor
		? client.monitor(print_event, [] { std::cout << "# listening" << std::endl; })
		: client.call(inv->request, print);
	if (err) {
		std::cerr << "scstnl: " << err.str() << std::endl;
		return 1;
	}
	return 0;
}
