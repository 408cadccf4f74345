// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP transport: one receive thread per connection runs the receive
 * state machine (BHS, AHS, header digest, data straight into the buffer
 * the upper layer chose, padding, data digest) and sending is a plain
 * sendmsg() under the connection's tx_mutex, from whichever context has a
 * PDU to send. A copied Data-In PDU goes out in one sendmsg() (header,
 * data pages and tail as bio_vecs), other PDUs as header, data and tail.
 *
 * The receive thread keeps the socket lock while there is something to
 * read: it reads with tcp_read_sock(), runs the commands it can run to
 * their responses and sends those with tcp_sendmsg_locked(), holding
 * them back (MSG_MORE) until it runs out of requests. Meanwhile the
 * initiator's segments wait in the socket's backlog instead of being
 * taken in, and waking the thread, one by one in the sender's softirq.
 * It lets go of the lock when nothing is queued (release_sock() takes in
 * the backlog), before it waits for tx_mutex (whose holder may be
 * waiting for the socket) and before anything that locks the socket;
 * and while somebody else waits for the lock, it takes it per call.
 *
 * Data-In segments of at least splice_threshold bytes are not copied:
 * TCP takes references to the command's pages (sendpage on 6.1,
 * MSG_SPLICE_PAGES on 6.12) and drops them when the peer has ACKed the
 * data. There is no completion: the command completes when its PDUs are
 * sent, and the core's buffer cache frees, rather than reuses, a buffer
 * whose pages TCP still holds. This saves the copy into new socket pages,
 * which the kernel clears first (init_on_alloc). Off by default: over
 * loopback (MSS 64 KiB) the faster sender fills open-iscsi's window, then
 * waits with less than one MSS of window left for a delayed ACK or a
 * 200 ms probe timer (README, splice_threshold).
 *
 * Data-In segments of at least zerocopy_threshold bytes go out from the
 * command's pages without a copy (MSG_ZEROCOPY with our own ubuf_info in
 * msg_ubuf, one per task): TCP calls isc_tcp_zc_complete() once per skb
 * that held the pages, plus once for our own reference, and the last
 * call gives the command back to the core (from a work item, once the
 * skb has dropped its page references), whose next command may reuse
 * the pages. Headers and smaller segments are copied. Until the peer has
 * acknowledged them the skbs hold the pages: at the end of a connection
 * whose peer does not answer anymore the socket is aborted, which frees
 * them, so that the session's commands can finish.
 *
 * The thread holds a module reference: a connection keeps the module,
 * and the teardown code the thread runs at its end, loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <linux/slab.h>
#include <linux/highmem.h>
#include <linux/bvec.h>
#include <linux/uio.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "scst_compat.h"
#include "isc_priv.h"

/* Pages per sendmsg()/recvmsg() of a data segment. */
#define ISC_TCP_BVECS	16
/* Pages, plus header and tail, per sendmsg() of a copied Data-In PDU. */
#define ISC_TCP_TX_BVECS	66
/* How long a closed connection waits for the peer to ACK zero-copy data. */
#define ISC_TCP_ZC_DRAIN	(3 * HZ)

static unsigned int zerocopy_threshold;
module_param(zerocopy_threshold, uint, 0644);
MODULE_PARM_DESC(zerocopy_threshold,
		 "Send Data-In segments of at least this many bytes from the command's pages without a copy; 0: never (default 0)");

static unsigned int splice_threshold;
module_param(splice_threshold, uint, 0644);
MODULE_PARM_DESC(splice_threshold,
		 "Send Data-In segments of at least this many bytes by page reference, not copied, with no completion; 0: never (default 0)");

/*
 * A PDU's header and tail (padding, data digest) in memory a bio_vec can
 * point to (not the stack), so that a copied Data-In PDU goes out in one
 * sendmsg(); a kmalloc() object this small does not cross a page.
 */
struct isc_tcp_txbuf {
	u8 hdr[ISC_BHS_LEN + ISC_DIGEST_LEN];
	u8 tail[3 + ISC_DIGEST_LEN];
};

