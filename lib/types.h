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
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((uint64_t)(a) - 1), (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

typedef struct { uint64_t v; } paddr_t;
typedef struct { uint64_t v; } vaddr_t;
typedef struct { uint64_t v; } pfn_t;

static inline paddr_t pa(uint64_t v) { return (paddr_t){ v }; }
static inline vaddr_t va(uint64_t v) { return (vaddr_t){ v }; }
static inline pfn_t pfn(uint64_t v) { return (pfn_t){ v }; }
static inline pfn_t pa_to_pfn(paddr_t p) { return (pfn_t){ p.v >> PAGE_SHIFT }; }
static inline paddr_t pfn_to_pa(pfn_t f) { return (paddr_t){ f.v << PAGE_SHIFT }; }

/* A half-open physical range [base, end). */
struct range {
	uint64_t base;
	uint64_t end;
};

static inline uint64_t range_size(struct range r) { return r.end - r.base; }
static inline bool range_overlaps(struct range a, struct range b)
{
	return a.base < b.end && b.base < a.end;
}
static inline bool range_contains(struct range outer, struct range inner)
{
	return inner.base >= outer.base && inner.end <= outer.end;
}

/* Overflow-checked base + size: false when it would wrap past 2^64. */
static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

#endif
