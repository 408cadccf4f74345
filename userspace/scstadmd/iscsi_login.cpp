#include "iscsi_login.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <client.hpp>

#include "error.hpp"
#include "kernel_port.hpp"
#include "log.hpp"
#include "uapi/scst_iscsi_netlink.h"
#include "uapi/scst_netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace scstadmd {

namespace {

constexpr const char *kDriver = "iscsi";
// A send that cannot go out in this long means the initiator is gone.
constexpr int kSendTimeoutMs = 5000;

std::optional<uint32_t> to_u32(const std::string &s)
{
	uint32_t v = 0;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || p != s.data() + s.size())
		return std::nullopt;
	return v;
}

uint8_t digest_mask(const std::string &v)
{
	uint8_t m = 0;
	if (v.find("CRC32C") != std::string::npos)
		m |= BIT(ISC_DIGEST_CRC32C);
	if (v.find("None") != std::string::npos)
		m |= BIT(ISC_DIGEST_NONE);
	return m ? m : BIT(ISC_DIGEST_NONE);
}

// A TARGET_GET record of driver "iscsi" as an IscsiTarget.
IscsiTarget target_from_record(const scstnl::Record &r)
{
	IscsiTarget t;
	t.name = r.get("target").value_or("");
	t.enabled = r.get("enabled").value_or("0") == "1";
	isc_tgt_config_default(&t.cfg);
	isc_params &l = t.cfg.limits;
	l.max_connections = 1;
	l.erl = 0;
	auto num = [&](const char *key, uint32_t &out) {
		if (auto v = r.get(std::string("attr.") + key))
			if (auto n = to_u32(*v))
				out = *n;
	};
	auto yes = [&](const char *key, uint32_t &out) {
		if (auto v = r.get(std::string("attr.") + key))
			out = *v == "Yes";
	};
	if (auto v = r.get("attr.HeaderDigest"))
		t.cfg.header_digests = digest_mask(*v);
	if (auto v = r.get("attr.DataDigest"))
		t.cfg.data_digests = digest_mask(*v);
	yes("InitialR2T", l.initial_r2t);
	yes("ImmediateData", l.immediate_data);
	num("MaxRecvDataSegmentLength", l.max_recv_dsl);
	num("MaxBurstLength", l.max_burst);
	num("FirstBurstLength", l.first_burst);
	num("MaxOutstandingR2T", l.max_outstanding_r2t);
	t.max_xmit_dsl = l.max_recv_dsl;
	num("MaxXmitDataSegmentLength", t.max_xmit_dsl);
	t.queued_commands = 32;
	num("QueuedCommands", t.queued_commands);
	// CHAP accounts: one SCST_A_ATTR per value (only root gets them).
	scstconf::Attributes accounts;
	for (const auto &[k, v] : r.fields)
		if (k == "attr.IncomingUser" || k == "attr.OutgoingUser")
			accounts.add(k.substr(5), v);
	auto creds = chap_credentials(accounts);
	for (const auto &w : creds.warnings)
		log_warning("iSCSI target " + t.name + ": " + w);
	t.chap = std::move(creds.credentials);
	return t;
}

// The local address and port of a connection; an empty address if it is
// not an IP socket.
IscsiPortal local_portal(int fd)
{
	sockaddr_storage ss{};
	socklen_t sl = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "";
	IscsiPortal p{"", 0, 1};
	if (::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &sl) < 0)
		return p;
	if (ss.ss_family == AF_INET) {
		auto *a4 = reinterpret_cast<sockaddr_in *>(&ss);
		if (inet_ntop(AF_INET, &a4->sin_addr, addr, sizeof(addr)))
			p = {addr, ntohs(a4->sin_port), 1};
	} else if (ss.ss_family == AF_INET6) {
		auto *a6 = reinterpret_cast<sockaddr_in6 *>(&ss);
		if (inet_ntop(AF_INET6, &a6->sin6_addr, addr, sizeof(addr)))
			p = {addr, ntohs(a6->sin6_port), 1};
	}
	return p;
}

// ---- the kernel over netlink ----

