/* SPDX-License-Identifier: BSD-2-Clause */
/* srat.h - System Resource Affinity Table parser (ACPI 6.5 §5.2.16).
 *
 * Records, in table order, every *enabled* processor local APIC (type 0), local x2APIC
 * (type 2), memory affinity (type 1) and generic initiator affinity (type 5) structure.
 * Disabled structures are skipped (QEMU pads its SRAT with a zero-filled, disabled memory
 * entry). Other types (GICC, GIC ITS, generic port, future ones) are skipped with a notice.
 * For SRAT revision < 2 only the low 8 bits of a proximity domain are meaningful (as Linux
 * reads it); revision >= 2 uses all 32.
 *
 * pxm[] lists every proximity domain in order of first appearance (any enabled structure):
 * this order becomes the NUMA node numbering.
 *
 * Firmware slips that leave the meaning clear are repaired, each with one line naming it (as
 * Linux does):
 *   - memory ranges of the *same* domain that overlap are merged into their union (LOG_WARN
 *     naming both ranges); the merged range keeps the first range's slot and flags;
 *   - a CPU listed twice (the same APIC ID in a local APIC and an x2APIC structure, or twice in
 *     one kind) is counted once, the first listing kept: a LOG_NOTICE when both name the same
 *     domain, a LOG_WARN naming both domains when they differ;
 *   - a memory range whose base + length wraps past 2^64 is skipped (LOG_WARN), as Linux skips
 *     an invalid memory block;
 *   - CPUs beyond SRAT_MAX_CPUS and generic initiators beyond SRAT_MAX_GI are not listed
 *     (one LOG_NOTICE), but their domains still become nodes.
 *
 * Invariants after ST_OK: memory ranges are non-empty, do not wrap and do not overlap; APIC IDs
 * are unique. A malformed table (a structure shorter than its type's size, a length of 0 or
 * running past the table, ranges of *different* domains that overlap, more domains or
 * memory ranges than the fixed maximums) is rejected whole: *out is left zeroed and one LOG_ERR
 * line names the offset and numbers. */
#ifndef SPMK_ACPI_SRAT_H
#define SPMK_ACPI_SRAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"
#include "lib/types.h"

#define SRAT_MAX_CPUS 256
#define SRAT_MAX_MEM 256
#define SRAT_MAX_GI 64
#define SRAT_MAX_PXM 64

struct srat_cpu {
	uint32_t pxm;
	uint32_t apic_id; /* xAPIC id (type 0) or x2APIC id (type 2) */
	bool x2apic;
};

struct srat_mem {
	uint32_t pxm;
	struct range r; /* [base, end) */
	bool hotplug;
	bool nonvolatile;
};

struct srat_gi {
	uint32_t pxm;
	uint8_t handle_type; /* 0: ACPI device handle, 1: PCI device handle */
	uint8_t handle[16];
};

struct srat_info {
	uint8_t revision;
	uint32_t n_cpus, n_mem, n_gi, n_pxm;
	uint32_t n_dup_cpus; /* CPU structures that repeated an APIC ID (ignored) */
	uint32_t n_merged;   /* memory structures merged into an overlapping same-domain range */
	uint32_t n_skipped;  /* memory structures skipped: range wraps past 2^64 */
	uint32_t n_cpus_unlisted; /* CPUs beyond SRAT_MAX_CPUS (their domains still noted) */
	struct srat_cpu cpus[SRAT_MAX_CPUS];
	struct srat_mem mem[SRAT_MAX_MEM];
	struct srat_gi gi[SRAT_MAX_GI];
	uint32_t pxm[SRAT_MAX_PXM]; /* in order of first appearance */
	bool over_pxm;        /* rejected: more than SRAT_MAX_PXM domains (a limit, not a fault) */
	uint32_t n_pxm_found; /* with over_pxm: the distinct domains the whole table names */
};

/* Parses the SRAT in [tbl, tbl + len) (ACPI 6.5 §5.2.16). Errors: ST_INVALID (signature,
 * lengths, overlap of different domains), ST_TRUNCATED (table shorter than its header or its
 * structures), ST_RANGE (more than SRAT_MAX_PXM domains or SRAT_MAX_MEM memory ranges). More
 * than SRAT_MAX_PXM domains is spmk's limit (as Linux's MAX_NUMNODES), not a firmware fault:
 * over_pxm is set, n_pxm_found counts every domain, and one error line names both numbers. */
status_t srat_parse(const uint8_t *tbl, size_t len, struct srat_info *out, struct out *log);

#endif
