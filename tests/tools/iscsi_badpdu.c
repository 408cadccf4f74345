// SPDX-License-Identifier: GPL-2.0
/*
 * scst_iscsi_badpdu: logs in to an iSCSI target (no authentication) and
 * sends it one kind of malformed PDU in the full feature phase, then checks
 * the answer RFC 7143 asks for: a Reject with the right reason, the
 * connection closed, or the PDU ignored, and for the first and the last
 * that the connection still answers a NOP-Out ping.
 *
 *   scst_iscsi_badpdu [-p PORT] [-d] HOST TARGET INITIATOR CASE
 *
 * -d negotiates CRC32C header and data digests. CASE is one of
 * unknown-opcode, target-opcode, nop-ahs, bad-ahs, urgent, dsl-over-max,
 * data-out-unknown-itt, data-out-late, no-data-out, garbage[:SEED],
 * header-digest, data-digest, abort-window:LUN, reset-window:LUN, ping
 * (only a ping) or logout (only a logout). no-data-out writes 8 blocks of
 * 512 bytes at LBA 120000 of LUN 0 and never sends the data. The window
 * cases expect LUN to take one command at a time (max_tgt_dev_commands 1)
 * and to hold a READ for a few seconds (nullio delay_ms); reset-window
 * waits for someone else to reset the LUN once it printed "held". Prints one line per step and exits 0
 * when the target behaved, 1 when not, 2 on a usage or login error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BHS_LEN 48
#define RSVD_TAG 0xffffffffU
/* How long an answer may take under QEMU TCG. */
#define ANSWER_SECS 20

enum {
	OP_NOP_OUT = 0x00, OP_SCSI_CMD = 0x01, OP_LOGIN_REQ = 0x03,
	OP_DATA_OUT = 0x05, OP_LOGOUT_REQ = 0x06, OP_NOP_IN = 0x20,
	OP_TMF_REQ = 0x02, OP_SCSI_RSP = 0x21, OP_TMF_RSP = 0x22,
	OP_LOGIN_RSP = 0x23, OP_LOGOUT_RSP = 0x26, OP_R2T = 0x31,
	OP_ASYNC = 0x32, OP_REJECT = 0x3f,
};
enum {
	REASON_DIGEST = 0x02, REASON_PROTOCOL = 0x04, REASON_NOT_SUPPORTED = 0x05,
	REASON_INVALID_FIELD = 0x09,
};

struct conn {
	int fd;
	bool hdr_digest, data_digest;
	uint32_t cmdsn, exp_statsn, itt;
	uint32_t max_xmit;	/* the target's MaxRecvDataSegmentLength */
};

struct pdu {
	uint8_t bhs[BHS_LEN];
	uint8_t *data;
	uint32_t len;
};

static int failures;