struct ConnAddState {
	int err = 0;
	bool done = false;
	std::string message;
	std::optional<uint16_t> tsih;
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *st = static_cast<ConnAddState *>(arg);
	nlattr *tb[ISC_A_MAX + 1];
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ISC_A_MAX, nullptr) == 0 && tb[ISC_A_TSIH])
		st->tsih = nla_get_u16(tb[ISC_A_TSIH]);
	return NL_OK;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<ConnAddState *>(arg)->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *st = static_cast<ConnAddState *>(arg);
	auto *nlh = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<char *>(e) - NLMSG_HDRLEN);
	st->done = true;
	st->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	size_t off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return NL_STOP;
	auto *tlvs = reinterpret_cast<nlattr *>(reinterpret_cast<char *>(NLMSG_DATA(nlh)) + off);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - off, rem;
	nlattr *a;
	nla_for_each_attr(a, tlvs, len, rem)
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			st->message = static_cast<const char *>(nla_data(a));
	return NL_STOP;
}

class NetlinkIscsiKernel : public IscsiKernel {
public:
	explicit NetlinkIscsiKernel(KernelPort &port) : port_(port) {}

	scstconf::Result<scstconf::Config> config() override { return port_.read_running(); }

	scstconf::Result<std::optional<IscsiTarget>> target(const std::string &name) override
	{
		scstnl::Client c;
		if (c.error())
			return make_error(c.error().str());
		std::optional<IscsiTarget> t;
		scstnl::Request req;
		req.cmd = SCST_CMD_TARGET_GET;
		req.add(SCST_A_DRIVER, std::string(kDriver)).add(SCST_A_TARGET, name);
		auto e = c.call(req, [&](const scstnl::Record &r) { t = target_from_record(r); });
		if (e.err == -ENOENT)
			return std::optional<IscsiTarget>();
		if (e)
			return make_error("target " + name + ": " + e.str());
		return t;
	}

	scstconf::Result<std::vector<IscsiTarget>> targets() override
	{
		scstnl::Client c;
		if (c.error())
			return make_error(c.error().str());
		std::vector<IscsiTarget> v;
		scstnl::Request req;
		req.cmd = SCST_CMD_TARGET_GET;
		req.dump = true;
		req.add(SCST_A_DRIVER, std::string(kDriver));
		auto e = c.call(req, [&](const scstnl::Record &r) { v.push_back(target_from_record(r)); });
		if (e.err == -ENOENT)
			return v;
		if (e)
			return make_error("iSCSI targets: " + e.str());
		return v;
	}

