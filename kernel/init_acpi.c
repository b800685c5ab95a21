/* init_acpi.c - ACPI bring-up: discover the tables, parse SRAT/SLIT/HMAT into the NUMA
 * topology (with the MADT's CPUs on the fallback node when there is no usable SRAT, and the
 * memory map's memory as present memory), and FADT + DSDT \_S5 for poweroff. A table a
 * parser rejects is left out (its reason was logged) and the kernel goes on without it. */
#include "kernel/init.h"

#include "acpi/fadt.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "lib/kstring.h"

static struct srat_info srat;
static struct slit_info slit;
static struct hmat_info hmat;
static struct madt_info madt;
static struct range present[MEMMAP_MAX_RANGES];

/* Tables are read through the direct map, mapping pages of firmware memory on demand. Before
 * the kernel's own tables exist, only the loader's direct map is there: a firmware pointer
 * beyond it is refused (discovery logs it as unmappable), never dereferenced. */
static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (len == 0 || phys + len < phys)
		return 0;
	if (!kvm_space.pml4_phys && phys + len > K.bi->direct_map_size)
		return 0;
	if (kvm_space.pml4_phys && kvm_map_firmware(phys, len) != ST_OK)
		return 0;
	return phys_to_virt(phys);
}

static void init_power(void)
{
	const struct acpi_table *t = acpi_find(&K.acpi, "FACP");
	struct fadt_info fadt;
	if (!t || fadt_parse(t->data, t->length, &fadt, &kout) != ST_OK) {
		printk(LOG_WARN, "acpi: no usable FADT; poweroff falls back to isa-debug-exit");
		return;
	}
	struct power_acpi p = {
		.pm1a_cnt = (uint16_t)fadt.pm1a_cnt, .pm1b_cnt = (uint16_t)fadt.pm1b_cnt,
		.reset_valid = fadt.reset_supported, .reset_space = fadt.reset_reg.space_id,
		.reset_addr = fadt.reset_reg.address, .reset_value = fadt.reset_value,
	};
	const struct acpi_table *dsdt = acpi_find(&K.acpi, "DSDT");
	if (dsdt && dsdt_find_s5(dsdt->data, dsdt->length, &p.slp_typ_a, &p.slp_typ_b) == ST_OK)
		p.s5_valid = true;
	else
		printk(LOG_WARN, "acpi: no \\_S5 package in the DSDT");
	power_set_acpi(&p);
}

/* Parses one optional table; returns the parsed info or NULL when absent or rejected. */
#define PARSE_OPTIONAL(sig, fn, info)                                                   \
	({                                                                              \
		const struct acpi_table *t_ = acpi_find(&K.acpi, sig);                  \
		bool ok_ = t_ && fn(t_->data, t_->length, &(info), &kout) == ST_OK;     \
		if (t_ && !ok_)                                                         \
			printk(LOG_ERR, "acpi: %s rejected; continuing without it", sig); \
		ok_ ? &(info) : 0;                                                      \
	})

/* Whether the firmware gave a table with this signature (even one its checksum or parser
 * rejected). */
static bool table_listed(const char *sig)
{
	for (uint32_t i = 0; i < K.acpi.count; i++)
		if (!strcmp(K.acpi.t[i].sig, sig))
			return true;
	return false;
}

/* Memory the map holds (any kind but MMIO, reserved and unusable), for the NUMA view. */
static size_t collect_present(void)
{
	size_t n = 0;
	for (uint32_t i = 0; i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (r->kind == MEM_MMIO || r->kind == MEM_RESERVED || r->kind == MEM_UNUSABLE)
			continue;
		present[n++] = (struct range){ r->base, r->end };
	}
	return n;
}

void init_acpi(void)
{
	const struct boot_info *bi = K.bi;
	if (!bi->rsdp_phys) {
		printk(LOG_WARN, "acpi: the firmware gave no RSDP");
	} else if (acpi_discover(bi->rsdp_phys, acpi_map, 0, &K.acpi, &kout) == ST_OK) {
		printk(LOG_INFO, "acpi: %u tables via %s at 0x%lx", K.acpi.count,
		       K.acpi.via_xsdt ? "XSDT" : "RSDT", (unsigned long)K.acpi.root_phys);
	}
	const struct srat_info *s = PARSE_OPTIONAL("SRAT", srat_parse, srat);
	const struct slit_info *l = PARSE_OPTIONAL("SLIT", slit_parse, slit);
	const struct hmat_info *h = PARSE_OPTIONAL("HMAT", hmat_parse, hmat);
	const struct madt_info *m = PARSE_OPTIONAL("APIC", madt_parse, madt);
	K.hmat = h;
	K.srat = s;
	numa_build(&K.numa, s, l, h, &kout);
	K.numa.srat_rejected = !s && table_listed("SRAT");
	numa_fallback_cpus(&K.numa, m);
	numa_set_present(&K.numa, present, collect_present(), &kout);
	printk(LOG_INFO, "numa: %u node(s)%s%s%s", K.numa.n_nodes,
	       s ? ", SRAT" : K.numa.srat_rejected ? ", SRAT rejected: one fallback node" : "",
	       l ? ", SLIT" : "", h ? ", HMAT" : "");
	init_power();
}
