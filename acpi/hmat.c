/* SPDX-License-Identifier: BSD-2-Clause */
/* hmat.c - HMAT parser (see hmat.h). One function per structure type; each checks its own
 * lengths before reading a field. */
#include "acpi/hmat.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define HMAT_FIRST 40u /* header + reserved u32 */

enum { HMAT_MPDA = 0, HMAT_SLLBI = 1, HMAT_CACHE = 2 };

int hmat_domain_index(const struct hmat_info *h, uint32_t pxm)
{
	for (uint32_t i = 0; i < h->n_domains && i < HMAT_MAX_DOMAINS; i++)
		if (h->domain[i] == pxm)
			return (int)i;
	return -1;
}

bool hmat_describes(const struct hmat_info *h, uint32_t pxm)
{
	int i = h ? hmat_domain_index(h, pxm) : -1;
	return i >= 0 && (h->role[i] & HMAT_ROLE_TARGET);
}

const struct hmat_perf *hmat_perf_get(const struct hmat_info *h, uint32_t ipxm, uint32_t tpxm)
{
	int i = hmat_domain_index(h, ipxm), t = hmat_domain_index(h, tpxm);
	return (i < 0 || t < 0) ? NULL : &h->perf[i][t];
}

/* Index of pxm, adding it if new; -1 (logged) when the table names too many domains. */
static int domain_get(struct hmat_info *h, uint32_t pxm, uint32_t off, struct out *log)
{
	int i = hmat_domain_index(h, pxm);
	if (i >= 0)
		return i;
	if (h->n_domains >= HMAT_MAX_DOMAINS) {
		out_log(log, LOG_ERR,
			"HMAT: structure at offset 0x%x names pxm %u, more than %u "
			"proximity domains; table rejected",
			off, pxm, HMAT_MAX_DOMAINS);
		return -1;
	}
	h->domain[h->n_domains] = pxm;
	return (int)h->n_domains++;
}

uint32_t hmat_entry_value(uint16_t entry, uint64_t base, uint8_t data_type, uint8_t rev,
			  bool *overflow)
{
	uint64_t v;
	if (entry == 0 || entry == 0xffff || base == 0)
		return 0;
	if (__builtin_mul_overflow((uint64_t)entry, base, &v)) {
		*overflow = true;
		return 0;
	}
	if (rev == 1) {
		if (v < 10)
			return 0;
		v = v / 10 + (v % 10 != 0);
	} else if (data_type <= HMAT_DT_WRITE_LATENCY) {
		v = v / 1000 + (v % 1000 != 0); /* ps -> ns, rounded up */
	}
	if (v > UINT32_MAX) {
		*overflow = true;
		return 0;
	}
	return (uint32_t)v;
}

static status_t parse_mpda(void *ctx, const uint8_t *p, uint32_t len, uint32_t off, struct out *log)
{
	struct hmat_info *h = ctx;
	(void)len;
	if (h->n_mpda >= HMAT_MAX_MPDA) {
		out_log(log, LOG_ERR,
			"HMAT: structure at offset 0x%x: more than %u proximity domain "
			"attribute structures; table rejected",
			off, HMAT_MAX_MPDA);
		return ST_RANGE;
	}
	struct hmat_mpda m = { .flags = le16(p + 8) };
	m.initiator_valid = m.flags & 1;
	m.memory_valid = h->revision >= 2 || (m.flags & 2);
	m.reservation_hint = h->revision == 1 && (m.flags & 4);
	m.initiator_pxm = le32(p + 12);
	m.memory_pxm = le32(p + 16);
	if (h->revision == 1) {
		m.base = le64(p + 24);
		m.length = le64(p + 32);
	}
	if (m.initiator_valid && domain_get(h, m.initiator_pxm, off, log) < 0)
		return ST_RANGE;
	if (m.memory_valid) {
		int t = domain_get(h, m.memory_pxm, off, log);
		if (t < 0)
			return ST_RANGE;
		h->role[t] |= HMAT_ROLE_TARGET;
	}
	h->mpda[h->n_mpda++] = m;
	return ST_OK;
}

/* Checks that an SLLBI with ni initiators and nt targets fits in slen bytes. */
static status_t sllbi_fits(uint32_t ni, uint32_t nt, uint32_t slen, uint32_t off, struct out *log)
{
	uint64_t cells, need;
	bool bad = __builtin_mul_overflow((uint64_t)ni, (uint64_t)nt, &cells) ||
		   __builtin_mul_overflow(cells, 2, &need) ||
		   __builtin_add_overflow(need, 32 + 4 * ((uint64_t)ni + nt), &need);
	if (bad || need > slen) {
		out_log(log, LOG_ERR,
			"HMAT: locality structure at offset 0x%x: %u initiators x %u "
			"targets need %s%llu bytes, structure has %u; table rejected",
			off, ni, nt, bad ? "more than " : "",
			bad ? (unsigned long long)UINT64_MAX : (unsigned long long)need, slen);
		return bad ? ST_RANGE : ST_TRUNCATED;
	}
	return ST_OK;
}

static void perf_set(struct hmat_perf *pf, uint8_t type, uint32_t v)
{
	static const int8_t first[6] = { HMAT_READ_LATENCY,   HMAT_READ_LATENCY,
					 HMAT_WRITE_LATENCY,  HMAT_READ_BANDWIDTH,
					 HMAT_READ_BANDWIDTH, HMAT_WRITE_BANDWIDTH };
	pf->v[first[type]] = v;
	if (type == HMAT_DT_ACCESS_LATENCY)
		pf->v[HMAT_WRITE_LATENCY] = v;
	if (type == HMAT_DT_ACCESS_BANDWIDTH)
		pf->v[HMAT_WRITE_BANDWIDTH] = v;
}