	scstconf::Result<uint16_t> conn_add(const ConnAdd &c) override
	{
		scstnl::SockPtr sock(nl_socket_alloc());
		if (!sock)
			return make_error("cannot allocate a netlink socket");
		if (genl_connect(sock.get()) < 0)
			return make_error("genl_connect failed");
		int one = 1;
		setsockopt(nl_socket_get_fd(sock.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
		setsockopt(nl_socket_get_fd(sock.get()), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
		int family = genl_ctrl_resolve(sock.get(), SCST_ISCSI_GENL_NAME);
		if (family < 0)
			return make_error("the scst_iscsi family is not registered (is scst_iscsi.ko loaded?)");

		scstnl::MsgPtr msg(nlmsg_alloc());
		if (!msg)
			return make_error("cannot allocate a message");
		nl_msg *m = msg.get();
		bool ok = genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, ISC_CMD_CONN_ADD,
				      SCST_ISCSI_GENL_VERSION) &&
			  nla_put_string(m, ISC_A_TARGET, c.target.c_str()) == 0 &&
			  nla_put_string(m, ISC_A_INITIATOR, c.initiator.c_str()) == 0 &&
			  nla_put_u64(m, ISC_A_ISID, c.isid) == 0 &&
			  nla_put_u16(m, ISC_A_TSIH, c.tsih) == 0 &&
			  nla_put_u16(m, ISC_A_CID, c.cid) == 0 &&
			  nla_put_u32(m, ISC_A_FD, static_cast<uint32_t>(c.fd)) == 0 &&
			  nla_put_u32(m, ISC_A_EXP_CMD_SN, c.exp_cmd_sn) == 0 &&
			  nla_put_u32(m, ISC_A_STAT_SN, c.stat_sn) == 0;
		nlattr *nest = ok ? nla_nest_start(m, ISC_A_PARAMS) : nullptr;
		const isc_params &p = c.params;
		const std::pair<int, uint32_t> params[] = {
			{ISC_P_HEADER_DIGEST, p.header_digest},
			{ISC_P_DATA_DIGEST, p.data_digest},
			{ISC_P_MAX_CONNECTIONS, p.max_connections},
			{ISC_P_INITIAL_R2T, p.initial_r2t},
			{ISC_P_IMMEDIATE_DATA, p.immediate_data},
			{ISC_P_MAX_RECV_DSL, p.max_recv_dsl},
			{ISC_P_MAX_XMIT_DSL, p.max_xmit_dsl},
			{ISC_P_MAX_BURST, p.max_burst},
			{ISC_P_FIRST_BURST, p.first_burst},
			{ISC_P_TIME2WAIT, p.time2wait},
			{ISC_P_TIME2RETAIN, p.time2retain},
			{ISC_P_MAX_OUTSTANDING_R2T, p.max_outstanding_r2t},
			{ISC_P_DATA_PDU_IN_ORDER, p.data_pdu_in_order},
			{ISC_P_DATA_SEQ_IN_ORDER, p.data_seq_in_order},
			{ISC_P_ERL, p.erl},
			{ISC_P_TPGT, c.tpgt},
		};
		for (const auto &[type, value] : params)
			ok = ok && nest && nla_put_u32(m, type, value) == 0;
		if (!ok)
			return make_error("CONN_ADD does not fit in a message");
		nla_nest_end(m, nest);

		ConnAddState st;
		std::unique_ptr<nl_cb, decltype(&nl_cb_put)> cb(nl_cb_alloc(NL_CB_DEFAULT), nl_cb_put);
		if (!cb)
			return make_error("cannot allocate callbacks");
		nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
		nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
		nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &st);
		if (nl_send_auto(sock.get(), m) < 0)
			return make_error("CONN_ADD: send failed");
		while (!st.done) {
			int res = nl_recvmsgs(sock.get(), cb.get());
			if (res < 0 && !st.err)
				return make_error(std::string("CONN_ADD: ") + nl_geterror(res));
			if (st.tsih && !st.done)
				st.done = true;
		}
		if (st.err)
			return make_error("CONN_ADD: " + std::string(std::strerror(-st.err)) +
					  (st.message.empty() ? "" : ": " + st.message));
		if (!st.tsih)
			return make_error("CONN_ADD: no TSIH in the reply");
		return *st.tsih;
	}

private:
	KernelPort &port_;
};

// The text of "key=value\0..." as a string, for a quick look at a key.
std::optional<std::string> text_key(const std::string &text, const char *key)
{
	u32 pos = 0;
	isc_kv kv;
	while (isc_text_next(reinterpret_cast<const u8 *>(text.data()), text.size(), &pos, &kv) > 0)
		if (kv.key_len == std::strlen(key) && !std::memcmp(kv.key, key, kv.key_len))
			return std::string(kv.val, kv.val_len);
	return std::nullopt;
}

std::string status_str(uint16_t st)
{
	char b[8];
	std::snprintf(b, sizeof(b), "%04x", st);
	return b;
}

} // namespace

std::unique_ptr<IscsiKernel> make_netlink_iscsi_kernel(KernelPort &port)
{
	return std::make_unique<NetlinkIscsiKernel>(port);
}

uint8_t iscsi_security_methods(const IscsiTarget *target, const std::string &)
{
	return target && target->chap.auth_required() ? BIT(ISC_AUTH_CHAP) : BIT(ISC_AUTH_NONE);
}

LoginConn::LoginConn(UniqueFd fd, IscsiKernel &kernel, std::vector<IscsiPortal> listeners,
		     std::optional<IscsiPortal> local)
	: fd_(std::move(fd)), kernel_(kernel), listeners_(std::move(listeners))
{
	std::random_device rd;
	stat_sn_ = rd();
	local_ = local ? *local : local_portal(fd_.get());
}

bool LoginConn::on_readable()
{
	uint8_t buf[16384];
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
		if (n == 0)
			return false;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return false;
		}
		in_.insert(in_.end(), buf, buf + n);
		// Whole PDUs: BHS, AHS, data, padding (no digests during login
		// and in discovery sessions, which never negotiate them).
		while (in_.size() >= ISC_BHS_LEN) {
			const uint8_t *h = in_.data();
			uint32_t ahs = isc_bhs_ahs_bytes(h), dlen = isc_bhs_dlength(h);
			if (dlen > ISC_LOGIN_MAX_DSL) {
				log_warning("iSCSI login: data segment of " + std::to_string(dlen) +
					    " bytes, closing");
				return false;
			}
			size_t total = ISC_BHS_LEN + ahs + isc_padded(dlen);
			if (in_.size() < total)
				break;
			std::vector<uint8_t> pdu(in_.begin(), in_.begin() + total);
			in_.erase(in_.begin(), in_.begin() + total);
			if (!handle_pdu(pdu.data(), pdu.data() + ISC_BHS_LEN + ahs, dlen))
				return false;
		}
	}
	return true;
}

