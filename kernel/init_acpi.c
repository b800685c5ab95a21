/* SPDX-License-Identifier: BSD-2-Clause */
/* init_acpi.c - ACPI bring-up: discover the tables, parse SRAT/SLIT/HMAT into the NUMA
 * topology (with the MADT's CPUs on the fallback node when there is no usable SRAT, and the
 * memory map's memory as present memory), and FADT + DSDT \_S5 for poweroff. A table a
 * parser rejects is left out (its reason was logged) and the kernel goes on without it. */
#include "kernel/init.h"

#include "acpi/fadt.h"
#include "arch/x86_64/power.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"

static struct discover_acpi acpi;

/* Tables are read through the direct map, mapping pages of firmware memory on demand. Before
 * the kernel's own tables exist, only the loader's direct map is there: a firmware pointer
 * beyond it is refused (discovery logs it as unmappable), never dereferenced. */
static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (len == 0 || phys + len < phys)
		return 0;
	if (!kvm_space.pml4_phys.v && phys + len > K.bi->direct_map_size)
		return 0;
	if (kvm_space.pml4_phys.v && kvm_map_firmware(phys, len) != ST_OK)
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
		.pm1a_cnt = (uint16_t)fadt.pm1a_cnt,
		.pm1b_cnt = (uint16_t)fadt.pm1b_cnt,
		.reset_valid = fadt.reset_supported,
		.reset_space = fadt.reset_reg.space_id,
		.reset_addr = fadt.reset_reg.address,
		.reset_value = fadt.reset_value,
	};
	const struct acpi_table *dsdt = acpi_find(&K.acpi, "DSDT");
	if (dsdt && dsdt_find_s5(dsdt->data, dsdt->length, &p.slp_typ_a, &p.slp_typ_b) == ST_OK)
		p.s5_valid = true;
	else
		printk(LOG_WARN, "acpi: no \\_S5 package in the DSDT");
	power_set_acpi(&p);
}

/* The table with signature sig as the discovery pipeline takes it: data only when its
 * checksum verified (acpi_find), listed whenever the RSDT/XSDT names it. */
static struct discover_table table(const char *sig)
{
	struct discover_table d = { 0, 0, false };
	const struct acpi_table *t = acpi_find(&K.acpi, sig);
	if (t)
		d = (struct discover_table){ t->data, t->length, true };
	for (uint32_t i = 0; i < K.acpi.count && !d.listed; i++)
		d.listed = strcmp(K.acpi.t[i].sig, sig) == 0;
	return d;
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
	struct discover_tables in = { table("SRAT"), table("SLIT"), table("HMAT"), table("APIC") };
	CHECK_OK(discover_numa(&in, &K.memmap, &acpi, &K.numa, &kout));
	K.srat = acpi.has_srat ? &acpi.srat : 0;
	K.hmat = acpi.has_hmat ? &acpi.hmat : 0;
	K.numa_acpi = &acpi;
	init_power();
}