struct isc_tcp {
	struct socket *sock;
	struct task_struct *rx_thread;
	/* tasks whose pages skbs may still hold */
	atomic_t zc_pending;
	wait_queue_head_t zc_wait;
	/* zero-copy tasks TCP is done with, given back by zc_work */
	struct llist_head zc_done;
	struct work_struct zc_work;
	/* under tx_mutex */
	struct isc_tcp_txbuf *txb;
	struct bio_vec tx_bv[ISC_TCP_TX_BVECS];
	/*
	 * The receive thread sent a PDU with MSG_MORE: it pushes it out
	 * before it waits for more to receive. Receive thread only.
	 */
	bool tx_held;
	/* The receive thread holds the socket lock. Receive thread only. */
	bool owned;
	struct isc_rx_pdu rx;
	u8 discard[256];
};

/* A task with the state of its zero-copy sends. */
struct isc_tcp_task {
	struct ubuf_info uarg;
	bool zc;		/* uarg armed, under tx_mutex */
	struct llist_node zc_node;
	struct isc_task task;	/* last: ends in the scst_cmd */
};

static struct kmem_cache *isc_tcp_task_cache;

static struct isc_tcp *isc_tcp(struct isc_conn *conn)
{
	return conn->transport;
}

/* ---- receiving ---- */

/* Send what the receive thread held back (MSG_MORE); its own context. */
static void isc_tcp_tx_push(struct isc_tcp *t)
{
	if (!t->tx_held)
		return;
	t->tx_held = false;
	tcp_sock_set_cork(t->sock->sk, false);
}

/* The receive thread takes or lets go of the socket lock. */
static void isc_tcp_own(struct isc_tcp *t)
{
	if (t->owned)
		return;
	lock_sock(t->sock->sk);
	t->owned = true;
}

static void isc_tcp_unown(struct isc_tcp *t)
{
	if (!t->owned)
		return;
	t->owned = false;
	/* Takes in what the backlog gathered meanwhile. */
	release_sock(t->sock->sk);
}

/* Before anything that locks the socket: any caller, any time. */
static void isc_tcp_let_go(struct isc_tcp *t)
{
	if (current == t->rx_thread)
		isc_tcp_unown(t);
}

static int isc_tcp_read_actor(read_descriptor_t *desc, struct sk_buff *skb,
			      unsigned int off, size_t len)
{
	size_t n = min_t(size_t, len, desc->count);

	if (!n)
		return 0;
	if (skb_copy_datagram_iter(skb, off, desc->arg.data, n)) {
		desc->error = -EFAULT;
		return 0;
	}
	desc->count -= n;
	return n;
}

/*
 * Somebody sleeps in lock_sock() for this socket: a sender under
 * tx_mutex (a device thread's response, a NOP-In), or a shutdown. While
 * somebody does, the receive thread takes the lock per call, as they do.
 */
static bool isc_tcp_wanted(struct isc_tcp *t)
{
	/* No barrier: a waiter not seen yet is seen at the next read. */
	return waitqueue_active(&t->sock->sk->sk_lock.wq);
}

/* What the socket holds of @len bytes, socket owned; bytes or -errno. */
static int isc_tcp_read_owned(struct isc_tcp *t, struct iov_iter *iter,
			      size_t len)
{
	read_descriptor_t desc = { .arg.data = iter, .count = len };
	int res;

	res = tcp_read_sock(t->sock->sk, &desc, isc_tcp_read_actor);
	return desc.error ?: res;
}

/*
 * Read @len bytes: what is queued, with the socket owned; when nothing is,
 * the backlog is taken in, and if that brings nothing either, held
 * responses go out and the thread waits in recvmsg() (which lets go of
 * the socket while it sleeps). When somebody else waits for the socket,
 * recvmsg() too, which takes it only for the call.
 */
static int isc_tcp_recv(struct isc_tcp *t, struct msghdr *msg, size_t len)
{
	struct sock *sk = t->sock->sk;
	bool retry = false;
	int res;

	while (len) {
		if (!isc_tcp_wanted(t)) {
			isc_tcp_own(t);
			res = isc_tcp_read_owned(t, &msg->msg_iter, len);
			if (res < 0)
				return res;
			len -= res;
			if (!len)
				break;
			isc_tcp_unown(t);
			/*
			 * tcp_read_sock() stops at urgent data, which
			 * recvmsg() skips, and tcp_inq() counts only what
			 * comes before it. Should they ever disagree,
			 * nothing read twice in a row goes to recvmsg()
			 * rather than round this loop forever.
			 */
			retry = !res && !retry;
			if (tcp_inq(sk) && (res || retry))
				continue;
		} else {
			isc_tcp_unown(t);
		}
		/* Responses held back go out before we may wait. */
		if (tcp_inq(sk) < len)
			isc_tcp_tx_push(t);
		res = sock_recvmsg(t->sock, msg, MSG_WAITALL | MSG_NOSIGNAL);
		if (res <= 0)
			return res ?: -ECONNRESET;
		len -= res;
	}
	return 0;
}

