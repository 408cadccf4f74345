// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: data buffers of commands whose target driver does not
 * bring its own scatterlist, and the SGV cache that recycles them. A
 * target driver that must receive data-out before the core has parsed the
 * command (iSCSI immediate data) borrows its buffer from the same cache
 * (scst_sgv_buf_alloc(), scst_sgv_buf_free()): it counts against the
 * same limits, but the driver owns and frees it.
 *
 * Buffers come from the page allocator (never slab), so transports can
 * send them with zero copy.
 *
 * The SGV cache (scatter-gather vectors, after SCST's sgv pool)
 * --------------------------------------------------------------
 * A buffer of up to SGV_MAX_PAGES pages is an sgv object: a scatterlist of
 * 2^order order-0 pages, order = order_base_2(pages). Each order is a size
 * class with a free list of idle objects, most recently used first. An
 * allocation takes the first idle object of its class (a hit) or builds a
 * new one (a miss); scst_free_buffer() puts it back, both in O(1). The
 * scatterlist handed to the command describes exactly bufflen bytes: it
 * ends after the pages the command needs and its last entry is trimmed;
 * both are undone when the object goes back. Larger buffers bypass the
 * cache (sgl_alloc()).
 *
 * Memory
 *  - sgv_max_cached_mb bounds the pages kept idle: an object that would
 *    exceed it is freed instead of cached.
 *  - sgv_max_mb (0: no limit) bounds all pages of command buffers, idle
 *    or in use. An allocation over it first evicts idle objects, then
 *    fails, and the core answers the command with BUSY.
 *  - A shrinker gives idle objects back under memory pressure (and to
 *    drop_caches), a delayed work frees those idle for more than
 *    sgv_idle_secs, and writing sgv/flush frees all of them.
 * Eviction goes from the largest class down, oldest object first.
 *
 * Stale data
 * New pages are zeroed. A recycled buffer holds the data of an earlier
 * command, possibly of another initiator. That is harmless when the buffer
 * is overwritten before anything of it is sent: a WRITE receives its data
 * into it (a driver's borrowed buffer is only used that way, and its
 * command runs only once all the data is in), a READ from a backing store
 * fills what it returns, an emulated command returns only what it copied
 * in. Two cases remain:
 *  - a data-out phase the target driver cannot run (no rdy_to_xfer): the
 *    core zeroes the recycled buffer, so no stale data reaches a medium;
 *  - a handler that may answer a READ without filling the buffer
 *    (vdisk_nullio without zero_read) asks scst_cmd_buf_stale() and clears
 *    it then. Zeroing every recycled READ buffer instead would cost a
 *    memset per READ on the real backends, which overwrite it anyway.
 * Such a handler also says when it leaves the buffer zeroed and unwritten
 * (scst_cmd_buf_zeroed()): the object remembers it while idle, and the
 * next command that fits gets it as not stale, so a stream of nullio
 * READs clears each buffer once, not once per command (a 1 MiB memset
 * per READ is a tenth of the CPU of a 1 MiB read under QEMU TCG on 6.1).
 *
 * Zero copy
 * A target driver must call scst_tgt_cmd_done() only once the transport
 * has released the pages (e.g. a msg_ubuf completion), because they are
 * reused for the next command. As a safety net, an object whose pages are
 * still referenced by someone else is freed rather than cached: the pages
 * then live on until the last reference goes.
 *
 * Locking: one spinlock per class, taken with interrupts disabled because
 * scst_tgt_cmd_done() may be called in interrupt context. The page counts
 * are atomics, so the limits are exact and need no global lock.
 */
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "scst_compat.h"
#include "scst_priv.h"
#include "scst_sgv.h"
#include "uapi/scst_netlink.h"

#define SGV_MAX_ORDER	8
#define SGV_MAX_PAGES	(1U << SGV_MAX_ORDER)	/* 1 MiB with 4 KiB pages */
#define SGV_NR_CLASSES	(SGV_MAX_ORDER + 1)
#define SGV_RESERVE_TRIES 8

/* Module parameters and global settings (scst_setting_set()). */
static unsigned int sgv_max_cached_mb = 64;
static unsigned int sgv_max_mb;
static unsigned int sgv_idle_secs = 60;

/*
 * The global settings: SCST_CMD_GLOBAL_GET/SET over netlink, and the
 * module parameters of the same names, both through scst_setting_set(),
 * so that a change either way reaches a configuration file.
 */
static const struct scst_setting {
	const char *name;
	unsigned int *val;
	unsigned int def;
} scst_settings[] = {
	{ "sgv_max_cached_mb", &sgv_max_cached_mb, 64 },
	{ "sgv_max_mb", &sgv_max_mb, 0 },
	{ "sgv_idle_secs", &sgv_idle_secs, 60 },
};

/**
 * scst_setting_get() - the @i-th global setting
 * @i: 0 ..
 * @name: out: its name
 * @val: out: its value
 *
 * Return: -ENOENT past the last one, 1 if @val is not the default, else 0.
 */
int scst_setting_get(unsigned int i, const char **name, unsigned int *val)
{
	if (i >= ARRAY_SIZE(scst_settings))
		return -ENOENT;
	*name = scst_settings[i].name;
	*val = READ_ONCE(*scst_settings[i].val);
	return *val != scst_settings[i].def;
}

/**
 * scst_setting_set() - change a global setting
 * @name: its name
 * @text: the new value, a decimal number (a trailing newline is fine)
 *
 * Return: 0, -ENOENT for an unknown name, -EINVAL for a bad number.
 */
int scst_setting_set(const char *name, const char *text)
{
	unsigned int i, v;
	int res;

	for (i = 0; i < ARRAY_SIZE(scst_settings); i++)
		if (!strcmp(scst_settings[i].name, name))
			break;
	if (i == ARRAY_SIZE(scst_settings))
		return -ENOENT;
	res = kstrtouint(text, 0, &v);
	if (res)
		return res;
	WRITE_ONCE(*scst_settings[i].val, v);
	scst_nl_config_changed(SCST_CMD_GLOBAL_SET, &(struct scst_nl_names){});
	return 0;
}

static int scst_setting_param_set(const char *val, const struct kernel_param *kp)
{
	return scst_setting_set(kp->name, val);
}

static const struct kernel_param_ops scst_setting_param_ops = {
	.set = scst_setting_param_set,
	.get = param_get_uint,
};

module_param_cb(sgv_max_cached_mb, &scst_setting_param_ops,
		&sgv_max_cached_mb, 0644);
MODULE_PARM_DESC(sgv_max_cached_mb,
		 "Idle command buffers the SGV cache may keep, in MiB (default 64; 0: none)");
module_param_cb(sgv_max_mb, &scst_setting_param_ops, &sgv_max_mb, 0644);
MODULE_PARM_DESC(sgv_max_mb,
		 "Limit of all command buffer memory in MiB; commands over it get BUSY (default 0: no limit)");
module_param_cb(sgv_idle_secs, &scst_setting_param_ops, &sgv_idle_secs,
		0644);
MODULE_PARM_DESC(sgv_idle_secs,
		 "Free cached buffers idle for longer than this many seconds (default 60; 0: never)");

/**
 * struct scst_sgv_obj - a recyclable data buffer
 * @list:	the class's free list, while idle
 * @idle_since:	jiffies when it became idle
 * @order:	size class: 1 << @order pages and scatterlist entries
 * @stale:	it may hold data of an earlier command
 * @zero_len:	while idle: its first @zero_len bytes are known to be zero
 * @nents:	entries the current command uses; the last one is trimmed
 * @sg:		one entry per page
 */
struct scst_sgv_obj {
	struct list_head list;
	unsigned long idle_since;
	u8 order;
	bool stale;
	u32 zero_len;
	unsigned int nents;
	struct scatterlist sg[];
};

/**
 * struct sgv_class - the objects of one size
 * @lock:	protects @free, @nr_free, @hits and @misses
 * @free:	idle objects, most recently used first
 * @nr_free:	objects on @free
 * @hits:	allocations served from @free
 * @misses:	allocations that had to build an object
 * @in_use:	objects held by commands
 * @cache:	the slab cache of the objects (header + scatterlist only)
 * @name:	name of @cache
 */
struct sgv_class {
	spinlock_t lock;
	struct list_head free;
	unsigned long nr_free;
	unsigned long hits;
	unsigned long misses;
	atomic_long_t in_use;
	struct kmem_cache *cache;
	char name[16];
} ____cacheline_aligned_in_smp;

static struct sgv_class sgv_classes[SGV_NR_CLASSES];

/* Pages of all command buffers (idle, in use, bypassing the cache). */
static atomic_long_t sgv_pages_total = ATOMIC_LONG_INIT(0);
/* Pages of idle objects. */
static atomic_long_t sgv_pages_cached = ATOMIC_LONG_INIT(0);

/* Statistics, global_stats. */
static atomic_long_t sgv_big_allocs = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_limit_failures = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_alloc_failures = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_shrinker_freed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_idle_freed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_flush_freed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_limit_freed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_busy_freed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_zeroed = ATOMIC_LONG_INIT(0);
static atomic_long_t sgv_zero_hits = ATOMIC_LONG_INIT(0);

static struct shrinker *sgv_shrinker;
static void sgv_idle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(sgv_idle_work, sgv_idle_fn);

static unsigned long sgv_mb_to_pages(unsigned int mb)
{
	return (unsigned long)mb << (20 - PAGE_SHIFT);
}

/* ---- objects ---- */

static struct scst_sgv_obj *sgv_obj_create(unsigned int order, gfp_t gfp)
{
	unsigned int i, n = 1U << order;
	struct scst_sgv_obj *obj;
	struct page *page;

	obj = kmem_cache_alloc(sgv_classes[order].cache, gfp);
	if (!obj)
		return NULL;
	obj->order = order;
	obj->stale = false;
	obj->zero_len = PAGE_SIZE << order;	/* __GFP_ZERO below */
	sg_init_table(obj->sg, n);
	for (i = 0; i < n; i++) {
		page = alloc_page(gfp | __GFP_ZERO);
		if (!page)
			goto out_free;
		sg_set_page(&obj->sg[i], page, PAGE_SIZE, 0);
	}
	return obj;

out_free:
	while (i--)
		__free_page(sg_page(&obj->sg[i]));
	kmem_cache_free(sgv_classes[order].cache, obj);
	return NULL;
}

/*
 * Free @obj and its pages. The caller has taken it off every list and out
 * of sgv_pages_total.
 */
static void sgv_obj_destroy(struct scst_sgv_obj *obj)
{
	unsigned int i, n = 1U << obj->order;

	/* A page still referenced (zero copy) is freed by its last put. */
	for (i = 0; i < n; i++)
		__free_page(sg_page(&obj->sg[i]));
	kmem_cache_free(sgv_classes[obj->order].cache, obj);
}

/* Make @obj's scatterlist describe exactly @len bytes. */
static void sgv_obj_fit(struct scst_sgv_obj *obj, u32 len)
{
	unsigned int n = DIV_ROUND_UP(len, PAGE_SIZE);
	struct scatterlist *last = &obj->sg[n - 1];

	obj->nents = n;
	last->length = len - (n - 1) * PAGE_SIZE;
	if (n < 1U << obj->order)
		sg_mark_end(last);
}

/* Undo sgv_obj_fit(). */
static void sgv_obj_unfit(struct scst_sgv_obj *obj)
{
	struct scatterlist *last = &obj->sg[obj->nents - 1];

	last->length = PAGE_SIZE;
	if (obj->nents < 1U << obj->order)
		sg_unmark_end(last);
}

/* Whether nobody but us holds a reference to the pages @obj handed out. */
static bool sgv_obj_pages_idle(struct scst_sgv_obj *obj)
{
	unsigned int i;

	for (i = 0; i < obj->nents; i++)
		if (page_ref_count(sg_page(&obj->sg[i])) != 1)
			return false;
	return true;
}

/* ---- eviction ---- */

/*
 * Free idle objects of @cls, oldest first, until at least @nr pages are
 * freed or, with @by_age, until the oldest one left became idle after
 * @before. Returns the pages freed.
 */
static unsigned long sgv_class_evict(struct sgv_class *cls, unsigned long nr,
				     bool by_age, unsigned long before)
{
	struct scst_sgv_obj *obj, *tmp;
	unsigned long flags, freed = 0;
	LIST_HEAD(victims);

	spin_lock_irqsave(&cls->lock, flags);
	while (freed < nr && !list_empty(&cls->free)) {
		obj = list_last_entry(&cls->free, struct scst_sgv_obj, list);
		if (by_age && time_after(obj->idle_since, before))
			break;
		list_move(&obj->list, &victims);
		cls->nr_free--;
		freed += 1UL << obj->order;
	}
	/*
	 * Uncount them before anyone else can see the list without them, so
	 * that sgv_reserve() finds either the objects or the room they made.
	 */
	atomic_long_sub(freed, &sgv_pages_cached);
	atomic_long_sub(freed, &sgv_pages_total);
	spin_unlock_irqrestore(&cls->lock, flags);
	list_for_each_entry_safe(obj, tmp, &victims, list)
		sgv_obj_destroy(obj);
	return freed;
}

/* Free idle objects, largest class first, until @nr pages are freed. */
static unsigned long sgv_evict(unsigned long nr, atomic_long_t *stat)
{
	unsigned long freed = 0;
	int order;

	for (order = SGV_MAX_ORDER; order >= 0 && freed < nr; order--)
		freed += sgv_class_evict(&sgv_classes[order], nr - freed,
					 false, 0);
	atomic_long_add(freed, stat);
	return freed;
}

static unsigned long sgv_shrink_count(struct shrinker *s,
				      struct shrink_control *sc)
{
	long n = atomic_long_read(&sgv_pages_cached);

	return n > 0 ? n : SHRINK_EMPTY;
}

static unsigned long sgv_shrink_scan(struct shrinker *s,
				     struct shrink_control *sc)
{
	return sgv_evict(sc->nr_to_scan, &sgv_shrinker_freed);
}

/* How often the idle work looks at the cache. */
static unsigned long sgv_idle_period(unsigned int secs)
{
	return clamp_t(unsigned int, secs / 2, 1, 15) * HZ;
}

/* Free what has been idle for more than sgv_idle_secs, then look again. */
static void sgv_idle_fn(struct work_struct *work)
{
	unsigned int secs = READ_ONCE(sgv_idle_secs);
	unsigned long before, freed = 0;
	int order;

	if (!secs)
		return;		/* the next scst_free_buffer() restarts us */
	before = jiffies - (unsigned long)secs * HZ;
	for (order = 0; order < SGV_NR_CLASSES; order++)
		freed += sgv_class_evict(&sgv_classes[order], ULONG_MAX, true,
					 before);
	atomic_long_add(freed, &sgv_idle_freed);
	if (atomic_long_read(&sgv_pages_cached) > 0)
		queue_delayed_work(system_unbound_wq, &sgv_idle_work,
				   sgv_idle_period(secs));
}

/*
 * Account @n new pages against sgv_max_mb, evicting idle objects to make
 * room. False when in-use buffers alone leave no room. Concurrent callers
 * may evict for each other: room made by another one counts too.
 */
static bool sgv_reserve(long n)
{
	long max = sgv_mb_to_pages(READ_ONCE(sgv_max_mb)), total;
	int tries;

	for (tries = 0; tries < SGV_RESERVE_TRIES; tries++) {
		total = atomic_long_add_return(n, &sgv_pages_total);
		if (!max || total <= max)
			return true;
		atomic_long_sub(n, &sgv_pages_total);
		if (!sgv_evict(total - max, &sgv_limit_freed) &&
		    atomic_long_read(&sgv_pages_total) + n > max)
			break;
	}
	atomic_long_inc(&sgv_limit_failures);
	return false;
}

/* ---- command buffers ---- */

/* Buffers over SGV_MAX_PAGES: straight from the page allocator. */
static int sgv_alloc_big(struct scst_sgv_buf *buf, u32 len,
			 unsigned long npages, gfp_t gfp)
{
	if (!sgv_reserve(npages))
		return -ENOMEM;
	buf->sg = sgl_alloc(len, gfp | __GFP_NOWARN | __GFP_ZERO, &buf->nents);
	if (!buf->sg) {
		atomic_long_sub(npages, &sgv_pages_total);
		atomic_long_inc(&sgv_alloc_failures);
		return -ENOMEM;
	}
	buf->obj = NULL;
	atomic_long_inc(&sgv_big_allocs);
	return 0;
}

/* A buffer of @len (> 0) bytes into @buf: a hit, a new object or a big one. */
static int sgv_buf_get(struct scst_sgv_buf *buf, u32 len, gfp_t gfp)
{
	unsigned long npages = DIV_ROUND_UP(len, PAGE_SIZE), flags;
	struct scst_sgv_obj *obj;
	struct sgv_class *cls;
	unsigned int order;

	if (npages > SGV_MAX_PAGES)
		return sgv_alloc_big(buf, len, npages, gfp);
	order = order_base_2(npages);
	cls = &sgv_classes[order];

	spin_lock_irqsave(&cls->lock, flags);
	obj = list_first_entry_or_null(&cls->free, struct scst_sgv_obj, list);
	if (obj) {
		list_del(&obj->list);
		cls->nr_free--;
		cls->hits++;
	} else {
		cls->misses++;
	}
	spin_unlock_irqrestore(&cls->lock, flags);

	if (obj) {
		atomic_long_sub(1L << order, &sgv_pages_cached);
		obj->stale = len > obj->zero_len;
		if (!obj->stale)
			atomic_long_inc(&sgv_zero_hits);
	} else {
		if (!sgv_reserve(1L << order))
			return -ENOMEM;
		obj = sgv_obj_create(order, gfp | __GFP_NOWARN);
		if (!obj) {
			atomic_long_sub(1L << order, &sgv_pages_total);
			atomic_long_inc(&sgv_alloc_failures);
			return -ENOMEM;
		}
	}
	/* Whoever has it now may write it. */
	obj->zero_len = 0;
	atomic_long_inc(&cls->in_use);
	sgv_obj_fit(obj, len);
	buf->obj = obj;
	buf->sg = obj->sg;
	buf->nents = obj->nents;
	return 0;
}

/**
 * scst_alloc_buffer() - give @cmd a data buffer of cmd->bufflen bytes
 * @cmd:	command in the PREPARE state, without a target driver buffer
 * @gfp:	GFP_KERNEL, or GFP_ATOMIC in atomic context
 *
 * Return: 0, or -ENOMEM when memory or sgv_max_mb ran out.
 */
int scst_alloc_buffer(struct scst_cmd *cmd, gfp_t gfp)
{
	const struct scst_tgt_template *tgtt = cmd->sess->tgt->drv->tgtt;
	struct scst_sgv_buf buf;
	struct scst_sgv_obj *obj;
	int res;

	res = sgv_buf_get(&buf, cmd->bufflen, gfp);
	if (res)
		return res;
	obj = buf.obj;
	/* Data-out the driver cannot receive: never pass old data on. */
	if (obj && obj->stale && cmd->dir != SCST_DIR_IN &&
	    !tgtt->rdy_to_xfer) {
		sg_zero_buffer(obj->sg, obj->nents, cmd->bufflen, 0);
		obj->stale = false;
		atomic_long_inc(&sgv_zeroed);
	}
	cmd->sgv = obj;
	cmd->sg = buf.sg;
	cmd->sg_cnt = buf.nents;
	return 0;
}

/* Take @obj back from a command: cache it or free it. */
static void sgv_obj_put(struct scst_sgv_obj *obj)
{
	struct sgv_class *cls = &sgv_classes[obj->order];
	long max = sgv_mb_to_pages(READ_ONCE(sgv_max_mb));
	long max_cached = sgv_mb_to_pages(READ_ONCE(sgv_max_cached_mb));
	long n = 1L << obj->order;
	unsigned long flags;

	atomic_long_dec(&cls->in_use);
	if (!sgv_obj_pages_idle(obj)) {
		atomic_long_add(n, &sgv_busy_freed);
		goto destroy;
	}
	if (max && atomic_long_read(&sgv_pages_total) > max)
		goto destroy;
	if (atomic_long_add_return(n, &sgv_pages_cached) > max_cached) {
		atomic_long_sub(n, &sgv_pages_cached);
		goto destroy;
	}
	sgv_obj_unfit(obj);
	obj->idle_since = jiffies;
	spin_lock_irqsave(&cls->lock, flags);
	list_add(&obj->list, &cls->free);
	cls->nr_free++;
	spin_unlock_irqrestore(&cls->lock, flags);
	if (READ_ONCE(sgv_idle_secs) && !delayed_work_pending(&sgv_idle_work))
		queue_delayed_work(system_unbound_wq, &sgv_idle_work,
				   sgv_idle_period(READ_ONCE(sgv_idle_secs)));
	return;

destroy:
	atomic_long_sub(n, &sgv_pages_total);
	sgv_obj_destroy(obj);
}

/* Give back what sgv_buf_get() put into @buf; any context. */
static void sgv_buf_put(struct scst_sgv_buf *buf)
{
	if (buf->obj) {
		sgv_obj_put(buf->obj);
	} else {
		sgl_free(buf->sg);
		atomic_long_sub(buf->nents, &sgv_pages_total);
	}
	buf->obj = NULL;
	buf->sg = NULL;
	buf->nents = 0;
}

/**
 * scst_free_buffer() - release the data buffer of @cmd; any context
 * @cmd:	the command being freed
 */
void scst_free_buffer(struct scst_cmd *cmd)
{
	struct scst_sgv_buf buf = {
		.sg = cmd->sg, .nents = cmd->sg_cnt, .obj = cmd->sgv,
	};

	if (cmd->tgt_sg || !cmd->sg)
		return;
	sgv_buf_put(&buf);
	cmd->sgv = NULL;
	cmd->sg = NULL;
}

/**
 * scst_sgv_buf_alloc() - a buffer from the SGV cache for a target driver
 * @buf:	out: the scatterlist (@buf->sg, @buf->nents) and its object
 * @len:	bytes, more than 0; the scatterlist describes exactly these
 * @gfp:	GFP_KERNEL, or GFP_ATOMIC in atomic context
 *
 * For a driver that must have the buffer of a data-out command before the
 * core parses it (e.g. to receive iSCSI immediate data), to pass on with
 * scst_cmd_set_tgt_sg(). The buffer stays the driver's: it counts against
 * sgv_max_mb like the core's own, and the driver gives it back with
 * scst_sgv_buf_free() once the core is done with the command
 * (on_free_cmd()) and the driver with the pages. A recycled buffer holds
 * an earlier command's data, possibly of another initiator: the command
 * may only execute once the driver has written every byte of it.
 *
 * Return: 0, or -ENOMEM when memory or sgv_max_mb ran out.
 */
int scst_sgv_buf_alloc(struct scst_sgv_buf *buf, u32 len, gfp_t gfp)
{
	if (WARN_ON_ONCE(!len))
		return -EINVAL;
	return sgv_buf_get(buf, len, gfp);
}
EXPORT_SYMBOL_GPL(scst_sgv_buf_alloc);

/**
 * scst_sgv_buf_free() - give back a scst_sgv_buf_alloc() buffer; any context
 * @buf:	the buffer; emptied
 */
void scst_sgv_buf_free(struct scst_sgv_buf *buf)
{
	if (buf->sg)
		sgv_buf_put(buf);
}
EXPORT_SYMBOL_GPL(scst_sgv_buf_free);

/**
 * scst_cmd_buf_stale() - whether @cmd's buffer may hold foreign data
 * @cmd:	a command being executed
 *
 * Return: true when the buffer was recycled by the SGV cache and may hold
 * data of an earlier command, possibly of another initiator. A handler
 * that answers a READ without filling the buffer must clear it then.
 * False for new (zeroed) buffers and for buffers the target driver brought
 * (scst_cmd_set_tgt_sg()), even from the cache: those it fills itself.
 */
bool scst_cmd_buf_stale(struct scst_cmd *cmd)
{
	return !cmd->tgt_sg && cmd->sgv && cmd->sgv->stale;
}
EXPORT_SYMBOL_GPL(scst_cmd_buf_stale);

/**
 * scst_cmd_buf_zeroed() - @cmd leaves its buffer zero and writes it no more
 * @cmd:	a command being executed, typically a READ answered with zeroes
 * @len:	its first @len bytes are zero
 *
 * Nothing may write the buffer after this call (the target driver only
 * sends from it): a later command of at most @len bytes that recycles
 * it then finds it not stale, and need not clear it again.
 */
void scst_cmd_buf_zeroed(struct scst_cmd *cmd, u32 len)
{
	if (!cmd->tgt_sg && cmd->sgv)
		cmd->sgv->zero_len = len;
}
EXPORT_SYMBOL_GPL(scst_cmd_buf_zeroed);

/* ---- /sys/kernel/scst_tgt/sgv ---- */

static ssize_t sgv_stats_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	unsigned long nr_free, hits, misses, flags;
	struct sgv_class *cls;
	int order, len;

	len = sysfs_emit(buf, "%-6s %10s %10s %14s %14s\n", "pages", "in_use",
			 "cached", "hits", "misses");
	for (order = 0; order < SGV_NR_CLASSES; order++) {
		cls = &sgv_classes[order];
		spin_lock_irqsave(&cls->lock, flags);
		nr_free = cls->nr_free;
		hits = cls->hits;
		misses = cls->misses;
		spin_unlock_irqrestore(&cls->lock, flags);
		len += sysfs_emit_at(buf, len, "%-6u %10ld %10lu %14lu %14lu\n",
				     1U << order, atomic_long_read(&cls->in_use),
				     nr_free, hits, misses);
	}
	return len;
}

