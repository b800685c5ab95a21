/* SPDX-License-Identifier: BSD-2-Clause */
/* types.h - basic fixed-width types and typed addresses shared by every spmk module.
 *
 * paddr_t, vaddr_t and pfn_t are one-field structs so that a physical address, a virtual
 * address and a page frame number cannot be mixed up by accident. Ranges are half-open
 * [base, end) and 64-bit. Freestanding: builds for the kernel and for the host. */
#ifndef SPMK_LIB_TYPES_H
#define SPMK_LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_SHIFT)
#define SIZE_2M ((uint64_t)2 << 20)
#define SIZE_1G ((uint64_t)1 << 30)
#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((uint64_t)(a)-1), (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Typed addresses. pa_of(), va_of(), pfn_of() make one from a raw number (named so that they
 * stay callable next to the usual variables pa, va and pfn); .v is the raw number (for
 * printing, hardware entries and arithmetic the helpers below do not cover). A paddr_t passed
 * where a vaddr_t or a uint64_t is expected does not compile (tests/build_fail/types_mix.c). */
typedef struct {
	uint64_t v;
} paddr_t;
typedef struct {
	uint64_t v;
} vaddr_t;
typedef struct {
	uint64_t v;
} pfn_t;

/* The largest x86_64 physical address width (Intel SDM Vol. 3A §4.1.4: MAXPHYADDR <= 52). */
#define PA_BITS 52
#define PA_LIMIT ((uint64_t)1 << PA_BITS)
#define PFN_LIMIT (PA_LIMIT >> PAGE_SHIFT)

static inline paddr_t pa_of(uint64_t v) { return (paddr_t){ v }; }
static inline vaddr_t va_of(uint64_t v) { return (vaddr_t){ v }; }
static inline pfn_t pfn_of(uint64_t v) { return (pfn_t){ v }; }

/* Frame of the page holding p (any offset inside the page is dropped). */
static inline pfn_t pa_to_pfn(paddr_t p) { return (pfn_t){ p.v >> PAGE_SHIFT }; }
/* Byte address of frame f. f must be below 2^52 (PFN_LIMIT): higher frames would lose bits. */
static inline paddr_t pfn_to_pa(pfn_t f) { return (paddr_t){ f.v << PAGE_SHIFT }; }

/* p + bytes, p + pages pages; wrap-around is the caller's to exclude (see add_overflows). */
static inline paddr_t pa_add(paddr_t p, uint64_t bytes) { return (paddr_t){ p.v + bytes }; }
static inline vaddr_t va_add(vaddr_t v, uint64_t bytes) { return (vaddr_t){ v.v + bytes }; }
static inline pfn_t pfn_add(pfn_t f, uint64_t pages) { return (pfn_t){ f.v + pages }; }
/* b - a in bytes / pages; a must not be above b. */
static inline uint64_t pa_diff(paddr_t a, paddr_t b) { return b.v - a.v; }
static inline uint64_t pfn_diff(pfn_t a, pfn_t b) { return b.v - a.v; }
static inline bool pa_eq(paddr_t a, paddr_t b) { return a.v == b.v; }
static inline bool va_eq(vaddr_t a, vaddr_t b) { return a.v == b.v; }
static inline bool pfn_eq(pfn_t a, pfn_t b) { return a.v == b.v; }
static inline bool pa_is_aligned(paddr_t p, uint64_t a) { return IS_ALIGNED(p.v, a); }
static inline bool va_is_aligned(vaddr_t v, uint64_t a) { return IS_ALIGNED(v.v, a); }

/* Bytes in `pages` whole pages; pages must be at most 2^52 (no wrap). */
static inline uint64_t pages_to_bytes(uint64_t pages) { return pages << PAGE_SHIFT; }
/* Whole 4 KiB pages holding `bytes` bytes, rounded up; never wraps (at most 2^52). */
static inline uint64_t bytes_to_pages(uint64_t bytes)
{
	return (bytes >> PAGE_SHIFT) + ((bytes & (PAGE_SIZE - 1)) != 0);
}

/* The one range shape of the project: a half-open physical range [base, end) in bytes. Empty
 * when base == end. Every module that passes a physical extent (dax ops, early, the range sets,
 * memobj, hotplug) uses it rather than (base, len), (start, npages) or (first, last). */
struct range {
	uint64_t base;
	uint64_t end;
};

/* [base, base + bytes); base + bytes must not wrap (callers check with add_overflows). */
static inline struct range range_of(paddr_t base, uint64_t bytes)
{
	return (struct range){ base.v, base.v + bytes };
}
/* [pfn_to_pa(first), pfn_to_pa(first + pages)). */
static inline struct range range_of_pages(pfn_t first, uint64_t pages)
{
	return (struct range){ pfn_to_pa(first).v, pfn_to_pa(pfn_add(first, pages)).v };
}
static inline paddr_t range_base(struct range r) { return pa_of(r.base); }
static inline paddr_t range_end(struct range r) { return pa_of(r.end); }
static inline uint64_t range_size(struct range r) { return r.end - r.base; }
static inline uint64_t range_pages(struct range r) { return bytes_to_pages(r.end - r.base); }
static inline bool range_empty(struct range r) { return r.base >= r.end; }
static inline bool range_overlaps(struct range a, struct range b)
{
	return a.base < b.end && b.base < a.end;
}
static inline bool range_contains(struct range outer, struct range inner)
{
	return inner.base >= outer.base && inner.end <= outer.end;
}
static inline bool range_contains_pa(struct range r, paddr_t p)
{
	return p.v >= r.base && p.v < r.end;
}
/* The common part of a and b; empty (base == end) when they do not overlap. */
static inline struct range range_intersect(struct range a, struct range b)
{
	struct range r = { MAX(a.base, b.base), MIN(a.end, b.end) };
	return r.base < r.end ? r : (struct range){ r.base, r.base };
}

/* Overflow-checked base + size: false when it would wrap past 2^64. */
static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

#endif