static int isc_tcp_recv_buf(struct isc_tcp *t, void *buf, size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {};

	if (!len)
		return 0;
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &iov, 1, len);
	return isc_tcp_recv(t, &msg, len);
}

/*
 * Fill @bv with the pages of @len bytes of @sg from byte @off on, at
 * most @max; returns how many, and the bytes in *@got.
 */
static unsigned int isc_sg_bvecs(struct scatterlist *sg, u32 off, u32 len,
				 struct bio_vec *bv, unsigned int max, u32 *got)
{
	unsigned int n = 0;
	u32 l;

	*got = 0;
	for (; sg && off >= sg->length; sg = sg_next(sg))
		off -= sg->length;
	for (; sg && len && n < max; sg = sg_next(sg)) {
		l = min(sg->length - off, len);
		bv[n].bv_page = sg_page(sg);
		bv[n].bv_len = l;
		bv[n].bv_offset = sg->offset + off;
		n++;
		off = 0;
		len -= l;
		*got += l;
	}
	return n;
}

/* CRC32C over @len bytes of @sg from byte @off on, page by page. */
static u32 isc_sg_crc(u32 crc, struct scatterlist *sg, u32 off, u32 len)
{
	u32 l, poff, pl;
	struct page *page;
	void *p;

	for (; sg && off >= sg->length; sg = sg_next(sg))
		off -= sg->length;
	for (; sg && len; sg = sg_next(sg)) {
		l = min(sg->length - off, len);
		len -= l;
		off += sg->offset;
		while (l) {
			page = nth_page(sg_page(sg), off >> PAGE_SHIFT);
			poff = offset_in_page(off);
			pl = min_t(u32, l, PAGE_SIZE - poff);
			p = kmap_local_page(page);
			crc = isc_crc32c(crc, p + poff, pl);
			kunmap_local(p);
			off += pl;
			l -= pl;
		}
		off = 0;
	}
	return crc;
}

static int isc_tcp_recv_sg(struct isc_tcp *t, struct scatterlist *sg,
			   u32 off, u32 len)
{
	struct bio_vec bv[ISC_TCP_BVECS];
	struct msghdr msg = {};
	unsigned int n;
	u32 got;
	int res;

	while (len) {
		n = isc_sg_bvecs(sg, off, len, bv, ISC_TCP_BVECS, &got);
		if (!n)
			return -EINVAL;
		iov_iter_bvec(&msg.msg_iter, ITER_DEST, bv, n, got);
		res = isc_tcp_recv(t, &msg, got);
		if (res)
			return res;
		off += got;
		len -= got;
	}
	return 0;
}

static int isc_tcp_discard(struct isc_tcp *t, u32 len)
{
	u32 l;
	int res;

	while (len) {
		l = min_t(u32, len, sizeof(t->discard));
		res = isc_tcp_recv_buf(t, t->discard, l);
		if (res)
			return res;
		len -= l;
	}
	return 0;
}

/* The data segment, its padding and its digest, into rx's destination. */
static int isc_tcp_recv_data(struct isc_conn *conn, struct isc_tcp *t)
{
	struct isc_rx_pdu *rx = &t->rx;
	u32 len = rx->pi.data_len, pad = isc_pad_len(len);
	u8 tail[3 + ISC_DIGEST_LEN];
	bool digest = conn->p.data_digest == ISC_DIGEST_CRC32C;
	u32 crc = ISC_CRC32C_SEED;
	int res;

	if (rx->sg) {
		res = isc_tcp_recv_sg(t, rx->sg, rx->sg_off, len);
		if (!res && digest)
			crc = isc_sg_crc(crc, rx->sg, rx->sg_off, len);
	} else if (rx->buf) {
		res = isc_tcp_recv_buf(t, rx->buf, len);
		if (!res && digest)
			crc = isc_crc32c(crc, rx->buf, len);
	} else {
		/* Nobody wants it: not worth checking either. */
		res = isc_tcp_discard(t, len);
		digest = false;
		if (!res && conn->p.data_digest == ISC_DIGEST_CRC32C)
			res = isc_tcp_discard(t, ISC_DIGEST_LEN);
	}
	if (res)
		return res;
	res = isc_tcp_recv_buf(t, tail, pad + (digest ? ISC_DIGEST_LEN : 0));
	if (res)
		return res;
	if (digest) {
		crc = isc_crc32c(crc, tail, pad);
		rx->data_digest_bad = isc_crc32c_final(crc) !=
				      isc_get_digest(tail + pad);
	}
	return 0;
}

