/* SPDX-License-Identifier: BSD-2-Clause */
/* fadt.h - Fixed ACPI Description Table (ACPI 6.5 §5.2.9) and the \_S5 sleep package.
 *
 * fadt_parse() extracts what the kernel needs to power off and reset: the PM1a/PM1b control
 * block I/O ports (X_PM1x_CNT_BLK when present with a system-I/O address space, else the
 * 32-bit PM1x_CNT_BLK), the DSDT address (X_DSDT preferred over DSDT), and the reset
 * register (valid only when FADT flag RESET_REG_SUP, bit 10, is set and the table is long
 * enough). Tables shorter than the ACPI 1.0 layout (116 bytes) are rejected.
 *
 * dsdt_find_s5() scans AML for the named object _S5_ (ACPI 6.5 §7.4.2): NameOp (0x08), an
 * optional root prefix '\', "_S5_", then PackageOp (0x12), PkgLength, NumElements, and the
 * first two integer elements, each ZeroOp (0x00), OneOp (0x01), OnesOp (0xFF), BytePrefix
 * (0x0A), WordPrefix (0x0B), DWordPrefix (0x0C) or QWordPrefix (0x0E). The value written to
 * SLP_TYPx is the low 3 bits. A package with one element gives slp_typ_b = slp_typ_a. */
#ifndef SPMK_ACPI_FADT_H
#define SPMK_ACPI_FADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

/* Generic address structure (§5.2.3.2). */
struct acpi_gas {
	uint8_t space_id; /* 0 memory, 1 system I/O, ... */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

struct fadt_info {
	uint8_t revision;
	uint32_t flags;
	uint16_t sci_int;
	uint64_t dsdt_phys;
	uint32_t pm1a_cnt; /* I/O port, 0 if none */
	uint32_t pm1b_cnt; /* I/O port, 0 if none */
	uint8_t pm1_cnt_len;
	bool reset_supported;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	bool hw_reduced; /* flag bit 20: HW_REDUCED_ACPI */
};

#define FADT_PM1_SLP_EN (1u << 13)
#define FADT_PM1_SLP_TYP_SHIFT 10

/* Parses the FADT (ACPI 6.5 §5.2.9). A PM1 control block that is no I/O port (legacy field
 * above 0xffff) is left 0 with a LOG_WARN. Errors: ST_INVALID (signature), ST_TRUNCATED
 * (shorter than 116 bytes). *out zeroed on error. */
status_t fadt_parse(const uint8_t *tbl, size_t len, struct fadt_info *out, struct out *log);

/* Finds \_S5 in a DSDT (or SSDT) buffer. Errors: ST_INVALID (NULL or shorter than a header),
 * ST_NOTFOUND (no parsable _S5_ package). */
status_t dsdt_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

#endif
