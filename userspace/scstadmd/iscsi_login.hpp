// iSCSI login and discovery sessions (RFC 7143): one LoginConn per
// accepted connection runs the login phase with the portable negotiation
// engine (kernel/iscsi/iscsi_text.c). A Normal session that reaches full
// feature phase is handed to the kernel (ISC_CMD_CONN_ADD, include/uapi/
// scst_iscsi_netlink.h); a Discovery session stays here and answers
// SendTargets until the initiator logs out.
//
// Access, from the kernel's configuration (the "iscsi" driver's attributes):
// - a Discovery session authenticates with CHAP against the driver's
//   IncomingUser accounts when it has any (mutual CHAP with its
//   OutgoingUser), and SendTargets answers only the targets and portals
//   iscsi_discovery.hpp allows;
// - a Normal session to a target whose allowed_portal does not admit the
//   portal it came in on is refused as 0x0203 (not found: the target does
//   not exist there, as SendTargets shows), one from an initiator LUN
//   masking gives no view of the target as 0x0202 (authorization failure,
//   RFC 7143 11.13.5), before any authentication; then the target's
//   IncomingUser accounts require CHAP as above.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <scstconf/result.hpp>

extern "C" {
#include "iscsi_text.h"
}
// The kernel shim's min()/max() macros would break the C++ library.
#undef min
#undef max

#include "fd.hpp"
#include "iscsi_chap.hpp"
#include "iscsi_discovery.hpp"

namespace scstadmd {

// What a target of driver "iscsi" says about itself (its attributes).
struct IscsiTarget {
	std::string name;
	bool enabled = false;
	isc_tgt_config cfg{};
	uint32_t max_xmit_dsl = 0;	// MaxXmitDataSegmentLength
	uint32_t queued_commands = 0;	// QueuedCommands
	ChapCredentials chap;		// IncomingUser, OutgoingUser
};

// The kernel side of logins: target attributes over the "scst" family,
// the connection hand-over over "scst_iscsi". An interface so that tests
// can fake it.
class IscsiKernel {
public:
	virtual ~IscsiKernel() = default;
	// std::nullopt when there is no such target.
	virtual scstconf::Result<std::optional<IscsiTarget>> target(const std::string &name) = 0;
	virtual scstconf::Result<std::vector<IscsiTarget>> targets() = 0;
	// The running configuration (scstctl::read_running()): LUN masking,
	// the driver's CHAP accounts, the targets' allowed_portal.
	virtual scstconf::Result<scstconf::Config> config() = 0;

	struct ConnAdd {
		std::string target, initiator;
		uint64_t isid = 0;
		uint16_t tsih = 0, cid = 0;
		int fd = -1;
		uint32_t exp_cmd_sn = 0, stat_sn = 0;
		isc_params params{};
		uint16_t tpgt = 1;
	};
	// The session's TSIH.
	virtual scstconf::Result<uint16_t> conn_add(const ConnAdd &c) = 0;
};

class KernelPort;
// The configuration comes from @port's read_running().
std::unique_ptr<IscsiKernel> make_netlink_iscsi_kernel(KernelPort &port);

// The CHAP hook: which AuthMethods (BIT(enum isc_auth)) a login of
// @initiator to @target (empty for a discovery session) may use: CHAP
// only when the target has IncomingUser accounts, None otherwise.
uint8_t iscsi_security_methods(const IscsiTarget *target, const std::string &initiator);

class LoginConn {
public:
	// @fd: an accepted TCP connection, non-blocking; @listeners: the
	// portals the daemon listens on, for SendTargets; @local: the portal
	// the connection came in on (default: the socket's address).
	LoginConn(UniqueFd fd, IscsiKernel &kernel, std::vector<IscsiPortal> listeners = {},
		  std::optional<IscsiPortal> local = std::nullopt);

	int fd() const { return fd_.get(); }
	// The socket is readable: read and answer what arrived. false when
	// the connection is finished with (handed over, closed or failed):
	// the caller drops this object.
	bool on_readable();

private:
	enum class Phase { Login, Discovery, Done };

	bool handle_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len);
	bool login_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len);
	bool discovery_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len);
	// First request: who logs in to what; a login status on failure.
	uint16_t start(const std::string &text);
	bool hand_over(const isc_pdu_info &pi, const std::vector<uint8_t> &answer);
	bool send_login_rsp(const isc_pdu_info &pi, uint16_t status, bool transit,
			    const std::vector<uint8_t> &data, uint16_t tsih = 0);
	bool send_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len);
	void sn(isc_sn &s, bool new_statsn);
	// Appends the SendTargets answer to @out (up to @cap bytes).
	void send_targets(std::vector<uint8_t> &out, uint32_t cap, u32 &out_len);

	UniqueFd fd_;
	IscsiKernel &kernel_;
	std::vector<IscsiPortal> listeners_;
	IscsiPortal local_;
	Phase phase_ = Phase::Login;
	std::vector<uint8_t> in_;	// bytes received, not yet a whole PDU
	std::string pending_text_;	// Login/Text data with C set
	bool started_ = false;
	std::optional<IscsiTarget> target_;
	isc_tgt_config cfg_{};
	std::unique_ptr<isc_neg> neg_;
	std::optional<ChapAuthenticator> chap_;	// CHAP required
	uint8_t isid_[6] = {};
	uint16_t tsih_ = 0, cid_ = 0;
	uint32_t itt_ = 0;
	uint32_t stat_sn_;
	uint32_t exp_cmd_sn_ = 0;
	uint16_t discovery_tsih_ = 0;
};

} // namespace scstadmd