static void say(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("scst_iscsi_badpdu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- CRC32C (Castagnoli), reflected, as iSCSI digests use it ---- */

static uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return crc;
}

static uint32_t digest(const void *buf, size_t len)
{
	return ~crc32c(~0U, buf, len);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t dlength(const uint8_t *bhs)
{
	return (uint32_t)bhs[5] << 16 | bhs[6] << 8 | bhs[7];
}

static void set_dlength(uint8_t *bhs, uint32_t len)
{
	bhs[5] = len >> 16;
	bhs[6] = len >> 8;
	bhs[7] = len;
}

/* ---- the socket ---- */

static int send_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* 1: got it, 0: the peer closed, -1: error, -2: timeout */
static int recv_all(int fd, void *buf, size_t len, int secs)
{
	uint8_t *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	while (len) {
		r = poll(&pfd, 1, secs * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -2;
		if (r < 0)
			return -1;
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? 0 : -1;
		if (n == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

/*
 * Send a PDU: @bhs with its DataSegmentLength set to @len (unless
 * @keep_dlength), the digests when negotiated (a wrong one with
 * @bad_hdigest/@bad_ddigest), the data and its padding.
 */
static int send_pdu_ex(struct conn *c, uint8_t *bhs, const void *data,
		       uint32_t len, bool keep_dlength, bool bad_hdigest,
		       bool bad_ddigest)
{
	static const uint8_t zero[4];
	uint8_t d[4];
	uint32_t pad = (4 - (len & 3)) & 3;

	if (!keep_dlength)
		set_dlength(bhs, len);
	if (send_all(c->fd, bhs, BHS_LEN))
		return -1;
	if (c->hdr_digest) {
		put_le32(d, digest(bhs, BHS_LEN) ^ (bad_hdigest ? 1 : 0));
		if (send_all(c->fd, d, 4))
			return -1;
	}
	if (!len)
		return 0;
	if (send_all(c->fd, data, len) || send_all(c->fd, zero, pad))
		return -1;
	if (c->data_digest) {
		uint32_t crc = crc32c(~0U, data, len);

		crc = ~crc32c(crc, zero, pad);
		put_le32(d, crc ^ (bad_ddigest ? 1 : 0));
		if (send_all(c->fd, d, 4))
			return -1;
	}
	return 0;
}

static int send_pdu(struct conn *c, uint8_t *bhs, const void *data,
		    uint32_t len)
{
	return send_pdu_ex(c, bhs, data, len, false, false, false);
}

/* Receive one PDU; same return values as recv_all(). */
static int recv_pdu(struct conn *c, struct pdu *p, int secs)
{
	uint8_t tmp[1024 + 4];
	uint32_t ahs, len, total;
	int r;

	free(p->data);
	p->data = NULL;
	r = recv_all(c->fd, p->bhs, BHS_LEN, secs);
	if (r != 1)
		return r;
	ahs = p->bhs[4] * 4u;
	r = recv_all(c->fd, tmp, ahs + (c->hdr_digest ? 4 : 0), secs);
	if (r != 1)
		return r;
	len = dlength(p->bhs);
	p->len = len;
	total = len + ((4 - (len & 3)) & 3) + (len && c->data_digest ? 4 : 0);
	p->data = calloc(1, total + 1);
	if (!p->data)
		die("out of memory");
	return recv_all(c->fd, p->data, total, secs);
}

static uint8_t opcode(const struct pdu *p)
{
	return p->bhs[0] & 0x3f;
}

/* ---- login ---- */

static void login_pdu(struct conn *c, uint8_t *bhs, const uint8_t isid[6],
		      int csg, int nsg)
{
	memset(bhs, 0, BHS_LEN);
	bhs[0] = OP_LOGIN_REQ | 0x40;
	bhs[1] = 0x80 | csg << 2 | nsg;	/* T */
	memcpy(bhs + 8, isid, 6);
	put32(bhs + 16, c->itt);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->exp_statsn);
}

static int add_key(char *buf, int off, int cap, const char *key,
		   const char *value)
{
	int n = snprintf(buf + off, cap - off, "%s=%s", key, value);

	if (n < 0 || n + 1 >= cap - off)
		die("login keys too long");
	return off + n + 1;
}

static const char *find_key(const struct pdu *p, const char *key)
{
	size_t klen = strlen(key);
	uint32_t off = 0;

	while (off < p->len) {
		const char *kv = (const char *)p->data + off;

		if (!strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
		off += strnlen(kv, p->len - off) + 1;
	}
	return NULL;
}

static void login(struct conn *c, const char *target, const char *initiator)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };
	char keys[1024];
	const char *v;
	struct pdu rsp = {};
	uint8_t bhs[BHS_LEN];
	int n, csg = 0, round, r;

	for (round = 0; round < 4; round++) {
		n = 0;
		if (csg == 0) {
			n = add_key(keys, n, sizeof(keys), "InitiatorName", initiator);
			n = add_key(keys, n, sizeof(keys), "TargetName", target);
			n = add_key(keys, n, sizeof(keys), "SessionType", "Normal");
			n = add_key(keys, n, sizeof(keys), "AuthMethod", "None");
		} else {
			const char *dig = c->hdr_digest ? "CRC32C" : "None";

			n = add_key(keys, n, sizeof(keys), "HeaderDigest", dig);
			n = add_key(keys, n, sizeof(keys), "DataDigest", dig);
			n = add_key(keys, n, sizeof(keys), "ErrorRecoveryLevel", "0");
			n = add_key(keys, n, sizeof(keys), "InitialR2T", "Yes");
			n = add_key(keys, n, sizeof(keys), "ImmediateData", "No");
			n = add_key(keys, n, sizeof(keys), "MaxRecvDataSegmentLength", "65536");
		}
		login_pdu(c, bhs, isid, csg, csg == 0 ? 1 : 3);
		/* No digests during login. */
		{
			bool hd = c->hdr_digest, dd = c->data_digest;

			c->hdr_digest = c->data_digest = false;
			r = send_pdu(c, bhs, keys, n);
			if (!r)
				r = recv_pdu(c, &rsp, ANSWER_SECS) == 1 ? 0 : -1;
			c->hdr_digest = hd;
			c->data_digest = dd;
		}
		if (r)
			die("login: no Login Response");
		if (opcode(&rsp) != OP_LOGIN_RSP)
			die("login: opcode %#x instead of a Login Response", opcode(&rsp));
		if (rsp.bhs[36] || rsp.bhs[37])
			die("login refused: status %02x%02x", rsp.bhs[36], rsp.bhs[37]);
		c->exp_statsn = get32(rsp.bhs + 24) + 1;
		c->cmdsn = get32(rsp.bhs + 28);
		if (csg == 1 && (v = find_key(&rsp, "MaxRecvDataSegmentLength")))
			c->max_xmit = strtoul(v, NULL, 10);
		if (csg == 1 && c->hdr_digest &&
		    ((v = find_key(&rsp, "HeaderDigest")) == NULL || strcmp(v, "CRC32C")))
			die("login: the target did not take HeaderDigest=CRC32C");
		if (!(rsp.bhs[1] & 0x80))
			continue;	/* no transit: the same stage again */
		if ((rsp.bhs[1] & 3) == 3) {
			free(rsp.data);
			return;
		}
		csg = rsp.bhs[1] & 3;
	}
	die("login: no full feature phase after %d rounds", round);
}

static void conn_open(struct conn *c, const char *host, const char *port,
		      const char *target, const char *initiator, bool digests)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->hdr_digest = c->data_digest = digests;
	c->max_xmit = 8192;
	c->itt = 1;
	if (getaddrinfo(host, port, &hints, &ai))
		die("cannot resolve %s", host);
	c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, ai->ai_addr, ai->ai_addrlen))
		die("cannot connect to %s:%s: %s", host, port, strerror(errno));
	freeaddrinfo(ai);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	login(c, target, initiator);
}

/* ---- full feature phase ---- */

static void ffp_bhs(struct conn *c, uint8_t *bhs, uint8_t op, bool immediate)
{
	memset(bhs, 0, BHS_LEN);
	bhs[0] = op | (immediate ? 0x40 : 0);
	bhs[1] = 0x80;
	put32(bhs + 16, ++c->itt);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->exp_statsn);
}

