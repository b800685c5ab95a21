/* cmd_acpi.c - shell commands over the ACPI tables and the NUMA topology. */
#include "kernel/commands.h"

#include "acpi/numa_hwloc.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/kstring.h"

int cmd_acpi(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "tables") == 0) {
		acpi_print_tables(&K.acpi, &kout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return acpi_dump_table(&K.acpi, argv[2], &kout) == ST_OK ? 0 : 1;
	return shell_usage("acpi");
}

/* What each node holds in the page allocator now (handed-off SP memory included). */
static void print_online_memory(void)
{
	kprintf("page allocator memory per node:\n");
	for (uint32_t node = 0; node < K.numa.n_nodes; node++) {
		struct buddy_stats all, movable;
		if (buddy_stats(&K.buddy, (int)node, -1, &all) != ST_OK ||
		    buddy_stats(&K.buddy, (int)node, BUDDY_ZONE_MOVABLE, &movable) != ST_OK)
			continue;
		kprintf("  node %u: %lu MiB online (%lu MiB movable-only), %lu MiB free\n", node,
			(unsigned long)(all.total >> 8), (unsigned long)(movable.total >> 8),
			(unsigned long)(all.free >> 8));
	}
}

int cmd_numa(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--hwloc") == 0)
		return numa_print_hwloc(&K.numa, &kout) == ST_OK ? 0 : 1;
	bool json = argc == 2 && strcmp(argv[1], "-j") == 0;
	if (argc > 2 || (argc == 2 && !json))
		return shell_usage("numa");
	numa_print(&K.numa, &kout, json);
	if (!json)
		print_online_memory();
	return 0;
}