bool LoginConn::handle_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len)
{
	switch (phase_) {
	case Phase::Login:
		return login_pdu(bhs, data, len);
	case Phase::Discovery:
		return discovery_pdu(bhs, data, len);
	default:
		return false;
	}
}

void LoginConn::sn(isc_sn &s, bool new_statsn)
{
	s.statsn = new_statsn ? stat_sn_++ : stat_sn_;
	s.exp_cmdsn = exp_cmd_sn_;
	s.max_cmdsn = exp_cmd_sn_;
}

bool LoginConn::send_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len)
{
	std::vector<uint8_t> out(bhs, bhs + ISC_BHS_LEN);
	out.insert(out.end(), data, data + len);
	out.resize(ISC_BHS_LEN + isc_padded(len), 0);
	size_t off = 0;
	while (off < out.size()) {
		ssize_t n = ::send(fd_.get(), out.data() + off, out.size() - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pollfd p{fd_.get(), POLLOUT, 0};
			if (::poll(&p, 1, kSendTimeoutMs) > 0)
				continue;
		}
		return false;
	}
	return true;
}

bool LoginConn::send_login_rsp(const isc_pdu_info &pi, uint16_t status, bool transit,
			       const std::vector<uint8_t> &data, uint16_t tsih)
{
	isc_login_rsp_args a{};
	a.itt = pi.itt;
	std::memcpy(a.isid, isid_, sizeof(a.isid));
	a.tsih = tsih;
	a.transit = transit;
	a.cont = false;
	a.csg = pi.csg;
	a.nsg = pi.nsg;
	a.status = status;
	a.data_len = data.size();
	isc_sn s;
	sn(s, true);
	uint8_t bhs[ISC_BHS_LEN];
	isc_build_login_rsp(bhs, &a, &s);
	return send_pdu(bhs, data.data(), data.size());
}

uint16_t LoginConn::start(const std::string &text)
{
	auto initiator = text_key(text, "InitiatorName");
	auto type = text_key(text, "SessionType");
	bool discovery = type && *type == "Discovery";
	if (!initiator)
		return ISC_LOGIN_MISSING_PARAM;

	isc_tgt_config_default(&cfg_);
	cfg_.limits.max_connections = 1;
	cfg_.limits.erl = 0;
	auto config = kernel_.config();
	if (!config) {
		log_error("iSCSI login of " + *initiator + ": " + config.error().to_string());
		return ISC_LOGIN_TARGET_ERROR;
	}
	if (discovery) {
		// The driver's accounts authenticate discovery sessions.
		auto creds = discovery_chap_credentials(*config);
		for (const auto &w : creds.warnings)
			log_warning("iSCSI discovery: " + w);
		if (creds.credentials.auth_required())
			chap_.emplace(std::move(creds.credentials));
		cfg_.auth_methods = chap_ ? BIT(ISC_AUTH_CHAP) : BIT(ISC_AUTH_NONE);
	} else {
		auto name = text_key(text, "TargetName");
		if (!name)
			return ISC_LOGIN_MISSING_PARAM;
		auto t = kernel_.target(*name);
		if (!t) {
			log_error("iSCSI login of " + *initiator + ": " + t.error().to_string());
			return ISC_LOGIN_TARGET_ERROR;
		}
		if (!*t || !(*t)->enabled) {
			log_info("iSCSI login of " + *initiator + " to " + *name +
				 ": no such enabled target");
			return ISC_LOGIN_NOT_FOUND;
		}
		target_ = std::move(*t);
		// Access as SendTargets shows it (iscsi_discovery.hpp).
		const scstconf::Target *ct = nullptr;
		if (auto *drv = scstconf::find_named(config->drivers, kDriver))
			ct = scstconf::find_named(drv->targets, target_->name);
		if (!ct || !portal_allowed(*ct, local_.addr)) {
			log_info("iSCSI login of " + *initiator + " to " + *name + ": not allowed on portal " +
				 (local_.addr.empty() ? std::string("?") : local_.addr) + ", status " +
				 status_str(ISC_LOGIN_NOT_FOUND));
			return ISC_LOGIN_NOT_FOUND;
		}
		if (!initiator_may_see(*ct, *initiator)) {
			log_info("iSCSI login of " + *initiator + " to " + *name +
				 ": LUN masking gives this initiator no view of the target, status " +
				 status_str(ISC_LOGIN_AUTHZ_FAILED));
			return ISC_LOGIN_AUTHZ_FAILED;
		}
		cfg_ = target_->cfg;
		cfg_.auth_methods = iscsi_security_methods(&*target_, *initiator);
		if (cfg_.auth_methods & BIT(ISC_AUTH_CHAP))
			chap_.emplace(target_->chap);
	}
	neg_ = std::make_unique<isc_neg>();
	isc_neg_init(neg_.get(), &cfg_, tsih_ == 0);
	started_ = true;
	return ISC_LOGIN_OK;
}

