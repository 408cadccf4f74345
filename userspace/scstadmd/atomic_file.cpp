#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "error.hpp"
#include "fd.hpp"

namespace scstadmd {

namespace {

scstconf::Error sys_error(const std::string &path, const std::string &what, int err)
{
	return make_error(what + ": " + std::strerror(err), path);
}

// Unlinks the temporary file unless it was renamed.
class TempFile {
public:
	TempFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
	TempFile(const TempFile &) = delete;
	TempFile &operator=(const TempFile &) = delete;
	~TempFile()
	{
		if (!committed_)
			::unlink(path_.c_str());
	}
	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	// Closes it; an error of close() is an error of the write.
	int close() { return ::close(fd_.release()); }
	void committed() { committed_ = true; }

private:
	std::string path_;
	UniqueFd fd_;
	bool committed_ = false;
};

} // namespace

std::string dir_name(const std::string &path)
{
	auto slash = path.rfind('/');
	if (slash == std::string::npos)
		return ".";
	if (slash == 0)
		return "/";
	return path.substr(0, slash);
}

scstconf::Result<void> write_file_atomic(const std::string &path, std::string_view content, mode_t mode)
{
	struct stat st;
	if (::stat(path.c_str(), &st) == 0)
		mode = st.st_mode & 07777;

	std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
	std::string tmpl = dir_name(path) + "/." + base + ".tmpXXXXXX";
	std::vector<char> name(tmpl.begin(), tmpl.end());
	name.push_back('\0');
	UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
	if (!fd)
		return sys_error(path, "cannot create a temporary file in " + dir_name(path), errno);
	TempFile tmp(name.data(), std::move(fd));

	if (::fchmod(tmp.fd(), mode) < 0)
		return sys_error(tmp.path(), "fchmod", errno);
	for (std::size_t off = 0; off < content.size();) {
		ssize_t n = ::write(tmp.fd(), content.data() + off, content.size() - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sys_error(tmp.path(), "write", errno);
		}
		off += static_cast<std::size_t>(n);
	}
	if (::fsync(tmp.fd()) < 0)
		return sys_error(tmp.path(), "fsync", errno);
	if (tmp.close() < 0)
		return sys_error(tmp.path(), "close", errno);
	if (::rename(tmp.path().c_str(), path.c_str()) < 0)
		return sys_error(path, "rename " + tmp.path(), errno);
	tmp.committed();

	UniqueFd dir(::open(dir_name(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dir)
		return sys_error(dir_name(path), "open", errno);
	if (::fsync(dir.get()) < 0)
		return sys_error(dir_name(path), "fsync", errno);
	return {};
}

scstconf::Result<std::optional<std::string>> read_file(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd) {
		if (errno == ENOENT)
			return std::optional<std::string>{};
		return sys_error(path, "open", errno);
	}
	std::string text;
	char buf[16384];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sys_error(path, "read", errno);
		}
		if (n == 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
	}
	return std::optional<std::string>(std::move(text));
}

} // namespace scstadmd
