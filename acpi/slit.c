/* SPDX-License-Identifier: BSD-2-Clause */
/* slit.c - SLIT parser (see slit.h). */
#include "acpi/slit.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"

#define SLIT_MATRIX 44u

static status_t slit_validate_entries(const uint8_t *m, uint32_t n, struct out *log)
{
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < n; j++) {
			uint8_t d = m[(size_t)i * n + j];
			if ((i == j && d != SLIT_LOCAL) || (i != j && d <= SLIT_LOCAL)) {
				out_log(log, LOG_ERR,
					"SLIT: entry [%u][%u] at offset 0x%zx is %u (%s); "
					"table rejected",
					i, j, SLIT_MATRIX + (size_t)i * n + j, d,
					i == j ? "local distance must be 10"
					       : "remote distance must exceed 10");
				return ST_INVALID;
			}
		}
	}
	return ST_OK;
}

status_t slit_parse(const uint8_t *tbl, size_t len, struct slit_info *out, struct out *log)
{
	uint32_t tlen;
	uint8_t rev;
	status_t st = acpi_table_open(tbl, len, "SLIT", "SLIT", SLIT_MATRIX, out, sizeof *out, log,
				      &tlen, &rev);
	if (st != ST_OK)
		return st;
	uint64_t n = le64(tbl + 36), cells;
	if (__builtin_mul_overflow(n, n, &cells)) {
		out_log(log, LOG_ERR, "SLIT: locality count %llu squared overflows; table rejected",
			(unsigned long long)n);
		return ST_RANGE;
	}
	if (cells > tlen - SLIT_MATRIX) {
		out_log(log, LOG_ERR,
			"SLIT: %llu localities need %llu matrix bytes at offset 0x%x, "
			"table has %u; table rejected",
			(unsigned long long)n, (unsigned long long)cells, SLIT_MATRIX,
			tlen - SLIT_MATRIX);
		return ST_TRUNCATED;
	}
	st = slit_validate_entries(tbl + SLIT_MATRIX, (uint32_t)n, log);
	if (st != ST_OK)
		return st;
	uint32_t keep = n > SLIT_MAX ? SLIT_MAX : (uint32_t)n;
	if (n > SLIT_MAX)
		out_log(log, LOG_NOTICE,
			"SLIT: %llu localities; the first %u are used, pxm %u and "
			"above get default distances",
			(unsigned long long)n, SLIT_MAX, SLIT_MAX);
	out->count = keep;
	for (uint32_t i = 0; i < keep; i++)
		memcpy(out->dist[i], tbl + SLIT_MATRIX + (size_t)i * n, keep);
	return ST_OK;
}
