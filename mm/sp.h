/* SPDX-License-Identifier: BSD-2-Clause */
/* sp.h - specific-purpose (SP) memory discovery and the boot policy for each piece.
 *
 * Input: a normalised memory map (mm/memmap.h), the SRAT memory-affinity ranges and the list
 * of proximity domains HMAT has data for (both filled by the caller from acpi/; this module
 * does not depend on acpi/), and the policy flag spmk.nohmat=device.
 *
 * Pipeline (sp_discover):
 *   1. every maximal run of touching MEM_SP ranges becomes one SP range, whatever the UEFI
 *      types and attributes it came from (conventional + boot-services, ...);
 *   2. each SP range is split at SRAT memory-affinity boundaries so every piece has exactly
 *      one proximity domain; parts no affinity entry covers are pieces with pxm -1. Touching
 *      parts with the same domain stay one piece. Affinity bounds are rounded down to 4 KiB;
 *      where affinity entries overlap, the first entry in the array wins (logged);
 *   3. policy: domain known and listed in HMAT -> SP_DEVICE; otherwise SP_RESERVED_NO_HMAT,
 *      or SP_DEVICE_NO_HMAT when nohmat_device is set (both warn: FIRMWARE BUG, naming the
 *      true cause: SRAT absent or rejected, no affinity covering the piece, HMAT absent or
 *      rejected, or no HMAT data for its pxm);
 *   4. align = the largest of 1 GiB, 2 MiB, 4 KiB dividing both base and end (0 if not even
 *      4 KiB, which a normalised map never produces). Unaligned pieces are kept: no SP page
 *      is ever dropped.
 * Invariant: the pieces are sorted, disjoint, and their sizes add up to exactly
 * memmap_pages_of(map, MEM_SP) * 4 KiB. */
#ifndef SPMK_MM_SP_H
#define SPMK_MM_SP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"
#include "mm/memmap.h"

#define SP_PIECES_MAX 128 /* pieces inside struct sp_set (without sp_set_storage) */

/* One SRAT Memory Affinity structure (ACPI 6.5 §5.2.16.2), enabled entries only. */
struct mem_affinity {
	uint64_t base, end; /* [base, end) */
	uint32_t pxm;
	bool hotplug;
};

enum sp_policy {
	SP_DEVICE,           /* HMAT describes the domain: a dax region with one device */
	SP_RESERVED_NO_HMAT, /* no SRAT domain or no HMAT data: reserved, no device, warning */
	SP_DEVICE_NO_HMAT,   /* as above but spmk.nohmat=device: device anyway, warning */
};

/* What the firmware failed to describe for a piece. */
enum sp_missing {
	SP_MISSING_NONE,        /* SRAT domain and HMAT data present */
	SP_MISSING_SRAT,        /* a usable SRAT exists, but no memory affinity covers the piece */
	SP_MISSING_SRAT_TABLE,  /* the firmware has no SRAT at all */
	SP_MISSING_SRAT_BAD,    /* the SRAT was rejected (its error was logged) */
	SP_MISSING_SRAT_LIMIT,  /* NUMA off: the SRAT has more domains than spmk supports */
	SP_MISSING_HMAT,        /* the firmware has no HMAT at all */
	SP_MISSING_HMAT_BAD,    /* the HMAT was rejected (its error was logged) */
	SP_MISSING_HMAT_DOMAIN, /* HMAT exists but has no data for this domain */
};

/* What the caller found of an optional ACPI table. */
enum sp_table {
	SP_TABLE_UNSET,    /* not said (tests): a missing SRAT reads as "no affinity covers it" */
	SP_TABLE_ABSENT,   /* the firmware has none */
	SP_TABLE_REJECTED, /* present but rejected by its parser */
	SP_TABLE_LIMIT,    /* valid but beyond spmk's limits (more than 64 domains): not used */
	SP_TABLE_OK,
};

