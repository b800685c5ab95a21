/* SPDX-License-Identifier: BSD-2-Clause */
/* sp.c - SP memory discovery: merge SP runs, split by SRAT domain, decide policy (see sp.h). */
#include "mm/sp.h"

#include "acpi/srat.h"

#include "lib/fmt.h"
#include "lib/types.h"

#define U(x) ((unsigned long long)(x))

/* An affinity entry's bounds, rounded down to 4 KiB; false when that leaves it empty. */
static bool sp_aff_bounds(const struct mem_affinity *a, uint64_t *b, uint64_t *e)
{
	*b = ALIGN_DOWN(a->base, PAGE_SIZE);
	*e = ALIGN_DOWN(a->end, PAGE_SIZE);
	return *b < *e;
}

/* Lowest-index affinity entry containing addr, or -1. */
static long sp_aff_find(const struct sp_discover_in *in, uint64_t addr)
{
	for (size_t k = 0; k < in->naff; k++) {
		uint64_t b, e;
		if (sp_aff_bounds(&in->aff[k], &b, &e) && b <= addr && addr < e)
			return (long)k;
	}
	return -1;
}

/* Where the domain of addr may change: the end of entry k (if any), or the next start of any
 * entry (a lower-index one takes over there; a higher-index one is checked for conflicts, and
 * sp_emit() joins the two parts again when the domain stays the same). */
static uint64_t sp_aff_stop(const struct sp_discover_in *in, long k, uint64_t addr, uint64_t end)
{
	uint64_t stop = end, b, e;
	if (k >= 0 && sp_aff_bounds(&in->aff[k], &b, &e))
		stop = MIN(stop, e);
	for (size_t j = 0; j < in->naff; j++)
		if (sp_aff_bounds(&in->aff[j], &b, &e) && b > addr)
			stop = MIN(stop, b);
	return stop;
}

static void sp_log_aff_conflict(const struct sp_discover_in *in, long k, uint64_t addr,
				struct out *log)
{
	for (size_t j = (size_t)k + 1; j < in->naff; j++) {
		uint64_t b, e;
		if (sp_aff_bounds(&in->aff[j], &b, &e) && b <= addr && addr < e &&
		    in->aff[j].pxm != in->aff[k].pxm)
			out_log(log, LOG_WARN,
				"sp: SRAT memory affinities overlap at 0x%llx: pxm %u "
				"used, pxm %u ignored",
				U(addr), in->aff[k].pxm, in->aff[j].pxm);
	}
}

/* Appends [b, e) with pxm, extending the previous piece when it touches with the same pxm. */
static status_t sp_emit(struct sp_set *s, uint64_t b, uint64_t e, int pxm)
{
	if (s->count && s->p[s->count - 1].end == b && s->p[s->count - 1].pxm == pxm) {
		s->p[s->count - 1].end = e;
		return ST_OK;
	}
	if (s->count >= s->cap) { /* counted; sp_discover reports it once */
		if (!s->overflow_bytes)
			s->overflow_base = b;
		s->overflow_bytes += e - b;
		return ST_OK;
	}
	s->p[s->count++] = (struct sp_piece){ .base = b, .end = e, .pxm = pxm };
	return ST_OK;
}

static status_t sp_split_run(const struct sp_discover_in *in, uint64_t base, uint64_t end,
			     struct sp_set *s, struct out *log)
{
	uint64_t cur = base;
	while (cur < end) {
		long k = sp_aff_find(in, cur);
		uint64_t stop = sp_aff_stop(in, k, cur, end);
		if (k >= 0)
			sp_log_aff_conflict(in, k, cur, log);
		int pxm = k >= 0 ? (int)in->aff[k].pxm : -1;
		if (pxm < -1)
			pxm = -1; /* domains above INT_MAX cannot be nodes */
		status_t st = sp_emit(s, cur, stop, pxm);
		if (st != ST_OK)
			return st;
		cur = stop;
	}
	return ST_OK;
}

