/* SPDX-License-Identifier: BSD-2-Clause */
/* sdt.c - header check shared by every table parser (see sdt.h). */
#include "acpi/sdt.h"

#include "acpi/bytes.h"
#include "lib/kstring.h"

status_t acpi_sdt_check(const uint8_t *tbl, size_t len, const char *sig, struct out *log,
			uint32_t *tlen, uint8_t *rev)
{
	if (!tbl) {
		out_log(log, LOG_ERR, "%s: no table", sig);
		return ST_INVALID;
	}
	if (len < ACPI_SDT_HEADER_LEN) {
		out_log(log, LOG_ERR, "%s: buffer of %zu bytes is shorter than the %u-byte header",
			sig, len, ACPI_SDT_HEADER_LEN);
		return ST_TRUNCATED;
	}
	if (memcmp(tbl, sig, 4) != 0) {
		out_log(log, LOG_ERR, "%s: signature is %02x %02x %02x %02x, not %s", sig, tbl[0],
			tbl[1], tbl[2], tbl[3], sig);
		return ST_INVALID;
	}
	uint32_t l = le32(tbl + ACPI_SDT_LENGTH);
	if (l < ACPI_SDT_HEADER_LEN || l > len) {
		out_log(log, LOG_ERR, "%s: header length %u outside [%u, %zu]", sig, l,
			ACPI_SDT_HEADER_LEN, len);
		return ST_TRUNCATED;
	}
	*tlen = l;
	*rev = tbl[ACPI_SDT_REVISION];
	return ST_OK;
}

status_t acpi_sdt_fixed(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			uint32_t fixed, struct out *log, uint32_t *tlen, uint8_t *rev)
{
	status_t st = acpi_sdt_check(tbl, len, sig, log, tlen, rev);
	if (st != ST_OK)
		return st;
	if (*tlen < fixed) {
		out_log(log, LOG_ERR, "%s: length %u is shorter than the %u-byte fixed part", name,
			*tlen, fixed);
		return ST_TRUNCATED;
	}
	return ST_OK;
}