static struct kobj_attribute sgv_stats_attr =
	__ATTR(stats, 0444, sgv_stats_show, NULL);

static ssize_t sgv_global_stats_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	long total = atomic_long_read(&sgv_pages_total);
	long cached = atomic_long_read(&sgv_pages_cached);
	unsigned long hits = 0, misses = 0, flags;
	struct sgv_class *cls;
	int order;

	for (order = 0; order < SGV_NR_CLASSES; order++) {
		cls = &sgv_classes[order];
		spin_lock_irqsave(&cls->lock, flags);
		hits += cls->hits;
		misses += cls->misses;
		spin_unlock_irqrestore(&cls->lock, flags);
	}
	return sysfs_emit(buf,
			  "pages_total %ld\n"
			  "pages_in_use %ld\n"
			  "pages_cached %ld\n"
			  "max_pages %lu\n"
			  "max_cached_pages %lu\n"
			  "hits %lu\n"
			  "misses %lu\n"
			  "big_allocs %ld\n"
			  "limit_failures %ld\n"
			  "alloc_failures %ld\n"
			  "zeroed %ld\n"
			  "zero_hits %ld\n"
			  "freed_by_shrinker %ld\n"
			  "freed_idle %ld\n"
			  "freed_by_flush %ld\n"
			  "freed_for_limit %ld\n"
			  "freed_busy %ld\n",
			  total, max(total - cached, 0L), cached,
			  sgv_mb_to_pages(READ_ONCE(sgv_max_mb)),
			  sgv_mb_to_pages(READ_ONCE(sgv_max_cached_mb)),
			  hits, misses,
			  atomic_long_read(&sgv_big_allocs),
			  atomic_long_read(&sgv_limit_failures),
			  atomic_long_read(&sgv_alloc_failures),
			  atomic_long_read(&sgv_zeroed),
			  atomic_long_read(&sgv_zero_hits),
			  atomic_long_read(&sgv_shrinker_freed),
			  atomic_long_read(&sgv_idle_freed),
			  atomic_long_read(&sgv_flush_freed),
			  atomic_long_read(&sgv_limit_freed),
			  atomic_long_read(&sgv_busy_freed));
}

