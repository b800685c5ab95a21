/* init_sp.c - specific-purpose memory at boot: discovery, the policy of docs/design.md §6, and the
 * dax regions (one devdax device each) for the pieces HMAT describes.
 *
 *   SP piece whose domain HMAT describes   -> dax region + one unclaimed devdax device
 *   no HMAT data (or no SRAT domain)       -> reserved ("Soft Reserved"), FIRMWARE BUG, taint
 *     ... with spmk.nohmat=device          -> a device anyway, still the warning and taint
 *   efi=nosoftreserve                      -> no SP at all: the normaliser made it RAM */
#include "kernel/init.h"

#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "lib/kstring.h"

static struct mem_affinity aff[SRAT_MAX_MEM];
static uint32_t hmat_pxms[NUMA_MAX_NODES];

static size_t collect_affinity(void)
{
	size_t n = 0;
	for (uint32_t i = 0; K.srat && i < K.srat->n_mem && n < ARRAY_SIZE(aff); i++) {
		const struct srat_mem *m = &K.srat->mem[i];
		aff[n++] = (struct mem_affinity){ m->r.base, m->r.end, m->pxm, m->hotplug };
	}
	return n;
}

static size_t collect_hmat_domains(void)
{
	size_t n = 0;
	for (uint32_t node = 0; node < K.numa.n_nodes; node++)
		if (numa_has_hmat(&K.numa, node))
			hmat_pxms[n++] = K.numa.nodes[node].pxm;
	return n;
}

/* What the firmware gave for an optional table: parsed, listed but rejected (by its parser
 * or its checksum), or none. */
static enum sp_table table_state(const char *sig, const void *parsed)
{
	if (parsed)
		return SP_TABLE_OK;
	for (uint32_t i = 0; i < K.acpi.count; i++)
		if (!strcmp(K.acpi.t[i].sig, sig))
			return SP_TABLE_REJECTED;
	return SP_TABLE_ABSENT;
}

/* spmk.nohmat= in every occurrence, as a comma list: true when one item says "device"; every
 * other item is reported. */
static bool nohmat_device(void)
{
	bool device = false;
	const char *v, *item = 0;
	size_t len = 0;
	for (unsigned pos = 0; (v = cmdline_next(&K.cmdline, "spmk.nohmat", &pos));) {
		while (cmdline_list_next(&v, &item, &len)) {
			if (cmdline_item_is(item, len, "device"))
				device = true;
			else
				printk(LOG_WARN, "cmdline: spmk.nohmat=%.*s not understood (known: device); "
				       "ignored", (int)len, item);
		}
	}
	return device;
}

void init_sp(void)
{
	struct sp_discover_in in = {
		.map = &K.memmap, .aff = aff, .naff = collect_affinity(),
		.have_hmat = K.hmat != 0, .hmat_pxms = hmat_pxms, .nhmat = collect_hmat_domains(),
		.nohmat_device = nohmat_device(),
		.srat = table_state("SRAT", K.srat), .hmat = table_state("HMAT", K.hmat),
	};
	sp_discover(&in, &K.sp, &kout);
	for (uint32_t i = 0; i < K.sp.count; i++) {
		const struct sp_piece *p = &K.sp.p[i];
		if (sp_warn_firmware_bug(p, &kout))
			taint_set(TAINT_FIRMWARE_BUG, "firmware bug: SP memory without HMAT data");
		int node = p->pxm >= 0 ? numa_node_of_pxm(&K.numa, (uint32_t)p->pxm) : -1;
		if (node >= 0 && node < 64)
			K.numa.sp_nodes |= 1ull << node;
		if (p->policy == SP_RESERVED_NO_HMAT)
			continue;
		uint32_t region;
		status_t st = dax_region_add(&K.dax, p->base, p->end - p->base, node, 0, &region);
		if (st != ST_OK)
			printk(LOG_ERR, "dax: no region for SP [0x%lx-0x%lx): %s", (unsigned long)p->base,
			       (unsigned long)p->end, status_str(st));
		else
			printk(LOG_INFO, "dax: region %u [0x%lx-0x%lx) node %d, device dax%u.0 (devdax)", region,
			       (unsigned long)p->base, (unsigned long)p->end, node, region);
	}
}