bool LoginConn::login_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len)
{
	isc_rx_limits lim{};
	lim.max_recv_dsl = ISC_LOGIN_MAX_DSL;
	isc_pdu_info pi;
	auto v = isc_pdu_decode(bhs, ISC_PHASE_LOGIN, &lim, &pi);
	if (!started_ && v != ISC_PDU_LOGIN_FAIL) {
		std::memcpy(isid_, pi.isid, sizeof(isid_));
		tsih_ = pi.tsih;
		cid_ = pi.cid;
		itt_ = pi.itt;
	}
	exp_cmd_sn_ = pi.cmdsn;
	if (v != ISC_PDU_OK) {
		uint16_t st = v == ISC_PDU_LOGIN_FAIL ? pi.login_status : ISC_LOGIN_INITIATOR_ERROR;
		log_info("iSCSI login: bad request, status " + status_str(st));
		send_login_rsp(pi, st, false, {});
		return false;
	}
	pending_text_.append(reinterpret_cast<const char *>(data), len);
	if (pi.cont) {
		// The rest of the keys follows: acknowledge with an empty answer.
		return send_login_rsp(pi, ISC_LOGIN_OK, false, {});
	}
	std::string text = std::move(pending_text_);
	pending_text_.clear();

	if (!started_) {
		uint16_t st = start(text);
		if (st != ISC_LOGIN_OK) {
			send_login_rsp(pi, st, false, {});
			return false;
		}
	}
	// CHAP required: no other stage before it succeeded.
	if (chap_ && !chap_->done() && pi.csg != ISC_STAGE_SECURITY) {
		log_info(std::string("iSCSI login of ") + neg_->initiator_name +
			 ": CHAP required, refused, status " + status_str(ISC_LOGIN_AUTH_FAILED));
		send_login_rsp(pi, ISC_LOGIN_AUTH_FAILED, false, {});
		return false;
	}
	std::vector<uint8_t> out(ISC_LOGIN_MAX_DSL);
	u32 out_len = 0;
	uint16_t st = isc_neg_login(neg_.get(), pi.csg, pi.final, pi.nsg,
				    reinterpret_cast<const u8 *>(text.data()), text.size(),
				    out.data(), out.size(), &out_len);
	if (st != ISC_LOGIN_OK) {
		log_info(std::string("iSCSI login of ") + neg_->initiator_name + ": refused, status " +
			 status_str(st));
		send_login_rsp(pi, st, false, {});
		return false;
	}
	if (chap_ && pi.csg == ISC_STAGE_SECURITY) {
		const bool was_done = chap_->done();
		ChapStep cs;
		if (neg_->p.auth_method == ISC_AUTH_CHAP)
			cs = chap_->step(chap_request(neg_->chap));
		else if (pi.final)
			cs = {ISC_LOGIN_AUTH_FAILED, {}, "the initiator does not do CHAP"};
		if (cs.ok() && !append_keys(cs.keys, out.data(), out.size(), &out_len))
			cs = {ISC_LOGIN_TARGET_ERROR, {}, "no room for the CHAP keys"};
		if (!cs.ok()) {
			log_info(std::string("iSCSI login of ") + neg_->initiator_name + ": CHAP: " +
				 cs.detail + ", status " + status_str(cs.status));
			send_login_rsp(pi, cs.status, false, {});
			return false;
		}
		if (!was_done && chap_->done() && chap_->algorithm())
			log_info(std::string("iSCSI login of ") + neg_->initiator_name + ": CHAP user " +
				 chap_->user() + " authenticated (" +
				 std::string(chap_algorithm_name(*chap_->algorithm())) +
				 (chap_->mutual() ? ", mutual" : "") + ")");
	}
	out.resize(out_len);
	bool transit = pi.final && neg_->transit_ok && (!chap_ || chap_->done());
	if (!transit || pi.nsg != ISC_STAGE_FULL_FEATURE)
		return send_login_rsp(pi, ISC_LOGIN_OK, transit, out);

	if (neg_->p.discovery) {
		// Any non-zero TSIH names a discovery session; nobody reuses it.
		discovery_tsih_ = tsih_ ? tsih_ : 1;
		phase_ = Phase::Discovery;
		log_info(std::string("iSCSI discovery session of ") + neg_->initiator_name);
		return send_login_rsp(pi, ISC_LOGIN_OK, true, out, discovery_tsih_);
	}
	return hand_over(pi, out);
}

