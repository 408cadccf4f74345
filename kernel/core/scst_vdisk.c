// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual disk device handlers: vdisk_nullio, vdisk_fileio, vdisk_blockio.
 *
 * The core decodes the CDB, checks the LUN, Unit Attentions, write
 * protection and the LBA range and allocates the data buffer before it
 * calls exec(). These handlers only move data between that buffer and the
 * backing store. Every command without medium access is left to the core,
 * which answers it from the struct scst_lu_desc filled in at attach time.
 *
 * I/O paths:
 *  - nullio: no backing store, writes are dropped. Reads leave the buffer
 *    as it is: fastest, the initiator sees its own memory (scst_local) or
 *    the core's zeroed pages. zero_read=1 always clears it; a buffer the
 *    core recycled, which may hold another initiator's data, is cleared
 *    anyway, unless only nullio READs used it since it was last zeroed
 *    (scst_sgv.h).
 *    exec() takes no lock, allocates nothing and may run in atomic context.
 *  - fileio, buffered: synchronous vfs_iter_read()/vfs_iter_write() in
 *    exec(), which runs in the device's thread pool. The page cache makes
 *    these calls cheap and this needs no per-command allocation.
 *    write_through and FUA add a vfs_fsync_range() of the written range.
 *  - fileio, o_direct: asynchronous ->read_iter()/->write_iter() on a
 *    kiocb; ki_complete finishes the command, possibly in interrupt
 *    context. FUA and write_through set IOCB_DSYNC.
 *  - blockio: one bio per BIO_MAX_VECS pages, all chained to the last one,
 *    whose end_io finishes the command, possibly in interrupt context.
 *    FUA and write_through set REQ_FUA.
 * VERIFY, WRITE AND VERIFY and SYNCHRONIZE CACHE run synchronously in
 * exec(); SYNCHRONIZE CACHE with IMMED is simply completed after the
 * flush, which SBC allows. nv_cache=1 turns FUA, write_through and
 * SYNCHRONIZE CACHE into no-ops.
 *
 * COMPARE AND WRITE, WRITE SAME, UNMAP and GET LBA STATUS also run
 * synchronously in exec() (fileio and blockio only). COMPARE AND WRITE is
 * atomic against all other writes through a per-device write gate, see
 * vdisk_write_enter(). Thin provisioning (thin_provisioned=1, the default
 * where the backing store can deallocate): fileio punches holes
 * (FALLOC_FL_PUNCH_HOLE), which read back as zeroes (LBPRZ) and which GET
 * LBA STATUS finds with SEEK_DATA/SEEK_HOLE; blockio discards, and as a
 * discarded block may read back as anything, it reports every block
 * mapped and no LBPRZ. nullio has no medium to compare or deallocate: it
 * supports neither COMPARE AND WRITE nor thin provisioning.
 *
 * The scatterlist entries of a command must be multiples of 512 bytes
 * (the core's buffers are whole pages but for the last entry); o_direct
 * and blockio also need them aligned as the backing device requires.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/bvec.h>
#include <linux/crc32.h>
#include <linux/ctype.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>


#include "scst_compat.h"
#include "scst.h"
#include "scst_cdb.h"
#include "scst_sgv.h"
#include "scst_spc.h"
#include "scst_sbc.h"

#define VDISK_VENDOR		"SCST"
#define VDISK_REVISION		"0100"
#define VDISK_NULLIO_SIZE	(5ULL << 39)	/* 2.5 TiB, SCST's default */
#define VDISK_MAX_XFER		(8U << 20)	/* reported in Block Limits */
#define VDISK_SYNC_BVECS	16	/* bio_vecs on the stack, 64 KiB */
#define VDISK_CMP_PAGES		8	/* bounce pages of VERIFY, 32 KiB */
#define VDISK_USN_LEN		16	/* SCST's limit for usn= */
#define VDISK_MAX_CAW		255	/* blocks: the largest the CDB can ask */
#define VDISK_MAX_UNMAP		(512U << 20)	/* bytes per UNMAP descriptor */
#define VDISK_MAX_UNMAP_DESC	256
#define VDISK_MAX_LBA_STATUS	64	/* descriptors per GET LBA STATUS */

/* SBC-3 thin provisioning: SPACE ALLOCATION FAILED WRITE PROTECT. */
#define VDISK_ASCQ_SPACE_ALLOC_FAILED	0x07

struct vdisk_dev;

/**
 * struct vdisk_ops - what a backing store type provides
 * @open:	open vd->filename; may adjust vd->block_size
 * @close:	undo @open
 * @size:	current size of the backing store in bytes
 * @submit:	read or write a command's buffer and finish the command
 *		with scst_cmd_exec_done(), now or from a completion
 * @rw:		synchronous read or write of a scatterlist; 0 or -errno
 * @flush:	make the range [@pos, @pos + @len) durable, @len 0 up to
 *		the end; 0 or -errno
 * @unmap:	deallocate [@pos, @pos + @len); 0 or -errno
 * @lba_status:	the provisioning status of [@lba, @end), at most @max
 *		extents from @lba on; returns the number filled in
 */
struct vdisk_ops {
	int (*open)(struct vdisk_dev *vd, const char *name);
	void (*close)(struct vdisk_dev *vd);
	loff_t (*size)(struct vdisk_dev *vd);
	void (*submit)(struct vdisk_dev *vd, struct scst_cmd *cmd, loff_t pos,
		       u32 len, bool write, bool fua);
	int (*rw)(struct vdisk_dev *vd, struct scatterlist *sg,
		  unsigned int nents, loff_t pos, u32 len, bool write,
		  bool fua);
	int (*flush)(struct vdisk_dev *vd, loff_t pos, loff_t len);
	int (*unmap)(struct vdisk_dev *vd, loff_t pos, loff_t len);
	unsigned int (*lba_status)(struct vdisk_dev *vd, u64 lba, u64 end,
				   struct scst_lba_extent *ext,
				   unsigned int max);
};

/**
 * struct vdisk_handler - one of the three device handlers
 * @devt:	what the core sees
 * @ops:	backing store operations, NULL for nullio
 * @product:	INQUIRY PRODUCT IDENTIFICATION
 */
struct vdisk_handler {
	struct scst_dev_type devt;
	const struct vdisk_ops *ops;
	const char *product;
};

/**
 * struct vdisk_dev - one virtual disk
 * @list:	entry in vdisk_devs, under vdisk_mutex
 * @h:		its handler
 * @dev:	the core's device
 * @filename:	backing file or block device (fileio, blockio)
 * @file:	fileio backing file
 * @bdev:	blockio backing device
 * @size:	exported size in bytes, a multiple of @block_size
 * @size_param:	size= or size_mb= in bytes, 0 when not given
 * @block_size:	logical block size
 * @block_shift: log2(@block_size)
 * @blocksize_set: blocksize= was given
 * @read_only:	read_only=: the LU is write protected
 * @write_through: write_through=: every write is durable on completion
 * @nv_cache:	nv_cache=: the cache is non-volatile, ignore FUA and flushes
 * @o_direct:	o_direct=: fileio bypasses the page cache
 * @thin_provisioned: UNMAP, WRITE SAME with UNMAP, GET LBA STATUS
 * @thin_set:	thin_provisioned= was given
 * @thin_capable: the backing store can deallocate (set by ops->open)
 * @lbprz:	deallocated blocks read back as zeroes (set by ops->open)
 * @removable:	removable=: RMB bit of INQUIRY
 * @zero_read:	zero_read=: nullio reads return zeroes
 * @delay_ms:	nullio completes its medium access commands this late, a
 *		test aid for a slow or stuck backend (sysfs only)
 * @usn_set:	usn= was given
 * @usn:	unit serial number
 * @resize_mutex: serialises resync_size
 * @writers:	commands that may modify the medium, in exec() or in flight
 * @caw_active:	a COMPARE AND WRITE holds the write gate closed
 * @gate_wq:	waiters for @writers to drain or for @caw_active to clear
 * @caw_mutex:	serialises COMPARE AND WRITE
 */
struct vdisk_dev {
	struct list_head list;
	const struct vdisk_handler *h;
	struct scst_device *dev;
	char *filename;
	struct file *file;
	struct scst_bdev_handle bdev;
	loff_t size;
	loff_t size_param;
	u32 block_size;
	u8 block_shift;
	bool blocksize_set;
	bool read_only;
	bool write_through;
	bool nv_cache;
	bool o_direct;
	bool thin_provisioned;
	bool thin_set;
	bool thin_capable;
	bool lbprz;
	bool removable;
	bool zero_read;
	unsigned int delay_ms;
	bool usn_set;
	char usn[VDISK_USN_LEN + 1];
	struct mutex resize_mutex;	/* serialises resync_size */
	atomic_t writers;
	bool caw_active;
	wait_queue_head_t gate_wq;
	struct mutex caw_mutex;		/* serialises COMPARE AND WRITE */
};

static DEFINE_MUTEX(vdisk_mutex);
static LIST_HEAD(vdisk_devs);
static bool vdisk_exiting;

/* ---- command helpers ---- */

static inline struct vdisk_dev *vdisk_cmd_vd(struct scst_cmd *cmd)
{
	return scst_dev_get_priv(scst_cmd_get_dev(cmd));
}

/* FUA of a WRITE, or every write of a write-through device. */
static inline bool vdisk_fua(const struct vdisk_dev *vd, u32 cdb_flags)
{
	return !vd->nv_cache &&
	       (vd->write_through || (cdb_flags & SCST_CDB_FUA));
}

/* Sense data for a failed backing store access; any context. */
static void vdisk_set_io_error(struct scst_cmd *cmd, int err, bool write)
{
	struct vdisk_dev *vd = vdisk_cmd_vd(cmd);

	scst_set_resp_data_len(cmd, 0);
	if (err == -ENOMEM) {
		/* Transient: let the initiator retry. */
		scst_set_cmd_status(cmd, SCST_STATUS_BUSY);
		return;
	}
	pr_err_ratelimited("%s: %s error %d at LBA %llu\n",
			   scst_dev_get_name(vd->dev), write ? "write" : "read",
			   err, scst_cmd_get_lba(cmd));
	if (write && err == -ENOSPC)
		scst_set_cmd_sense(cmd, SCST_SK_DATA_PROTECT,
				   SCST_ASC_WRITE_PROTECTED,
				   VDISK_ASCQ_SPACE_ALLOC_FAILED);
	else if (write)
		scst_set_cmd_sense(cmd, SCST_SK_MEDIUM_ERROR,
				   SCST_ASC_WRITE_ERROR, SCST_ASCQ_WRITE_ERROR);
	else
		scst_set_cmd_sense(cmd, SCST_SK_MEDIUM_ERROR,
				   SCST_ASC_UNRECOVERED_READ_ERROR,
				   SCST_ASCQ_UNRECOVERED_READ_ERROR);
}

/*
 * The write gate: COMPARE AND WRITE must be atomic against every other
 * write to its range. Every command that modifies the medium counts
 * itself in vd->writers from exec() until it completes; a COMPARE AND
 * WRITE closes the gate (vd->caw_active), waits for vd->writers to drain,
 * compares and writes alone, and opens the gate again. The gate covers the
 * whole device rather than a range: it is simple to get right, and
 * initiators use COMPARE AND WRITE for short lock updates (VMware ATS),
 * so other writes stall only briefly. Writers pay one atomic increment
 * and decrement and take no lock: each side stores its own flag, then a
 * full barrier, then reads the other's, so at least one of them sees the
 * other.
 */
static void vdisk_write_exit(struct vdisk_dev *vd)
{
	/* atomic_dec_and_test() implies a full barrier. */
	if (atomic_dec_and_test(&vd->writers) && READ_ONCE(vd->caw_active))
		wake_up_all(&vd->gate_wq);
}

/* Process context: may wait for a COMPARE AND WRITE to finish. */
static void vdisk_write_enter(struct vdisk_dev *vd)
{
	for (;;) {
		atomic_inc(&vd->writers);
		/* Pairs with smp_store_mb() in vdisk_gate_close(). */
		smp_mb__after_atomic();
		if (likely(!READ_ONCE(vd->caw_active)))
			return;
		vdisk_write_exit(vd);
		wait_event(vd->gate_wq, !READ_ONCE(vd->caw_active));
	}
}

/* Close the gate and wait until no other write is in exec() or flight. */
static void vdisk_gate_close(struct vdisk_dev *vd)
{
	mutex_lock(&vd->caw_mutex);
	/* Pairs with smp_mb__after_atomic() in vdisk_write_enter(). */
	smp_store_mb(vd->caw_active, true);
	wait_event(vd->gate_wq, !atomic_read(&vd->writers));
}

static void vdisk_gate_open(struct vdisk_dev *vd)
{
	WRITE_ONCE(vd->caw_active, false);
	wake_up_all(&vd->gate_wq);
	mutex_unlock(&vd->caw_mutex);
}

/*
 * Finish an I/O command; any context, never sleeps. A write leaves the
 * gate before the command completes: after scst_cmd_exec_done() the
 * device may go away.
 */
static void vdisk_io_done(struct scst_cmd *cmd, int err, bool write)
{
	if (err)
		vdisk_set_io_error(cmd, err, write);
	if (write)
		vdisk_write_exit(vdisk_cmd_vd(cmd));
	scst_cmd_exec_done(cmd);
}

/*
 * Compare @len bytes at @buf with the next @len bytes of the data-out
 * buffer behind @miter. Returns the offset of the first difference, or
 * @len if there is none, or -EIO if the data-out buffer is too short.
 */
static long vdisk_cmp_buf(struct sg_mapping_iter *miter, const u8 *buf,
			  size_t len)
{
	size_t done = 0, n, i;

	while (done < len) {
		if (!sg_miter_next(miter))
			return -EIO;
		n = min(miter->length, len - done);
		miter->consumed = n;
		if (memcmp(miter->addr, buf + done, n)) {
			const u8 *a = miter->addr;

			for (i = 0; a[i] == buf[done + i]; i++)
				;
			return done + i;
		}
		done += n;
	}
	return len;
}

/*
 * VERIFY and WRITE AND VERIFY with BYTCHK=1, COMPARE AND WRITE: read the
 * range through the backing store in chunks of VDISK_CMP_PAGES pages and
 * compare it with the start of the data-out buffer. Sets the command's
 * status; returns true if everything matched.
 */
static bool vdisk_compare(struct vdisk_dev *vd, struct scst_cmd *cmd,
			  loff_t pos, u32 len)
{
	struct scatterlist sg[VDISK_CMP_PAGES];
	struct sg_mapping_iter miter;
	unsigned int npages, i;
	u32 done = 0, chunk, n;
	long off = 0;
	int err = 0;

	npages = min_t(unsigned int, VDISK_CMP_PAGES,
		       DIV_ROUND_UP(len, PAGE_SIZE));
	sg_init_table(sg, npages);
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_page(GFP_NOIO);

		if (!page) {
			/* Fewer bounce pages only mean more passes. */
			if (!i) {
				vdisk_set_io_error(cmd, -ENOMEM, false);
				return false;
			}
			npages = i;
			sg_mark_end(&sg[i - 1]);
			break;
		}
		sg_set_page(&sg[i], page, PAGE_SIZE, 0);
	}

	sg_miter_start(&miter, scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd),
		       SG_MITER_FROM_SG);
	while (done < len) {
		chunk = min_t(u32, len - done, npages * PAGE_SIZE);
		err = vd->h->ops->rw(vd, sg, npages, pos + done, chunk, false,
				     false);
		if (err)
			break;
		for (i = 0; chunk; i++) {
			n = min_t(u32, chunk, PAGE_SIZE);
			off = vdisk_cmp_buf(&miter, page_address(sg_page(&sg[i])),
					    n);
			if (off != n)
				break;
			done += n;
			chunk -= n;
		}
		if (chunk)
			break;
	}
	sg_miter_stop(&miter);

	for (i = 0; i < npages; i++)
		__free_page(sg_page(&sg[i]));

	if (err) {
		vdisk_set_io_error(cmd, err, false);
	} else if (off < 0) {
		scst_set_cmd_sense(cmd, SCST_SK_HARDWARE_ERROR,
				   SCST_ASC_INTERNAL_TARGET_FAILURE,
				   SCST_ASCQ_INTERNAL_TARGET_FAILURE);
	} else if (done < len) {
		struct scst_sense s = {
			.key = SCST_SK_MISCOMPARE,
			.asc = SCST_ASC_MISCOMPARE_DURING_VERIFY,
			.ascq = SCST_ASCQ_MISCOMPARE_DURING_VERIFY,
			.info_valid = true,
			.info = done + off,
		};

		scst_set_cmd_sense_full(cmd, &s);
	} else {
		return true;
	}
	return false;
}

