/* SPDX-License-Identifier: BSD-2-Clause */
/* sp_ranges.h - parser for the list of physical ranges the SP firmware stage marks as
 * specific-purpose memory: "SIZE@START[,SIZE@START...]".
 *
 * SIZE and START are numbers as in efi_fake_mem= (decimal or 0x hex, optional K/M/G/T suffix,
 * powers of 1024). Every range must be non-empty, 4 KiB aligned at both ends, must not wrap past
 * 2^64 and must not overlap another; at most SP_RANGES_MAX ranges. The result keeps input order.
 * Pure: host-tested and fuzzed. */
#ifndef SPMK_BOOT_SP_RANGES_H
#define SPMK_BOOT_SP_RANGES_H

#include "lib/out.h"
#include "lib/status.h"
#include "lib/types.h"

#define SP_RANGES_MAX 16

struct sp_ranges {
	unsigned count;
	struct range r[SP_RANGES_MAX]; /* [base, end), 4 KiB aligned */
};

/* Parses the NUL-terminated string s. ST_OK with *out filled, or ST_INVALID (syntax, zero
 * size, misalignment, overlap) / ST_RANGE (overflow, too many ranges) and one LOG_ERR line. */
status_t sp_ranges_parse(const char *s, struct sp_ranges *out, struct out *log);

#endif
