// scstadmin: SCST's administration CLI (README.md, "scstadmin").
#include "commands.hpp"

int main(int argc, char **argv)
{
	return scstadmin::run({argv + 1, argv + argc});
}
