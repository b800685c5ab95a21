/* SPDX-License-Identifier: BSD-2-Clause */
/* srat.c - SRAT parser (see srat.h). One small function per structure type. */
#include "acpi/srat.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define SRAT_FIRST 48u /* header, reserved u32 (= 1), reserved u64 */

enum {
	SRAT_LAPIC = 0,
	SRAT_MEM = 1,
	SRAT_X2APIC = 2,
	SRAT_GICC = 3,
	SRAT_GIC_ITS = 4,
	SRAT_GI = 5
};

static status_t pxm_note(struct srat_info *s, uint32_t pxm)
{
	for (uint32_t i = 0; i < s->n_pxm; i++)
		if (s->pxm[i] == pxm)
			return ST_OK;
	if (s->n_pxm >= SRAT_MAX_PXM) /* srat_parse counts them all and says so */
		return ST_RANGE;
	s->pxm[s->n_pxm++] = pxm;
	return ST_OK;
}

/* Index of the CPU already listed with this APIC ID, or -1. xAPIC and x2APIC IDs share one
 * number space (an x2APIC ID below 255 names the same CPU as the xAPIC ID). */
static int cpu_find(const struct srat_info *s, uint32_t apic)
{
	for (uint32_t i = 0; i < s->n_cpus; i++)
		if (s->cpus[i].apic_id == apic)
			return (int)i;
	return -1;
}

static status_t cpu_add(struct srat_info *s, uint32_t pxm, uint32_t apic, bool x2, uint32_t off,
			struct out *log)
{
	int dup = cpu_find(s, apic);
	if (dup >= 0) {
		const struct srat_cpu *c = &s->cpus[dup];
		s->n_dup_cpus++;
		if (c->pxm == pxm)
			out_log(log, LOG_NOTICE,
				"SRAT: firmware note: %s affinity at offset 0x%x lists "
				"APIC ID 0x%x (pxm %u) again; counted once",
				x2 ? "x2APIC" : "local APIC", off, apic, pxm);
		else
			out_log(log, LOG_WARN,
				"SRAT: FIRMWARE BUG: %s affinity at offset 0x%x puts APIC "
				"ID 0x%x in pxm %u, an earlier structure in pxm %u; pxm %u kept",
				x2 ? "x2APIC" : "local APIC", off, apic, pxm, c->pxm, c->pxm);
		return ST_OK;
	}
	if (s->n_cpus >= SRAT_MAX_CPUS) {
		if (!s->n_cpus_unlisted++)
			out_log(log, LOG_NOTICE,
				"SRAT: structure at offset 0x%x: more than %u "
				"processors; the rest are not listed (their domains still count)",
				off, SRAT_MAX_CPUS);
		return pxm_note(s, pxm);
	}
	s->cpus[s->n_cpus++] = (struct srat_cpu){ .pxm = pxm, .apic_id = apic, .x2apic = x2 };
	return pxm_note(s, pxm);
}

static status_t parse_lapic(void *ctx, const uint8_t *p, uint32_t len, uint32_t off,
			    struct out *log)
{
	struct srat_info *s = ctx;
	(void)len;
	if (!(le32(p + 4) & 1))
		return ST_OK;
	uint32_t pxm = p[2];
	if (s->revision >= 2) /* bits 31:8 live at offset 9 */
		pxm |= ((uint32_t)p[9] << 8) | ((uint32_t)p[10] << 16) | ((uint32_t)p[11] << 24);
	return cpu_add(s, pxm, p[3], false, off, log);
}

static status_t parse_x2apic(void *ctx, const uint8_t *p, uint32_t len, uint32_t off,
			     struct out *log)
{
	struct srat_info *s = ctx;
	(void)len;
	if (!(le32(p + 12) & 1))
		return ST_OK;
	return cpu_add(s, le32(p + 4), le32(p + 8), true, off, log);
}

#define U(x) ((unsigned long long)(x))