bool LoginConn::hand_over(const isc_pdu_info &pi, const std::vector<uint8_t> &answer)
{
	IscsiKernel::ConnAdd c;
	c.target = target_->name;
	c.initiator = neg_->initiator_name;
	for (uint8_t b : isid_)
		c.isid = c.isid << 8 | b;
	c.tsih = tsih_;
	c.cid = cid_;
	c.fd = fd_.get();
	c.exp_cmd_sn = exp_cmd_sn_;
	// The final Login Response takes stat_sn_; the kernel goes on from there.
	c.stat_sn = stat_sn_ + 1;
	c.params = neg_->p;
	c.params.max_xmit_dsl = std::min(c.params.max_xmit_dsl, target_->max_xmit_dsl);
	c.tpgt = cfg_.tpgt;

	// The kernel reads and writes the socket blocking.
	int fl = ::fcntl(fd_.get(), F_GETFL);
	if (fl >= 0)
		::fcntl(fd_.get(), F_SETFL, fl & ~O_NONBLOCK);
	auto tsih = kernel_.conn_add(c);
	if (!tsih) {
		log_error("iSCSI login of " + c.initiator + " to " + c.target + ": " +
			  tsih.error().to_string());
		uint16_t st = tsih_ ? ISC_LOGIN_NO_SESSION : ISC_LOGIN_TARGET_ERROR;
		if (tsih.error().message.find("No such file") == std::string::npos)
			st = ISC_LOGIN_TARGET_ERROR;
		send_login_rsp(pi, st, false, {});
		return false;
	}
	// The CmdSN the kernel expects, announced with the final response.
	exp_cmd_sn_ = c.exp_cmd_sn;
	isc_login_rsp_args a{};
	a.itt = pi.itt;
	std::memcpy(a.isid, isid_, sizeof(a.isid));
	a.tsih = *tsih;
	a.transit = true;
	a.csg = pi.csg;
	a.nsg = pi.nsg;
	a.status = ISC_LOGIN_OK;
	a.data_len = answer.size();
	isc_sn s;
	sn(s, true);
	// One command: the kernel opens the window as far as the target
	// core takes commands (QueuedCommands at most) with its first PDU,
	// and could not take back a larger one granted here.
	s.max_cmdsn = c.exp_cmd_sn;
	uint8_t bhs[ISC_BHS_LEN];
	isc_build_login_rsp(bhs, &a, &s);
	if (!send_pdu(bhs, answer.data(), answer.size()))
		log_warning("iSCSI login of " + c.initiator + ": the final response was not sent");
	log_info("iSCSI session of " + c.initiator + " to " + c.target + " handed to the kernel, TSIH " +
		 std::to_string(*tsih));
	phase_ = Phase::Done;
	// Our descriptor goes; the kernel holds its own reference.
	return false;
}

