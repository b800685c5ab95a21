/* SPDX-License-Identifier: BSD-2-Clause */
/* madt.h - Multiple APIC Description Table parser, processors only (ACPI 6.5 §5.2.12).
 *
 * Records every processor local APIC (type 0, §5.2.12.2) and processor local x2APIC (type 9,
 * §5.2.12.12) structure whose flags say Enabled (bit 0) or Online Capable (bit 1, a CPU that
 * can be brought up later: counted, marked). Other structure types (I/O APIC, overrides, NMI
 * sources, GIC, ...) are skipped silently: they describe interrupts, not CPUs.
 *
 * The same APIC ID listed twice (a local APIC structure and an x2APIC structure for one CPU)
 * is counted once, with a LOG_NOTICE naming the offset (as for SRAT).
 *
 * Used when the SRAT is absent or rejected, so that the single fallback node still shows the
 * machine's CPUs. A malformed table (a structure length below 2, below its type's size, or past
 * the table; more than MADT_MAX_CPUS processors) is rejected whole: *out zeroed, one LOG_ERR
 * line with the offset and numbers. */
#ifndef SPMK_ACPI_MADT_H
#define SPMK_ACPI_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define MADT_MAX_CPUS 256

struct madt_cpu {
	uint32_t apic_id;
	bool x2apic;
	bool online_capable; /* not enabled yet, can be brought up */
};

struct madt_info {
	uint8_t revision;
	uint32_t n_cpus;
	uint32_t n_dup; /* structures that repeated an APIC ID (ignored) */
	struct madt_cpu cpus[MADT_MAX_CPUS];
};

/* Parses the MADT (signature "APIC") in [tbl, tbl + len). Errors: ST_INVALID (NULL, signature,
 * a structure length below its type's size), ST_TRUNCATED (table shorter than its 44-byte
 * fixed part, a structure past the end), ST_RANGE (more than MADT_MAX_CPUS processors). */
status_t madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out, struct out *log);

#endif
