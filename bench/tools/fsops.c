// SPDX-License-Identifier: GPL-2.0
/*
 * scst_bench_fsops: carry out a list of file system operations read from
 * standard input, one per line, with one system call each:
 *
 *   mkdir PATH | rmdir PATH | rm PATH | ln TARGET PATH | write PATH TEXT
 *
 * The LUN benchmark drives LIO's configfs with it, so that LIO's figures
 * measure configfs and not a fork and exec of mkdir(1) per object.
 * Stops at the first failure, naming the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd, rc = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len)
		rc = -1;
	if (close(fd) && !rc)
		rc = -1;
	return rc;
}

static int run(char *line)
{
	char *verb = strtok(line, " \n");
	char *a = strtok(NULL, " \n");
	char *b = strtok(NULL, "\n");

	if (!verb)
		return 0;
	if (!a)
		goto usage;
	if (!strcmp(verb, "mkdir"))
		return mkdir(a, 0755);
	if (!strcmp(verb, "rmdir"))
		return rmdir(a);
	if (!strcmp(verb, "rm"))
		return unlink(a);
	if (!b)
		goto usage;
	if (!strcmp(verb, "ln"))
		return symlink(a, b);
	if (!strcmp(verb, "write"))
		return write_file(a, b);
usage:
	errno = EINVAL;
	return -1;
}

int main(void)
{
	char line[4096], copy[4096];
	unsigned long n = 0;

	while (fgets(line, sizeof(line), stdin)) {
		n++;
		memcpy(copy, line, sizeof(copy));
		if (run(line)) {
			fprintf(stderr, "line %lu: %s: %s", n, strerror(errno),
				copy);
			return 1;
		}
	}
	return 0;
}
