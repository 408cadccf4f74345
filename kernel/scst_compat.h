/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where Debian 12's 6.1 and 6.12 kernels differ for us.
 *
 * kernel/compat-probe.sh looks for each API in the headers of the kernel we
 * build against and defines SCST_HAVE_<FEATURE>; this header maps those
 * features onto one set of names. Nothing else in the tree tests a kernel
 * version or a SCST_HAVE_ macro.
 */
#ifndef SCST_COMPAT_H
#define SCST_COMPAT_H

#ifdef SCST_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* A SCSI host template may (6.4+) or may not be const. */
#ifdef SCST_HAVE_CONST_SHT
#define scst_sht_const const
#else
#define scst_sht_const
#endif

/* bus_type became const and its match() takes a const driver (6.11+). */
#ifdef SCST_HAVE_CONST_BUS_MATCH
#define scst_bus_match_drv const struct device_driver
#else
#define scst_bus_match_drv struct device_driver
#endif

/*
 * The bus_type a struct device points to: const on 6.12, not on 6.1. Taking
 * the type from the field itself needs no feature probe at all.
 */
#define scst_bus_type typeof(*((struct device *)NULL)->bus)

#ifdef __KERNEL__
#include <net/genetlink.h>

/* The parsed attributes of a dump request: genl_info_dump() since 6.6. */
static inline struct nlattr **scst_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef SCST_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}
#endif /* __KERNEL__ */

/*
 * Exclusive open of a block device by path: blkdev_get_by_path() and
 * blkdev_put() on 6.1, bdev_file_open_by_path() and bdev_fput() on 6.12.
 */
#ifdef __KERNEL__
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

struct scst_bdev_handle {
	struct block_device *bdev;
#ifdef SCST_HAVE_BDEV_FILE_OPEN
	struct file *file;
#else
	fmode_t mode;
#endif
};

/* Open @path exclusively for @holder (non-NULL), for writing if @write. */
static inline int scst_bdev_open(const char *path, bool write, void *holder,
				 struct scst_bdev_handle *h)
{
#ifdef SCST_HAVE_BDEV_FILE_OPEN
	blk_mode_t mode = BLK_OPEN_READ | BLK_OPEN_EXCL;
	struct file *file;

	if (write)
		mode |= BLK_OPEN_WRITE;
	file = bdev_file_open_by_path(path, mode, holder, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);
	h->file = file;
	h->bdev = file_bdev(file);
#else
	fmode_t mode = FMODE_READ | FMODE_EXCL;
	struct block_device *bdev;

	if (write)
		mode |= FMODE_WRITE;
	bdev = blkdev_get_by_path(path, mode, holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->mode = mode;
	h->bdev = bdev;
#endif
	return 0;
}

static inline void scst_bdev_close(struct scst_bdev_handle *h)
{
#ifdef SCST_HAVE_BDEV_FILE_OPEN
	bdev_fput(h->file);
#else
	blkdev_put(h->bdev, h->mode);
#endif
	h->bdev = NULL;
}

/*
 * A shrinker: register_shrinker() of a caller-provided struct on 6.1,
 * shrinker_alloc() + shrinker_register() on 6.12. Returns an ERR_PTR().
 */
typedef unsigned long (*scst_shrink_fn)(struct shrinker *s,
					struct shrink_control *sc);

static inline struct shrinker *scst_shrinker_create(const char *name,
						    scst_shrink_fn count,
						    scst_shrink_fn scan)
{
	struct shrinker *s;
#ifdef SCST_HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	shrinker_register(s);
#else
	int res;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	res = register_shrinker(s, "%s", name);
	if (res) {
		kfree(s);
		return ERR_PTR(res);
	}
#endif
	return s;
}

/* Unregister @s; its callbacks have returned and will not run again. */
static inline void scst_shrinker_destroy(struct shrinker *s)
{
#ifdef SCST_HAVE_SHRINKER_ALLOC
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}
#endif /* __KERNEL__ */

/*
 * Zero-copy send with a completion (struct ubuf_info in msghdr.msg_ubuf):
 * 6.1's ubuf_info holds the completion function itself, 6.12's a const
 * ubuf_info_ops table. Define the table with
 *	static const struct scst_ubuf_ops x = { .complete = fn };
 * and arm a ubuf_info with scst_ubuf_init(uarg, &x); net_zcopy_put()
 * drops a reference on both.
 */
#ifdef __KERNEL__
#include <linux/skbuff.h>

#ifdef SCST_HAVE_UBUF_INFO_OPS
#define scst_ubuf_ops ubuf_info_ops
#else
struct scst_ubuf_ops {
	void (*complete)(struct sk_buff *skb, struct ubuf_info *uarg,
			 bool zerocopy_success);
};
#endif

/* One reference, the caller's; frags are the caller's pages, kept as is. */
static inline void scst_ubuf_init(struct ubuf_info *uarg,
				  const struct scst_ubuf_ops *ops)
{
#ifdef SCST_HAVE_UBUF_INFO_OPS
	uarg->ops = ops;
#else
	uarg->callback = ops->complete;
#endif
	refcount_set(&uarg->refcnt, 1);
	uarg->flags = SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN;
}

/*
 * scst_sock_splice() - send @len bytes of the pages in @bv (@n of them)
 * by reference: TCP takes page references instead of copying, and drops
 * them when it is done with the data (no notification). The pages must
 * come from the page allocator. @flags: MSG_NOSIGNAL, MSG_MORE.
 * 6.1 has kernel_sendpage() (its sendmsg() ignores MSG_SPLICE_PAGES and
 * copies), 6.12 only MSG_SPLICE_PAGES.
 *
 * Return: bytes sent (fewer than @len only if interrupted), or a
 * negative errno.
 */
#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/uio.h>

static inline int scst_sock_splice(struct socket *sock, struct bio_vec *bv,
				   unsigned int n, size_t len, int flags)
{
#ifdef SCST_HAVE_KERNEL_SENDPAGE
	size_t sent = 0, off, l;
	unsigned int i;
	int f, res;

	for (i = 0; i < n; i++) {
		for (off = bv[i].bv_offset;
		     off < bv[i].bv_offset + bv[i].bv_len; off += l) {
			l = min_t(size_t, PAGE_SIZE - offset_in_page(off),
				  bv[i].bv_offset + bv[i].bv_len - off);
			f = flags;
			if (sent + l < len)
				f |= MSG_MORE;
			if (f & MSG_MORE)
				f |= MSG_SENDPAGE_NOTLAST;
			res = kernel_sendpage(sock,
					      nth_page(bv[i].bv_page,
						       off >> PAGE_SHIFT),
					      offset_in_page(off), l, f);
			if (res <= 0)
				return sent ? sent : res;
			sent += res;
			if (res < l)
				return sent;
		}
	}
	return sent;
#else
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, len);
	return sock_sendmsg(sock, &msg);
#endif
}
#endif /* __KERNEL__ */

#endif /* SCST_COMPAT_H */
