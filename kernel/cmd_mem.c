/* cmd_mem.c - shell commands about physical memory: memmap (raw and normalised). */
#include "kernel/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/kstring.h"
#include "mm/memmap.h"

int cmd_memmap(int argc, char **argv)
{
	const struct boot_info *bi = K.bi;
	if (argc == 1) {
		memmap_print_raw(phys_to_virt(bi->memmap_phys), bi->memmap_size, bi->desc_size, &kout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-n") == 0) {
		memmap_print(&K.memmap, &kout);
		return 0;
	}
	return shell_usage("memmap");
}