/* A range that overlaps one of another domain: the table cannot say which node owns it. */
static status_t mem_validate_other_domains(const struct srat_info *s, struct range r, uint32_t pxm,
					   uint32_t off, struct out *log)
{
	for (uint32_t i = 0; i < s->n_mem; i++) {
		const struct srat_mem *m = &s->mem[i];
		if (m->pxm == pxm || !range_overlaps(r, m->r))
			continue;
		out_log(log, LOG_ERR,
			"SRAT: memory affinity at offset 0x%x: [0x%llx, 0x%llx) "
			"(pxm %u) overlaps [0x%llx, 0x%llx) (pxm %u); table rejected",
			off, U(r.base), U(r.end), pxm, U(m->r.base), U(m->r.end), m->pxm);
		return ST_INVALID;
	}
	return ST_OK;
}

/* Merges r into every overlapping range of its own domain (the first keeps its slot and
 * flags, the others are absorbed); returns true when r was merged. Cannot fail. */
static bool mem_merge_same_domain(struct srat_info *s, struct range r, uint32_t pxm, uint32_t off,
				  struct out *log)
{
	int into = -1;
	for (uint32_t i = 0; i < s->n_mem;) {
		struct srat_mem *m = &s->mem[i];
		if (m->pxm != pxm || !range_overlaps(r, m->r)) {
			i++;
			continue;
		}
		out_log(log, LOG_WARN,
			"SRAT: FIRMWARE BUG: memory affinity at offset 0x%x: [0x%llx, "
			"0x%llx) overlaps [0x%llx, 0x%llx) of the same pxm %u; merged",
			off, U(r.base), U(r.end), U(m->r.base), U(m->r.end), pxm);
		r.base = MIN(r.base, m->r.base);
		r.end = MAX(r.end, m->r.end);
		if (into < 0) {
			into = (int)i++;
			continue;
		}
		memmove(m, m + 1, (s->n_mem - i - 1) * sizeof *m);
		s->n_mem--;
	}
	if (into < 0)
		return false;
	s->mem[into].r = r;
	s->n_merged++;
	return true;
}

static status_t parse_mem(void *ctx, const uint8_t *p, uint32_t len, uint32_t off, struct out *log)
{
	struct srat_info *s = ctx;
	(void)len;
	uint32_t flags = le32(p + 28);
	if (!(flags & 1))
		return ST_OK;
	uint32_t pxm = le32(p + 2);
	if (s->revision < 2)
		pxm &= 0xff;
	uint64_t base = le64(p + 8), size = le64(p + 16), end;
	if (size == 0) {
		out_log(log, LOG_NOTICE,
			"SRAT: memory affinity at offset 0x%x has length 0, skipped", off);
		return ST_OK;
	}
	if (add_overflows(base, size, &end)) {
		s->n_skipped++;
		out_log(log, LOG_WARN,
			"SRAT: FIRMWARE BUG: memory affinity at offset 0x%x: base "
			"0x%llx + length 0x%llx wraps past 2^64; entry skipped",
			off, U(base), U(size));
		return ST_OK;
	}
	struct range r = { base, end };
	status_t st = mem_validate_other_domains(s, r, pxm, off, log);
	if (st != ST_OK)
		return st;
	if (mem_merge_same_domain(s, r, pxm, off, log))
		return ST_OK;
	if (s->n_mem >= SRAT_MAX_MEM) {
		out_log(log, LOG_ERR,
			"SRAT: structure at offset 0x%x: more than %u memory ranges; "
			"table rejected",
			off, SRAT_MAX_MEM);
		return ST_RANGE;
	}
	s->mem[s->n_mem++] = (struct srat_mem){
		.pxm = pxm, .r = r, .hotplug = flags & 2, .nonvolatile = flags & 4
	};
	return pxm_note(s, pxm);
}

static status_t parse_gi(void *ctx, const uint8_t *p, uint32_t len, uint32_t off, struct out *log)
{
	struct srat_info *s = ctx;
	(void)len;
	if (!(le32(p + 24) & 1))
		return ST_OK;
	if (s->n_gi >= SRAT_MAX_GI) {
		out_log(log, LOG_NOTICE,
			"SRAT: structure at offset 0x%x: more than %u generic "
			"initiators; pxm %u kept as a node, not marked as one",
			off, SRAT_MAX_GI, le32(p + 4));
		return pxm_note(s, le32(p + 4));
	}
	struct srat_gi *g = &s->gi[s->n_gi++];
	g->pxm = le32(p + 4);
	g->handle_type = p[3];
	memcpy(g->handle, p + 8, sizeof g->handle);
	return pxm_note(s, g->pxm);
}