/*
 * The next PDU that is not the target's own business: NOP-In pings are
 * answered, Async Messages skipped. Returns recv_pdu()'s value.
 */
static int next_answer(struct conn *c, struct pdu *p, int secs)
{
	time_t deadline = time(NULL) + secs;
	uint8_t bhs[BHS_LEN];
	int r, left;

	for (;;) {
		/* The target's pings must not stretch the wait forever. */
		left = deadline - time(NULL);
		r = recv_pdu(c, p, left > 0 ? left : 1);
		if (r != 1)
			return r;
		if (opcode(p) == OP_NOP_IN && get32(p->bhs + 16) == RSVD_TAG) {
			ffp_bhs(c, bhs, OP_NOP_OUT, true);
			put32(bhs + 16, RSVD_TAG);
			memcpy(bhs + 20, p->bhs + 20, 4);	/* TTT */
			if (send_pdu(c, bhs, NULL, 0))
				return -1;
			if (left <= 0)
				return -2;
			continue;
		}
		if (opcode(p) == OP_ASYNC)
			continue;
		return 1;
	}
}

/*
 * The answer to the NOP-Out @itt just sent (its CmdSN now used) with @len
 * bytes of @data; true if it is a NOP-In that echoes them.
 */
static bool expect_echo(struct conn *c, uint32_t itt, const void *data,
			uint32_t len, const char *when)
{
	struct pdu p = {};
	bool ok;
	int r;

	c->cmdsn++;
	r = next_answer(c, &p, ANSWER_SECS);
	ok = r == 1 && opcode(&p) == OP_NOP_IN && get32(p.bhs + 16) == itt &&
	     p.len == len && !memcmp(p.data, data, p.len);
	if (r == 1 && opcode(&p) == OP_REJECT)
		say(false, "%s: NOP-Out rejected, reason %#x", when, p.bhs[2]);
	else
		say(ok, "%s: NOP-Out answered (%s)", when,
		    r == 1 ? "NOP-In" : r == 0 ? "connection closed" :
		    r == -2 ? "timeout" : "error");
	free(p.data);
	return ok;
}

