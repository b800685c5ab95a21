/* SPDX-License-Identifier: BSD-2-Clause */
/* tables.h - ACPI table discovery: RSDP -> XSDT (or RSDT) -> every table, checksummed.
 *
 * ACPI 6.5 §5.2.5 (RSDP), §5.2.7 (RSDT), §5.2.8 (XSDT), §5.2.6 (headers). Discovery is pure:
 * physical memory is reached only through the caller's acpi_map_fn, which returns a readable
 * pointer to [phys, phys + len) or NULL. The result is a caller-owned struct acpi_tables:
 *
 *   - the RSDP must pass its 20-byte checksum; revision >= 2 adds the extended checksum over
 *     its length. A bad extended checksum (or a bad XSDT) falls back to the RSDT.
 *   - the root table (XSDT or RSDT) is recorded first, then each table it points to in order,
 *     then the DSDT named by the FADT (X_DSDT preferred). At most ACPI_MAX_TABLES entries.
 *     A root whose body is not a whole number of entries is still used: its whole entries
 *     count, the trailing bytes are reported (as Linux reads it).
 *   - every table's header length (36 .. ACPI_TABLE_MAX_LEN) and checksum are checked. A table
 *     with a bad checksum is listed with checksum_ok = false and acpi_find() never returns
 *     it, so parsers never see it. A table whose header cannot be mapped or whose length is
 *     impossible is not listed; the reason is logged.
 *
 * `data` points into the caller's mapping and stays valid as long as that mapping does. */
#ifndef SPMK_ACPI_TABLES_H
#define SPMK_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define ACPI_MAX_TABLES 64
#define ACPI_TABLE_MAX_LEN (16u << 20) /* sanity bound on a header's length field */

typedef const void *(*acpi_map_fn)(void *ctx, uint64_t phys, uint64_t len);

struct acpi_table {
	char sig[5];    /* NUL-terminated signature, e.g. "HMAT" */
	char oem_id[7]; /* NUL-terminated, trailing blanks kept */
	char oem_table_id[9];
	uint8_t revision;
	bool checksum_ok;
	uint64_t phys;
	uint32_t length;
	const uint8_t *data; /* length readable bytes */
};

struct acpi_tables {
	uint64_t rsdp_phys;
	uint8_t rsdp_revision;
	char rsdp_oem_id[7];
	bool via_xsdt; /* true: the XSDT was used; false: the RSDT */
	uint64_t root_phys;
	uint32_t count;
	uint32_t dropped; /* entries beyond ACPI_MAX_TABLES */
	struct acpi_table t[ACPI_MAX_TABLES];
};

/* Fills *out from the RSDP at rsdp_phys. Errors: ST_INVALID (no map fn / out, bad
 * signature), ST_NOTFOUND (RSDP not mappable), ST_CHECKSUM (RSDP checksum), ST_TRUNCATED
 * (neither XSDT nor RSDT usable). Individual bad tables are not errors: they are logged. */
status_t acpi_discover(uint64_t rsdp_phys, acpi_map_fn map, void *ctx, struct acpi_tables *out,
		       struct out *log);

/* The first table with this signature whose checksum verified, or NULL. */
const struct acpi_table *acpi_find(const struct acpi_tables *tables, const char *sig);

/* Shell `acpi tables`: one line per table (signature, address, length, revision, OEM ids,
 * checksum status). */
void acpi_print_tables(const struct acpi_tables *tables, struct out *o);

/* Shell `acpi dump SIG`: hex dump of the first table with that signature (even one with a bad
 * checksum), in the layout of `hexdump -C -v`. SIG is matched case-insensitively.
 * Errors: ST_INVALID (SIG not 4 characters), ST_NOTFOUND (no such table); both print a line. */
status_t acpi_dump_table(const struct acpi_tables *tables, const char *sig, struct out *o);

#endif
