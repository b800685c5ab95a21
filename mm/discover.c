/* SPDX-License-Identifier: BSD-2-Clause */
/* discover.c - the boot discovery pipeline (see discover.h): options and memory map, ACPI
 * NUMA tables, SP pieces and their dax regions. */
#include "mm/discover.h"

#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/types.h"
#include "mm/fake_mem.h"

status_t discover_memmap(const void *raw, size_t raw_size, uint32_t desc_size,
			 const struct discover_options *opt, struct memmap_opts *mopts,
			 struct memmap *map, struct out *log)
{
	return discover_memmap_into(raw, raw_size, desc_size, opt, mopts, map, NULL, 0, log);
}

status_t discover_memmap_into(const void *raw, size_t raw_size, uint32_t desc_size,
			      const struct discover_options *opt, struct memmap_opts *mopts,
			      struct memmap *map, struct mem_range *storage, uint32_t cap,
			      struct out *log)
{
	if (!opt || !mopts || !map)
		return ST_INVALID;
	if (!storage) {
		storage = map->r0;
		cap = MEMMAP_MAX_RANGES;
	}
	memmap_opts_init(mopts);
	mopts->maxphyaddr = opt->maxphyaddr; /* checked by the normaliser */
	/* Every occurrence applies, in order (Linux appends efi_fake_mem= ranges and sets each
	 * efi= flag it is given). */
	for (unsigned i = 0; i < opt->n_efi_fake_mem && i < DISCOVER_OPTS_MAX; i++)
		memmap_opts_parse_fake_mem(opt->efi_fake_mem[i], mopts, log);
	for (unsigned i = 0; i < opt->n_efi && i < DISCOVER_OPTS_MAX; i++)
		memmap_opts_parse_efi(opt->efi[i], mopts, log);
	if (mopts->debug) {
		out_log(log, LOG_INFO, "efi=debug: the memory map as received:");
		memmap_print_raw(raw, raw_size, desc_size, log);
	}
	status_t st =
		memmap_normalize_into(raw, raw_size, desc_size, mopts, map, storage, cap, log);
	if (st != ST_OK) {
		out_log(log, LOG_ERR, "memmap: normalisation failed (%s)", status_str(st));
		if (st != ST_NOMEM) /* desc_size may be 0: no summary */
			return st;
	}
	out_log(log, LOG_INFO,
		"memmap: %lu descriptors -> %u ranges (MAXPHYADDR %u); usable %lu MiB, SP %lu MiB",
		(unsigned long)(raw_size / desc_size), map->count,
		mopts->maxphyaddr ? mopts->maxphyaddr : MEMMAP_MAXPHYADDR_MAX,
		(unsigned long)(memmap_pages_of(map, MEM_USABLE) >> 8),
		(unsigned long)(memmap_pages_of(map, MEM_SP) >> 8));
	return st;
}

/* Parses one optional table into info; false when absent or rejected (logged). */
static bool parse_optional(const char *sig, const struct discover_table *tbl,
			   status_t (*parse)(const uint8_t *, size_t, void *, struct out *),
			   void *info, struct out *log)
{
	if (!tbl->data)
		return false;
	if (parse(tbl->data, tbl->len, info, log) == ST_OK)
		return true;
	out_log(log, LOG_ERR, "acpi: %s rejected; continuing without it", sig);
	return false;
}

/* The parsers take their own info type; these adapt them to parse_optional. */
static status_t parse_srat(const uint8_t *p, size_t n, void *i, struct out *o)
{
	return srat_parse(p, n, i, o);
}
static status_t parse_slit(const uint8_t *p, size_t n, void *i, struct out *o)
{
	return slit_parse(p, n, i, o);
}
static status_t parse_hmat(const uint8_t *p, size_t n, void *i, struct out *o)
{
	return hmat_parse(p, n, i, o);
}
static status_t parse_madt(const uint8_t *p, size_t n, void *i, struct out *o)
{
	return madt_parse(p, n, i, o);
}

/* What the firmware gave for a table SP discovery explains: parsed, listed but rejected (by
 * its parser or its checksum), or none. */
static enum sp_table table_state(const struct discover_table *tbl, bool parsed)
{
	return parsed                     ? SP_TABLE_OK
	       : tbl->listed || tbl->data ? SP_TABLE_REJECTED
					  : SP_TABLE_ABSENT;
}

static struct range present[MEMMAP_MAX_RANGES];

/* Memory the map holds (any kind but MMIO, reserved and unusable), for the NUMA view; touching
 * ranges are one. A map with more than MEMMAP_MAX_RANGES separate runs of it (the view needs
 * them only for a fallback node or a hot-pluggable SRAT range) keeps the first ones, said once. */
static size_t collect_present(const struct memmap *map, struct out *log)
{
	size_t n = 0;
	for (uint32_t i = 0; i < map->count; i++) {
		const struct mem_range *r = &map->r[i];
		if (r->kind == MEM_MMIO || r->kind == MEM_RESERVED || r->kind == MEM_UNUSABLE)
			continue;
		if (n && present[n - 1].end == r->base) {
			present[n - 1].end = r->end;
			continue;
		}
		if (n == ARRAY_SIZE(present)) {
			out_log(log, LOG_WARN,
				"numa: more than %zu separate runs of present memory; "
				"[0x%llx, 0x%llx) and above not in the NUMA view (still managed)",
				ARRAY_SIZE(present), (unsigned long long)r->base,
				(unsigned long long)r->end);
			break;
		}
		present[n++] = (struct range){ r->base, r->end };
	}
	return n;
}