/* Merges the matrix of a validated memory-hierarchy SLLBI. */
static status_t sllbi_merge(struct hmat_info *h, const uint8_t *p, uint32_t ni, uint32_t nt,
			    uint32_t off, struct out *log)
{
	uint8_t type = p[9];
	uint64_t base = le64(p + 24);
	const uint8_t *il = p + 32, *tl = il + 4 * (size_t)ni, *ent = tl + 4 * (size_t)nt;
	uint32_t overflows = 0;
	if (base == 0)
		out_log(log, LOG_NOTICE,
			"HMAT: locality structure at offset 0x%x has entry base "
			"unit 0: no data",
			off);
	for (uint32_t i = 0; i < ni; i++) {
		int ii = domain_get(h, le32(il + 4 * (size_t)i), off, log);
		if (ii < 0)
			return ST_RANGE;
		h->role[ii] |= HMAT_ROLE_INITIATOR;
		for (uint32_t t = 0; t < nt; t++) {
			int ti = domain_get(h, le32(tl + 4 * (size_t)t), off, log);
			if (ti < 0)
				return ST_RANGE;
			bool ovf = false;
			uint32_t v = hmat_entry_value(le16(ent + 2 * ((size_t)i * nt + t)), base,
						      type, h->revision, &ovf);
			overflows += ovf;
			if (!v)
				continue;
			perf_set(&h->perf[ii][ti], type, v);
			h->role[ti] |= HMAT_ROLE_TARGET;
		}
	}
	if (overflows)
		out_log(log, LOG_WARN,
			"HMAT: locality structure at offset 0x%x: %u entries overflow "
			"with base unit %llu, treated as no data",
			off, overflows, (unsigned long long)base);
	h->n_sllbi++;
	return ST_OK;
}

static status_t parse_sllbi(void *ctx, const uint8_t *p, uint32_t slen, uint32_t off,
			    struct out *log)
{
	struct hmat_info *h = ctx;
	uint8_t hier = p[8] & 0xf, type = p[9];
	uint32_t ni = le32(p + 12), nt = le32(p + 16);
	status_t st = sllbi_fits(ni, nt, slen, off, log);
	if (st != ST_OK)
		return st;
	if (type > HMAT_DT_WRITE_BANDWIDTH || hier > 4) {
		out_log(log, LOG_NOTICE,
			"HMAT: locality structure at offset 0x%x: data type %u, "
			"hierarchy %u not defined, skipped",
			off, type, hier);
		return ST_OK;
	}
	if (hier != 0) {
		h->n_sllbi_cache++;
		return ST_OK;
	}
	return sllbi_merge(h, p, ni, nt, off, log);
}

static status_t parse_cache(void *ctx, const uint8_t *p, uint32_t slen, uint32_t off,
			    struct out *log)
{
	struct hmat_info *h = ctx;
	uint16_t n_smbios = le16(p + 30);
	if (32u + 2u * n_smbios > slen) {
		out_log(log, LOG_ERR,
			"HMAT: cache structure at offset 0x%x: %u SMBIOS handles need "
			"%u bytes, structure has %u; table rejected",
			off, n_smbios, 32u + 2u * n_smbios, slen);
		return ST_TRUNCATED;
	}
	if (h->n_caches >= HMAT_MAX_CACHES) {
		out_log(log, LOG_ERR,
			"HMAT: cache structure at offset 0x%x: more than %u caches; "
			"table rejected",
			off, HMAT_MAX_CACHES);
		return ST_RANGE;
	}
	uint32_t a = le32(p + 24);
	struct hmat_cache c = {
		.pxm = le32(p + 8),
		.size = le64(p + 16),
		.total_levels = a & 0xf,
		.level = (a >> 4) & 0xf,
		.associativity = (a >> 8) & 0xf,
		.write_policy = (a >> 12) & 0xf,
		.line_size = (uint16_t)(a >> 16),
		.n_smbios = n_smbios,
	};
	int t = domain_get(h, c.pxm, off, log);
	if (t < 0)
		return ST_RANGE;
	h->role[t] |= HMAT_ROLE_TARGET;
	h->caches[h->n_caches++] = c;
	return ST_OK;
}

static const struct acpi_sub_type hmat_types[] = {
	[HMAT_MPDA] = { .min_len = 40, .parse = parse_mpda },
	[HMAT_SLLBI] = { .min_len = 32, .parse = parse_sllbi },
	[HMAT_CACHE] = { .min_len = 32, .parse = parse_cache },
};

static const struct acpi_sub_walk hmat_walk = {
	.sig = "HMAT",
	.name = "HMAT",
	.first = HMAT_FIRST,
	.min_rev = 1,
	.max_rev = 2,
	.hdr = ACPI_SUB_HDR32,
	.types = hmat_types,
	.n_types = ARRAY_SIZE(hmat_types),
	.skip_note = "unknown",
};

status_t hmat_parse(const uint8_t *tbl, size_t len, struct hmat_info *out, struct out *log)
{
	if (!out)
		return ST_INVALID;
	return acpi_table_parse(&hmat_walk, tbl, len, out, sizeof *out, &out->revision, log);
}
