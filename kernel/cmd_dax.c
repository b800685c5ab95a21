/* cmd_dax.c - the daxctl-like shell commands over the exclusive-ownership allocator.
 *
 * The shell acts as an owner: `dax map/write/read DEV` act as DEV's current owner (its
 * mappings are made present: dax_activate), and `--as NAME` acts as someone else, whose
 * touch of the device then faults and is reported as an ownership violation. */
#include "kernel/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/args.h"
#include "lib/fmt.h"
#include "lib/hexdump.h"
#include "lib/kstring.h"
#include "lib/parse.h"

#define DAX_IO_MAX (1u << 20) /* bytes one dax write/read may touch */

static bool lookup(const char *name, uint32_t *dev)
{
	if (dax_find(&K.dax, name, dev) == ST_OK)
		return true;
	kprintf("dax: no device '%s' (see 'dax list')\n", name);
	return false;
}

/* Checks that the command has `want` words and resolves DEV (argv[2]); says why not. */
static bool device_arg(int argc, int want, char **argv, uint32_t *dev)
{
	if (argc != want) {
		shell_usage("dax");
		return false;
	}
	return lookup(argv[2], dev);
}

/* The handle of the device's current owner (the shell acting as that owner). */
static status_t owner_handle(uint32_t dev, struct dax_handle *h)
{
	return dax_handle_for(&K.dax, dev, dax_device_get(&K.dax, dev)->owner, h);
}

static int fail(const char *what, status_t st)
{
	kprintf("dax %s: failed: %s\n", what, status_str(st));
	return 1;
}

static bool parse_region(const char *s, uint32_t *region)
{
	uint64_t v;
	if (strncmp(s, "region", 6) == 0)
		s += 6;
	if (parse_u64(s, &v) != ST_OK || v >= K.dax.nregions)
		return false;
	*region = (uint32_t)v;
	return true;
}

static int dax_create(int argc, char **argv)
{
	uint32_t region, dev;
	uint64_t size, align = 0;
	char err[128];
	if (argc < 4 || argc > 5)
		return shell_usage("dax");
	if (!parse_region(argv[2], &region)) {
		kprintf("dax create-device: region '%s' must be a number below %u\n", argv[2],
			K.dax.nregions);
		return 1;
	}
	if (arg_size("dax create-device: size", argv[3], 1, UINT64_MAX, &size, err, sizeof err) != ST_OK ||
	    (argc == 5 && arg_size("dax create-device: align", argv[4], 1, SIZE_1G, &align, err,
				   sizeof err) != ST_OK)) {
		kprintf("%s\n", err);
		return 1;
	}
	if (argc == 4 && region < K.dax.nregions) /* like daxctl: 2 MiB unless the region is finer */
		align = MIN(SIZE_2M, K.dax.regions[region].align);
	status_t st = dax_create_device(&K.dax, region, size, align, &dev);
	if (st != ST_OK)
		return fail("create-device", st);
	char name[DAX_NAME_MAX];
	dax_device_name(&K.dax, dev, name, sizeof name);
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	kprintf("created %s [0x%lx-0x%lx) align 0x%lx\n", name, (unsigned long)d->base,
		(unsigned long)(d->base + d->size), (unsigned long)d->align);
	return 0;
}

static int dax_destroy(int argc, char **argv)
{
	uint32_t dev;
	if (!device_arg(argc, 3, argv, &dev))
		return 1;
	status_t st = dax_destroy_device(&K.dax, dev);
	if (st != ST_OK)
		return fail("destroy-device", st);
	kprintf("destroyed %s\n", argv[2]);
	return 0;
}

static int dax_claim_cmd(int argc, char **argv)
{
	uint32_t dev;
	struct dax_handle h;
	if (!device_arg(argc, 4, argv, &dev))
		return 1;
	status_t st = dax_claim(&K.dax, dev, argv[3], &h);
	if (st != ST_OK)
		return fail("claim", st);
	kprintf("%s claimed by '%s' (handle %u:%08x)\n", argv[2], argv[3], h.index, h.gen);
	return 0;
}

/* The owner the command acts as: --as NAME when given, else the device's owner. */
static const char *acting_owner(const struct dax_device *d, int *argc, char **argv)
{
	if (*argc >= 2 && strcmp(argv[*argc - 2], "--as") == 0) {
		*argc -= 2;
		return argv[*argc + 1];
	}
	return d->owner;
}

static int dax_map_cmd(int argc, char **argv)
{
	uint32_t dev;
	struct dax_handle h;
	if (!device_arg(argc, 3, argv, &dev))
		return 1;
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	status_t st = owner_handle(dev, &h);
	if (st == ST_OK)
		st = dax_activate(&K.dax, d->owner);
	if (st == ST_OK)
		st = dax_map(&K.dax, h);
	if (st != ST_OK)
		return fail("map", st);
	kprintf("%s mapped for '%s' at 0x%lx (%lu bytes)\n", argv[2], d->owner, (unsigned long)d->window,
		(unsigned long)d->size);
	return 0;
}

/* Resolves DEV OFFSET ... LEN into a window address, acting as `as`. A different owner gets
 * the raw window address: the MMU decides (and faults). */