status_t discover_numa(const struct discover_tables *in, const struct memmap *map,
		       struct discover_acpi *a, struct numa_topology *t, struct out *log)
{
	if (!in || !map || !a || !t)
		return ST_INVALID;
	a->srat.over_pxm = false; /* set only by a parse that finds too many domains */
	a->has_srat = parse_optional("SRAT", &in->srat, parse_srat, &a->srat, log);
	bool limit = !a->has_srat && a->srat.over_pxm; /* NUMA off: SLIT and HMAT say nothing */
	if (limit && (in->slit.data || in->hmat.data))
		out_log(log, LOG_INFO, "acpi: SLIT and HMAT not used (NUMA off)");
	a->has_slit = !limit && parse_optional("SLIT", &in->slit, parse_slit, &a->slit, log);
	a->has_hmat = !limit && parse_optional("HMAT", &in->hmat, parse_hmat, &a->hmat, log);
	a->has_madt = parse_optional("APIC", &in->madt, parse_madt, &a->madt, log);
	a->srat_state = limit ? SP_TABLE_LIMIT : table_state(&in->srat, a->has_srat);
	a->hmat_state = limit ? SP_TABLE_LIMIT : table_state(&in->hmat, a->has_hmat);
	/* numa_build refuses only a NULL topology */
	CHECK_OK(numa_build(t, a->has_srat ? &a->srat : NULL, a->has_slit ? &a->slit : NULL,
			    a->has_hmat ? &a->hmat : NULL, log));
	t->srat_rejected = a->srat_state == SP_TABLE_REJECTED || limit;
	numa_fallback_cpus(t, a->has_madt ? &a->madt : NULL);
	numa_set_present(t, present, collect_present(map, log), log); /* its refusals are logged */
	out_log(log, LOG_INFO, "numa: %u node(s)%s%s%s", t->n_nodes,
		a->has_srat        ? ", SRAT"
		: limit            ? ", NUMA off (more domains than supported): one node"
		: t->srat_rejected ? ", SRAT rejected: one fallback node"
				   : "",
		a->has_slit ? ", SLIT" : "", a->has_hmat ? ", HMAT" : "");
	return ST_OK;
}

static struct mem_affinity aff[SRAT_MAX_MEM];
static uint32_t hmat_pxms[NUMA_MAX_NODES];

/* The enabled SRAT memory affinity ranges (srat_parse keeps only enabled ones). */
static size_t collect_affinity(const struct discover_acpi *a)
{
	size_t n = 0;
	for (uint32_t i = 0; a->has_srat && i < a->srat.n_mem && n < ARRAY_SIZE(aff); i++) {
		const struct srat_mem *m = &a->srat.mem[i];
		aff[n++] = (struct mem_affinity){ m->r.base, m->r.end, m->pxm, m->hotplug };
	}
	return n;
}

/* The proximity domains of the nodes HMAT says something about (docs/choices.md). */
static size_t collect_hmat_domains(const struct numa_topology *t)
{
	size_t n = 0;
	for (uint32_t node = 0; node < t->n_nodes && n < ARRAY_SIZE(hmat_pxms); node++)
		if (numa_has_hmat(t, node))
			hmat_pxms[n++] = t->nodes[node].pxm;
	return n;
}

static void add_region(const struct sp_piece *p, int node, struct dax *dax, struct out *log)
{
	uint32_t region;
	status_t st = dax_region_add(dax, (struct range){ p->base, p->end }, node, 0, &region);
	if (st != ST_OK)
		out_log(log, LOG_ERR, "dax: no region for SP [0x%lx-0x%lx): %s",
			(unsigned long)p->base, (unsigned long)p->end, status_str(st));
	else
		out_log(log, LOG_INFO,
			"dax: region %u [0x%lx-0x%lx) node %d, device dax%u.0 (devdax)", region,
			(unsigned long)p->base, (unsigned long)p->end, node, region);
}

status_t discover_sp(const struct memmap *map, const struct discover_acpi *a,
		     struct numa_topology *t, const struct discover_options *opt, struct sp_set *sp,
		     struct dax *dax, bool *firmware_bug, struct out *log)
{
	if (!map || !a || !t || !opt || !sp || !dax || !firmware_bug)
		return ST_INVALID;
	struct sp_discover_in in = {
		.map = map,
		.aff = aff,
		.naff = collect_affinity(a),
		.have_hmat = a->has_hmat,
		.hmat_pxms = hmat_pxms,
		.nhmat = collect_hmat_domains(t),
		.nohmat_device = opt->nohmat_device,
		.srat = a->srat_state,
		.hmat = a->hmat_state,
	};
	status_t st = sp_discover(&in, sp, log);
	*firmware_bug = false;
	if (sp->count == 0) /* most machines: normal, not an error (docs/disk.md) */
		out_log(log, LOG_INFO,
			"dax: no specific-purpose memory (EFI_MEMORY_SP): no dax "
			"devices; all memory is in the page allocator");
	for (uint32_t i = 0; i < sp->count; i++) {
		const struct sp_piece *p = &sp->p[i];
		if (sp_warn_firmware_bug(p, log))
			*firmware_bug = true;
		int node = p->pxm >= 0 ? numa_node_of_pxm(t, (uint32_t)p->pxm) : -1;
		if (node >= 0 && node < 64)
			t->sp_nodes |= 1ull << node;
		if (p->policy != SP_RESERVED_NO_HMAT)
			add_region(p, node, dax, log);
	}
	return st;
}
