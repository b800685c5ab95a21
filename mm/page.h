/* SPDX-License-Identifier: BSD-2-Clause */
/* page.h - the per-page state of the page allocator: one 64-bit word per 4 KiB page.
 *
 * Every page the buddy allocator manages has exactly one word in an out-of-band array (the
 * range's metadata, sized by buddy_meta_bytes()). That is all the per-page state there is:
 * 8 bytes per page, free-list links included. Bits 63..61 hold the state:
 *
 *   state      bits 60..0 (field: bits)                         meaning
 *   TAIL  (0)  zero                                               inside a block whose head is below
 *   FREE  (1)  order 60..56 | next 55..28 | prev 27..0           head of a free block in a free list
 *   ALLOC (2)  order 60..56 | owner 55..52                       head of an allocated (unmovable) block
 *   MOV   (3)  pins 60..55 | object 54..32 | index 31..0         one allocated movable page
 *   CARVED(4)  owner 55..52                                      one page carved out (or reserved)
 *   ISOL  (5)  order 60..56                                      head of a block of free pages held
 *                                                                back by isolation (in no list)
 *   PCP   (6)  order 60..56                                       head of a free block in a per-CPU
 *                                                                cache (order < BUDDY_PCP_ORDERS)
 *
 * Invariant: a word is non-zero exactly when it is the head of a block. FREE, ALLOC, ISOL
 * and PCP heads cover 2^order pages (naturally aligned) whose other words are TAIL (0); MOV
 * and CARVED words cover one page each. Isolated blocks let isolation, the scan of an isolated range and
 * its removal work per block, not per page. So the block containing any page is found by looking at the page's word and then
 * at the aligned candidates below it (at most BUDDY_MAX_ORDER steps).
 * next/prev are page offsets from the range's origin (28 bits, PW_LINK_NONE = end of list),
 * which bounds a range descriptor to PW_MAX_SPAN pages (512 GiB); larger ranges are split. */
#ifndef SPMK_MM_PAGE_H
#define SPMK_MM_PAGE_H

#include <stdint.h>

enum page_state {
	PAGE_TAIL = 0,
	PAGE_FREE = 1,
	PAGE_ALLOC = 2,
	PAGE_MOVABLE = 3,
	PAGE_CARVED = 4,
	PAGE_ISOLATED = 5,
	PAGE_PCP = 6,
};

#define PW_LINK_BITS 28
#define PW_LINK_NONE ((1u << PW_LINK_BITS) - 1)
#define PW_MAX_SPAN ((uint64_t)1 << 27)
#define PW_PIN_MAX 63u
#define PW_OBJ_MAX ((1u << 23) - 1)

static inline unsigned pw_state(uint64_t w) { return (unsigned)(w >> 61); }
static inline unsigned pw_order(uint64_t w) { return (unsigned)(w >> 56) & 31; }
static inline uint32_t pw_next(uint64_t w) { return (uint32_t)(w >> 28) & PW_LINK_NONE; }
static inline uint32_t pw_prev(uint64_t w) { return (uint32_t)w & PW_LINK_NONE; }
static inline unsigned pw_owner(uint64_t w) { return (unsigned)(w >> 52) & 15; }
static inline unsigned pw_pins(uint64_t w) { return (unsigned)(w >> 55) & 63; }
static inline uint32_t pw_obj(uint64_t w) { return (uint32_t)(w >> 32) & PW_OBJ_MAX; }
static inline uint32_t pw_index(uint64_t w) { return (uint32_t)w; }

static inline uint64_t pw_make_free(unsigned order, uint32_t next, uint32_t prev)
{
	return (uint64_t)PAGE_FREE << 61 | (uint64_t)order << 56 | (uint64_t)next << 28 | prev;
}
static inline uint64_t pw_set_next(uint64_t w, uint32_t next)
{
	return (w & ~((uint64_t)PW_LINK_NONE << 28)) | (uint64_t)next << 28;
}
static inline uint64_t pw_set_prev(uint64_t w, uint32_t prev)
{
	return (w & ~(uint64_t)PW_LINK_NONE) | prev;
}
static inline uint64_t pw_make_alloc(unsigned order, unsigned owner)
{
	return (uint64_t)PAGE_ALLOC << 61 | (uint64_t)order << 56 | (uint64_t)(owner & 15) << 52;
}
static inline uint64_t pw_make_movable(unsigned pins, uint32_t obj, uint32_t index)
{
	return (uint64_t)PAGE_MOVABLE << 61 | (uint64_t)(pins & 63) << 55 |
	       (uint64_t)(obj & PW_OBJ_MAX) << 32 | index;
}
static inline uint64_t pw_make_carved(unsigned owner)
{
	return (uint64_t)PAGE_CARVED << 61 | (uint64_t)(owner & 15) << 52;
}
static inline uint64_t pw_make_isolated(unsigned order)
{
	return (uint64_t)PAGE_ISOLATED << 61 | (uint64_t)order << 56;
}
static inline uint64_t pw_make_pcp(unsigned order)
{
	return (uint64_t)PAGE_PCP << 61 | (uint64_t)order << 56;
}

/* Whether w is the head word of a block in state s (FREE, ALLOC, ISOL or PCP) of order o: one
 * compare of the top byte, which holds both. */
static inline int pw_is(uint64_t w, unsigned s, unsigned o)
{
	return (w >> 56) == ((uint64_t)s << 5 | o);
}
/* A page word read while a per-CPU cache may be changing it (its owner CPU writes the words
 * of its cached pages holding only its cache lock: mm/buddy_pcp.c). */
static inline uint64_t pw_load(const uint64_t *w) { return __atomic_load_n(w, __ATOMIC_RELAXED); }
static inline void pw_store(uint64_t *w, uint64_t v) { __atomic_store_n(w, v, __ATOMIC_RELAXED); }

/* Pages covered by the block whose head word is w (1 for single-page states). */
static inline uint64_t pw_span(uint64_t w)
{
	unsigned s = pw_state(w);
	return (s == PAGE_FREE || s == PAGE_ALLOC || s == PAGE_ISOLATED || s == PAGE_PCP)
		       ? (uint64_t)1 << pw_order(w)
		       : 1;
}

/* Name of a state for messages ("free", "alloc", ...). */
const char *page_state_name(unsigned state);

#endif