/* A NOP-Out ping with data; true if the NOP-In echoes it. */
static bool ping(struct conn *c, const char *when)
{
	static const char payload[] = "scst-badpdu-ping";
	uint8_t bhs[BHS_LEN];

	ffp_bhs(c, bhs, OP_NOP_OUT, false);
	put32(bhs + 20, RSVD_TAG);
	if (send_pdu(c, bhs, payload, sizeof(payload))) {
		say(false, "%s: cannot send a NOP-Out", when);
		return false;
	}
	return expect_echo(c, get32(bhs + 16), payload, sizeof(payload), when);
}

/* Expect a Reject with @reason that carries the header @bad. */
static bool expect_reject(struct conn *c, const uint8_t *bad, uint8_t reason,
			  const char *what)
{
	struct pdu p = {};
	bool ok;
	int r;

	r = next_answer(c, &p, ANSWER_SECS);
	if (r != 1) {
		say(false, "%s: no Reject (%s)", what,
		    r == 0 ? "connection closed" : r == -2 ? "timeout" : "error");
		return false;
	}
	ok = opcode(&p) == OP_REJECT && p.bhs[2] == reason && p.len >= BHS_LEN &&
	     !memcmp(p.data, bad, 8);
	say(ok, "%s: Reject reason %#x (got opcode %#x reason %#x)", what,
	    reason, opcode(&p), opcode(&p) == OP_REJECT ? p.bhs[2] : 0);
	free(p.data);
	return ok;
}

/* Expect the connection to close, perhaps after Rejects (@reason, if set). */
static bool expect_close(struct conn *c, int reason, const char *what)
{
	struct pdu p = {};
	int r, rejects = 0;

	for (;;) {
		r = next_answer(c, &p, ANSWER_SECS);
		if (r != 1)
			break;
		if (opcode(&p) != OP_REJECT || (reason >= 0 && p.bhs[2] != reason)) {
			say(false, "%s: opcode %#x reason %#x before the close", what,
			    opcode(&p), p.bhs[2]);
			free(p.data);
			return false;
		}
		rejects++;
	}
	free(p.data);
	say(r == 0 && (reason < 0 || rejects), "%s: %d Reject(s), then %s", what,
	    rejects, r == 0 ? "connection closed" : r == -2 ? "timeout" : "error");
	return r == 0;
}

static void case_unknown_opcode(struct conn *c, uint8_t op, uint8_t reason)
{
	uint8_t bhs[BHS_LEN];

	ffp_bhs(c, bhs, op, true);
	send_pdu(c, bhs, NULL, 0);
	expect_reject(c, bhs, reason, "opcode");
	ping(c, "afterwards");
}

/* A NOP-Out with an AHS, which it must not have. */
static void case_nop_ahs(struct conn *c)
{
	uint8_t bhs[BHS_LEN + 8] = {};

	ffp_bhs(c, bhs, OP_NOP_OUT, true);
	put32(bhs + 16, RSVD_TAG);
	put32(bhs + 20, RSVD_TAG);
	bhs[4] = 2;			/* TotalAHSLength: 8 bytes */
	/* The AHS follows the BHS; no header digest with this case. */
	if (c->hdr_digest)
		die("nop-ahs does not go with -d");
	if (send_all(c->fd, bhs, sizeof(bhs)))
		die("send");
	expect_reject(c, bhs, REASON_PROTOCOL, "NOP-Out with an AHS");
	ping(c, "afterwards");
}

/*
 * TCP urgent data inside a NOP-Out header: the byte is out of band
 * (SO_OOBINLINE is off), so the target must read the NOP-Out around it
 * and answer, neither taking the byte in nor stalling at it.
 */
