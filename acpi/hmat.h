/* SPDX-License-Identifier: BSD-2-Clause */
/* hmat.h - Heterogeneous Memory Attribute Table parser, revisions 1 and 2 (ACPI 6.5 §5.2.28).
 *
 * Structures (each: type u16, reserved u16, length u32):
 *   0  memory proximity domain attributes (rev 2; rev 1 calls it "memory subsystem address
 *      range" and adds a memory-domain-valid flag, a reservation hint and an address range)
 *   1  system locality latency and bandwidth information (SLLBI)
 *   2  memory-side cache information
 * Other types are skipped with a LOG_NOTICE; other table revisions are refused
 * (ST_UNSUPPORTED, LOG_NOTICE), as Linux does.
 *
 * Units. An SLLBI entry is a u16 multiplied by the structure's u64 entry base unit; entries 0
 * and 0xFFFF mean "no data". Revision 2: latency in picoseconds (converted to ns, rounded up),
 * bandwidth in MB/s. Revision 1: the product is read in tenths of the final unit, i.e. divided
 * by 10 (rounded up) to get ns and MB/s, and products below 10 mean no data - the reading
 * Linux applies to revision-1 tables. A product that overflows 64 bits, or a converted value
 * above 2^32-1, is treated as no data and reported once per structure at LOG_WARN.
 *
 * Results. Domains named anywhere are listed in domain[] in order of first mention; perf[i][t]
 * holds the figures for initiator domain index i and target domain index t, from SLLBI
 * structures of the "memory" hierarchy only (an access latency/bandwidth entry sets both read
 * and write; a later structure overrides an earlier one entry by entry). SLLBI structures for
 * memory-side cache hierarchies are validated and counted but not merged. A figure of 0 means
 * no data.
 *
 * A malformed table (a structure length below its type's size or past the table, SLLBI counts
 * whose lists and matrix overflow or do not fit, SMBIOS handles that do not fit, more than
 * HMAT_MAX_DOMAINS domains or HMAT_MAX_CACHES caches) is rejected whole: *out is zeroed and
 * one LOG_ERR line gives the structure offset and the numbers. */
#ifndef SPMK_ACPI_HMAT_H
#define SPMK_ACPI_HMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define HMAT_MAX_DOMAINS 64
#define HMAT_MAX_MPDA 64
#define HMAT_MAX_CACHES 64

enum hmat_metric {
	HMAT_READ_LATENCY,    /* ns */
	HMAT_WRITE_LATENCY,   /* ns */
	HMAT_READ_BANDWIDTH,  /* MB/s */
	HMAT_WRITE_BANDWIDTH, /* MB/s */
	HMAT_METRICS
};

/* SLLBI data types (§5.2.28.4). */
enum hmat_data_type {
	HMAT_DT_ACCESS_LATENCY = 0,
	HMAT_DT_READ_LATENCY = 1,
	HMAT_DT_WRITE_LATENCY = 2,
	HMAT_DT_ACCESS_BANDWIDTH = 3,
	HMAT_DT_READ_BANDWIDTH = 4,
	HMAT_DT_WRITE_BANDWIDTH = 5,
};

struct hmat_perf {
	uint32_t v[HMAT_METRICS]; /* 0: no data */
};

/* Memory proximity domain attributes (type 0). */
struct hmat_mpda {
	uint16_t flags;
	bool initiator_valid;  /* bit 0 (rev 1: processor proximity domain valid) */
	bool memory_valid;     /* rev 1: bit 1; rev 2: always true */
	bool reservation_hint; /* rev 1 only: bit 2 */
	uint32_t initiator_pxm;
	uint32_t memory_pxm;
	uint64_t base, length; /* rev 1 only: system physical address range */
};

/* Memory-side cache information (type 2). */
struct hmat_cache {
	uint32_t pxm;
	uint64_t size; /* bytes */
	uint8_t total_levels;
	uint8_t level;
	uint8_t associativity; /* 0 none, 1 direct mapped, 2 complex cache indexing */
	uint8_t write_policy;  /* 0 none, 1 write-back, 2 write-through */
	uint16_t line_size;    /* bytes */
	uint16_t n_smbios;
};

#define HMAT_ROLE_INITIATOR 1u /* in a memory-hierarchy SLLBI initiator list */
#define HMAT_ROLE_TARGET 2u    /* described as a memory target (see hmat_describes()) */

struct hmat_info {
	uint8_t revision;
	uint32_t n_domains, n_mpda, n_caches;
	uint32_t n_sllbi;       /* memory-hierarchy SLLBI structures merged */
	uint32_t n_sllbi_cache; /* memory-side-cache hierarchy SLLBI structures (not merged) */
	uint32_t domain[HMAT_MAX_DOMAINS];
	uint8_t role[HMAT_MAX_DOMAINS];
	struct hmat_mpda mpda[HMAT_MAX_MPDA];
	struct hmat_cache caches[HMAT_MAX_CACHES];
	struct hmat_perf perf[HMAT_MAX_DOMAINS][HMAT_MAX_DOMAINS]; /* [initiator][target] */
};

/* Parses the HMAT in [tbl, tbl + len). Errors: ST_INVALID (signature, structure lengths),
 * ST_TRUNCATED (does not fit), ST_RANGE (counts overflow, fixed maximum exceeded),
 * ST_UNSUPPORTED (revision other than 1 or 2). */
status_t hmat_parse(const uint8_t *tbl, size_t len, struct hmat_info *out, struct out *log);

/* Index of pxm in h->domain[], or -1. */
int hmat_domain_index(const struct hmat_info *h, uint32_t pxm);

/* True if the HMAT describes pxm as a memory target: a memory proximity domain attributes
 * structure names it (rev 1: with the memory-domain-valid flag), a memory-hierarchy SLLBI
 * has at least one figure for it, or a memory-side cache structure names it. */
bool hmat_describes(const struct hmat_info *h, uint32_t pxm);

/* Figures from initiator domain ipxm to target domain tpxm, or NULL if either is unknown. */
const struct hmat_perf *hmat_perf_get(const struct hmat_info *h, uint32_t ipxm, uint32_t tpxm);

/* Converts one SLLBI entry to ns or MB/s for table revision rev; 0 = no data. *overflow is
 * set when the entry was dropped because of overflow. Exposed for tests. */
uint32_t hmat_entry_value(uint16_t entry, uint64_t base, uint8_t data_type, uint8_t rev,
			  bool *overflow);

#endif
