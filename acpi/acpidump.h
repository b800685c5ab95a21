/* SPDX-License-Identifier: BSD-2-Clause */
/* acpidump.h - ACPI tables in the text format of ACPICA's `acpidump`, so that the host tools
 * decode what the kernel saw: capture the output, then `acpixtract -a FILE` writes one
 * SIG.dat per table and `iasl -d SIG.dat` disassembles it.
 *
 * Format (one block per table, as acpidump prints them):
 *     SRAT @ 0x000000003F77B000
 *         0000: 53 52 41 54 08 01 00 00 01 8A 42 4F 43 48 53 20  SRAT......BOCHS
 *         ...
 *     (blank line)
 * Offsets and bytes in upper-case hex, 16 bytes per line, then the printable characters
 * ('.' for the others). */
#ifndef SPMK_ACPI_ACPIDUMP_H
#define SPMK_ACPI_ACPIDUMP_H

#include "acpi/tables.h"

/* Writes table e in acpidump format to o. */
void acpidump_table(const struct acpi_table *e, struct out *o);

/* Writes every table whose signature matches sig (case-insensitive; NULL: every table) in
 * acpidump format. Errors: ST_INVALID (sig not 4 characters), ST_NOTFOUND (no such table);
 * neither prints anything. */
status_t acpidump_tables(const struct acpi_tables *tables, const char *sig, struct out *o);

#endif