static void case_urgent(struct conn *c)
{
	static const char payload[] = "scst-badpdu-urgent";
	uint8_t pdu[BHS_LEN + sizeof(payload) + 3] = {};
	size_t len = BHS_LEN + ((sizeof(payload) + 3) & ~3U);

	if (c->hdr_digest)
		die("urgent does not go with -d");
	ffp_bhs(c, pdu, OP_NOP_OUT, false);
	put32(pdu + 20, RSVD_TAG);
	set_dlength(pdu, sizeof(payload));
	memcpy(pdu + BHS_LEN, payload, sizeof(payload));
	if (send_all(c->fd, pdu, 20) || send(c->fd, "!", 1, MSG_OOB) != 1 ||
	    send_all(c->fd, pdu + 20, len - 20))
		die("send");
	expect_echo(c, get32(pdu + 16), payload, sizeof(payload),
		    "around an urgent byte");
	ping(c, "afterwards");
}

/* A SCSI Command whose AHS says it is longer than TotalAHSLength. */
static void case_bad_ahs(struct conn *c)
{
	uint8_t pdu[BHS_LEN + 8] = {};

	if (c->hdr_digest)
		die("bad-ahs does not go with -d");
	ffp_bhs(c, pdu, OP_SCSI_CMD, false);
	pdu[4] = 2;			/* TotalAHSLength: 8 bytes */
	pdu[BHS_LEN + 0] = 0;
	pdu[BHS_LEN + 1] = 100;		/* AHSLength 100 > 8 */
	pdu[BHS_LEN + 2] = 1;		/* extended CDB */
	/* TEST UNIT READY, no data */
	if (send_all(c->fd, pdu, sizeof(pdu)))
		die("send");
	c->cmdsn++;
	expect_reject(c, pdu, REASON_PROTOCOL, "SCSI Command with a bad AHS length");
	ping(c, "afterwards");
}

static void case_dsl_over_max(struct conn *c)
{
	uint8_t bhs[BHS_LEN];
	uint32_t len = c->max_xmit + 4;
	uint8_t *data = calloc(1, len);

	if (!data)
		die("out of memory");
	ffp_bhs(c, bhs, OP_NOP_OUT, false);
	put32(bhs + 20, RSVD_TAG);
	printf("target MaxRecvDataSegmentLength %u, sending %u\n", c->max_xmit, len);
	send_pdu(c, bhs, data, len);
	free(data);
	expect_close(c, REASON_PROTOCOL, "DataSegmentLength over MaxRecvDataSegmentLength");
}

/*
 * A Data-Out for a task that does not exist: with a TTT the target
 * never gave out it is garbage (Reject), with none (unsolicited) it may
 * be a late one of a command answered already (ignored).
 */
static void case_data_out(struct conn *c, bool late)
{
	uint8_t bhs[BHS_LEN], data[512] = {};

	memset(bhs, 0, BHS_LEN);
	bhs[0] = OP_DATA_OUT;
	bhs[1] = 0x80;
	put32(bhs + 16, 0x7777);
	put32(bhs + 20, late ? RSVD_TAG : 0x00abcdef);
	put32(bhs + 28, c->exp_statsn);
	send_pdu(c, bhs, data, sizeof(data));
	if (!late)
		expect_reject(c, bhs, REASON_INVALID_FIELD, "Data-Out for an unknown ITT");
	/* Late: the next answer must be the ping's. */
	ping(c, late ? "Data-Out with no TTT ignored" : "afterwards");
}

/*
 * 48 bytes of noise as a header, then zeroes for whatever lengths it
 * claims (and all-zero headers after that, which are malformed NOP-Outs):
 * the target must answer (Rejects, or whatever the noise asked for) or
 * close, and never hang or crash; other sessions are checked by the
 * caller.
 */