/* ---- fileio ---- */

static int vdisk_file_open(struct vdisk_dev *vd, const char *name)
{
	int flags = O_LARGEFILE | (vd->read_only ? O_RDONLY : O_RDWR);
	struct file *file;
	struct kstat st;
	umode_t mode;
	int res;

	if (vd->o_direct)
		flags |= O_DIRECT;
	file = filp_open(vd->filename, flags, 0);
	if (IS_ERR(file)) {
		pr_warn("%s: cannot open %s: %ld\n", name, vd->filename,
			PTR_ERR(file));
		return PTR_ERR(file);
	}
	mode = file_inode(file)->i_mode;
	if ((!S_ISREG(mode) && !S_ISBLK(mode)) || !file->f_op->read_iter ||
	    !file->f_op->write_iter) {
		pr_warn("%s: %s is neither a regular file nor a block device\n",
			name, vd->filename);
		res = -EINVAL;
		goto out_close;
	}
	/* Direct I/O in units of blocks needs blocks the file system takes. */
	if (vd->o_direct &&
	    !vfs_getattr(&file->f_path, &st, STATX_DIOALIGN,
			 AT_STATX_SYNC_AS_STAT) &&
	    (st.result_mask & STATX_DIOALIGN) &&
	    (!st.dio_offset_align || vd->block_size % st.dio_offset_align)) {
		pr_warn("%s: %s does not support direct I/O of %u-byte blocks\n",
			name, vd->filename, vd->block_size);
		res = -EINVAL;
		goto out_close;
	}
	vd->file = file;
	/* Holes read back as zeroes; a block device file has none. */
	vd->thin_capable = S_ISREG(mode) && file->f_op->fallocate;
	vd->lbprz = vd->thin_capable;
	return 0;

out_close:
	filp_close(file, NULL);
	return res;
}

