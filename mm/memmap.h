/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap.h - the UEFI memory map, validated and normalised into typed physical ranges.
 *
 * Input: the raw map exactly as GetMemoryMap() returned it (UEFI 2.10 §7.2), a byte buffer of
 * raw_size bytes holding raw_size / desc_size descriptors. desc_size may be larger than the
 * 40-byte struct efi_mem_desc (48 on OVMF): descriptors are always stepped by desc_size.
 *
 * Output: struct memmap, owned by the caller, holding at most its capacity of ranges (the
 * MEMMAP_MAX_RANGES inside the struct, or a caller's array given to memmap_normalize_into,
 * sized with memmap_ranges_bound()) with these invariants (memmap_check() verifies them):
 *   - half-open [base, end), base < end, both multiples of 4 KiB;
 *   - sorted by base, pairwise disjoint;
 *   - two neighbours that touch never have the same kind and the same merge attributes
 *     (attr & MEMMAP_ATTR_MERGE_MASK): such neighbours are merged into one range.
 *
 * Algorithm (memmap_normalize), descriptor by descriptor in input order:
 *   1. validate: a descriptor that cannot describe real memory is dropped whole, with one
 *      "memmap: FIRMWARE BUG: desc N ...: dropped" warning naming it and the reason
 *      (UEFI 2.10 §7.2.3): NumberOfPages 0; NumberOfPages * 4 KiB above 2^64; an end past
 *      2^64; an end above 2^MAXPHYADDR (opts->maxphyaddr, 52 without opts); a PhysicalStart
 *      not 4 KiB aligned on a RAM type (conventional, loader, boot services, spmk's own).
 *      Nothing of such a descriptor is clipped or rounded into usable memory. A non-RAM
 *      descriptor with an unaligned start is kept and grown in step 4 (it stays reserved).
 *   2. overrides: efi_fake_mem= splits conventional descriptors and ORs the attribute in.
 *   3. classify (table below); efi=nosoftreserve clears EFI_MEMORY_SP before this step.
 *   4. page alignment (only efi_fake_mem boundaries and non-RAM starts can be unaligned
 *      here): MEM_USABLE and MEM_SP shrink to whole pages (base up, end down), so no partial
 *      page is handed out; every other kind grows to whole pages (base down, end up), so a
 *      partially reserved page is never used. An empty result is dropped.
 *   5. insert into the sorted set: where the new range overlaps an existing one, the kind
 *      with the higher precedence (below) keeps the overlap; on a tie the existing range
 *      keeps it. Every overlap is a FIRMWARE BUG warning with both ranges and the winner.
 *      Usable RAM has the lowest precedence, so an overlap never turns anything usable.
 * After step 1 every range ends at or below 2^52, so no sum of bytes or pages over a map
 * (disjoint ranges) can overflow 64 bits.
 * Every change to the input is logged to the caller's struct out with its numbers.
 *
 * Classification (UEFI type -> kind):
 *   LoaderCode/Data, BootServicesCode/Data, Conventional   -> MEM_USABLE,
 *                                                  or MEM_SP with EFI_MEMORY_SP (0x40000)
 *   RuntimeServicesCode/Data, Reserved, PalCode, Unaccepted -> MEM_RESERVED
 *   ACPIReclaim -> MEM_ACPI_RECLAIM      ACPIMemoryNVS -> MEM_ACPI_NVS
 *   MemoryMappedIO, MemoryMappedIOPortSpace -> MEM_MMIO
 *   PersistentMemory -> MEM_PERSISTENT   UnusableMemory -> MEM_UNUSABLE
 *   SPMK_MEM_KERNEL / PAGETABLE / BOOTINFO (boot/boot_info.h) -> MEM_KERNEL / MEM_PAGETABLE /
 *       MEM_BOOTINFO (RAM the loader gave the kernel; the SP attribute is ignored on them);
 *       SPMK_MEM_MODULE (boot modules) -> MEM_BOOTINFO as well
 *   any other type -> MEM_RESERVED, with a notice.
 *
 * Overlap precedence, highest first (mem_kind_precedence()):
 *   UNUSABLE > RESERVED > MMIO > ACPI_NVS > ACPI_RECLAIM > PERSISTENT
 *   > KERNEL > PAGETABLE > BOOTINFO > SP > USABLE
 *
 * The intermediate set after each descriptor must fit in the capacity; otherwise
 * memmap_normalize() fails with ST_NOMEM (the map is not truncated silently). A capacity of
 * memmap_ranges_bound() never overflows.
 * Cost: each descriptor costs a binary search plus the ranges it overlaps; inserting it in the
 * middle of the sorted array also moves the ranges above it. So a map out of address order
 * whose descriptors do not overlap is read in address order (mm/memmap_order.c, when the
 * storage holds memmap_ranges_bound() ranges; the result is the same, log lines come in
 * address order): O(n log n) in all. Only a scrambled map with overlapping descriptors, whose
 * result depends on input order, keeps it and may cost O(n^2) moves (make bench). */
#ifndef SPMK_MM_MEMMAP_H
#define SPMK_MM_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/efi_memory.h"
#include "lib/out.h"
#include "lib/status.h"
#include "mm/fake_mem.h"

/* Attributes that keep two touching ranges of the same kind apart. */
#define MEMMAP_ATTR_MERGE_MASK                                                                     \
	(EFI_MEMORY_SP | EFI_MEMORY_MORE_RELIABLE | EFI_MEMORY_NV | EFI_MEMORY_RUNTIME)

#define EFI_PAGE_SHIFT 12
#define MEMMAP_DESC_MIN 40u
#define MEMMAP_DESC_MAX 4096u /* a sanity bound on desc_size */
#define MEMMAP_MAX_RANGES 512
#define MEMMAP_MAXPHYADDR_MAX 52 /* bits: x86-64 4- and 5-level paging */
#define MEMMAP_MAXPHYADDR_MIN 32

enum mem_kind {
	MEM_USABLE,       /* RAM for the page allocator */
	MEM_SP,           /* specific-purpose RAM (EFI_MEMORY_SP): for dax, not the allocator */
	MEM_ACPI_RECLAIM, /* ACPI tables; RAM once they are parsed */
	MEM_ACPI_NVS,     /* firmware-owned across sleep */
	MEM_RESERVED,     /* firmware/runtime/unknown: never touched */
	MEM_MMIO,         /* device registers */
	MEM_PERSISTENT,   /* persistent memory */
	MEM_UNUSABLE,     /* memory with detected errors */
	MEM_KERNEL,       /* the kernel image (loader type SPMK_MEM_KERNEL) */
	MEM_PAGETABLE,    /* the loader's page tables (SPMK_MEM_PAGETABLE) */
	MEM_BOOTINFO,     /* struct boot_info and the map buffer (SPMK_MEM_BOOTINFO) */
	MEM_KIND_COUNT
};

struct mem_range {
	uint64_t base, end; /* [base, end), 4 KiB aligned */
	enum mem_kind kind;
	uint32_t efi_type; /* UEFI type of the lowest descriptor merged into this range */
	uint64_t attr;     /* its attributes (SP cleared under efi=nosoftreserve) */
};

/* What the normaliser changed, for tests and the boot log summary. */
/* Findings the normaliser reports per descriptor. A firmware that repeats one bug thousands
 * of times must not flood the console: the first MEMMAP_NOTE_LINES of each kind are logged in
 * full, every one is counted with the bytes it involves, and one line at the end gives the
 * totals of each kind that went past the limit (mm/memmap_note.c). */
enum memmap_note {
	MEMMAP_NOTE_OVERLAP, /* FIRMWARE BUG: two descriptors share memory (bytes shared) */
	MEMMAP_NOTE_DROPPED, /* FIRMWARE BUG: a descriptor cannot be memory (its bytes) */
	MEMMAP_NOTE_ROUNDED, /* a piece rounded to whole pages or emptied (bytes changed) */
	MEMMAP_NOTE_UNKNOWN, /* a descriptor of unknown type, kept reserved (its bytes) */
	MEMMAP_NOTE_FAKE,    /* efi_fake_mem changed a piece's attributes (its bytes) */
	MEMMAP_NOTE_NOSR,    /* efi=nosoftreserve: SP memory used as RAM (its bytes) */
	MEMMAP_NOTE_KINDS
};
#define MEMMAP_NOTE_LINES 16

struct memmap_stats {
	uint32_t descs;      /* descriptors read */
	uint32_t zero;       /* zero-length descriptors dropped */
	uint32_t wrapped;    /* descriptors dropped: page count or end past 2^64 */
	uint32_t above_max;  /* descriptors dropped: end above 2^MAXPHYADDR */
	uint32_t misaligned; /* RAM descriptors dropped: start not 4 KiB aligned */
	uint32_t unaligned;  /* pieces rounded to 4 KiB (non-RAM starts, efi_fake_mem bounds) */
	uint32_t emptied;    /* descriptors dropped because rounding left nothing */
	uint32_t overlaps;   /* overlaps resolved */
	uint32_t unknown;    /* descriptors of unknown type */
	uint32_t faked;      /* descriptor pieces efi_fake_mem changed */
	uint64_t sp_ignored_pages;         /* SP pages treated as RAM under efi=nosoftreserve */
	uint32_t notes[MEMMAP_NOTE_KINDS]; /* findings of each kind, logged or not */
	uint64_t note_bytes[MEMMAP_NOTE_KINDS]; /* bytes they involve (saturates at 2^64 - 1) */
};

struct memmap {
	uint32_t count;
	uint32_t cap; /* ranges r can hold */
	struct memmap_stats stats;
	struct mem_range *r; /* r0, or the caller's array (memmap_normalize_into) */
	struct mem_range r0[MEMMAP_MAX_RANGES];
};

/* Normalises the raw map (see the top of this file; UEFI 2.10 §7.2.3). opts may be NULL (no
 * overrides, MAXPHYADDR 52); an opts->maxphyaddr outside 32..52 is logged and 52 is used.
 * Errors (out is left holding count 0 except for ST_NOMEM, see below):
 *   ST_INVALID  raw or out NULL, desc_size < 40, > MEMMAP_DESC_MAX or not a multiple of 8,
 *               raw_size not a multiple of desc_size;
 *   ST_NOMEM    more than MEMMAP_MAX_RANGES distinct ranges; out holds what was built from
 *               the descriptors before the one that overflowed.
 * Each error is logged at LOG_ERR with its numbers. */
status_t memmap_normalize(const void *raw, size_t raw_size, uint32_t desc_size,
			  const struct memmap_opts *opts, struct memmap *out, struct out *log);

/* memmap_normalize with the ranges kept in the caller's storage[0..cap) instead of the array
 * inside *out (out->r = storage; out must not be copied by value while in use). Same errors,
 * ST_NOMEM meaning more than cap ranges; ST_INVALID also for storage NULL or cap 0. */
status_t memmap_normalize_into(const void *raw, size_t raw_size, uint32_t desc_size,
			       const struct memmap_opts *opts, struct memmap *out,
			       struct mem_range *storage, uint32_t cap, struct out *log);

/* Ranges a normalised map of ndesc descriptors with nfake efi_fake_mem ranges can need at
 * most, at every step: the ranges are disjoint with ends among the descriptors' two ends
 * each and the fake ranges' ends (each rounded at most two ways), so there are fewer ranges
 * than such points: 2 * ndesc + 4 * nfake + 1. */
uint64_t memmap_ranges_bound(uint64_t ndesc, uint32_t nfake);

/* Checks desc_size and raw_size as memmap_normalize() does; logs the reason. */
status_t memmap_validate_raw(size_t raw_size, uint32_t desc_size, struct out *log);

/* Verifies the invariants of a normalised map; ST_INVALID with a logged reason if broken. */
status_t memmap_check(const struct memmap *m, struct out *log);

/* Higher value wins an overlap. */
int mem_kind_precedence(enum mem_kind k);
/* Short lower-case name ("usable", "sp", "acpi-reclaim", ...); "?" if out of range. */
const char *mem_kind_name(enum mem_kind k);
/* UEFI type name ("Conventional", "BootServicesData", ...); "Unknown" for others. */
const char *efi_mem_type_name(uint32_t type);
/* The index of the first range of m (sorted, disjoint) ending above byte address addr;
 * m->count when none does. O(log count). */
uint32_t memmap_lower(const struct memmap *m, uint64_t addr);
/* Total 4 KiB pages of one kind. */
uint64_t memmap_pages_of(const struct memmap *m, enum mem_kind k);
/* The normalised map, one line per range, then pages per kind. */
void memmap_print(const struct memmap *m, struct out *o);
/* The raw map exactly as received, one line per descriptor, then the line
 * "memmap: N descriptors, P pages" (P = sum of NumberOfPages, or "more than 2^64 pages" when
 * that sum overflows). A bad desc_size or raw_size is reported instead. */
void memmap_print_raw(const void *raw, size_t raw_size, uint32_t desc_size, struct out *o);

#endif
