// A connection to the "scst" generic netlink family: send a Request and
// get its replies (one for a GET, many for a dump), or listen to the
// "events" multicast group. Errors carry the kernel's extended ack.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "codec.hpp"

struct nl_sock;
struct nl_msg;

namespace scstnl {

struct SockDeleter {
	void operator()(nl_sock *sk) const;
};
using SockPtr = std::unique_ptr<nl_sock, SockDeleter>;

struct MsgDeleter {
	void operator()(nl_msg *msg) const;
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// A failed request: a negative errno and what the kernel said about it.
struct Error {
	int err = 0;		// 0: no error
	std::string message;	// the extack message, may be empty
	std::string attr;	// the attribute at fault, may be empty

	explicit operator bool() const { return err != 0; }
	std::string str() const;
};

class Client {
public:
	using OnRecord = std::function<void(const Record &)>;

	// Connects and resolves the family; check error() afterwards.
	Client();

	const Error &error() const { return error_; }

	// Send @req and call @on_record for each reply message.
	Error call(const Request &req, const OnRecord &on_record);

	// Join the events group, call @on_ready, then @on_record for each
	// event until an error happens (or forever).
	Error monitor(const OnRecord &on_record, const std::function<void()> &on_ready = {});

private:
	SockPtr sock_;
	int family_ = -1;
	Error error_;
};

} // namespace scstnl