static void vdisk_file_close(struct vdisk_dev *vd)
{
	filp_close(vd->file, NULL);
	vd->file = NULL;
}

static loff_t vdisk_file_size(struct vdisk_dev *vd)
{
	/* f_mapping->host is the block device inode for a block device. */
	return i_size_read(vd->file->f_mapping->host);
}

/*
 * Synchronous read or write, VDISK_SYNC_BVECS scatterlist entries at a
 * time so that the bio_vec array fits on the stack.
 */
static int vdisk_file_rw(struct vdisk_dev *vd, struct scatterlist *sg,
			 unsigned int nents, loff_t pos, u32 len, bool write,
			 bool fua)
{
	struct bio_vec bv[VDISK_SYNC_BVECS];
	loff_t start = pos;
	struct iov_iter iter;
	u32 left = len, chunk, n, l;
	ssize_t ret;

	while (left) {
		for (n = 0, chunk = 0; sg && nents && n < ARRAY_SIZE(bv) &&
		     chunk < left; n++, nents--, sg = sg_next(sg)) {
			l = min(sg->length, left - chunk);
			bvec_set_page(&bv[n], sg_page(sg), l, sg->offset);
			chunk += l;
		}
		if (!chunk)
			return -EIO;	/* buffer shorter than the command */
		iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, bv, n,
			      chunk);
		if (write)
			ret = vfs_iter_write(vd->file, &iter, &pos, 0);
		else
			ret = vfs_iter_read(vd->file, &iter, &pos, 0);
		if (ret < 0)
			return ret;
		if (ret != chunk)
			return -EIO;	/* past the end of a shrunk file */
		left -= chunk;
	}
	if (write && fua)
		return vfs_fsync_range(vd->file, start, start + len - 1, 1);
	return 0;
}

/**
 * struct vdisk_aio - an asynchronous direct I/O on a backing file
 * @iocb:	the kiocb, completed by vdisk_aio_complete()
 * @cmd:	the command
 * @len:	bytes to transfer
 * @bvec:	the command's pages; the bios point into this array
 */
struct vdisk_aio {
	struct kiocb iocb;
	struct scst_cmd *cmd;
	u32 len;
	struct bio_vec bvec[];
};

/* ki_complete: may run in interrupt context. */
static void vdisk_aio_complete(struct kiocb *iocb, long ret)
{
	struct vdisk_aio *aio = container_of(iocb, struct vdisk_aio, iocb);
	bool write = iocb->ki_flags & IOCB_WRITE;
	struct scst_cmd *cmd = aio->cmd;
	int err = 0;

	if (write && S_ISREG(file_inode(iocb->ki_filp)->i_mode))
		kiocb_end_write(iocb);
	if (ret < 0)
		err = ret;
	else if (ret != aio->len)
		err = -EIO;
	kfree(aio);
	vdisk_io_done(cmd, err, write);
}

static void vdisk_file_submit(struct vdisk_dev *vd, struct scst_cmd *cmd,
			      loff_t pos, u32 len, bool write, bool fua)
{
	struct scatterlist *sgl = scst_cmd_get_sg(cmd), *sg;
	unsigned int nents = scst_cmd_get_sg_cnt(cmd), n;
	struct file *file = vd->file;
	struct vdisk_aio *aio = NULL;
	struct iov_iter iter;
	u32 left = len, l;
	ssize_t ret;

	if (vd->o_direct)
		aio = kmalloc(struct_size(aio, bvec, nents), GFP_NOIO);
	if (!aio) {
		/* Buffered I/O, or direct I/O without memory: synchronous. */
		vdisk_io_done(cmd, vdisk_file_rw(vd, sgl, nents, pos, len,
						 write, fua), write);
		return;
	}

	n = 0;
	for_each_sg(sgl, sg, nents, n) {
		if (!left)
			break;
		l = min(sg->length, left);
		bvec_set_page(&aio->bvec[n], sg_page(sg), l, sg->offset);
		left -= l;
	}
	if (left) {
		/* The buffer is shorter than the command. */
		kfree(aio);
		vdisk_io_done(cmd, -EIO, write);
		return;
	}
	aio->cmd = cmd;
	aio->len = len;
	init_sync_kiocb(&aio->iocb, file);	/* takes IOCB_DIRECT */
	aio->iocb.ki_pos = pos;
	aio->iocb.ki_complete = vdisk_aio_complete;
	if (fua)
		aio->iocb.ki_flags |= IOCB_DSYNC;
	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, aio->bvec, n,
		      aio->len);
	if (write) {
		aio->iocb.ki_flags |= IOCB_WRITE;
		/* Freeze protection, as aio and io_uring take it. */
		if (S_ISREG(file_inode(file)->i_mode))
			kiocb_start_write(&aio->iocb);
		ret = file->f_op->write_iter(&aio->iocb, &iter);
	} else {
		ret = file->f_op->read_iter(&aio->iocb, &iter);
	}
	if (ret != -EIOCBQUEUED)
		vdisk_aio_complete(&aio->iocb, ret);
}

static int vdisk_file_flush(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return vfs_fsync_range(vd->file, pos, len ? pos + len - 1 : LLONG_MAX,
			       1);
}

static int vdisk_file_unmap(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return vfs_fallocate(vd->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			     pos, len);
}

/*
 * Walk the file with SEEK_DATA/SEEK_HOLE. A block that holds any data is
 * mapped, so data extents are rounded outwards to whole blocks. A file
 * system without SEEK_DATA (an error other than -ENXIO) is all data.
 */
static unsigned int vdisk_file_lba_status(struct vdisk_dev *vd, u64 lba,
					  u64 end, struct scst_lba_extent *ext,
					  unsigned int max)
{
	loff_t cur = lba << vd->block_shift, last = end << vd->block_shift;
	unsigned int n = 0;
	loff_t next;

	while (cur < last && n < max) {
		next = vfs_llseek(vd->file, cur, SEEK_DATA);
		if (next == -ENXIO)
			next = last;		/* a hole up to the end */
		else if (next < 0)
			next = cur;
		next = min(round_down(next, vd->block_size), last);
		if (next > cur) {
			ext[n].status = SCST_LBA_DEALLOCATED;
		} else {
			next = vfs_llseek(vd->file, cur, SEEK_HOLE);
			if (next < 0)
				next = last;
			else if (next <= cur)	/* punched meanwhile */
				next = cur + vd->block_size;
			next = min(round_up(next, vd->block_size), last);
			ext[n].status = SCST_LBA_MAPPED;
		}
		ext[n].lba = cur >> vd->block_shift;
		ext[n].nblocks = (next - cur) >> vd->block_shift;
		n++;
		cur = next;
	}
	return n;
}

static const struct vdisk_ops vdisk_file_ops = {
	.open = vdisk_file_open,
	.close = vdisk_file_close,
	.size = vdisk_file_size,
	.submit = vdisk_file_submit,
	.rw = vdisk_file_rw,
	.flush = vdisk_file_flush,
	.unmap = vdisk_file_unmap,
	.lba_status = vdisk_file_lba_status,
};

/* ---- blockio ---- */

static int vdisk_blk_open(struct vdisk_dev *vd, const char *name)
{
	unsigned int lbs;
	int res;

	/* vd is the holder: nobody else may open the device exclusively. */
	res = scst_bdev_open(vd->filename, !vd->read_only, vd, &vd->bdev);
	if (res) {
		pr_warn("%s: cannot open block device %s: %d\n", name,
			vd->filename, res);
		return res;
	}
	lbs = bdev_logical_block_size(vd->bdev.bdev);
	if (!vd->blocksize_set) {
		vd->block_size = lbs;
	} else if (vd->block_size < lbs) {
		pr_warn("%s: blocksize %u is smaller than the %u-byte blocks of %s\n",
			name, vd->block_size, lbs, vd->filename);
		scst_bdev_close(&vd->bdev);
		return -EINVAL;
	}
	/* What a discarded block reads back as is up to the device. */
	vd->thin_capable = bdev_max_discard_sectors(vd->bdev.bdev);
	vd->lbprz = false;
	return 0;
}