static bool sp_hmat_has(const struct sp_discover_in *in, int pxm)
{
	for (size_t i = 0; pxm >= 0 && in->hmat_pxms && i < in->nhmat; i++)
		if (in->hmat_pxms[i] == (uint32_t)pxm)
			return true;
	return false;
}

static uint64_t sp_align_of(uint64_t b, uint64_t e)
{
	uint64_t x = b | e;
	if (IS_ALIGNED(x, SIZE_1G))
		return SIZE_1G;
	if (IS_ALIGNED(x, SIZE_2M))
		return SIZE_2M;
	if (IS_ALIGNED(x, PAGE_SIZE))
		return PAGE_SIZE;
	return 0;
}

static void sp_decide(const struct sp_discover_in *in, struct sp_piece *p)
{
	bool have_hmat = in->have_hmat || in->nhmat > 0;
	if (p->pxm < 0)
		p->missing = in->srat == SP_TABLE_ABSENT     ? SP_MISSING_SRAT_TABLE
			     : in->srat == SP_TABLE_REJECTED ? SP_MISSING_SRAT_BAD
			     : in->srat == SP_TABLE_LIMIT    ? SP_MISSING_SRAT_LIMIT
							     : SP_MISSING_SRAT;
	else if (!have_hmat)
		p->missing = in->hmat == SP_TABLE_REJECTED ? SP_MISSING_HMAT_BAD : SP_MISSING_HMAT;
	else if (!sp_hmat_has(in, p->pxm))
		p->missing = SP_MISSING_HMAT_DOMAIN;
	else
		p->missing = SP_MISSING_NONE;
	if (p->missing == SP_MISSING_NONE)
		p->policy = SP_DEVICE;
	else
		p->policy = in->nohmat_device ? SP_DEVICE_NO_HMAT : SP_RESERVED_NO_HMAT;
	p->align = sp_align_of(p->base, p->end);
}

void sp_set_storage(struct sp_set *s, struct sp_piece *storage, uint32_t cap)
{
	s->p = storage && cap ? storage : s->p0;
	s->cap = storage && cap ? cap : SP_PIECES_MAX;
	s->count = 0;
}

uint64_t sp_pieces_bound(const struct memmap *m, size_t naff)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < m->count; i++)
		n += m->r[i].kind == MEM_SP;
	return n + 2 * (uint64_t)naff;
}

status_t sp_discover(const struct sp_discover_in *in, struct sp_set *out, struct out *log)
{
	if (!in || !in->map || !out || (!in->aff && in->naff))
		return ST_INVALID;
	if (!out->p || !out->cap)
		sp_set_storage(out, NULL, 0);
	out->count = 0;
	out->overflow_bytes = out->overflow_base = 0;
	const struct memmap *m = in->map;
	status_t st = ST_OK;
	for (uint32_t i = 0; i < m->count && i < m->cap && st == ST_OK; i++) {
		if (m->r[i].kind != MEM_SP)
			continue;
		uint64_t base = m->r[i].base, end = m->r[i].end;
		while (i + 1 < m->count && m->r[i + 1].kind == MEM_SP && m->r[i + 1].base == end)
			end = m->r[++i].end;
		st = sp_split_run(in, base, end, out, log);
	}
	if (out->overflow_bytes) {
		out_log(log, LOG_ERR,
			"sp: more than %u SP pieces (the size of the piece table); stopped "
			"at 0x%llx: %llu KiB of SP memory from there on is reserved, not a device",
			out->cap, U(out->overflow_base), U(out->overflow_bytes >> 10));
		st = ST_NOMEM;
	}
	for (uint32_t i = 0; i < out->count; i++) {
		sp_decide(in, &out->p[i]);
		const struct sp_piece *p = &out->p[i];
		out_log(log, LOG_INFO, "sp: piece [0x%llx-0x%llx) pxm %d align 0x%llx: %s",
			U(p->base), U(p->end), p->pxm, U(p->align), sp_policy_name(p->policy));
	}
	return st;
}

