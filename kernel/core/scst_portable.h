/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one include of the portable kernel files (DEVELOPERS principle 7):
 * code that includes only this header (plus scst_const.h and the other
 * portable headers) compiles both into the kernel module and, through
 * userspace/kshim/scst_kshim.h, into the user-space library scst_portable
 * that the unit tests and fuzzers link against.
 *
 * Portable files may use: u8..u64, s8..s64, bool, the be16/24/32/64
 * get_unaligned/put_unaligned helpers, min/max/min_t/max_t, ARRAY_SIZE,
 * BIT, BIT_ULL, offsetof, likely/unlikely, the switch-case pseudo keyword,
 * EINVAL/ENOMEM/ENOSPC/ERANGE/ENOENT, memcpy/memset/memcmp/memchr,
 * strchr/strlen/strnlen, crc32c() and EXPORT_SYMBOL_GPL. They never
 * allocate, sleep, lock or print.
 */
#ifndef SCST_PORTABLE_H
#define SCST_PORTABLE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/crc32c.h>
#include "scst_compat.h"
#else
#include "scst_kshim.h"
#endif

#endif /* SCST_PORTABLE_H */
