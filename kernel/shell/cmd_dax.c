/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_dax.c - the daxctl-like shell commands over the exclusive-ownership allocator.
 *
 * The shell acts as an owner: `dax map/write/read DEV` act as DEV's current owner (its
 * mappings are made present: dax_activate), and `--as NAME` acts as someone else, whose
 * touch of the device then faults and is reported as an ownership violation. */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_parse.h"
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
	shell_error("no device '%s' (see 'dax list')", name);
	return false;
}

/* Checks that the command has `want` words and resolves DEV (argv[2]); says why not. */
static bool device_arg(int argc, int want, char **argv, uint32_t *dev)
{
	return !shell_arg_count(argc, argv, want, want) && lookup(argv[2], dev);
}

/* The facts that stop the owner's operations (map, read, write, release) on a device, in the
 * user's words; true when there is none. `need_map`: the bytes must be mapped too. */
static bool owner_may_use(uint32_t dev, const char *name, bool need_map)
{
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	if (d->mode == DAX_MODE_SYSTEM_RAM) {
		shell_error("%s is in system-ram mode (the page allocator has it; "
			    "'dax reconfigure %s devdax' takes it back)",
			    name, name);
		return false;
	}
	if (d->state == DAX_UNCLAIMED) {
		shell_error("%s is unclaimed ('dax claim %s OWNER' first)", name, name);
		return false;
	}
	if (need_map && d->state != DAX_MAPPED) {
		shell_error("%s is claimed by '%s' but not mapped ('dax map %s' first)", name,
			    d->owner, name);
		return false;
	}
	return true;
}

/* The handle of the device's current owner (the shell acting as that owner). */
static status_t owner_handle(uint32_t dev, struct dax_handle *h)
{
	return dax_handle_for(&K.dax, dev, dax_device_get(&K.dax, dev)->owner, h);
}

/* The device of `dax map DEV` or `dax release DEV`: the words checked (device_arg) and nothing
 * stopping its owner (owner_may_use); NULL after the error is reported. */
static const struct dax_device *owner_device(int argc, char **argv, uint32_t *dev)
{
	if (!device_arg(argc, 3, argv, dev) || !owner_may_use(*dev, argv[2], false))
		return NULL;
	return dax_device_get(&K.dax, *dev);
}

static bool parse_region(const char *s, uint32_t *region)
{
	uint64_t v;
	if (strncmp(s, "region", 6) == 0)
		s += 6;
	if (parse_u64(s, &v) != ST_OK || v > UINT32_MAX)
		return false;
	*region = (uint32_t)v;
	return true;
}

/* Reads create-device's arguments in either spelling: REGION SIZE [ALIGN] (positional) or
 * daxctl's [-r REGION] -s SIZE [-a ALIGN]. Reports what is wrong. */
static bool create_args(int argc, char **argv, const char **region, const char **size,
			const char **align)
{
	const char *pos[3] = { 0, 0, 0 };
	int npos = 0;
	*region = *size = *align = 0;
	for (int i = 2; i < argc;) {
		const char *v;
		const char **slot = 0;
		if (shell_opt_value(argc, argv, &i, "region", 'r', &v))
			slot = region;
		else if (shell_opt_value(argc, argv, &i, "size", 's', &v))
			slot = size;
		else if (shell_opt_value(argc, argv, &i, "align", 'a', &v))
			slot = align;
		if (slot) {
			if (!v)
				return shell_arg_error("%s needs a value", argv[i - 1]) == 0;
			*slot = v;
			continue;
		}
		if (argv[i][0] == '-' || npos == 3)
			return shell_arg_error("unexpected '%s'", argv[i]) == 0;
		pos[npos++] = argv[i++];
	}
	if (npos && (*region || *size || *align))
		return shell_arg_error("give REGION SIZE [ALIGN] or -r/-s/-a, not both") == 0;
	if (npos) {
		*region = pos[0];
		*size = pos[1];
		*align = pos[2];
	}
	if (!*region && !npos)
		*region = "0";
	if (!*size)
		return shell_arg_error("missing SIZE") == 0;
	return true;
}