static void vdisk_blk_close(struct vdisk_dev *vd)
{
	scst_bdev_close(&vd->bdev);
}

static loff_t vdisk_blk_size(struct vdisk_dev *vd)
{
	return bdev_nr_bytes(vd->bdev.bdev);
}

/*
 * Build the bios for @len bytes of @sgl at @pos. Each full bio is chained
 * to the next one and submitted; the last one is returned unsubmitted, and
 * it completes only after all the others. Allocating from fs_bio_set with
 * GFP_NOIO cannot fail, and a new bio always takes a page, so the chain
 * covers the whole buffer. NULL when @len is 0.
 */
static struct bio *vdisk_blk_build(struct vdisk_dev *vd,
				   struct scatterlist *sgl, unsigned int nents,
				   loff_t pos, u32 len, blk_opf_t opf)
{
	sector_t sector = pos >> SECTOR_SHIFT;
	struct bio *bio = NULL, *prev;
	struct scatterlist *sg;
	unsigned int i, l;

	for_each_sg(sgl, sg, nents, i) {
		if (!len)
			break;
		l = min(sg->length, len);
		while (!bio || bio_add_page(bio, sg_page(sg), l, sg->offset) != l) {
			prev = bio;
			bio = bio_alloc(vd->bdev.bdev,
					min_t(unsigned int, nents - i, BIO_MAX_VECS),
					opf, GFP_NOIO);
			bio->bi_iter.bi_sector = sector;
			if (prev) {
				bio_chain(prev, bio);
				submit_bio(prev);
			}
		}
		sector += l >> SECTOR_SHIFT;
		len -= l;
	}
	return bio;
}

static inline blk_opf_t vdisk_blk_opf(bool write, bool fua)
{
	if (!write)
		return REQ_OP_READ;
	return REQ_OP_WRITE | REQ_SYNC | (fua ? REQ_FUA : 0);
}

/* bi_end_io of the last bio of a chain: may run in interrupt context. */
static void vdisk_blk_end_io(struct bio *bio)
{
	struct scst_cmd *cmd = bio->bi_private;
	bool write = op_is_write(bio_op(bio));
	int err = blk_status_to_errno(bio->bi_status);

	bio_put(bio);
	vdisk_io_done(cmd, err, write);
}

static void vdisk_blk_submit(struct vdisk_dev *vd, struct scst_cmd *cmd,
			     loff_t pos, u32 len, bool write, bool fua)
{
	struct bio *bio;

	bio = vdisk_blk_build(vd, scst_cmd_get_sg(cmd),
			      scst_cmd_get_sg_cnt(cmd), pos, len,
			      vdisk_blk_opf(write, fua));
	if (!bio) {
		vdisk_io_done(cmd, -EIO, write);
		return;
	}
	bio->bi_private = cmd;
	bio->bi_end_io = vdisk_blk_end_io;
	submit_bio(bio);
}

static int vdisk_blk_rw(struct vdisk_dev *vd, struct scatterlist *sg,
			unsigned int nents, loff_t pos, u32 len, bool write,
			bool fua)
{
	struct bio *bio;
	int res;

	bio = vdisk_blk_build(vd, sg, nents, pos, len,
			      vdisk_blk_opf(write, fua));
	if (!bio)
		return -EIO;
	res = submit_bio_wait(bio);
	bio_put(bio);
	return res;
}

/* A block device has one cache: the range does not matter. */
static int vdisk_blk_flush(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return blkdev_issue_flush(vd->bdev.bdev);
}

static int vdisk_blk_unmap(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return blkdev_issue_discard(vd->bdev.bdev, pos >> SECTOR_SHIFT,
				    len >> SECTOR_SHIFT, GFP_NOIO);
}

/* A block device does not tell: everything is mapped. */
static unsigned int vdisk_blk_lba_status(struct vdisk_dev *vd, u64 lba,
					 u64 end, struct scst_lba_extent *ext,
					 unsigned int max)
{
	ext[0].lba = lba;
	ext[0].nblocks = end - lba;
	ext[0].status = SCST_LBA_MAPPED;
	return 1;
}

static const struct vdisk_ops vdisk_blk_ops = {
	.open = vdisk_blk_open,
	.close = vdisk_blk_close,
	.size = vdisk_blk_size,
	.submit = vdisk_blk_submit,
	.rw = vdisk_blk_rw,
	.flush = vdisk_blk_flush,
	.unmap = vdisk_blk_unmap,
	.lba_status = vdisk_blk_lba_status,
};

/* ---- exec ---- */

/*
 * Bytes a medium access command transfers. The core truncates the buffer
 * of a READ to what the initiator expects; keep to whole blocks of it.
 */
static u32 vdisk_xfer_len(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u64 len = (u64)scst_cmd_get_nblocks(cmd) << vd->block_shift;

	len = min_t(u64, len, scst_cmd_get_bufflen(cmd));
	return round_down((u32)len, vd->block_size);
}

/*
 * The core cuts nblocks to the data the initiator sends (scst_cdb_fit())
 * and refuses the rest; never write or compare part of a command should
 * that change.
 */
static bool vdisk_out_len_ok(struct vdisk_dev *vd, struct scst_cmd *cmd,
			     u32 len)
{
	if (len == (u64)scst_cmd_get_nblocks(cmd) << vd->block_shift)
		return true;
	scst_set_cmd_sense(cmd, SCST_SK_HARDWARE_ERROR,
			   SCST_ASC_INTERNAL_TARGET_FAILURE,
			   SCST_ASCQ_INTERNAL_TARGET_FAILURE);
	return false;
}

/*
 * The data-out buffer of @cmd from byte @skip on, as a new scatterlist in
 * *@tbl (kfree() it): COMPARE AND WRITE writes the second half of its
 * buffer. Entries start within their first page, as bio_add_page() wants.
 */
static int vdisk_sg_tail(struct scst_cmd *cmd, u32 skip,
			 struct scatterlist **tbl, unsigned int *nents)
{
	struct scatterlist *sgl = scst_cmd_get_sg(cmd), *sg, *t;
	unsigned int cnt = scst_cmd_get_sg_cnt(cmd), i, n = 0, off;

	t = kmalloc_array(cnt, sizeof(*t), GFP_NOIO);
	if (!t)
		return -ENOMEM;
	sg_init_table(t, cnt);
	for_each_sg(sgl, sg, cnt, i) {
		if (skip >= sg->length) {
			skip -= sg->length;
			continue;
		}
		off = sg->offset + skip;
		sg_set_page(&t[n++], nth_page(sg_page(sg), off >> PAGE_SHIFT),
			    sg->length - skip, offset_in_page(off));
		skip = 0;
	}
	if (!n) {
		kfree(t);
		return -EIO;	/* buffer shorter than the command */
	}
	sg_mark_end(&t[n - 1]);
	*tbl = t;
	*nents = n;
	return 0;
}

/*
 * COMPARE AND WRITE (SBC-4 5.3): the data-out buffer holds @len bytes to
 * compare with the medium, then @len bytes to write. On a miscompare
 * nothing is written and the sense data's INFORMATION field has the
 * offset of the first differing byte (vdisk_compare()).
 */
static void vdisk_caw(struct vdisk_dev *vd, struct scst_cmd *cmd, loff_t pos,
		      u32 len, bool fua)
{
	struct scatterlist *tail;
	unsigned int nents;
	int err;

	/* NUMBER OF LOGICAL BLOCKS 0: nothing to compare or write (SBC-4). */
	if (!len)
		return;
	/* The core refuses a short data-out buffer; never write part. */
	if (scst_cmd_get_bufflen(cmd) != 2 * len) {
		scst_set_cmd_sense(cmd, SCST_SK_HARDWARE_ERROR,
				   SCST_ASC_INTERNAL_TARGET_FAILURE,
				   SCST_ASCQ_INTERNAL_TARGET_FAILURE);
		return;
	}
	err = vdisk_sg_tail(cmd, len, &tail, &nents);
	if (err) {
		vdisk_set_io_error(cmd, err, true);
		return;
	}
	vdisk_gate_close(vd);
	if (vdisk_compare(vd, cmd, pos, len)) {
		err = vd->h->ops->rw(vd, tail, nents, pos, len, true, fua);
		if (err)
			vdisk_set_io_error(cmd, err, true);
	}
	vdisk_gate_open(vd);
	kfree(tail);
}

/* Whether the first @len bytes of @cmd's data-out buffer are all zero. */
static bool vdisk_buf_zero(struct scst_cmd *cmd, u32 len)
{
	struct sg_mapping_iter miter;
	bool zero = true;
	size_t n;

	sg_miter_start(&miter, scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd),
		       SG_MITER_FROM_SG);
	while (zero && len && sg_miter_next(&miter)) {
		n = min_t(size_t, miter.length, len);
		miter.consumed = n;
		zero = !memchr_inv(miter.addr, 0, n);
		len -= n;
	}
	sg_miter_stop(&miter);
	return zero && !len;
}