/* One PDU; a negative errno ends the connection. */
static int isc_tcp_rx_pdu(struct isc_conn *conn, struct isc_tcp *t)
{
	struct isc_rx_pdu *rx = &t->rx;
	u32 ahs_len, crc;
	u8 digest[ISC_DIGEST_LEN];
	int res;

	rx->data_digest_bad = false;
	rx->failed = false;
	res = isc_tcp_recv_buf(t, rx->bhs, ISC_BHS_LEN);
	if (res)
		return res;
	ahs_len = isc_bhs_ahs_bytes(rx->bhs);
	res = isc_tcp_recv_buf(t, rx->ahs, ahs_len);
	if (res)
		return res;
	if (conn->p.header_digest == ISC_DIGEST_CRC32C) {
		res = isc_tcp_recv_buf(t, digest, sizeof(digest));
		if (res)
			return res;
		crc = isc_crc32c(ISC_CRC32C_SEED, rx->bhs, ISC_BHS_LEN);
		crc = isc_crc32c_final(isc_crc32c(crc, rx->ahs, ahs_len));
		/* The lengths cannot be trusted: ERL 0 ends here. */
		if (crc != isc_get_digest(digest)) {
			pr_warn_ratelimited("%s: header digest error\n",
					    conn->sess->initiator);
			return -EBADMSG;
		}
	}

	res = isc_conn_rx_hdr(conn, rx);
	if (res)
		return res;
	if (rx->pi.data_len) {
		res = isc_tcp_recv_data(conn, t);
		rx->failed = res != 0;
	}
	return isc_conn_rx_done(conn, rx) ?: res;
}

/*
 * Zero-copy data the peer has not acknowledged keeps its commands, and so
 * the session, alive: give a live peer time to ACK it, then abort the
 * socket, which frees the skbs. Nothing new is queued after the shutdown.
 */
static void isc_tcp_drain(struct isc_conn *conn, struct isc_tcp *t)
{
	kernel_sock_shutdown(t->sock, SHUT_RDWR);
	if (wait_event_timeout(t->zc_wait, !atomic_read(&t->zc_pending),
			       ISC_TCP_ZC_DRAIN))
		return;
	pr_info("%s: zero-copy data not acknowledged: connection aborted\n",
		conn->sess->initiator);
	tcp_abort(t->sock->sk, ECONNABORTED);
}

static int isc_tcp_rx_thread(void *arg)
{
	struct isc_conn *conn = arg;
	struct isc_tcp *t = isc_tcp(conn);
	int res;

	do {
		res = isc_tcp_rx_pdu(conn, t);
	} while (!res);
	isc_tcp_unown(t);
	isc_tcp_tx_push(t);
	if (res != -ECONNRESET && !conn->logged_out)
		pr_info("%s: connection ends: %d\n", conn->sess->initiator, res);
	isc_tcp_drain(conn, t);
	isc_conn_closed(conn);
	module_put_and_kthread_exit(0);
}

/* ---- sending ---- */

/*
 * TCP is done with one skb of the task's pages (@skb), or we drop our own
 * reference (@skb NULL); any context, often softirq. @success is false
 * when the stack copied the data after all (e.g. loopback delivery).
 *
 * The last call comes before the skb drops its page references, often
 * in softirq, where freeing the command would take locks that are not
 * softirq-safe: a work item gives it back to the core. Queued on this
 * CPU, it runs after the skb is gone; when it was queued already and
 * runs elsewhere first, the SGV cache finds the pages still held and
 * frees the buffer instead of caching it: correct, only slower.
 */
static void isc_tcp_zc_complete(struct sk_buff *skb, struct ubuf_info *uarg,
				bool success)
{
	struct isc_tcp_task *tt = container_of(uarg, struct isc_tcp_task, uarg);
	struct isc_tcp *t;

	if (!refcount_dec_and_test(&uarg->refcnt))
		return;
	/* The task keeps the connection alive until zc_work puts it. */
	t = isc_tcp(tt->task.conn);
	if (llist_add(&tt->zc_node, &t->zc_done))
		queue_work(system_highpri_wq, &t->zc_work);
}