static int dax_create(int argc, char **argv)
{
	uint32_t region, dev;
	uint64_t size, align = 0;
	const char *rs, *ss, *as;
	char err[128];
	if (!create_args(argc, argv, &rs, &ss, &as))
		return 1;
	if (!parse_region(rs, &region))
		return shell_arg_error("region '%s' must be a number (or regionN) below 2^32", rs);
	if (arg_size("size", ss, 1, UINT64_MAX, &size, err, sizeof err) != ST_OK ||
	    (as && arg_size("align", as, 1, SIZE_1G, &align, err, sizeof err) != ST_OK))
		return shell_arg_error("%s", err);
	const struct dax_region *g = dax_region_get(&K.dax, region);
	if (!as && g) /* like daxctl: 2 MiB unless the region is finer */
		align = MIN(SIZE_2M, g->align);
	char echo[64];
	shell_size_echo(ss, size, echo, sizeof echo);
	status_t st = dax_create_device(&K.dax, region, size, align, &dev);
	if (st == ST_NOMEM)
		return shell_error("no room for %s in region%u", echo, region);
	if (st != ST_OK)
		return shell_fail(st);
	char name[DAX_NAME_MAX];
	dax_device_name(&K.dax, dev, name, sizeof name);
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	kprintf("created %s: %s at [0x%lx-0x%lx) align 0x%lx\n", name, echo, (unsigned long)d->base,
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
		return shell_fail(st);
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
		return shell_fail(st);
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
	const struct dax_device *d = owner_device(argc, argv, &dev);
	if (!d)
		return 1;
	status_t st = owner_handle(dev, &h);
	if (st == ST_OK)
		st = dax_activate(&K.dax, d->owner);
	if (st == ST_OK)
		st = dax_map(&K.dax, h);
	if (st != ST_OK)
		return shell_fail(st);
	kprintf("%s mapped for '%s' at 0x%lx (%lu bytes)\n", argv[2], d->owner,
		(unsigned long)d->window, (unsigned long)d->size);
	return 0;
}

/* OFF and LEN of dax write/read as typed: any 64-bit size; LEN 1..DAX_IO_MAX. The device's
 * bounds are checked by io_target (without wrapping). */
static bool io_args(const char *off_text, const char *len_text, uint64_t *off, uint64_t *len)
{
	char err[128];
	if (arg_size("offset", off_text, 0, UINT64_MAX, off, err, sizeof err) == ST_OK &&
	    arg_size("length", len_text, 1, DAX_IO_MAX, len, err, sizeof err) == ST_OK)
		return true;
	shell_arg_error("%s", err);
	return false;
}

/* [off, off+len) lies inside the device (checked without wrapping); says why not. */
static bool io_in_bounds(uint32_t dev, uint64_t off, uint64_t len)
{
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	if (off < d->size && len <= d->size - off)
		return true;
	shell_error("[0x%lx, +0x%lx) is outside the device (size 0x%lx)", (unsigned long)off,
		    (unsigned long)len, (unsigned long)d->size);
	return false;
}

/* Resolves DEV OFFSET ... LEN (in bounds) into a window address, acting as `as`. A different
 * owner gets the raw window address: the MMU decides (and faults). */
static bool io_target(uint32_t dev, const char *as, uint64_t off, uint64_t len, uint64_t *va)
{
	const struct dax_device *d = dax_device_get(&K.dax, dev);
	status_t st = dax_activate(&K.dax, as);
	if (st != ST_OK) {
		shell_fail(st);
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
		shell_error("the device cannot be accessed by '%s': %s", as, status_str(st));
		return false;
	}
	return true;
}

/* What `dax read` and `dax write` act on, once their words are checked. */
struct io_req {
	uint32_t dev;
	const char *as; /* the acting owner (--as NAME, else the device's owner) */
	uint64_t off, len;
	uint64_t va; /* where the bytes are, for `as` */
};

/* The words of `dax read DEV OFF LEN` or (write) `dax write DEV OFF PATTERN LEN`, each with an
 * optional --as NAME: device, count, PATTERN not empty, numbers, bounds, the owner's mapping,
 * then the address for the acting owner. False after the error is reported. */
static bool io_prepare(int argc, char **argv, bool write, struct io_req *r)
{
	int nwords = write ? 6 : 5, len_at = nwords - 1;
	if (argc < 3) {
		shell_arg_error("missing DEV");
		return false;
	}
	if (!lookup(argv[2], &r->dev))
		return false;
	r->as = acting_owner(dax_device_get(&K.dax, r->dev), &argc, argv);
	if (shell_arg_count(argc, argv, nwords, nwords))
		return false;
	if (write && !argv[4][0]) {
		shell_arg_error("PATTERN is empty");
		return false;
	}
	if (!io_args(argv[3], argv[len_at], &r->off, &r->len) ||
	    !io_in_bounds(r->dev, r->off, r->len))
		return false;
	if (strcmp(r->as, dax_device_get(&K.dax, r->dev)->owner) == 0 &&
	    !owner_may_use(r->dev, argv[2], true))
		return false;
	return io_target(r->dev, r->as, r->off, r->len, &r->va);
}

static int dax_write_cmd(int argc, char **argv)
{
	struct io_req r;
	if (!io_prepare(argc, argv, true, &r))
		return 1;
	const char *pat = argv[4];
	size_t plen = strlen(pat);
	volatile char *p = (volatile char *)(uintptr_t)r.va;
	for (uint64_t i = 0; i < r.len; i++)
		p[i] = pat[i % plen];
	kprintf("wrote %lu bytes at offset 0x%lx of %s as '%s'\n", (unsigned long)r.len,
		(unsigned long)r.off, argv[2], r.as);
	return 0;
}

static int dax_read_cmd(int argc, char **argv)
{
	struct io_req r;
	if (!io_prepare(argc, argv, false, &r))
		return 1;
	volatile const uint8_t *probe = (volatile const uint8_t *)(uintptr_t)r.va;
	(void)*probe; /* a non-owner faults here, before anything is printed */
	hexdump((const uint8_t *)(uintptr_t)r.va, r.len, &kout);
	return 0;
}

static int dax_release_cmd(int argc, char **argv)
{
	uint32_t dev;
	struct dax_handle h;
	const struct dax_device *d = owner_device(argc, argv, &dev);
	if (!d)
		return 1;
	char owner[DAX_OWNER_MAX + 1];
	memcpy(owner, d->owner, sizeof owner);
	status_t st = owner_handle(dev, &h);
	if (st == ST_OK)
		st = dax_release(&K.dax, h);
	if (st != ST_OK)
		return shell_fail(st);
	if (shell_interrupted()) {
		kprintf("%s released; the scrub was stopped by Ctrl-C: %lu bytes are left to the "
			"deferred scrub (zeroed at the next claim)\n",
			argv[2],
			(unsigned long)dax_dirty_bytes(&K.dax, range_of(pa_of(d->base), d->size)));
		return 0;
	}
	kprintf("%s released, scrubbed what '%s' wrote (%lu of %lu bytes)\n", argv[2], owner,
		(unsigned long)K.dax.release_scrubbed, (unsigned long)d->size);
	return 0;
}

static int dax_list_cmd(int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "-j") == 0;
	if (argc > 3 || (argc == 3 && !json))
		return shell_arg_error("unexpected '%s'", argv[argc - 1]);
	dax_list_print(&K.dax, &kout, json);
	return 0;
}

