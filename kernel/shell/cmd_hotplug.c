/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_hotplug.c - `dax reconfigure`: hand-off of a dax device to the page allocator and back.
 *
 *   dax reconfigure DEV system-ram [--unmovable] [--memmap auto|normal|on-memory]
 *                                                  devdax -> system-ram (movable-only default;
 *                                                  page words where --memmap says: mm/hotplug.h)
 *   dax reconfigure DEV devdax [--size BYTES]      system-ram -> devdax (all, or the last BYTES
 *                                                  as whole 2 MiB blocks: the device splits) */
#include "kernel/shell/commands.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_parse.h"
#include "lib/args.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static int to_system_ram(uint32_t dev, const char *name, bool movable, enum hotplug_memmap where)
{
	uint64_t t0 = rdtsc();
	status_t st = hotplug_handoff_memmap(&K.hotplug, dev, movable, where);
	uint64_t us = tsc_to_us(rdtsc() - t0);
	if (st != ST_OK)
		return shell_error("%s stays %s", name,
				   dax_mode_str(dax_device_get(&K.dax, dev)->mode));
	const struct hotplug_dev *d = hotplug_dev_of(&K.hotplug, dev);
	kprintf("%s: system-ram, node %u, %s, %lu blocks of 2 MiB online, %lu KiB metadata%s (%lu "
		"us)\n",
		name, d->node, movable ? "movable" : "unmovable (no reclaim guarantee)",
		(unsigned long)(d->npages / HOTPLUG_BLOCK_PAGES),
		(unsigned long)(d->meta_pages * 4), d->meta_on_memory ? " on the device" : "",
		(unsigned long)us);
	return 0;
}

static int to_devdax(uint32_t dev, const char *name, uint64_t bytes)
{
	struct hotplug_reclaim_info info;
	uint64_t t0 = rdtsc();
	status_t st = hotplug_reclaim(&K.hotplug, dev, bytes, &info);
	uint64_t us = tsc_to_us(rdtsc() - t0);
	if (st != ST_OK)
		return shell_error("%s stays %s", name,
				   dax_mode_str(dax_device_get(&K.dax, dev)->mode));
	kprintf("%s: %lu pages reclaimed to devdax, %lu migrated, %lu KiB scrubbed, %lu KiB to "
		"scrub "
		"at the next claim (%lu us)\n",
		name, (unsigned long)info.pages, (unsigned long)info.moved,
		(unsigned long)(info.scrubbed >> 10), (unsigned long)(info.deferred >> 10),
		(unsigned long)us);
	if (info.split) {
		char nn[DAX_NAME_MAX];
		dax_device_name(&K.dax, info.new_dev, nn, sizeof nn);
		const struct dax_device *x = dax_device_get(&K.dax, info.new_dev);
		kprintf("%s: split: %s [0x%lx-0x%lx) is devdax; %s keeps %lu MiB system-ram\n",
			name, nn, (unsigned long)x->base, (unsigned long)(x->base + x->size), name,
			(unsigned long)(dax_device_get(&K.dax, dev)->size >> 20));
	}
	return 0;
}

/* The arguments of reconfigure in both spellings: DEV MODE [--unmovable] [--size BYTES]
 * (spmk) and DEV --mode=MODE|-m MODE [--no-movable] [--size=BYTES] (daxctl). */
struct reconf_args {
	const char *dev, *mode, *size, *memmap;
	bool unmovable;
};

static bool reconf_parse(int argc, char **argv, struct reconf_args *a)
{
	*a = (struct reconf_args){ 0 };
	for (int i = 2; i < argc;) {
		const char *v;
		const char **slot = shell_opt_value(argc, argv, &i, "mode", 'm', &v)   ? &a->mode
				    : shell_opt_value(argc, argv, &i, "size", 0, &v)   ? &a->size
				    : shell_opt_value(argc, argv, &i, "memmap", 0, &v) ? &a->memmap
										       : 0;
		if (slot) {
			if (!v)
				return shell_arg_error("%s needs a value", argv[i - 1]) == 0;
			*slot = v;
			continue;
		}
		const char *w = argv[i++];
		if (strcmp(w, "--unmovable") == 0 || strcmp(w, "--no-movable") == 0)
			a->unmovable = true;
		else if (w[0] == '-')
			return shell_arg_error("unknown option '%s'", w) == 0;
		else if (!a->dev)
			a->dev = w;
		else if (!a->mode)
			a->mode = w;
		else
			return shell_arg_error("unexpected '%s'", w) == 0;
	}
	if (!a->dev)
		return shell_arg_error("missing DEV") == 0;
	if (!a->mode)
		return shell_arg_error("missing mode (system-ram or devdax)") == 0;
	return true;
}

int cmd_dax_reconfigure(int argc, char **argv)
{
	struct reconf_args a;
	uint32_t dev;
	if (!reconf_parse(argc, argv, &a))
		return 1;
	if (dax_find(&K.dax, a.dev, &dev) != ST_OK)
		return shell_error("no device '%s' (see 'dax list')", a.dev);
	if (strcmp(a.mode, "system-ram") == 0) {
		if (a.size)
			return shell_arg_error("--size applies to devdax only");
		enum hotplug_memmap where = HOTPLUG_MEMMAP_AUTO;
		if (a.memmap && strcmp(a.memmap, "normal") == 0)
			where = HOTPLUG_MEMMAP_NORMAL;
		else if (a.memmap && strcmp(a.memmap, "on-memory") == 0)
			where = HOTPLUG_MEMMAP_ON_MEMORY;
		else if (a.memmap && strcmp(a.memmap, "auto") != 0)
			return shell_arg_error("--memmap '%s': auto, normal or on-memory",
					       a.memmap);
		return to_system_ram(dev, a.dev, !a.unmovable, where);
	}
	if (strcmp(a.mode, "devdax") == 0) {
		uint64_t bytes = 0;
		if (a.unmovable || a.memmap)
			return shell_arg_error("%s applies to system-ram only",
					       a.unmovable ? "--unmovable" : "--memmap");
		if (a.size) {
			char err[128];
			if (arg_size("--size", a.size, 1, UINT64_MAX, &bytes, err, sizeof err) !=
			    ST_OK)
				return shell_arg_error("%s", err);
		}
		return to_devdax(dev, a.dev, bytes);
	}
	return shell_arg_error("unknown mode '%s' (system-ram or devdax)", a.mode);
}