static void isc_tcp_zc_work(struct work_struct *work)
{
	struct isc_tcp *t = container_of(work, struct isc_tcp, zc_work);
	struct llist_node *done = llist_del_all(&t->zc_done);
	struct isc_tcp_task *tt, *next;
	int n = 0;

	llist_for_each_entry(tt, done, zc_node)
		n++;
	if (atomic_sub_and_test(n, &t->zc_pending))
		wake_up(&t->zc_wait);
	/* The last put may end the session, and free @t after we return. */
	llist_for_each_entry_safe(tt, next, done, zc_node)
		isc_task_tx_put(&tt->task);
}

static const struct scst_ubuf_ops isc_tcp_zc_ops = {
	.complete = isc_tcp_zc_complete,
};

/* The ubuf_info to send @pdu's data with, or NULL to copy it. */
static struct ubuf_info *isc_tcp_zc_arm(struct isc_conn *conn,
					const struct isc_tx_pdu *pdu)
{
	unsigned int threshold = READ_ONCE(zerocopy_threshold);
	struct isc_tcp *t = isc_tcp(conn);
	struct isc_tcp_task *tt;

	if (!pdu->task || !pdu->sg || !threshold || pdu->data_len < threshold ||
	    !test_bit(SOCK_SUPPORT_ZC, &t->sock->flags))
		return NULL;
	tt = container_of(pdu->task, struct isc_tcp_task, task);
	if (!tt->zc) {
		scst_ubuf_init(&tt->uarg, &isc_tcp_zc_ops);
		tt->zc = true;
		isc_task_tx_hold(pdu->task);
		atomic_inc(&t->zc_pending);
	}
	return &tt->uarg;
}

/* Drop our reference: the last skb to go completes the task. */
static void isc_tcp_tx_end(struct isc_conn *conn, struct isc_task *task)
{
	struct isc_tcp_task *tt = container_of(task, struct isc_tcp_task, task);

	if (!tt->zc)
		return;
	tt->zc = false;
	net_zcopy_put(&tt->uarg);
}

static int isc_tcp_send(struct isc_tcp *t, struct msghdr *msg, size_t len)
{
	bool owned = current == t->rx_thread && t->owned;
	int res;

	while (len) {
		if (owned)
			res = tcp_sendmsg_locked(t->sock->sk, msg, len);
		else
			res = sock_sendmsg(t->sock, msg);
		if (res <= 0)
			return res ?: -EPIPE;
		len -= res;
	}
	return 0;
}

static int isc_tcp_send_buf(struct isc_tcp *t, const void *buf, size_t len,
			    bool more)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0),
	};

	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, len);
	return isc_tcp_send(t, &msg, len);
}

static int isc_tcp_send_sg(struct isc_tcp *t, struct scatterlist *sg,
			   u32 off, u32 len, bool more, struct ubuf_info *uarg)
{
	struct bio_vec bv[ISC_TCP_BVECS];
	struct msghdr msg = { .msg_ubuf = uarg };
	unsigned int n;
	u32 got;
	int res;

	while (len) {
		n = isc_sg_bvecs(sg, off, len, bv, ISC_TCP_BVECS, &got);
		if (!n)
			return -EINVAL;
		msg.msg_flags = MSG_NOSIGNAL | (more || got < len ? MSG_MORE : 0) |
				(uarg ? MSG_ZEROCOPY : 0);
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, got);
		res = isc_tcp_send(t, &msg, got);
		if (res)
			return res;
		off += got;
		len -= got;
	}
	return 0;
}

/*
 * A copied Data-In PDU: header, data and tail in one sendmsg() when its
 * pages fit the bio_vecs, which saves a socket lock round and a push per
 * PDU; the header and tail are in t->txb already.
 */