static void case_garbage(struct conn *c, unsigned int seed)
{
	uint8_t bhs[BHS_LEN], *fill;
	size_t fill_len = 1366 * BHS_LEN;
	struct pdu p = {};
	unsigned int i, answers = 0, rejects = 0;
	int r;

	srand(seed);
	for (i = 0; i < BHS_LEN; i++)
		bhs[i] = rand();
	/*
	 * Noise that happens to be a SCSI Command, a TMF or a Logout could
	 * reserve, reset or log out for real: the other sessions share the
	 * LUNs. Those become an unknown opcode.
	 */
	switch (bhs[0] & 0x3f) {
	case OP_SCSI_CMD:
	case 0x02:
	case OP_LOGOUT_REQ:
		bhs[0] = (bhs[0] & 0xc0) | 0x1d;
		break;
	}
	fill = calloc(1, fill_len);
	if (!fill)
		die("out of memory");
	printf("garbage header: opcode %#x AHS %u DataSegmentLength %u\n",
	       bhs[0] & 0x3f, bhs[4] * 4, dlength(bhs));
	send_all(c->fd, bhs, BHS_LEN);
	send_all(c->fd, fill, fill_len);
	free(fill);
	while ((r = next_answer(c, &p, 5)) == 1) {
		answers++;
		rejects += opcode(&p) == OP_REJECT;
	}
	free(p.data);
	say(r == 0 || (r == -2 && answers), "garbage: %u answers (%u Rejects), then %s",
	    answers, rejects, r == 0 ? "connection closed" :
	    r == -2 ? "quiet" : "error");
}

/*
 * A WRITE whose data never comes: after the R2T the target waits
 * RspTimeout, then closes the connection.
 */
static void case_no_data_out(struct conn *c)
{
	uint8_t bhs[BHS_LEN];
	struct pdu p = {};
	int r, tries;
	time_t t0;

	/* The first command of a new I_T nexus gets a Unit Attention. */
	for (tries = 0; tries < 3; tries++) {
		ffp_bhs(c, bhs, OP_SCSI_CMD, false);
		bhs[1] = 0x80 | 0x20 | 0x01;	/* F, W, SIMPLE */
		put32(bhs + 20, 4096);		/* Expected Data Transfer Length */
		bhs[32] = 0x2a;			/* WRITE(10) */
		put32(bhs + 34, 120000);	/* LBA */
		bhs[40] = 8;			/* 8 blocks of 512 bytes */
		send_pdu(c, bhs, NULL, 0);
		c->cmdsn++;
		r = next_answer(c, &p, ANSWER_SECS);
		if (r != 1 || opcode(&p) != 0x21)	/* SCSI Response */
			break;
		printf("WRITE answered with status %#x, again\n", p.bhs[3]);
	}
	say(r == 1 && opcode(&p) == OP_R2T, "WRITE: R2T (got %s %#x)",
	    r == 1 ? "opcode" : "nothing", r == 1 ? opcode(&p) : 0);
	t0 = time(NULL);
	while ((r = next_answer(c, &p, 3 * ANSWER_SECS)) == 1)
		;
	say(r == 0, "no Data-Out: connection closed after %ld s (%s)",
	    (long)(time(NULL) - t0), r == 0 ? "closed" : "timeout");
	free(p.data);
}

/* Send a SCSI Command to @lun: TEST UNIT READY, or READ(10) of one block. */
static uint32_t send_cmd(struct conn *c, int lun, bool read)
{
	uint8_t bhs[BHS_LEN];

	ffp_bhs(c, bhs, OP_SCSI_CMD, false);
	bhs[1] = 0x80 | (read ? 0x40 : 0) | 0x01;	/* F, R, SIMPLE */
	bhs[9] = lun;
	if (read) {
		put32(bhs + 20, 4096);	/* Expected Data Transfer Length */
		bhs[32] = 0x28;		/* READ(10), LBA 0 */
		bhs[40] = 1;		/* one block */
	}
	send_pdu(c, bhs, NULL, 0);
	c->cmdsn++;
	return get32(bhs + 16);
}

static const char *window(const struct pdu *p, char *buf, size_t len)
{
	snprintf(buf, len, "ExpCmdSN %u MaxCmdSN %u", get32(p->bhs + 28),
		 get32(p->bhs + 32));
	return buf;
}

/* MaxCmdSN - ExpCmdSN + 1 of an answer: the CmdSNs it grants. */
static int32_t granted(const struct pdu *p)
{
	return (int32_t)(get32(p->bhs + 32) - get32(p->bhs + 28) + 1);
}

