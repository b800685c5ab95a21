/* srat.c - SRAT parser (see srat.h). One small function per structure type. */
#include "acpi/srat.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"

#define SRAT_FIRST 48u /* header, reserved u32 (= 1), reserved u64 */

enum { SRAT_LAPIC = 0, SRAT_MEM = 1, SRAT_X2APIC = 2, SRAT_GI = 5 };
static const uint8_t srat_min_len[6] = { 16, 40, 24, 18, 12, 32 };

static status_t pxm_note(struct srat_info *s, uint32_t pxm, uint32_t off, struct out *log)
{
	for (uint32_t i = 0; i < s->n_pxm; i++)
		if (s->pxm[i] == pxm)
			return ST_OK;
	if (s->n_pxm >= SRAT_MAX_PXM) {
		out_log(log, LOG_ERR, "SRAT: structure at offset 0x%x: more than %u proximity "
			"domains (domain %u); table rejected", off, SRAT_MAX_PXM, pxm);
		return ST_RANGE;
	}
	s->pxm[s->n_pxm++] = pxm;
	return ST_OK;
}

static status_t cpu_add(struct srat_info *s, uint32_t pxm, uint32_t apic, bool x2, uint32_t off,
			struct out *log)
{
	if (s->n_cpus >= SRAT_MAX_CPUS) {
		out_log(log, LOG_ERR, "SRAT: structure at offset 0x%x: more than %u processors; "
			"table rejected", off, SRAT_MAX_CPUS);
		return ST_RANGE;
	}
	s->cpus[s->n_cpus++] = (struct srat_cpu){ .pxm = pxm, .apic_id = apic, .x2apic = x2 };
	return pxm_note(s, pxm, off, log);
}

static status_t parse_lapic(struct srat_info *s, const uint8_t *p, uint32_t off, struct out *log)
{
	if (!(le32(p + 4) & 1))
		return ST_OK;
	uint32_t pxm = p[2];
	if (s->revision >= 2) /* bits 31:8 live at offset 9 */
		pxm |= ((uint32_t)p[9] << 8) | ((uint32_t)p[10] << 16) | ((uint32_t)p[11] << 24);
	return cpu_add(s, pxm, p[3], false, off, log);
}

static status_t parse_x2apic(struct srat_info *s, const uint8_t *p, uint32_t off, struct out *log)
{
	if (!(le32(p + 12) & 1))
		return ST_OK;
	return cpu_add(s, le32(p + 4), le32(p + 8), true, off, log);
}

static status_t parse_mem(struct srat_info *s, const uint8_t *p, uint32_t off, struct out *log)
{
	uint32_t flags = le32(p + 28);
	if (!(flags & 1))
		return ST_OK;
	uint32_t pxm = le32(p + 2);
	if (s->revision < 2)
		pxm &= 0xff;
	uint64_t base = le64(p + 8), size = le64(p + 16), end;
	if (size == 0) {
		out_log(log, LOG_NOTICE, "SRAT: memory affinity at offset 0x%x has length 0, skipped",
			off);
		return ST_OK;
	}
	if (add_overflows(base, size, &end)) {
		out_log(log, LOG_ERR, "SRAT: memory affinity at offset 0x%x: base 0x%llx + length "
			"0x%llx wraps past 2^64; table rejected", off, (unsigned long long)base,
			(unsigned long long)size);
		return ST_RANGE;
	}
	struct range r = { base, end };
	for (uint32_t i = 0; i < s->n_mem; i++) {
		if (range_overlaps(r, s->mem[i].r)) {
			out_log(log, LOG_ERR, "SRAT: memory affinity at offset 0x%x: [0x%llx, 0x%llx) "
				"(domain %u) overlaps [0x%llx, 0x%llx) (domain %u); table rejected", off,
				(unsigned long long)r.base, (unsigned long long)r.end, pxm,
				(unsigned long long)s->mem[i].r.base, (unsigned long long)s->mem[i].r.end,
				s->mem[i].pxm);
			return ST_INVALID;
		}
	}
	if (s->n_mem >= SRAT_MAX_MEM) {
		out_log(log, LOG_ERR, "SRAT: structure at offset 0x%x: more than %u memory ranges; "
			"table rejected", off, SRAT_MAX_MEM);
		return ST_RANGE;
	}
	s->mem[s->n_mem++] = (struct srat_mem){ .pxm = pxm, .r = r, .hotplug = flags & 2,
						.nonvolatile = flags & 4 };
	return pxm_note(s, pxm, off, log);
}

static status_t parse_gi(struct srat_info *s, const uint8_t *p, uint32_t off, struct out *log)
{
	if (!(le32(p + 24) & 1))
		return ST_OK;
	if (s->n_gi >= SRAT_MAX_GI) {
		out_log(log, LOG_ERR, "SRAT: structure at offset 0x%x: more than %u generic "
			"initiators; table rejected", off, SRAT_MAX_GI);
		return ST_RANGE;
	}
	struct srat_gi *g = &s->gi[s->n_gi++];
	g->pxm = le32(p + 4);
	g->handle_type = p[3];
	memcpy(g->handle, p + 8, sizeof g->handle);
	return pxm_note(s, g->pxm, off, log);
}

static status_t parse_one(struct srat_info *s, const uint8_t *p, uint32_t off, struct out *log)
{
	switch (p[0]) {
	case SRAT_LAPIC: return parse_lapic(s, p, off, log);
	case SRAT_MEM: return parse_mem(s, p, off, log);
	case SRAT_X2APIC: return parse_x2apic(s, p, off, log);
	case SRAT_GI: return parse_gi(s, p, off, log);
	default:
		out_log(log, LOG_NOTICE, "SRAT: structure type %u at offset 0x%x not used, skipped",
			p[0], off);
		return ST_OK;
	}
}

status_t srat_parse(const uint8_t *tbl, size_t len, struct srat_info *out, struct out *log)
{
	uint32_t tlen;
	uint8_t rev;
	if (!out)
		return ST_INVALID;
	memset(out, 0, sizeof *out);
	status_t st = acpi_sdt_check(tbl, len, "SRAT", log, &tlen, &rev);
	if (st != ST_OK)
		return st;
	if (tlen < SRAT_FIRST) {
		out_log(log, LOG_ERR, "SRAT: length %u is shorter than the %u-byte fixed part", tlen,
			SRAT_FIRST);
		return ST_TRUNCATED;
	}
	out->revision = rev;
	for (uint32_t off = SRAT_FIRST; off < tlen;) {
		if (tlen - off < 2) {
			st = ST_TRUNCATED;
			out_log(log, LOG_ERR, "SRAT: %u stray byte(s) at offset 0x%x; table rejected",
				tlen - off, off);
			break;
		}
		const uint8_t *p = tbl + off;
		uint8_t type = p[0], slen = p[1];
		uint8_t need = type < sizeof srat_min_len ? srat_min_len[type] : 2;
		if (slen < need || slen > tlen - off) {
			st = slen > tlen - off ? ST_TRUNCATED : ST_INVALID;
			out_log(log, LOG_ERR, "SRAT: structure type %u at offset 0x%x: length %u "
				"(need %u, %u bytes left); table rejected", type, off, slen, need,
				tlen - off);
			break;
		}
		st = parse_one(out, p, off, log);
		if (st != ST_OK)
			break;
		off += slen;
	}
	if (st != ST_OK)
		memset(out, 0, sizeof *out);
	return st;
}