/* ACPI 6.5 §5.2.16: types 3 (GICC) and 4 (GIC ITS) are known and not used. */
static const struct acpi_sub_type srat_types[] = {
	[SRAT_LAPIC] = { .min_len = 16, .parse = parse_lapic },
	[SRAT_MEM] = { .min_len = 40, .parse = parse_mem },
	[SRAT_X2APIC] = { .min_len = 24, .parse = parse_x2apic },
	[SRAT_GICC] = { .min_len = 18, .parse = NULL },
	[SRAT_GIC_ITS] = { .min_len = 12, .parse = NULL },
	[SRAT_GI] = { .min_len = 32, .parse = parse_gi },
};

static const struct acpi_sub_walk srat_walk = {
	.sig = "SRAT",
	.name = "SRAT",
	.first = SRAT_FIRST,
	.hdr = ACPI_SUB_HDR8,
	.types = srat_types,
	.n_types = ARRAY_SIZE(srat_types),
	.skip_note = "not used",
};

/* The proximity domain of the enabled structure at p (length len), or false when it names
 * none: disabled, a type without one, or too short (ACPI 6.5 §5.2.16.1-5). */
static bool srat_struct_pxm(const uint8_t *p, uint32_t len, uint32_t *pxm)
{
	switch (p[0]) {
	case SRAT_LAPIC:
		*pxm = p[2] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
		return len >= 16 && (le32(p + 4) & 1);
	case SRAT_MEM: *pxm = le32(p + 2); return len >= 40 && (le32(p + 28) & 1);
	case SRAT_X2APIC: *pxm = le32(p + 4); return len >= 24 && (le32(p + 12) & 1);
	case SRAT_GI: *pxm = le32(p + 4); return len >= 32 && (le32(p + 24) & 1);
	default: return false;
	}
}

/* Whether a structure in [first, end) of tbl names pxm. */
static bool srat_names_pxm(const uint8_t *tbl, uint32_t first, uint32_t end, uint32_t pxm)
{
	uint32_t q;
	for (uint32_t o = first; o + 2 <= end && tbl[o + 1] >= 2 && o + tbl[o + 1] <= end;
	     o += tbl[o + 1])
		if (srat_struct_pxm(tbl + o, tbl[o + 1], &q) && q == pxm)
			return true;
	return false;
}

/* Distinct proximity domains the enabled structures of tbl name (a well-formed prefix of the
 * structures is walked; quadratic, only on the over-the-limit path). */
static uint32_t srat_count_pxm(const uint8_t *tbl, uint32_t len)
{
	uint32_t n = 0, pxm;
	for (uint32_t o = SRAT_FIRST; o + 2 <= len && tbl[o + 1] >= 2 && o + tbl[o + 1] <= len;
	     o += tbl[o + 1])
		if (srat_struct_pxm(tbl + o, tbl[o + 1], &pxm) &&
		    !srat_names_pxm(tbl, SRAT_FIRST, o, pxm))
			n++;
	return n;
}

status_t srat_parse(const uint8_t *tbl, size_t len, struct srat_info *out, struct out *log)
{
	if (!out)
		return ST_INVALID;
	status_t st = acpi_table_parse(&srat_walk, tbl, len, out, sizeof *out, &out->revision, log);
	if (st != ST_RANGE) /* the header was checked: its length can be read */
		return st;
	uint32_t n = srat_count_pxm(tbl, len < le32(tbl + 4) ? (uint32_t)len : le32(tbl + 4));
	if (n > SRAT_MAX_PXM) { /* out was cleared by the failed walk */
		out->over_pxm = true;
		out->n_pxm_found = n;
		out_log(log, LOG_ERR,
			"SRAT: %u proximity domains, more than the %u NUMA nodes spmk "
			"supports (NUMA_MAX_NODES); table rejected: NUMA off, one node for all "
			"memory",
			out->n_pxm_found, SRAT_MAX_PXM);
	}
	return st;
}
