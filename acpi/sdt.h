/* SPDX-License-Identifier: BSD-2-Clause */
/* sdt.h - the common 36-byte ACPI system description table header (ACPI 6.5 §5.2.6).
 *
 * Every table parser starts with acpi_sdt_check(): the buffer must hold a header, the
 * signature must match, and the header's length must be at least the header and no more
 * than the buffer. The parser then works on [tbl, tbl + *tlen) only. The checksum is not
 * checked here: discovery (tables.c) has already done that for tables it hands out. */
#ifndef SPMK_ACPI_SDT_H
#define SPMK_ACPI_SDT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define ACPI_SDT_HEADER_LEN 36u
#define ACPI_SDT_LENGTH 4
#define ACPI_SDT_REVISION 8
#define ACPI_SDT_CHECKSUM 9
#define ACPI_SDT_OEM_ID 10
#define ACPI_SDT_OEM_TABLE_ID 16

/* Checks the header of a table claimed to be `sig` in a buffer of len bytes.
 * On success stores the table length (<= len) in *tlen and the revision in *rev.
 * Errors (logged at LOG_ERR as "SIG: ..."): ST_INVALID (NULL, wrong signature),
 * ST_TRUNCATED (buffer shorter than the header or than the header's length). */
status_t acpi_sdt_check(const uint8_t *tbl, size_t len, const char *sig, struct out *log,
			uint32_t *tlen, uint8_t *rev);

/* acpi_sdt_check(), then the table's fixed part: *tlen must be at least `fixed` bytes (the
 * offset of its first subtable). `name` is the table's name in messages (MADT for "APIC").
 * Errors: those of acpi_sdt_check; ST_TRUNCATED with "NAME: length N is shorter than the
 * F-byte fixed part" (LOG_ERR). */
status_t acpi_sdt_fixed(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			uint32_t fixed, struct out *log, uint32_t *tlen, uint8_t *rev);

#endif