static struct kobj_attribute sgv_global_stats_attr =
	__ATTR(global_stats, 0444, sgv_global_stats_show, NULL);

/* Any write frees every idle object. */
static ssize_t sgv_flush_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	sgv_evict(ULONG_MAX, &sgv_flush_freed);
	return count;
}

static struct kobj_attribute sgv_flush_attr =
	__ATTR(flush, 0200, NULL, sgv_flush_store);

static struct attribute *sgv_attrs[] = {
	&sgv_stats_attr.attr,
	&sgv_global_stats_attr.attr,
	&sgv_flush_attr.attr,
	NULL,
};

const struct attribute_group scst_sgv_attr_group = {
	.name = "sgv",
	.attrs = sgv_attrs,
};

/* ---- module ---- */

static void sgv_destroy_caches(void)
{
	int order;

	for (order = 0; order < SGV_NR_CLASSES; order++) {
		kmem_cache_destroy(sgv_classes[order].cache);
		sgv_classes[order].cache = NULL;
	}
}

int scst_mem_init(void)
{
	struct scst_sgv_obj *obj;
	struct sgv_class *cls;
	int order, res = -ENOMEM;

	for (order = 0; order < SGV_NR_CLASSES; order++) {
		cls = &sgv_classes[order];
		spin_lock_init(&cls->lock);
		INIT_LIST_HEAD(&cls->free);
		snprintf(cls->name, sizeof(cls->name), "scst_sgv_%u",
			 1U << order);
		cls->cache = kmem_cache_create(cls->name,
					       struct_size(obj, sg, 1U << order),
					       0, 0, NULL);
		if (!cls->cache)
			goto out_caches;
	}
	sgv_shrinker = scst_shrinker_create("scst-sgv", sgv_shrink_count,
					    sgv_shrink_scan);
	if (IS_ERR(sgv_shrinker)) {
		res = PTR_ERR(sgv_shrinker);
		goto out_caches;
	}
	return 0;

out_caches:
	sgv_destroy_caches();
	return res;
}

/* Every command has been freed by now. */
void scst_mem_exit(void)
{
	scst_shrinker_destroy(sgv_shrinker);
	cancel_delayed_work_sync(&sgv_idle_work);
	sgv_evict(ULONG_MAX, &sgv_flush_freed);
	WARN_ON(atomic_long_read(&sgv_pages_total));
	sgv_destroy_caches();
}