/* OFF and LEN of dax write/read as typed: any 64-bit size; LEN 1..DAX_IO_MAX. The device's
 * bounds are checked by io_target (without wrapping). */
static bool io_args(const char *cmd, const char *off_text, const char *len_text, uint64_t *off,
		    uint64_t *len)
{
	char what[32], err[128];
	fmt_snprintf(what, sizeof what, "%s: offset", cmd);
	if (arg_size(what, off_text, 0, UINT64_MAX, off, err, sizeof err) == ST_OK) {
		fmt_snprintf(what, sizeof what, "%s: length", cmd);
		if (arg_size(what, len_text, 1, DAX_IO_MAX, len, err, sizeof err) == ST_OK)
			return true;
	}
	kprintf("%s\n", err);
	return false;
}

static bool io_target(uint32_t dev, const char *as, uint64_t off, uint64_t len, uint64_t *va)
{
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	if (len == 0 || len > DAX_IO_MAX) {
		kprintf("dax: length must be 1..%u bytes\n", DAX_IO_MAX);
		return false;
	}
	if (off >= d->size || len > d->size - off) {
		kprintf("dax: [0x%lx, +0x%lx) is outside the device (size 0x%lx)\n", (unsigned long)off,
			(unsigned long)len, (unsigned long)d->size);
		return false;
	}
	status_t st = dax_activate(&K.dax, as);
	if (st != ST_OK) {
		fail("activate", st);
		return false;
	}
	if (strcmp(as, d->owner) != 0) {
		*va = d->window + off; /* not the owner: the access will fault */
		return true;
	}
	struct dax_handle h;
	st = dax_handle_for(&K.dax, dev, as, &h);
	if (st == ST_OK)
		st = dax_access_ptr(&K.dax, h, off, len, va);
	if (st != ST_OK) {
		kprintf("dax: the device cannot be accessed by '%s': %s (claim and map it first)\n", as,
			status_str(st));
		return false;
	}
	return true;
}

static int dax_write_cmd(int argc, char **argv)
{
	uint32_t dev;
	uint64_t off, len, va;
	if (argc < 3 || !lookup(argv[2], &dev))
		return argc < 3 ? shell_usage("dax") : 1;
	const char *as = acting_owner(dax_device_get(&K.dax, dev), &argc, argv);
	if (argc != 6 || !argv[4][0])
		return shell_usage("dax");
	if (!io_args("dax write", argv[3], argv[5], &off, &len))
		return 1;
	if (!io_target(dev, as, off, len, &va))
		return 1;
	const char *pat = argv[4];
	size_t plen = strlen(pat);
	volatile char *p = (volatile char *)(uintptr_t)va;
	for (uint64_t i = 0; i < len; i++)
		p[i] = pat[i % plen];
	kprintf("wrote %lu bytes at offset 0x%lx of %s as '%s'\n", (unsigned long)len, (unsigned long)off,
		argv[2], as);
	return 0;
}

static int dax_read_cmd(int argc, char **argv)
{
	uint32_t dev;
	uint64_t off, len, va;
	if (argc < 3 || !lookup(argv[2], &dev))
		return argc < 3 ? shell_usage("dax") : 1;
	const char *as = acting_owner(dax_device_get(&K.dax, dev), &argc, argv);
	if (argc != 5)
		return shell_usage("dax");
	if (!io_args("dax read", argv[3], argv[4], &off, &len))
		return 1;
	if (!io_target(dev, as, off, len, &va))
		return 1;
	volatile const uint8_t *probe = (volatile const uint8_t *)(uintptr_t)va;
	(void)*probe; /* a non-owner faults here, before anything is printed */
	hexdump((const uint8_t *)(uintptr_t)va, len, &kout);
	return 0;
}

static int dax_release_cmd(int argc, char **argv)
{
	uint32_t dev;
	struct dax_handle h;
	if (!device_arg(argc, 3, argv, &dev))
		return 1;
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	status_t st = owner_handle(dev, &h);
	if (st == ST_OK)
		st = dax_release(&K.dax, h);
	if (st != ST_OK)
		return fail("release", st);
	kprintf("%s released, scrubbed (%lu bytes zeroed)\n", argv[2], (unsigned long)d->size);
	return 0;
}

static int dax_list_cmd(int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "-j") == 0;
	if (argc > 3 || (argc == 3 && !json))
		return shell_usage("dax");
	dax_list_print(&K.dax, &kout, json);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} dax_subcommands[] = {
	{ "list", dax_list_cmd },
	{ "create-device", dax_create },
	{ "destroy-device", dax_destroy },
	{ "claim", dax_claim_cmd },
	{ "map", dax_map_cmd },
	{ "write", dax_write_cmd },
	{ "read", dax_read_cmd },
	{ "release", dax_release_cmd },
	{ "reconfigure", cmd_dax_reconfigure },
};

int cmd_dax(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage("dax");
	for (size_t i = 0; i < ARRAY_SIZE(dax_subcommands); i++)
		if (strcmp(argv[1], dax_subcommands[i].name) == 0)
			return dax_subcommands[i].fn(argc, argv);
	kprintf("dax: unknown subcommand '%s'\n", argv[1]);
	return shell_usage("dax");
}
