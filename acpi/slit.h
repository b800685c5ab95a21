/* SPDX-License-Identifier: BSD-2-Clause */
/* slit.h - System Locality Information Table parser (ACPI 6.5 §5.2.17).
 *
 * The SLIT is an N x N byte matrix indexed by proximity domain number: dist[i][j] is the
 * relative distance from domain i to domain j, 10 meaning local. Following Linux, a table is
 * rejected whole if N * N does not fit in the table, if a diagonal entry is not 10, or if an
 * off-diagonal entry is 10 or less (those values are reserved). With N > SLIT_MAX the whole
 * matrix is still checked, and the first SLIT_MAX rows and columns are kept (one LOG_NOTICE):
 * domains numbered SLIT_MAX and above then get default distances, as in Linux, where
 * localities without a node are passed over. */
#ifndef SPMK_ACPI_SLIT_H
#define SPMK_ACPI_SLIT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define SLIT_MAX 64
#define SLIT_LOCAL 10

struct slit_info {
	uint32_t count; /* localities N */
	uint8_t dist[SLIT_MAX][SLIT_MAX];
};

/* Parses the SLIT in [tbl, tbl + len) (ACPI 6.5 §5.2.17). Errors: ST_INVALID (signature,
 * bad diagonal/off-diagonal), ST_TRUNCATED (matrix does not fit), ST_RANGE (N * N
 * overflows). *out is zeroed on error. */
status_t slit_parse(const uint8_t *tbl, size_t len, struct slit_info *out, struct out *log);

#endif