bool sp_map_overlaps(const struct memmap *m, uint64_t base, uint64_t end)
{
	for (uint32_t i = memmap_lower(m, base); i < m->count && m->r[i].base < end; i++) {
		const struct mem_range *r = &m->r[i];
		if ((r->kind == MEM_SP || (r->attr & EFI_MEMORY_SP)) && r->base < end &&
		    base < r->end)
			return true;
	}
	return false;
}

uint64_t sp_set_bytes(const struct sp_set *s)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < s->count; i++)
		sum += s->p[i].end - s->p[i].base;
	return sum;
}

const char *sp_policy_name(enum sp_policy p)
{
	switch (p) {
	case SP_DEVICE: return "device";
	case SP_RESERVED_NO_HMAT: return "reserved (no HMAT data)";
	case SP_DEVICE_NO_HMAT: return "device (spmk.nohmat=device)";
	default: return "?";
	}
}

int sp_format_firmware_bug(const struct sp_piece *p, char *buf, size_t size)
{
	char what[96];
	if (size)
		buf[0] = 0;
	if (p->policy == SP_DEVICE)
		return 0;
	switch (p->missing) {
	case SP_MISSING_SRAT:
		fmt_snprintf(what, sizeof what, "no SRAT memory affinity covers it");
		break;
	case SP_MISSING_SRAT_TABLE:
		fmt_snprintf(what, sizeof what, "no SRAT, so no proximity domain");
		break;
	case SP_MISSING_SRAT_BAD:
		fmt_snprintf(what, sizeof what,
			     "the SRAT was rejected (error above), so no "
			     "proximity domain");
		break;
	case SP_MISSING_SRAT_LIMIT:
		fmt_snprintf(what, sizeof what,
			     "NUMA is off (more proximity domains than the %u "
			     "supported, error above), so no node",
			     SRAT_MAX_PXM);
		break;
	case SP_MISSING_HMAT:
		fmt_snprintf(what, sizeof what, "no HMAT, so no data for pxm %d", p->pxm);
		break;
	case SP_MISSING_HMAT_BAD:
		fmt_snprintf(what, sizeof what,
			     "the HMAT was rejected (error above), so no data "
			     "for pxm %d",
			     p->pxm);
		break;
	default: fmt_snprintf(what, sizeof what, "no HMAT data for pxm %d", p->pxm); break;
	}
	return fmt_snprintf(
		buf, size, "%sspecific-purpose memory [0x%llx-0x%llx) (%llu KiB): %s; %s",
		p->missing == SP_MISSING_SRAT_LIMIT ? "" : "FIRMWARE BUG: ", U(p->base), U(p->end),
		U((p->end - p->base) >> 10), what,
		p->policy == SP_DEVICE_NO_HMAT
			? "dax device created anyway (spmk.nohmat=device)"
			: "left reserved, no dax device (spmk.nohmat=device creates one)");
}

bool sp_warn_firmware_bug(const struct sp_piece *p, struct out *log)
{
	char buf[320];
	if (sp_format_firmware_bug(p, buf, sizeof buf) <= 0)
		return false;
	out_log(log, LOG_WARN, "%s", buf);
	return p->missing != SP_MISSING_SRAT_LIMIT; /* spmk's limit, not the firmware's fault */
}

void sp_print(const struct sp_set *s, struct out *o)
{
	for (uint32_t i = 0; i < s->count; i++) {
		const struct sp_piece *p = &s->p[i];
		out_printf(o, "  sp [0x%016llx-0x%016llx) %10llu KiB pxm %3d align %-4s %s\n",
			   U(p->base), U(p->end), U((p->end - p->base) >> 10), p->pxm,
			   p->align == SIZE_1G     ? "1G"
			   : p->align == SIZE_2M   ? "2M"
			   : p->align == PAGE_SIZE ? "4K"
						   : "none",
			   sp_policy_name(p->policy));
	}
	out_printf(o, "sp: %u pieces, %llu KiB\n", s->count, U(sp_set_bytes(s) >> 10));
}
