/* cmd_hotplug.c - `dax reconfigure`: hand-off of a dax device to the page allocator and back.
 *
 *   dax reconfigure DEV system-ram [--unmovable]   devdax -> system-ram (movable-only default)
 *   dax reconfigure DEV devdax [--size BYTES]      system-ram -> devdax (all, or the last BYTES
 *                                                  as whole 2 MiB blocks: the device splits) */
#include "kernel/commands.h"

#include "kernel/cpu.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/args.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static int to_system_ram(uint32_t dev, const char *name, bool movable)
{
	uint64_t t0 = rdtsc();
	status_t st = hotplug_handoff(&K.hotplug, dev, movable);
	uint64_t us = tsc_to_us(rdtsc() - t0);
	if (st != ST_OK) {
		kprintf("dax reconfigure: %s stays %s: %s\n", name,
			dax_mode_str(dax_device_get(&K.dax, dev)->mode), status_str(st));
		return 1;
	}
	const struct hotplug_dev *d = hotplug_dev_of(&K.hotplug, dev);
	kprintf("%s: system-ram, node %u, %s, %lu blocks of 2 MiB online, %lu KiB metadata (%lu us)\n",
		name, d->node, movable ? "movable" : "unmovable (no reclaim guarantee)",
		(unsigned long)(d->npages / HOTPLUG_BLOCK_PAGES), (unsigned long)(d->meta_pages * 4),
		(unsigned long)us);
	return 0;
}

static int to_devdax(uint32_t dev, const char *name, uint64_t bytes)
{
	struct hotplug_reclaim_info info;
	uint64_t t0 = rdtsc();
	status_t st = hotplug_reclaim(&K.hotplug, dev, bytes, &info);
	uint64_t us = tsc_to_us(rdtsc() - t0);
	if (st != ST_OK) {
		kprintf("dax reconfigure: %s stays %s: %s\n", name,
			dax_mode_str(dax_device_get(&K.dax, dev)->mode), status_str(st));
		return 1;
	}
	kprintf("%s: %lu pages reclaimed to devdax, %lu migrated, %lu KiB scrubbed, %lu KiB to scrub "
		"at the next claim (%lu us)\n", name, (unsigned long)info.pages, (unsigned long)info.moved,
		(unsigned long)(info.scrubbed >> 10), (unsigned long)(info.deferred >> 10), (unsigned long)us);
	if (info.split) {
		char nn[DAX_NAME_MAX];
		dax_device_name(&K.dax, info.new_dev, nn, sizeof nn);
		const struct dax_device *x = dax_device_get(&K.dax, info.new_dev);
		kprintf("%s: split: %s [0x%lx-0x%lx) is devdax; %s keeps %lu MiB system-ram\n", name, nn,
			(unsigned long)x->base, (unsigned long)(x->base + x->size), name,
			(unsigned long)(dax_device_get(&K.dax, dev)->size >> 20));
	}
	return 0;
}

int cmd_dax_reconfigure(int argc, char **argv)
{
	uint32_t dev;
	if (argc < 4)
		return shell_usage("dax");
	if (dax_find(&K.dax, argv[2], &dev) != ST_OK) {
		kprintf("dax: no device '%s' (see 'dax list')\n", argv[2]);
		return 1;
	}
	if (strcmp(argv[3], "system-ram") == 0) {
		bool unmovable = argc == 5 && strcmp(argv[4], "--unmovable") == 0;
		if (argc > 5 || (argc == 5 && !unmovable))
			return shell_usage("dax");
		return to_system_ram(dev, argv[2], !unmovable);
	}
	if (strcmp(argv[3], "devdax") == 0) {
		uint64_t bytes = 0;
		if (argc == 6 && strcmp(argv[4], "--size") == 0) {
			char err[128];
			if (arg_size("dax reconfigure: --size", argv[5], 1, UINT64_MAX, &bytes, err,
				     sizeof err) != ST_OK) {
				kprintf("%s\n", err);
				return 1;
			}
		} else if (argc != 4) {
			return shell_usage("dax");
		}
		return to_devdax(dev, argv[2], bytes);
	}
	kprintf("dax reconfigure: unknown mode '%s' (system-ram or devdax)\n", argv[3]);
	return 1;
}
