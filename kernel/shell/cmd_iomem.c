/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_iomem.c - `iomem`: the physical address map in the layout of Linux's /proc/iomem.
 *
 * Top level: the normalised memory map, with touching RAM kinds merged into "System RAM".
 * SP ranges are "Soft Reserved"; under them each dax device appears by name, and a device
 * handed to the page allocator shows "System RAM (kmem)" under its name. The kernel image is a
 * child of System RAM. End addresses are inclusive, as in Linux. */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"

static const char *iomem_name(enum mem_kind k)
{
	switch (k) {
	case MEM_USABLE:
	case MEM_KERNEL:
	case MEM_PAGETABLE:
	case MEM_BOOTINFO: return "System RAM";
	case MEM_SP: return "Soft Reserved";
	case MEM_ACPI_RECLAIM: return "ACPI Tables";
	case MEM_ACPI_NVS: return "ACPI Non-volatile Storage";
	case MEM_PERSISTENT: return "Persistent Memory";
	case MEM_UNUSABLE: return "Unusable memory";
	default: return "Reserved";
	}
}

static void line(int depth, uint64_t base, uint64_t end, const char *name)
{
	kprintf("%*s%08lx-%08lx : %s\n", depth * 2, "", (unsigned long)base,
		(unsigned long)(end - 1), name);
}

static void print_children(uint64_t base, uint64_t end, enum mem_kind kind)
{
	if (kind == MEM_SP) {
		for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
			const struct dax_device *d = dax_device_get(&K.dax, i);
			if (!d || !d->used || d->base < base || d->base >= end)
				continue;
			char name[DAX_NAME_MAX];
			dax_device_name(&K.dax, i, name, sizeof name);
			line(1, d->base, d->base + d->size, name);
			if (d->mode == DAX_MODE_SYSTEM_RAM)
				line(2, d->base, d->base + d->size, "System RAM (kmem)");
		}
		return;
	}
	for (uint32_t i = 0; i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (r->kind == MEM_KERNEL && r->base >= base && r->end <= end)
			line(1, r->base, r->end, "Kernel image");
	}
}

int cmd_iomem(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	const struct memmap *m = &K.memmap;
	for (uint32_t i = 0; i < m->count;) {
		const char *name = iomem_name(m->r[i].kind);
		uint64_t base = m->r[i].base, end = m->r[i].end;
		uint32_t j = i + 1;
		while (j < m->count && m->r[j].base == end && iomem_name(m->r[j].kind) == name)
			end = m->r[j++].end;
		line(0, base, end, name);
		print_children(base, end, m->r[i].kind);
		i = j;
	}
	return 0;
}