const struct shell_sub dax_subs[] = {
	{ "list", "[-j]", "regions and devices like 'daxctl list -RDu' (-j: one line of JSON)",
	  "-j  JSON with daxctl's field names (docs/dax.md)", "dax list -j", dax_list_cmd },
	{ "create-device", "REGION SIZE [ALIGN] | [-r REGION] -s SIZE [-a ALIGN]",
	  "a new unclaimed device from the region's free space (daxctl create-device)",
	  "REGION  region number: 0 or region0 (default 0)\n"
	  "SIZE    bytes, with K, M, G or T; a multiple of ALIGN\n"
	  "ALIGN   4K, 2M or 1G (default 2M, or the region's when finer)",
	  "dax create-device -s 512M", dax_create },
	{ "destroy-device", "DEV", "gives an unclaimed device's space back to its region",
	  "DEV  a device name from 'dax list', e.g. dax0.1", "dax destroy-device dax0.1",
	  dax_destroy },
	{ "claim", "DEV OWNER", "makes OWNER the device's only owner; prints the handle",
	  "DEV    an unclaimed devdax device, e.g. dax0.0\n"
	  "OWNER  1..31 characters of [A-Za-z0-9_.:@+-]",
	  "dax claim dax0.0 alice", dax_claim_cmd },
	{ "map", "DEV",
	  "maps the device into its owner's window (largest pages its alignment allows)",
	  "DEV  a claimed device", "dax map dax0.0", dax_map_cmd },
	{ "write", "DEV OFF PATTERN LEN [--as NAME]",
	  "writes PATTERN repeated over LEN bytes at OFF, as the owner (or as NAME: the MMU "
	  "refuses)",
	  "DEV      a claimed, mapped device\nOFF      byte offset in the device\n"
	  "PATTERN  the bytes to repeat\nLEN      bytes to write, 1..1M\n"
	  "--as NAME  act as another owner (an ownership violation)",
	  "dax write dax0.0 0 hello 16", dax_write_cmd },
	{ "read", "DEV OFF LEN [--as NAME]",
	  "hex dump of LEN bytes at OFF, as the owner (or as NAME)",
	  "DEV  a claimed, mapped device\nOFF  byte offset in the device\nLEN  bytes, 1..1M\n"
	  "--as NAME  act as another owner (an ownership violation)",
	  "dax read dax0.0 0 16", dax_read_cmd },
	{ "release", "DEV", "unmaps, flushes the TLB, scrubs the device; it is unclaimed again",
	  "DEV  a claimed device", "dax release dax0.0", dax_release_cmd },
	{ "reconfigure",
	  "DEV system-ram [--unmovable] [--memmap WHERE] | DEV devdax [--size BYTES]",
	  "hands the device to the page allocator as its node's memory, or takes it back",
	  "DEV         an unclaimed device\n"
	  "system-ram  online it (movable-only unless --unmovable)\n"
	  "--memmap    where its page words go: auto (default), normal, on-memory (the device)\n"
	  "devdax      reclaim it: all of it, or --size BYTES from its end (whole 2 MiB blocks)",
	  "dax reconfigure dax0.0 system-ram", cmd_dax_reconfigure },
	{ "reconfigure-device", "DEV --mode=system-ram|devdax [--no-movable] [--size BYTES]",
	  "daxctl's spelling of reconfigure (-m MODE works too)",
	  "DEV          an unclaimed device\n--mode MODE  system-ram or devdax\n"
	  "--no-movable  online as unmovable memory (no reclaim guarantee)",
	  "dax reconfigure-device dax0.0 --mode=system-ram", cmd_dax_reconfigure },
	{ 0, 0, 0, 0, 0, 0 },
};