static int isc_tcp_send_sg_copy(struct isc_tcp *t, const struct isc_tx_pdu *pdu,
				u32 hlen, u32 tlen, bool hold)
{
	struct isc_tcp_txbuf *b = t->txb;
	struct bio_vec *bv = t->tx_bv;
	u32 off = pdu->sg_off, left = pdu->data_len, len = hlen, got;
	struct msghdr msg = {};
	unsigned int n = 1;
	int res;

	bvec_set_page(&bv[0], virt_to_page(b->hdr), hlen,
		      offset_in_page(b->hdr));
	for (;;) {
		/* One slot stays free for the tail. */
		n += isc_sg_bvecs(pdu->sg, off, left, bv + n,
				  ISC_TCP_TX_BVECS - 1 - n, &got);
		if (!got)
			return -EINVAL;
		off += got;
		left -= got;
		len += got;
		if (!left && tlen) {
			bvec_set_page(&bv[n++], virt_to_page(b->tail), tlen,
				      offset_in_page(b->tail));
			len += tlen;
		}
		msg.msg_flags = MSG_NOSIGNAL | (left || hold ? MSG_MORE : 0);
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, len);
		res = isc_tcp_send(t, &msg, len);
		if (res || !left)
			return res;
		n = 0;
		len = 0;
	}
}

/*
 * A Data-In PDU whose data TCP takes by page reference (sendpage on 6.1,
 * MSG_SPLICE_PAGES on 6.12): header and tail are copied. The last piece
 * goes out without MSG_MORE, so that TCP sends it, and the peer's ACK
 * frees the pages, before the command completes: pages still held then
 * make the core free the buffer instead of reusing it.
 */
static int isc_tcp_send_sg_splice(struct isc_tcp *t,
				  const struct isc_tx_pdu *pdu, u32 hlen,
				  u32 tlen)
{
	u32 off = pdu->sg_off, left = pdu->data_len, got;
	unsigned int n;
	int res;

	/* Page references go through the socket's own locking. */
	isc_tcp_let_go(t);
	res = isc_tcp_send_buf(t, t->txb->hdr, hlen, true);
	while (!res && left) {
		n = isc_sg_bvecs(pdu->sg, off, left, t->tx_bv,
				 ISC_TCP_TX_BVECS, &got);
		if (!n)
			return -EINVAL;
		res = scst_sock_splice(t->sock, t->tx_bv, n, got,
				       MSG_NOSIGNAL |
				       (got < left || tlen ? MSG_MORE : 0));
		if (res <= 0)
			return res ?: -EPIPE;
		off += res;
		left -= res;
		res = 0;
	}
	if (res || !tlen)
		return res;
	return isc_tcp_send_buf(t, t->txb->tail, tlen, false);
}

static int isc_tcp_send_pdu(struct isc_conn *conn, const struct isc_tx_pdu *pdu)
{
	struct isc_tcp *t = isc_tcp(conn);
	u8 *hdr = t->txb->hdr, *tail = t->txb->tail;
	u32 len = pdu->data_len, hlen = ISC_BHS_LEN, tlen = isc_pad_len(len);
	struct ubuf_info *uarg;
	unsigned int threshold;
	bool hold;
	u32 crc;
	int res;

	/*
	 * The receive thread holds back what it sends while more requests
	 * wait to be read (isc_tcp_recv() pushes): their responses then
	 * share segments, and the initiator's wakeups.
	 */
	hold = current == t->rx_thread;
	if (hold)
		t->tx_held = true;
	memcpy(hdr, pdu->bhs, ISC_BHS_LEN);
	if (conn->p.header_digest == ISC_DIGEST_CRC32C) {
		isc_put_digest(isc_digest(hdr, ISC_BHS_LEN), hdr + hlen);
		hlen += ISC_DIGEST_LEN;
	}
	memset(tail, 0, sizeof(t->txb->tail));
	if (len && conn->p.data_digest == ISC_DIGEST_CRC32C) {
		if (pdu->sg)
			crc = isc_sg_crc(ISC_CRC32C_SEED, pdu->sg, pdu->sg_off,
					 len);
		else
			crc = isc_crc32c(ISC_CRC32C_SEED, pdu->buf, len);
		crc = isc_crc32c_final(isc_crc32c(crc, tail, tlen));
		isc_put_digest(crc, tail + tlen);
		tlen += ISC_DIGEST_LEN;
	}

	uarg = len && pdu->sg ? isc_tcp_zc_arm(conn, pdu) : NULL;
	if (len && pdu->sg && !uarg) {
		threshold = READ_ONCE(splice_threshold);
		if (threshold && len >= threshold)
			return isc_tcp_send_sg_splice(t, pdu, hlen, tlen);
		return isc_tcp_send_sg_copy(t, pdu, hlen, tlen, hold);
	}

	res = isc_tcp_send_buf(t, hdr, hlen, len || hold);
	if (res || !len)
		return res;
	if (pdu->sg)
		res = isc_tcp_send_sg(t, pdu->sg, pdu->sg_off, len,
				      tlen || hold, uarg);
	else
		res = isc_tcp_send_buf(t, pdu->buf, len, tlen || hold);
	if (res || !tlen)
		return res;
	return isc_tcp_send_buf(t, tail, tlen, hold);
}

