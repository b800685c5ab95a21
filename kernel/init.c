/* init.c - subsystem bring-up, in dependency order:
 *   1. memory map: options (efi_fake_mem=, efi=debug,nosoftreserve), then normalisation;
 *   2. ACPI tables, NUMA topology, poweroff (init_acpi.c);
 *   3. page allocator and the kernel's page tables (init_mm.c);
 *   4. SP discovery, boot policy and dax regions (init_sp.c, kdax.c);
 *   5. memory objects and hand-off/reclaim of dax devices (khotplug.c). */
#include "kernel/init.h"

#include "kernel/cpu.h"
#include "kernel/kdax.h"
#include "kernel/khotplug.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "lib/kstring.h"

static void init_memmap(void)
{
	const struct boot_info *bi = K.bi;
	memmap_opts_init(&K.memmap_opts);
	K.memmap_opts.maxphyaddr = (uint8_t)cpu_phys_addr_bits(); /* checked by the normaliser */
	/* Every occurrence applies, in order (Linux appends efi_fake_mem= ranges and sets each
	 * efi= flag it is given). */
	const char *v;
	for (unsigned pos = 0; (v = cmdline_next(&K.cmdline, "efi_fake_mem", &pos));)
		memmap_opts_parse_fake_mem(v, &K.memmap_opts, &kout);
	for (unsigned pos = 0; (v = cmdline_next(&K.cmdline, "efi", &pos));)
		memmap_opts_parse_efi(v, &K.memmap_opts, &kout);
	if (K.memmap_opts.debug) {
		printk(LOG_INFO, "efi=debug: the memory map as received:");
		memmap_print_raw(phys_to_virt(bi->memmap_phys), bi->memmap_size, bi->desc_size, &kout);
	}
	status_t st = memmap_normalize(phys_to_virt(bi->memmap_phys), bi->memmap_size, bi->desc_size,
				       &K.memmap_opts, &K.memmap, &kout);
	if (st != ST_OK)
		printk(LOG_ERR, "memmap: normalisation failed (%s)", status_str(st));
	printk(LOG_INFO, "memmap: %u descriptors -> %u ranges (MAXPHYADDR %u); usable %lu MiB, SP %lu MiB",
	       (unsigned)(bi->memmap_size / bi->desc_size), K.memmap.count, K.memmap_opts.maxphyaddr,
	       (unsigned long)(memmap_pages_of(&K.memmap, MEM_USABLE) >> 8),
	       (unsigned long)(memmap_pages_of(&K.memmap, MEM_SP) >> 8));
}

void init_subsystems(void)
{
	init_memmap();
	init_acpi();
	init_mm();
	kdax_init();
	if (K.mm_ready) {
		init_sp();
		khotplug_init();
	}
}
