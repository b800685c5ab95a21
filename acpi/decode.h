/* SPDX-License-Identifier: BSD-2-Clause */
/* decode.h - `acpi decode SIG`: SRAT, SLIT and HMAT printed field by field, with offsets,
 * in the spirit of `iasl -d` (which the host can run on `acpi dump` output).
 *
 * SRAT: ACPI 6.5 §5.2.16 (types 0 processor local APIC, 1 memory, 2 x2APIC, 5 generic
 * initiator; others shown as unknown with their length). SLIT: §5.2.17. HMAT: §5.2.28
 * (types 0 memory proximity domain attributes, 1 system locality latency and bandwidth
 * information, 2 memory-side cache information).
 * The decoder is pure and reads only [data, data + len): every field is bounds-checked, and a
 * structure that runs past the table or has an impossible length ends the decode with a line
 * that says so. It validates nothing else: the parsers (srat.c, slit.c, hmat.c) do that. */
#ifndef SPMK_ACPI_DECODE_H
#define SPMK_ACPI_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

/* Decodes the table in data[0..len) to o. Errors: ST_UNSUPPORTED (not SRAT, SLIT or HMAT),
 * ST_TRUNCATED (shorter than its header or a structure runs past the end: what came before is
 * printed, then a line naming the offset). */
status_t acpi_decode(const uint8_t *data, size_t len, struct out *o);

#endif