/*
 * WRITE SAME(10/16): write one block (zeroes with NDOB) @nblocks times.
 * With UNMAP on a thin LU, zeroes are deallocated instead where that
 * reads back as zeroes (fileio); blockio lets the device zero the range,
 * which may deallocate it. Other data is replicated into up to
 * VDISK_CMP_PAGES bounce pages and written a chunk at a time.
 */
static int vdisk_write_same(struct vdisk_dev *vd, struct scst_cmd *cmd,
			    loff_t pos, u32 nblocks, u32 flags)
{
	loff_t len = (loff_t)nblocks << vd->block_shift, done = 0;
	bool zero = (flags & SCST_CDB_NDOB);
	struct scatterlist sg[VDISK_CMP_PAGES];
	unsigned int npages, i;
	bool fua = vdisk_fua(vd, 0);
	u32 chunk, bs = vd->block_size;
	int err = 0;
	u8 *p;

	if (!zero) {
		if (scst_cmd_get_bufflen(cmd) != bs)
			return -EIO;
		zero = vdisk_buf_zero(cmd, bs);
	}
	if (zero && (flags & SCST_CDB_UNMAP) && vd->thin_provisioned &&
	    vd->lbprz) {
		err = vd->h->ops->unmap(vd, pos, len);
		goto flush;
	}
	if (zero && vd->bdev.bdev) {
		err = blkdev_issue_zeroout(vd->bdev.bdev, pos >> SECTOR_SHIFT,
					   len >> SECTOR_SHIFT, GFP_NOIO,
					   (flags & SCST_CDB_UNMAP) &&
					   vd->thin_provisioned ?
					   0 : BLKDEV_ZERO_NOUNMAP);
		goto flush;
	}

	npages = min_t(u64, VDISK_CMP_PAGES, DIV_ROUND_UP(len, PAGE_SIZE));
	sg_init_table(sg, npages);
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_page(GFP_NOIO | (zero ? __GFP_ZERO : 0));

		if (!page) {
			if (!i)
				return -ENOMEM;
			npages = i;
			sg_mark_end(&sg[i - 1]);
			break;
		}
		p = page_address(page);
		/* A block is at most a page: fill the page block by block. */
		if (!zero)
			for (chunk = 0; chunk < PAGE_SIZE; chunk += bs)
				sg_copy_to_buffer(scst_cmd_get_sg(cmd),
						  scst_cmd_get_sg_cnt(cmd),
						  p + chunk, bs);
		sg_set_page(&sg[i], page, PAGE_SIZE, 0);
	}
	while (done < len && !err) {
		chunk = min_t(loff_t, len - done, npages * PAGE_SIZE);
		err = vd->h->ops->rw(vd, sg, npages, pos + done, chunk, true,
				     fua);
		done += chunk;
	}
	for (i = 0; i < npages; i++)
		__free_page(sg_page(&sg[i]));
	return err;

flush:
	/* Neither path has a FUA of its own. */
	if (!err && fua)
		err = vd->h->ops->flush(vd, pos, len);
	return err;
}

/* UNMAP: validate the whole parameter list, then deallocate. */
static void vdisk_unmap(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u32 len = scst_cmd_get_bufflen(cmd), nblocks;
	struct scst_sense sense;
	unsigned int n, i;
	int err = 0;
	u8 *param;
	u64 lba;

	if (!len)
		return;
	param = kmalloc(len, GFP_NOIO);
	if (!param) {
		vdisk_set_io_error(cmd, -ENOMEM, true);
		return;
	}
	len = sg_copy_to_buffer(scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd),
				param, len);
	if (scst_unmap_parse(param, len, scst_dev_lu(vd->dev), &n, &sense)) {
		scst_set_cmd_sense_full(cmd, &sense);
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		scst_unmap_desc(param, i, &lba, &nblocks);
		if (nblocks)
			err = vd->h->ops->unmap(vd, lba << vd->block_shift,
						(loff_t)nblocks <<
						vd->block_shift);
	}
	if (err)
		vdisk_set_io_error(cmd, err, true);
out:
	kfree(param);
}

/* GET LBA STATUS: the extents from the STARTING LBA on. */
static void vdisk_get_lba_status(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u32 alloc = scst_cmd_get_bufflen(cmd), len;
	u64 lba = scst_cmd_get_lba(cmd);
	struct scst_lba_extent *ext;
	unsigned int max, n;
	u8 *buf;

	if (!alloc)
		return;
	max = min_t(unsigned int, scst_lba_status_max_desc(alloc),
		    VDISK_MAX_LBA_STATUS);
	len = min_t(u32, alloc, SCST_LBA_STATUS_HDR_LEN +
		    max * SCST_LBA_STATUS_DESC_LEN);
	ext = kmalloc_array(max, sizeof(*ext), GFP_KERNEL);
	buf = kzalloc(len, GFP_KERNEL);
	if (!ext || !buf) {
		vdisk_set_io_error(cmd, -ENOMEM, false);
		goto out;
	}
	n = vd->h->ops->lba_status(vd, lba, READ_ONCE(scst_dev_lu(vd->dev)->nblocks),
				   ext, max);
	len = scst_lba_status_build(buf, len, ext, n);
	len = sg_copy_from_buffer(scst_cmd_get_sg(cmd),
				  scst_cmd_get_sg_cnt(cmd), buf, len);
	scst_set_resp_data_len(cmd, len);
out:
	kfree(buf);
	kfree(ext);
}

static enum scst_exec_res vdisk_exec(struct scst_cmd *cmd)
{
	struct vdisk_dev *vd = vdisk_cmd_vd(cmd);
	const struct vdisk_ops *ops = vd->h->ops;
	u32 flags = scst_cmd_get_cdb_flags(cmd);
	loff_t pos = scst_cmd_get_lba(cmd) << vd->block_shift;
	u32 nblocks = scst_cmd_get_nblocks(cmd);
	u32 len = vdisk_xfer_len(vd, cmd);
	int err;

	switch (scst_cmd_get_cdb(cmd)[0]) {
	case SCST_OP_READ_6:
	case SCST_OP_READ_10:
	case SCST_OP_READ_12:
	case SCST_OP_READ_16:
		if (!len)
			break;
		scst_set_resp_data_len(cmd, len);
		ops->submit(vd, cmd, pos, len, false, false);
		return SCST_EXEC_COMPLETED;

	case SCST_OP_WRITE_6:
	case SCST_OP_WRITE_10:
	case SCST_OP_WRITE_12:
	case SCST_OP_WRITE_16:
		if (!vdisk_out_len_ok(vd, cmd, len) || !len)
			break;
		/* vdisk_io_done() leaves the gate. */
		vdisk_write_enter(vd);
		ops->submit(vd, cmd, pos, len, true, vdisk_fua(vd, flags));
		return SCST_EXEC_COMPLETED;

	case SCST_OP_VERIFY_10:
	case SCST_OP_VERIFY_12:
	case SCST_OP_VERIFY_16:
		/* Without BYTCHK the core's range check is all there is. */
		if ((flags & SCST_CDB_BYTCHK) && vdisk_out_len_ok(vd, cmd, len) &&
		    len)
			vdisk_compare(vd, cmd, pos, len);
		break;

	case SCST_OP_WRITE_VERIFY_10:
	case SCST_OP_WRITE_VERIFY_12:
	case SCST_OP_WRITE_VERIFY_16:
		if (!vdisk_out_len_ok(vd, cmd, len) || !len)
			break;
		/* Verify what is on the medium, not what is in a cache. */
		vdisk_write_enter(vd);
		err = ops->rw(vd, scst_cmd_get_sg(cmd), scst_cmd_get_sg_cnt(cmd),
			      pos, len, true, !vd->nv_cache);
		if (err)
			vdisk_set_io_error(cmd, err, true);
		else if (flags & SCST_CDB_BYTCHK)
			vdisk_compare(vd, cmd, pos, len);
		vdisk_write_exit(vd);
		break;

	case SCST_OP_COMPARE_AND_WRITE:
		/* The core checked NUMBER OF LOGICAL BLOCKS against our max. */
		len = nblocks << vd->block_shift;
		vdisk_caw(vd, cmd, pos, len, vdisk_fua(vd, flags));
		break;

	case SCST_OP_WRITE_SAME_10:
	case SCST_OP_WRITE_SAME_16:
		vdisk_write_enter(vd);
		err = vdisk_write_same(vd, cmd, pos, nblocks, flags);
		vdisk_write_exit(vd);
		if (err)
			vdisk_set_io_error(cmd, err, true);
		break;

	case SCST_OP_UNMAP:
		vdisk_write_enter(vd);
		vdisk_unmap(vd, cmd);
		vdisk_write_exit(vd);
		break;

	case SCST_OP_SERVICE_ACTION_IN_16:
		if ((scst_cmd_get_cdb(cmd)[1] & 0x1f) != SCST_SAI_GET_LBA_STATUS)
			return SCST_EXEC_NOT_HANDLED;
		vdisk_get_lba_status(vd, cmd);
		break;

	case SCST_OP_SYNCHRONIZE_CACHE_10:
	case SCST_OP_SYNCHRONIZE_CACHE_16:
		if (vd->nv_cache)
			break;
		/* NUMBER OF BLOCKS 0 means up to the end of the medium. */
		err = ops->flush(vd, pos, (loff_t)nblocks << vd->block_shift);
		if (err)
			vdisk_set_io_error(cmd, err, true);
		break;

	default:
		return SCST_EXEC_NOT_HANDLED;
	}
	scst_cmd_exec_done(cmd);
	return SCST_EXEC_COMPLETED;
}