/*
 * A READ that uses up a window of one command, held by the LU; a NOP-Out
 * ping shows the window closed; the READ is aborted, so it gets no
 * response that could carry the reopened window: a NOP-In must carry it
 * (RFC 7143 11.19), or the initiator stalls. Then a command goes through.
 * @reset: not aborted by us (ABORT TASK, whose response may carry the
 * window too) but by another initiator's LUN RESET, which sends us
 * nothing else.
 */
static void case_abort_window(struct conn *c, int lun, bool reset)
{
	uint8_t bhs[BHS_LEN];
	struct pdu p = {};
	uint32_t read_itt, read_cmdsn, ping_itt, tmf_itt = RSVD_TAG;
	bool tmf = reset, reopened = false, read_rsp = false;
	char w[64];
	time_t deadline;
	int r, tries;

	/* The first command of a new I_T nexus gets a Unit Attention. */
	for (tries = 0; tries < 3; tries++) {
		send_cmd(c, lun, false);
		r = next_answer(c, &p, ANSWER_SECS);
		if (r != 1 || opcode(&p) != OP_SCSI_RSP || !p.bhs[3])
			break;
	}
	if (r != 1 || opcode(&p) != OP_SCSI_RSP || p.bhs[3])
		die("TEST UNIT READY: no GOOD response");
	say(granted(&p) == 1, "the window grants one command (%s)",
	    window(&p, w, sizeof(w)));

	read_cmdsn = c->cmdsn;
	read_itt = send_cmd(c, lun, true);
	ffp_bhs(c, bhs, OP_NOP_OUT, true);
	put32(bhs + 20, RSVD_TAG);
	ping_itt = get32(bhs + 16);
	send_pdu(c, bhs, NULL, 0);
	r = next_answer(c, &p, ANSWER_SECS);
	if (r != 1 || opcode(&p) != OP_NOP_IN || get32(p.bhs + 16) != ping_itt)
		die("no answer to the ping while the READ is held");
	say(granted(&p) == 0, "the READ closed the window (%s)",
	    window(&p, w, sizeof(w)));

	if (reset) {
		printf("held\n");
		fflush(stdout);
		goto wait;
	}
	ffp_bhs(c, bhs, OP_TMF_REQ, true);
	bhs[1] = 0x80 | 0x01;		/* ABORT TASK */
	bhs[9] = lun;
	put32(bhs + 20, read_itt);	/* Referenced Task Tag */
	put32(bhs + 32, read_cmdsn);	/* RefCmdSN */
	tmf_itt = get32(bhs + 16);
	send_pdu(c, bhs, NULL, 0);
wait:
	deadline = time(NULL) + ANSWER_SECS;
	while ((!tmf || !reopened) && time(NULL) < deadline) {
		r = recv_pdu(c, &p, deadline - time(NULL) + 1);
		if (r != 1)
			break;
		if (opcode(&p) == OP_TMF_RSP && get32(p.bhs + 16) == tmf_itt) {
			tmf = true;
			say(p.bhs[2] == 0, "ABORT TASK: response %u (%s)",
			    p.bhs[2], window(&p, w, sizeof(w)));
		} else if (opcode(&p) == OP_NOP_IN &&
			   get32(p.bhs + 16) == RSVD_TAG &&
			   get32(p.bhs + 20) == RSVD_TAG) {
			reopened = granted(&p) > 0;
			printf("NOP-In without a ping: %s\n",
			       window(&p, w, sizeof(w)));
		} else if (opcode(&p) == OP_NOP_IN &&
			   get32(p.bhs + 16) == RSVD_TAG) {
			/* The target's ping: answered. */
			ffp_bhs(c, bhs, OP_NOP_OUT, true);
			put32(bhs + 16, RSVD_TAG);
			memcpy(bhs + 20, p.bhs + 20, 4);
			send_pdu(c, bhs, NULL, 0);
		} else if (get32(p.bhs + 16) == read_itt) {
			read_rsp = true;
		}
	}
	if (!reset)
		say(tmf, "ABORT TASK answered");
	say(!read_rsp, "the aborted READ got no response");
	say(reopened, "a NOP-In reopened the window");

	/* After a reset: CHECK CONDITION, a Unit Attention. */
	send_cmd(c, lun, false);
	r = next_answer(c, &p, ANSWER_SECS);
	say(r == 1 && opcode(&p) == OP_SCSI_RSP && (reset || !p.bhs[3]),
	    "the next command is answered, status %#x (%s)",
	    r == 1 ? p.bhs[3] : 0xff,
	    r == 1 ? window(&p, w, sizeof(w)) : "nothing");
	free(p.data);
}

