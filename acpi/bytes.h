/* SPDX-License-Identifier: BSD-2-Clause */
/* bytes.h - unaligned-safe little-endian reads and the ACPI byte checksum.
 *
 * ACPI tables are byte streams with no alignment guarantee, so every field is read one byte
 * at a time through these helpers; no parser casts a table pointer to a struct. Callers
 * must have checked that [p, p + width) lies inside their buffer. */
#ifndef SPMK_ACPI_BYTES_H
#define SPMK_ACPI_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint8_t le8(const uint8_t *p) { return p[0]; }
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

/* Sum of n bytes modulo 256; a valid ACPI structure sums to 0. */
static inline uint8_t acpi_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

#endif