/* nullio's delay_ms: the completions it holds back. */
static struct workqueue_struct *vdisk_delay_wq;

struct vdisk_delayed {
	struct delayed_work work;
	struct scst_cmd *cmd;
};

static void vdisk_delayed_done(struct work_struct *work)
{
	struct vdisk_delayed *d = container_of(to_delayed_work(work),
					       struct vdisk_delayed, work);

	scst_cmd_exec_done(d->cmd);
	kfree(d);
}

/* Complete @cmd, @ms later when that is possible. */
static void vdisk_nullio_done(struct scst_cmd *cmd, unsigned int ms)
{
	struct vdisk_delayed *d = ms ? kmalloc(sizeof(*d), GFP_ATOMIC) : NULL;

	if (!d) {
		scst_cmd_exec_done(cmd);
		return;
	}
	d->cmd = cmd;
	INIT_DELAYED_WORK(&d->work, vdisk_delayed_done);
	queue_delayed_work(vdisk_delay_wq, &d->work, msecs_to_jiffies(ms));
}

/* The benchmark backend: no lock, no allocation, no backing store. */
static enum scst_exec_res vdisk_nullio_exec(struct scst_cmd *cmd)
{
	struct vdisk_dev *vd;
	u32 len;

	switch (scst_cmd_get_cdb(cmd)[0]) {
	case SCST_OP_READ_6:
	case SCST_OP_READ_10:
	case SCST_OP_READ_12:
	case SCST_OP_READ_16:
		vd = vdisk_cmd_vd(cmd);
		len = vdisk_xfer_len(vd, cmd);
		if ((vd->zero_read || scst_cmd_buf_stale(cmd)) && len)
			sg_zero_buffer(scst_cmd_get_sg(cmd),
				       scst_cmd_get_sg_cnt(cmd), len, 0);
		/* Zero either way: the next READ through it need not clear. */
		scst_cmd_buf_zeroed(cmd, len);
		scst_set_resp_data_len(cmd, len);
		break;
	case SCST_OP_WRITE_6:
	case SCST_OP_WRITE_10:
	case SCST_OP_WRITE_12:
	case SCST_OP_WRITE_16:
	case SCST_OP_VERIFY_10:
	case SCST_OP_VERIFY_12:
	case SCST_OP_VERIFY_16:
	case SCST_OP_WRITE_VERIFY_10:
	case SCST_OP_WRITE_VERIFY_12:
	case SCST_OP_WRITE_VERIFY_16:
	case SCST_OP_WRITE_SAME_10:
	case SCST_OP_WRITE_SAME_16:
	case SCST_OP_SYNCHRONIZE_CACHE_10:
	case SCST_OP_SYNCHRONIZE_CACHE_16:
		break;
	default:
		return SCST_EXEC_NOT_HANDLED;
	}
	vdisk_nullio_done(cmd, READ_ONCE(vdisk_cmd_vd(cmd)->delay_ms));
	return SCST_EXEC_COMPLETED;
}

/* ---- device description ---- */

/*
 * Fill the core's description of the LU. The core calls this before the
 * device is listed anywhere, so nothing reads it concurrently.
 */
static int vdisk_attach(struct scst_device *dev)
{
	static const siphash_key_t naa_key = {
		{ 0x5343535456444953ULL, 0x4b2d4e41412d3300ULL }
	};
	struct vdisk_dev *vd = scst_dev_get_priv(dev);
	struct scst_lu_desc *lu = scst_dev_lu(dev);
	const char *name = scst_dev_get_name(dev);
	size_t name_len = strlen(name);

	vd->dev = dev;
	lu->pdt = SCST_TYPE_DISK;
	lu->block_size = vd->block_size;
	lu->nblocks = vd->size >> vd->block_shift;
	lu->read_only = vd->read_only;
	lu->removable = vd->removable;
	lu->rotational = false;
	lu->thin_provisioned = vd->thin_provisioned;
	lu->lbprz = vd->thin_provisioned && vd->lbprz;
	/* nullio has no medium to compare with. */
	lu->caw_supported = !!vd->h->ops;
	/* The core's copy manager reads and writes through exec(). */
	lu->xcopy_supported = !!vd->h->ops;
	lu->max_caw_blocks = VDISK_MAX_CAW;
	lu->max_unmap_lba_count = VDISK_MAX_UNMAP >> vd->block_shift;
	lu->max_unmap_desc_count = VDISK_MAX_UNMAP_DESC;
	lu->max_write_same_blocks = VDISK_MAX_XFER >> vd->block_shift;
	/* A write-through or non-volatile cache needs no SYNCHRONIZE CACHE. */
	lu->wce_default = !vd->write_through && !vd->nv_cache;
	lu->wce_changeable = false;
	strscpy(lu->vendor, VDISK_VENDOR, sizeof(lu->vendor));
	strscpy(lu->product, vd->h->product, sizeof(lu->product));
	strscpy(lu->revision, VDISK_REVISION, sizeof(lu->revision));
	/* Both identifiers derive from the name only: stable across reboots. */
	if (vd->usn_set)
		strscpy(lu->serial, vd->usn, sizeof(lu->serial));
	else
		snprintf(lu->serial, sizeof(lu->serial), "%08x",
			 crc32_le(0, name, name_len));
	/*
	 * The T10 vendor ID designator is what Linux takes as the WWID when
	 * there is no NAA 5h/6h or EUI-64 one: it must differ per device, or
	 * dm-multipath would merge different LUs into one map.
	 */
	snprintf(lu->t10_dev_id, sizeof(lu->t10_dev_id), "%s-%.*s", lu->serial,
		 (int)(sizeof(lu->t10_dev_id) - 2 - strlen(lu->serial)), name);
	/* NAA 3h: locally assigned, 60 bits of our choice. */
	put_unaligned_be64((3ULL << 60) |
			   (siphash(name, name_len, &naa_key) >> 4),
			   lu->naa_id);
	lu->naa_id_len = 8;
	lu->max_xfer_blocks = VDISK_MAX_XFER >> vd->block_shift;
	lu->opt_xfer_blocks = 0;
	return 0;
}

/* ---- parameters ---- */

static int vdisk_set_param(struct vdisk_dev *vd, const char *key, char *val)
{
	unsigned long long v;
	char *end;
	int res;

	if (!strcmp(key, "filename")) {
		kfree(vd->filename);
		vd->filename = kstrdup(val, GFP_KERNEL);
		return vd->filename ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "size")) {
		v = memparse(val, &end);	/* K, M, G, T suffixes */
		if (*end || !v || v > LLONG_MAX)
			return -EINVAL;
		vd->size_param = v;
		return 0;
	}
	if (!strcmp(key, "size_mb")) {
		res = kstrtoull(val, 0, &v);
		if (res || !v || v > (LLONG_MAX >> 20))
			return -EINVAL;
		vd->size_param = v << 20;
		return 0;
	}
	if (!strcmp(key, "blocksize")) {
		res = kstrtou32(val, 0, &vd->block_size);
		if (res || !is_power_of_2(vd->block_size) ||
		    vd->block_size < 512 || vd->block_size > 4096)
			return -EINVAL;
		vd->blocksize_set = true;
		return 0;
	}
	if (!strcmp(key, "usn")) {
		size_t i, n = strlen(val);

		if (n > VDISK_USN_LEN)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (!isgraph(val[i]))
				return -EINVAL;
		strscpy(vd->usn, val, sizeof(vd->usn));
		vd->usn_set = true;
		return 0;
	}
	if (!strcmp(key, "read_only"))
		return kstrtobool(val, &vd->read_only);
	if (!strcmp(key, "write_through"))
		return kstrtobool(val, &vd->write_through);
	if (!strcmp(key, "nv_cache"))
		return kstrtobool(val, &vd->nv_cache);
	if (!strcmp(key, "o_direct"))
		return kstrtobool(val, &vd->o_direct);
	if (!strcmp(key, "thin_provisioned")) {
		vd->thin_set = true;
		return kstrtobool(val, &vd->thin_provisioned);
	}
	if (!strcmp(key, "removable"))
		return kstrtobool(val, &vd->removable);
	if (!strcmp(key, "zero_read"))
		return kstrtobool(val, &vd->zero_read);
	return -EINVAL;
}