/* A clean logout: the Logout Response, 0 (closed successfully). */
static void case_logout(struct conn *c)
{
	uint8_t bhs[BHS_LEN];
	struct pdu p = {};
	int r;

	ffp_bhs(c, bhs, OP_LOGOUT_REQ, true);
	bhs[1] = 0x80;			/* close the session */
	send_pdu(c, bhs, NULL, 0);
	r = next_answer(c, &p, ANSWER_SECS);
	say(r == 1 && opcode(&p) == OP_LOGOUT_RSP && p.bhs[2] == 0,
	    "logout: Logout Response %#x", r == 1 ? p.bhs[2] : 0xff);
	free(p.data);
}

static void case_header_digest(struct conn *c)
{
	uint8_t bhs[BHS_LEN];

	if (!c->hdr_digest)
		die("header-digest needs -d");
	ffp_bhs(c, bhs, OP_NOP_OUT, false);
	put32(bhs + 20, RSVD_TAG);
	send_pdu_ex(c, bhs, NULL, 0, false, true, false);
	/* ERL 0: the lengths cannot be trusted, the connection ends. */
	expect_close(c, -1, "bad header digest");
}

static void case_data_digest(struct conn *c)
{
	uint8_t bhs[BHS_LEN], data[64] = "payload";

	if (!c->data_digest)
		die("data-digest needs -d");
	ffp_bhs(c, bhs, OP_NOP_OUT, false);
	put32(bhs + 20, RSVD_TAG);
	send_pdu_ex(c, bhs, data, sizeof(data), false, false, true);
	expect_close(c, REASON_DIGEST, "bad data digest");
}

int main(int argc, char **argv)
{
	const char *port = "3260", *what;
	bool digests = false;
	struct conn c;
	int opt;

	while ((opt = getopt(argc, argv, "p:d")) != -1) {
		switch (opt) {
		case 'p':
			port = optarg;
			break;
		case 'd':
			digests = true;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 4) {
		fprintf(stderr, "usage: %s [-p PORT] [-d] HOST TARGET INITIATOR CASE\n",
			argv[0]);
		return 2;
	}
	what = argv[optind + 3];
	conn_open(&c, argv[optind], port, argv[optind + 1], argv[optind + 2],
		  digests);
	printf("logged in; case %s\n", what);
	if (!strcmp(what, "ping"))
		ping(&c, "logged in");
	else if (!strcmp(what, "logout"))
		case_logout(&c);
	else if (!strcmp(what, "no-data-out"))
		case_no_data_out(&c);
	else if (!strcmp(what, "unknown-opcode"))
		case_unknown_opcode(&c, 0x0f, REASON_NOT_SUPPORTED);
	else if (!strcmp(what, "target-opcode"))
		case_unknown_opcode(&c, OP_REJECT, REASON_PROTOCOL);
	else if (!strcmp(what, "nop-ahs"))
		case_nop_ahs(&c);
	else if (!strcmp(what, "bad-ahs"))
		case_bad_ahs(&c);
	else if (!strcmp(what, "urgent"))
		case_urgent(&c);
	else if (!strcmp(what, "dsl-over-max"))
		case_dsl_over_max(&c);
	else if (!strcmp(what, "data-out-unknown-itt"))
		case_data_out(&c, false);
	else if (!strcmp(what, "data-out-late"))
		case_data_out(&c, true);
	else if (!strncmp(what, "garbage", 7))
		case_garbage(&c, what[7] == ':' ? atoi(what + 8) : 1);
	else if (!strcmp(what, "header-digest"))
		case_header_digest(&c);
	else if (!strcmp(what, "data-digest"))
		case_data_digest(&c);
	else if (!strncmp(what, "abort-window:", 13))
		case_abort_window(&c, atoi(what + 13), false);
	else if (!strncmp(what, "reset-window:", 13))
		case_abort_window(&c, atoi(what + 13), true);
	else
		die("unknown case %s", what);
	close(c.fd);
	return failures ? 1 : 0;
}
