/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the few kernel facilities that the portable
 * kernel files (kernel/core/scst_portable.h) use, so that they compile
 * unchanged into the user-space library scst_portable and its tests.
 *
 * Only what the portable files need lives here; anything else is a
 * compile error on purpose.
 */
#ifndef SCST_KSHIM_H
#define SCST_KSHIM_H

#ifdef __KERNEL__
#error "scst_kshim.h is for user space only"
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

/* Nothing to export from a static library. */
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = (const u8 *)p;

	return (u16)((b[0] << 8) | b[1]);
}

static inline u32 get_unaligned_be24(const void *p)
{
	const u8 *b = (const u8 *)p;

	return ((u32)b[0] << 16) | ((u32)b[1] << 8) | b[2];
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = (const u8 *)p;

	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = (const u8 *)p;

	return ((u64)get_unaligned_be32(b) << 32) | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be16(u16 val, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)(val >> 8);
	b[1] = (u8)val;
}

static inline void put_unaligned_be24(u32 val, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)(val >> 16);
	b[1] = (u8)(val >> 8);
	b[2] = (u8)val;
}

static inline void put_unaligned_be32(u32 val, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)(val >> 24);
	b[1] = (u8)(val >> 16);
	b[2] = (u8)(val >> 8);
	b[3] = (u8)val;
}

static inline void put_unaligned_be64(u64 val, void *p)
{
	u8 *b = (u8 *)p;

	put_unaligned_be32((u32)(val >> 32), b);
	put_unaligned_be32((u32)val, b + 4);
}

/*
 * crc32c() as in <linux/crc32c.h>: raw CRC update, no inversions
 * (scst_kshim_crc32c.c).
 */
#ifdef __cplusplus
extern "C" {
#endif
u32 crc32c(u32 crc, const void *address, unsigned int length);
#ifdef __cplusplus
}
#endif

#endif /* SCST_KSHIM_H */