static int vdisk_parse_params(struct vdisk_dev *vd, const char *name,
			      char *params)
{
	const char *hname = vd->h->devt.name;
	char *key, *val;
	int res;

	while ((key = scst_get_next_param(&params, &val))) {
		if (match_string(vd->h->devt.add_device_params, -1, key) < 0) {
			pr_warn("%s: unknown parameter %s for device %s\n",
				hname, key, name);
			return -EINVAL;
		}
		res = *val ? vdisk_set_param(vd, key, val) : -EINVAL;
		if (res) {
			pr_warn("%s: invalid value \"%s\" of %s for device %s\n",
				hname, val, key, name);
			return res;
		}
	}
	if (vd->h->ops && !vd->filename) {
		pr_warn("%s: device %s needs filename=\n", hname, name);
		return -EINVAL;
	}
	return 0;
}

/* The exported size: size= if given, else the whole backing store. */
static int vdisk_init_size(struct vdisk_dev *vd, const char *name)
{
	loff_t size;

	if (!IS_ALIGNED(vd->size_param, vd->block_size)) {
		pr_warn("%s: size %lld is not a multiple of the block size %u\n",
			name, vd->size_param, vd->block_size);
		return -EINVAL;
	}
	if (!vd->h->ops) {
		vd->size = vd->size_param ?: VDISK_NULLIO_SIZE;
		return 0;
	}
	size = vd->h->ops->size(vd);
	if (vd->size_param > size) {
		pr_warn("%s: size %lld is larger than %s (%lld bytes)\n", name,
			vd->size_param, vd->filename, size);
		return -EINVAL;
	}
	if (vd->size_param) {
		vd->size = vd->size_param;
		return 0;
	}
	vd->size = round_down(size, vd->block_size);
	if (!vd->size) {
		pr_warn("%s: %s is smaller than one block\n", name,
			vd->filename);
		return -EINVAL;
	}
	if (vd->size != size)
		pr_warn("%s: ignoring the last %lld bytes of %s (not a whole block)\n",
			name, size - vd->size, vd->filename);
	return 0;
}

/* ---- add_device / del_device ---- */

static void vdisk_free(struct vdisk_dev *vd)
{
	mutex_destroy(&vd->caw_mutex);
	mutex_destroy(&vd->resize_mutex);
	kfree(vd->filename);
	kfree(vd);
}

static int vdisk_add(const struct vdisk_handler *h, const char *name,
		     char *params)
{
	struct scst_device *dev;
	struct vdisk_dev *vd;
	int res;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	vd->h = h;
	vd->block_size = 512;
	mutex_init(&vd->resize_mutex);
	mutex_init(&vd->caw_mutex);
	init_waitqueue_head(&vd->gate_wq);

	res = vdisk_parse_params(vd, name, params);
	if (res)
		goto out_free;
	if (h->ops) {
		res = h->ops->open(vd, name);
		if (res)
			goto out_free;
	}
	vd->block_shift = ilog2(vd->block_size);
	/* Thin where the backing store can deallocate, unless told not to. */
	if (!vd->thin_set) {
		vd->thin_provisioned = vd->thin_capable;
	} else if (vd->thin_provisioned && !vd->thin_capable) {
		pr_warn("%s: %s cannot deallocate blocks: not thin provisioned\n",
			name, vd->filename);
		vd->thin_provisioned = false;
	}
	res = vdisk_init_size(vd, name);
	if (res)
		goto out_close;

	mutex_lock(&vdisk_mutex);
	if (vdisk_exiting) {
		res = -ENODEV;
		goto out_unlock;
	}
	/* The core calls vdisk_attach(), which fills in the LU description. */
	dev = scst_register_virtual_device(&h->devt, name, vd);
	if (IS_ERR(dev)) {
		res = PTR_ERR(dev);
		goto out_unlock;
	}
	list_add_tail(&vd->list, &vdisk_devs);
	mutex_unlock(&vdisk_mutex);

	pr_info("%s: %s device of %lld bytes in %u-byte blocks%s%s\n", name,
		h->devt.name, vd->size, vd->block_size,
		vd->filename ? " on " : "", vd->filename ?: "");
	return 0;

out_unlock:
	mutex_unlock(&vdisk_mutex);
out_close:
	if (h->ops)
		h->ops->close(vd);
out_free:
	vdisk_free(vd);
	return res;
}

/* Unregister (waits for in-flight commands), close and free; vdisk_mutex. */
static void vdisk_destroy(struct vdisk_dev *vd)
{
	list_del(&vd->list);
	scst_unregister_virtual_device(vd->dev);
	if (vd->h->ops)
		vd->h->ops->close(vd);
	vdisk_free(vd);
}

static int vdisk_del(const struct vdisk_handler *h, const char *name)
{
	struct vdisk_dev *vd;
	int res = -ENODEV;

	mutex_lock(&vdisk_mutex);
	list_for_each_entry(vd, &vdisk_devs, list) {
		if (vd->h == h && !strcmp(scst_dev_get_name(vd->dev), name)) {
			vdisk_destroy(vd);
			res = 0;
			break;
		}
	}
	mutex_unlock(&vdisk_mutex);
	if (res)
		pr_warn("%s: no device %s\n", h->devt.name, name);
	return res;
}

/* ---- sysfs: devices/<name>/ ---- */

static struct vdisk_dev *vdisk_kobj_vd(struct kobject *kobj)
{
	return scst_dev_get_priv(scst_kobj_to_dev(kobj));
}

/*
 * scstadmin saves the attributes marked "[key]" (given at creation or
 * different from the default) in its configuration file.
 */
static ssize_t vdisk_key_mark(char *buf, int len, bool key)
{
	return key ? len + sysfs_emit_at(buf, len, "[key]\n") : len;
}

static ssize_t vdisk_filename_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return vdisk_key_mark(buf, sysfs_emit(buf, "%s\n",
					      vdisk_kobj_vd(kobj)->filename),
			      true);
}

static ssize_t vdisk_blocksize_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);

	return vdisk_key_mark(buf, sysfs_emit(buf, "%u\n", vd->block_size),
			      vd->blocksize_set);
}

static ssize_t vdisk_size_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);

	return vdisk_key_mark(buf, sysfs_emit(buf, "%lld\n",
					      READ_ONCE(vd->size)),
			      READ_ONCE(vd->size_param));
}

static ssize_t vdisk_size_mb_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);

	return sysfs_emit(buf, "%lld\n", READ_ONCE(vd->size) >> 20);
}

static ssize_t vdisk_usn_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);
	struct scst_lu_desc *lu = scst_dev_lu(vd->dev);

	return vdisk_key_mark(buf, sysfs_emit(buf, "%s\n", lu->serial),
			      vd->usn_set);
}

/* A boolean parameter; all of them but thin_provisioned default to 0. */
struct vdisk_flag_attr {
	struct kobj_attribute kattr;
	size_t offset;		/* of the bool in struct vdisk_dev */
};

static ssize_t vdisk_flag_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vdisk_flag_attr *fa = container_of(attr, struct vdisk_flag_attr,
						  kattr);
	bool val = *(bool *)((char *)vdisk_kobj_vd(kobj) + fa->offset);

	return vdisk_key_mark(buf, sysfs_emit(buf, "%d\n", val), val);
}

#define VDISK_FLAG_ATTR(_name)						\
	struct vdisk_flag_attr vdisk_##_name##_attr = {			\
		.kattr = __ATTR(_name, 0444, vdisk_flag_show, NULL),	\
		.offset = offsetof(struct vdisk_dev, _name),		\
	}

static VDISK_FLAG_ATTR(read_only);
static VDISK_FLAG_ATTR(write_through);
static VDISK_FLAG_ATTR(nv_cache);
static VDISK_FLAG_ATTR(o_direct);
static VDISK_FLAG_ATTR(removable);
static VDISK_FLAG_ATTR(zero_read);

/* The default depends on the backing store: a key only when given. */
static ssize_t vdisk_thin_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);

	return vdisk_key_mark(buf, sysfs_emit(buf, "%d\n",
					      vd->thin_provisioned),
			      vd->thin_set);
}

/*
 * Writing anything re-reads the size of the backing store (which then
 * replaces a size= given at creation) and raises CAPACITY DATA HAS
 * CHANGED if it changed.
 */
static ssize_t vdisk_resync_size_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	struct vdisk_dev *vd = vdisk_kobj_vd(kobj);
	const char *name = scst_dev_get_name(vd->dev);
	loff_t size;
	int res = 0;

	mutex_lock(&vd->resize_mutex);
	size = round_down(vd->h->ops->size(vd), vd->block_size);
	if (size <= 0) {
		pr_warn("%s: %s is smaller than one block, size unchanged\n",
			name, vd->filename);
		res = -EINVAL;
	} else if (size != vd->size) {
		WRITE_ONCE(vd->size, size);
		WRITE_ONCE(vd->size_param, 0);
		WRITE_ONCE(scst_dev_lu(vd->dev)->nblocks,
			   size >> vd->block_shift);
		scst_dev_capacity_changed(vd->dev);
		pr_info("%s: size is now %lld bytes\n", name, size);
	}
	mutex_unlock(&vd->resize_mutex);
	return res ?: count;
}