struct sp_piece {
	uint64_t base, end; /* [base, end) */
	int pxm;            /* proximity domain, -1 for none */
	enum sp_policy policy;
	enum sp_missing missing;
	uint64_t align; /* SIZE_1G, SIZE_2M, PAGE_SIZE (or 0, see above) */
};

struct sp_set {
	uint32_t count;
	uint32_t cap; /* pieces p can hold; 0 until sp_set_storage or sp_discover sets it */
	/* SP memory beyond the cap-th piece: no piece, no device; the kernel counts it as
	 * reserved, so SP accounting stays exact. overflow_base: where it starts. */
	uint64_t overflow_bytes, overflow_base;
	struct sp_piece *p; /* p0, or the caller's array (sp_set_storage) */
	struct sp_piece p0[SP_PIECES_MAX];
};

/* Makes s keep its pieces in storage[0..cap) (the kernel sizes it from the map: a piece per SP
 * range plus two per SRAT memory affinity, so it cannot overflow). storage NULL: the
 * SP_PIECES_MAX inside s. s must not be copied by value afterwards. */
void sp_set_storage(struct sp_set *s, struct sp_piece *storage, uint32_t cap);
/* The pieces SP memory of map m can make when cut at naff SRAT memory affinities: the size
 * sp_set_storage needs so that sp_discover never overflows. */
uint64_t sp_pieces_bound(const struct memmap *m, size_t naff);

struct sp_discover_in {
	const struct memmap *map;
	const struct mem_affinity *aff; /* may be NULL when naff == 0 (no SRAT) */
	size_t naff;
	bool have_hmat;            /* a valid HMAT was found */
	const uint32_t *hmat_pxms; /* memory domains HMAT has data for */
	size_t nhmat;
	bool nohmat_device;       /* spmk.nohmat=device */
	enum sp_table srat, hmat; /* why a domain or HMAT data may be missing */
};

/* Runs the pipeline above into out (caller-owned). Every piece is logged at LOG_INFO with its
 * pxm (the caller maps pxm to node).
 * Errors: ST_INVALID when in, in->map or out is NULL, or aff is NULL with naff > 0;
 * ST_NOMEM when more than out->cap pieces are needed (out holds the first ones; the rest
 * of the SP memory is out->overflow_bytes from out->overflow_base on, and one error names the
 * limit, where it starts and how much is left reserved). */
status_t sp_discover(const struct sp_discover_in *in, struct sp_set *out, struct out *log);

/* True when [base, end) overlaps SP memory of the normalised map m: a MEM_SP range, or a range
 * of another kind whose descriptor carried EFI_MEMORY_SP (UEFI 2.10 §7.2.3; e.g. a loader
 * block placed in SP memory). Under efi=nosoftreserve the normaliser cleared the attribute, so
 * that memory is not SP. The kernel checks every range it gives the page allocator at boot. */
bool sp_map_overlaps(const struct memmap *m, uint64_t base, uint64_t end);

/* Total bytes of all pieces. */
uint64_t sp_set_bytes(const struct sp_set *s);

/* Writes the FIRMWARE BUG warning for a piece that is not SP_DEVICE into buf (always
 * NUL-terminated when size > 0); for SP_MISSING_SRAT_LIMIT (spmk's node limit, no fault of
 * the firmware's) the same line without "FIRMWARE BUG: ". Returns the full length, or 0 (and an empty string) for an
 * SP_DEVICE piece, which needs no warning. */
int sp_format_firmware_bug(const struct sp_piece *p, char *buf, size_t size);
/* Logs that warning at LOG_WARN; returns true when it names a firmware bug (the caller then
 * sets the firmware taint flag): a warning was printed and the cause is not spmk's limit. */
bool sp_warn_firmware_bug(const struct sp_piece *p, struct out *log);

const char *sp_policy_name(enum sp_policy p);
/* One line per piece: range, size (KiB), pxm, alignment, policy. */
void sp_print(const struct sp_set *s, struct out *o);

#endif