/* ---- the connection ---- */

static void isc_tcp_start(struct isc_conn *conn)
{
	wake_up_process(isc_tcp(conn)->rx_thread);
}

static void isc_tcp_shutdown(struct isc_conn *conn)
{
	struct isc_tcp *t = isc_tcp(conn);

	isc_tcp_let_go(t);
	kernel_sock_shutdown(t->sock, SHUT_RDWR);
}

/*
 * The receive thread waits for tx_mutex, whose holder may be waiting for
 * the socket lock: let go of it first.
 */
static void isc_tcp_tx_wait(struct isc_conn *conn)
{
	isc_tcp_let_go(isc_tcp(conn));
}

static void isc_tcp_release(struct isc_conn *conn)
{
	struct isc_tcp *t = isc_tcp(conn);

	/* Its last run may still be returning from the last task's put. */
	flush_work(&t->zc_work);
	sockfd_put(t->sock);
	kfree(t->txb);
	kfree(t);
	conn->transport = NULL;
}

static struct isc_task *isc_tcp_alloc_task(struct isc_conn *conn, gfp_t gfp)
{
	struct isc_tcp_task *tt = kmem_cache_alloc(isc_tcp_task_cache, gfp);

	if (!tt)
		return NULL;
	tt->zc = false;
	return &tt->task;
}

/* The last isc_conn_task_put(), in process context. */
static void isc_tcp_free_task(struct isc_task *task)
{
	scst_sgv_buf_free(&task->wbuf);
	kmem_cache_free(isc_tcp_task_cache,
			container_of(task, struct isc_tcp_task, task));
}

const struct isc_transport_ops isc_tcp_ops = {
	.name		= "tcp",
	.start		= isc_tcp_start,
	.send_pdu	= isc_tcp_send_pdu,
	.tx_end		= isc_tcp_tx_end,
	.shutdown	= isc_tcp_shutdown,
	.tx_wait	= isc_tcp_tx_wait,
	.release	= isc_tcp_release,
	.alloc_task	= isc_tcp_alloc_task,
	.free_task	= isc_tcp_free_task,
};

/**
 * isc_tcp_attach() - make @sock the transport of @conn
 * @conn: a connection being set up
 * @sock: a connected TCP socket; its file reference becomes the
 *        connection's on success
 *
 * The receive thread is created but waits for ops->start().
 *
 * Return: 0 or a negative errno.
 */
int isc_tcp_attach(struct isc_conn *conn, struct socket *sock)
{
	struct task_struct *thread;
	struct isc_tcp *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->txb = kmalloc(sizeof(*t->txb), GFP_KERNEL);
	if (!t->txb) {
		kfree(t);
		return -ENOMEM;
	}
	t->sock = sock;
	atomic_set(&t->zc_pending, 0);
	init_waitqueue_head(&t->zc_wait);
	init_llist_head(&t->zc_done);
	INIT_WORK(&t->zc_work, isc_tcp_zc_work);
	conn->transport = t;
	conn->ops = &isc_tcp_ops;

	/* Small PDUs (R2T, status) must not wait for more to coalesce. */
	tcp_sock_set_nodelay(sock->sk);
	/* Our allocations while sending must not recurse into the fs. */
	sock->sk->sk_allocation = GFP_NOFS;

	__module_get(THIS_MODULE);
	thread = kthread_create(isc_tcp_rx_thread, conn, "isc_rx%u",
				conn->sess->tsih);
	if (IS_ERR(thread)) {
		module_put(THIS_MODULE);
		conn->transport = NULL;
		kfree(t->txb);
		kfree(t);
		return PTR_ERR(thread);
	}
	t->rx_thread = thread;
	return 0;
}

int isc_tcp_init(void)
{
	isc_tcp_task_cache = kmem_cache_create("scst_isc_tcp_task",
					       sizeof(struct isc_tcp_task) +
					       scst_cmd_size(),
					       __alignof__(struct isc_tcp_task),
					       0, NULL);
	return isc_tcp_task_cache ? 0 : -ENOMEM;
}

void isc_tcp_exit(void)
{
	kmem_cache_destroy(isc_tcp_task_cache);
}