static ssize_t vdisk_delay_ms_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(vdisk_kobj_vd(kobj)->delay_ms));
}

/*
 * A test aid, not a configuration key: nullio completes READ, WRITE,
 * VERIFY, WRITE SAME and SYNCHRONIZE CACHE delay_ms milliseconds late,
 * to make a slow or stuck backend (the window and RspTimeout tests).
 */
static ssize_t vdisk_delay_ms_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	unsigned int val;
	int res = kstrtouint(buf, 0, &val);

	if (res)
		return res;
	if (val > 600000)
		return -ERANGE;
	WRITE_ONCE(vdisk_kobj_vd(kobj)->delay_ms, val);
	return count;
}

static struct kobj_attribute vdisk_filename_attr =
	__ATTR(filename, 0444, vdisk_filename_show, NULL);
static struct kobj_attribute vdisk_blocksize_attr =
	__ATTR(blocksize, 0444, vdisk_blocksize_show, NULL);
static struct kobj_attribute vdisk_size_attr =
	__ATTR(size, 0444, vdisk_size_show, NULL);
static struct kobj_attribute vdisk_size_mb_attr =
	__ATTR(size_mb, 0444, vdisk_size_mb_show, NULL);
static struct kobj_attribute vdisk_thin_provisioned_attr =
	__ATTR(thin_provisioned, 0444, vdisk_thin_show, NULL);
static struct kobj_attribute vdisk_usn_attr =
	__ATTR(usn, 0444, vdisk_usn_show, NULL);
static struct kobj_attribute vdisk_resync_size_attr =
	__ATTR(resync_size, 0200, NULL, vdisk_resync_size_store);
static struct kobj_attribute vdisk_delay_ms_attr =
	__ATTR(delay_ms, 0644, vdisk_delay_ms_show, vdisk_delay_ms_store);

static const struct attribute *const vdisk_nullio_attrs[] = {
	&vdisk_blocksize_attr.attr,
	&vdisk_size_attr.attr,
	&vdisk_size_mb_attr.attr,
	&vdisk_read_only_attr.kattr.attr,
	&vdisk_removable_attr.kattr.attr,
	&vdisk_zero_read_attr.kattr.attr,
	&vdisk_usn_attr.attr,
	&vdisk_delay_ms_attr.attr,
	&scst_dev_mode_saved_attr.attr,
	&scst_dev_lba_map_attr.attr,
	NULL
};

static const struct attribute *const vdisk_fileio_attrs[] = {
	&vdisk_filename_attr.attr,
	&vdisk_blocksize_attr.attr,
	&vdisk_size_attr.attr,
	&vdisk_size_mb_attr.attr,
	&vdisk_read_only_attr.kattr.attr,
	&vdisk_write_through_attr.kattr.attr,
	&vdisk_nv_cache_attr.kattr.attr,
	&vdisk_o_direct_attr.kattr.attr,
	&vdisk_thin_provisioned_attr.attr,
	&vdisk_removable_attr.kattr.attr,
	&vdisk_usn_attr.attr,
	&vdisk_resync_size_attr.attr,
	&scst_dev_mode_saved_attr.attr,
	&scst_dev_lba_map_attr.attr,
	NULL
};

static const struct attribute *const vdisk_blockio_attrs[] = {
	&vdisk_filename_attr.attr,
	&vdisk_blocksize_attr.attr,
	&vdisk_size_attr.attr,
	&vdisk_size_mb_attr.attr,
	&vdisk_read_only_attr.kattr.attr,
	&vdisk_write_through_attr.kattr.attr,
	&vdisk_nv_cache_attr.kattr.attr,
	&vdisk_thin_provisioned_attr.attr,
	&vdisk_removable_attr.kattr.attr,
	&vdisk_usn_attr.attr,
	&vdisk_resync_size_attr.attr,
	&scst_dev_mode_saved_attr.attr,
	&scst_dev_lba_map_attr.attr,
	NULL
};

/* ---- the handlers ---- */

static const char *const vdisk_nullio_params[] = {
	"size", "size_mb", "blocksize", "read_only", "removable", "zero_read",
	"usn", NULL
};

static const char *const vdisk_fileio_params[] = {
	"filename", "size", "size_mb", "blocksize", "read_only",
	"write_through", "nv_cache", "o_direct", "thin_provisioned",
	"removable", "usn", NULL
};

static const char *const vdisk_blockio_params[] = {
	"filename", "blocksize", "read_only", "write_through", "nv_cache",
	"thin_provisioned", "removable", "usn", NULL
};

static const struct vdisk_handler vdisk_nullio;
static const struct vdisk_handler vdisk_fileio;
static const struct vdisk_handler vdisk_blockio;

static int vdisk_nullio_add(const char *name, char *params)
{
	return vdisk_add(&vdisk_nullio, name, params);
}

static int vdisk_nullio_del(const char *name)
{
	return vdisk_del(&vdisk_nullio, name);
}

static int vdisk_fileio_add(const char *name, char *params)
{
	return vdisk_add(&vdisk_fileio, name, params);
}

static int vdisk_fileio_del(const char *name)
{
	return vdisk_del(&vdisk_fileio, name);
}

static int vdisk_blockio_add(const char *name, char *params)
{
	return vdisk_add(&vdisk_blockio, name, params);
}

static int vdisk_blockio_del(const char *name)
{
	return vdisk_del(&vdisk_blockio, name);
}

static const struct vdisk_handler vdisk_nullio = {
	.devt = {
		.name = "vdisk_nullio",
		.owner = THIS_MODULE,
		.type = SCST_TYPE_DISK,
		.exec_atomic = true,
		.attach = vdisk_attach,
		.exec = vdisk_nullio_exec,
		.add_device = vdisk_nullio_add,
		.del_device = vdisk_nullio_del,
		.add_device_params = vdisk_nullio_params,
		.dev_attrs = vdisk_nullio_attrs,
	},
	.product = "VDISK-NULLIO",
};

static const struct vdisk_handler vdisk_fileio = {
	.devt = {
		.name = "vdisk_fileio",
		.owner = THIS_MODULE,
		.type = SCST_TYPE_DISK,
		.attach = vdisk_attach,
		.exec = vdisk_exec,
		.add_device = vdisk_fileio_add,
		.del_device = vdisk_fileio_del,
		.add_device_params = vdisk_fileio_params,
		.dev_attrs = vdisk_fileio_attrs,
	},
	.ops = &vdisk_file_ops,
	.product = "VDISK-FILEIO",
};

static const struct vdisk_handler vdisk_blockio = {
	.devt = {
		.name = "vdisk_blockio",
		.owner = THIS_MODULE,
		.type = SCST_TYPE_DISK,
		.attach = vdisk_attach,
		.exec = vdisk_exec,
		.add_device = vdisk_blockio_add,
		.del_device = vdisk_blockio_del,
		.add_device_params = vdisk_blockio_params,
		.dev_attrs = vdisk_blockio_attrs,
	},
	.ops = &vdisk_blk_ops,
	.product = "VDISK-BLOCKIO",
};

static const struct vdisk_handler *const vdisk_handlers[] = {
	&vdisk_nullio, &vdisk_fileio, &vdisk_blockio,
};

static int __init vdisk_init(void)
{
	unsigned int i;
	int res;

	vdisk_delay_wq = alloc_workqueue("scst_vdisk_delay", 0, 0);
	if (!vdisk_delay_wq)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(vdisk_handlers); i++) {
		res = scst_register_dev_driver(&vdisk_handlers[i]->devt);
		if (res)
			goto out_unreg;
	}
	return 0;

out_unreg:
	while (i--)
		scst_unregister_dev_driver(&vdisk_handlers[i]->devt);
	destroy_workqueue(vdisk_delay_wq);
	return res;
}

static void __exit vdisk_exit(void)
{
	struct vdisk_dev *vd, *tmp;
	unsigned int i;

	mutex_lock(&vdisk_mutex);
	vdisk_exiting = true;
	list_for_each_entry_safe(vd, tmp, &vdisk_devs, list)
		vdisk_destroy(vd);
	mutex_unlock(&vdisk_mutex);

	for (i = ARRAY_SIZE(vdisk_handlers); i--;)
		scst_unregister_dev_driver(&vdisk_handlers[i]->devt);
	/* No device is left, so no command: nothing is queued anymore. */
	destroy_workqueue(vdisk_delay_wq);
}

module_init(vdisk_init);
module_exit(vdisk_exit);
MODULE_DESCRIPTION("SCST virtual disk handlers: vdisk_nullio, vdisk_fileio, vdisk_blockio");
MODULE_LICENSE("GPL");