void LoginConn::send_targets(std::vector<uint8_t> &out, uint32_t cap, u32 &out_len)
{
	auto config = kernel_.config();
	if (!config) {
		log_error("SendTargets: " + config.error().to_string());
		return;
	}
	SendTargetsQuery q;
	q.initiator = neg_->initiator_name;
	q.value = neg_->send_targets_val;
	q.arrival = local_;
	// Without listeners (a connection handed to us otherwise): the one
	// portal it came in on.
	std::vector<IscsiPortal> portals = listeners_;
	if (portals.empty())
		portals.push_back(local_);
	q.portals = portals;
	auto found = scstadmd::send_targets(*config, q);
	std::size_t shown = 0;
	for (const DiscoveredTarget &t : found) {
		auto text = send_targets_text(std::span(&t, 1));
		if (out_len + text.size() > cap) {
			log_warning("SendTargets: " + std::to_string(found.size() - shown) +
				    " target(s) left out: the answer is limited to " + std::to_string(cap) +
				    " bytes");
			break;
		}
		std::copy(text.begin(), text.end(), out.begin() + out_len);
		out_len += text.size();
		shown++;
	}
	log_debug("SendTargets=" + std::string(q.value) + " from " + std::string(q.initiator) + " on " +
		  local_.addr + ": " + std::to_string(shown) + " target(s)");
}

bool LoginConn::discovery_pdu(const uint8_t *bhs, const uint8_t *data, uint32_t len)
{
	isc_rx_limits lim{};
	lim.max_recv_dsl = neg_->p.max_recv_dsl;
	isc_pdu_info pi;
	auto v = isc_pdu_decode(bhs, ISC_PHASE_DISCOVERY, &lim, &pi);
	if (v != ISC_PDU_OK) {
		isc_sn s;
		sn(s, true);
		uint8_t rej[ISC_BHS_LEN];
		isc_build_reject(rej, pi.reject_reason, 0, &s);
		isc_bhs_set_dlength(rej, ISC_BHS_LEN);
		send_pdu(rej, bhs, ISC_BHS_LEN);
		return v == ISC_PDU_REJECT;
	}
	if (!pi.immediate && pi.opcode != ISC_OP_NOP_OUT)
		exp_cmd_sn_ = pi.cmdsn + 1;
	uint8_t rsp[ISC_BHS_LEN];
	isc_sn s;
	switch (pi.opcode) {
	case ISC_OP_TEXT_REQ: {
		pending_text_.append(reinterpret_cast<const char *>(data), len);
		if (pi.cont) {
			sn(s, true);
			isc_build_text_rsp(rsp, pi.itt, ISC_RSVD_TAG, pi.lun, false, false, 0, &s);
			return send_pdu(rsp, nullptr, 0);
		}
		std::string text = std::move(pending_text_);
		pending_text_.clear();
		uint32_t cap = std::max<uint32_t>(neg_->p.max_xmit_dsl, 512);
		std::vector<uint8_t> out(cap);
		u32 out_len = 0;
		if (isc_neg_text(neg_.get(), reinterpret_cast<const u8 *>(text.data()), text.size(),
				 out.data(), cap, &out_len) < 0) {
			sn(s, true);
			isc_build_reject(rsp, ISC_REJECT_PROTOCOL_ERROR, 0, &s);
			isc_bhs_set_dlength(rsp, ISC_BHS_LEN);
			return send_pdu(rsp, bhs, ISC_BHS_LEN);
		}
		if (neg_->send_targets)
			send_targets(out, cap, out_len);
		sn(s, true);
		isc_build_text_rsp(rsp, pi.itt, ISC_RSVD_TAG, pi.lun, true, false, out_len, &s);
		return send_pdu(rsp, out.data(), out_len);
	}
	case ISC_OP_LOGOUT_REQ:
		sn(s, true);
		isc_build_logout_rsp(rsp, pi.itt, ISC_LOGOUT_RSP_OK, 0, 0, &s);
		send_pdu(rsp, nullptr, 0);
		return false;
	case ISC_OP_NOP_OUT:
		if (pi.itt == ISC_RSVD_TAG)
			return true;
		sn(s, true);
		isc_build_nop_in(rsp, pi.itt, ISC_RSVD_TAG, pi.lun, len, &s);
		return send_pdu(rsp, data, len);
	default:
		sn(s, true);
		isc_build_reject(rsp, ISC_REJECT_PROTOCOL_ERROR, 0, &s);
		isc_bhs_set_dlength(rsp, ISC_BHS_LEN);
		return send_pdu(rsp, bhs, ISC_BHS_LEN);
	}
}

} // namespace scstadmd
