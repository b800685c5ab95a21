/* cmd_memobj.c - the movable-memory workload: `mem fill|check|pin|unpin|free|objects`, and
 * `mem` itself, which dispatches to these or to the page-allocator totals (cmd_mem.c).
 *
 *   mem fill NAME SIZE [node=N] [unmovable]  an object of SIZE bytes (whole pages) filled with
 *                                            its pattern; unmovable: kernel pages that never move
 *   mem check NAME                           "NAME: N pages checked, M mismatches"
 *   mem pin|unpin NAME PAGE                  count a pin on page PAGE (a pinned page cannot move)
 *   mem free NAME                            unmap and free every page (refused while pinned)
 *   mem objects                              one line per object */
#include "kernel/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static bool find(const char *name, unsigned *slot)
{
	if (memobj_find(&K.objs, name, slot) == ST_OK)
		return true;
	kprintf("mem: no object '%s' (see 'mem objects')\n", name);
	return false;
}

static int mem_fill(int argc, char **argv)
{
	uint64_t size, node = UINT64_MAX;
	bool movable = true;
	char err[128];
	if (argc < 4)
		return shell_usage("mem");
	if (arg_size("mem fill: size", argv[3], 1, MEMOBJ_MAX_PAGES << PAGE_SHIFT, &size, err,
		     sizeof err) != ST_OK) {
		kprintf("%s (at most %lu pages)\n", err, (unsigned long)MEMOBJ_MAX_PAGES);
		return 1;
	}
	for (int i = 4; i < argc; i++) {
		if (strncmp(argv[i], "node=", 5) == 0) {
			if (arg_u64("mem fill: node", argv[i] + 5, 0, BUDDY_MAX_NODES - 1, &node, err,
				    sizeof err) != ST_OK) {
				kprintf("%s\n", err);
				return 1;
			}
			continue;
		}
		if (strcmp(argv[i], "unmovable") == 0) {
			movable = false;
			continue;
		}
		return shell_usage("mem");
	}
	uint64_t pages = bytes_to_pages(size);
	status_t st = memobj_fill(&K.objs, argv[2], pages, node == UINT64_MAX ? -1 : (int)node, movable, 0);
	if (st != ST_OK) {
		kprintf("mem fill: failed: %s\n", status_str(st));
		return 1;
	}
	kprintf("%s: %lu pages filled (%s)\n", argv[2], (unsigned long)pages, movable ? "movable" : "unmovable");
	return 0;
}

static int mem_check(int argc, char **argv)
{
	unsigned slot;
	uint64_t bad;
	if (argc != 3)
		return shell_usage("mem");
	if (!find(argv[2], &slot))
		return 1;
	memobj_check(&K.objs, slot, &bad);
	kprintf("%s: %lu pages checked, %lu mismatches\n", argv[2],
		(unsigned long)memobj_get(&K.objs, slot)->npages, (unsigned long)bad);
	return bad ? 1 : 0;
}

static int mem_pin(int argc, char **argv)
{
	unsigned slot;
	uint64_t page;
	bool pin = strcmp(argv[1], "pin") == 0;
	char err[128];
	if (argc != 4)
		return shell_usage("mem");
	if (!find(argv[2], &slot))
		return 1;
	uint64_t npages = memobj_get(&K.objs, slot)->npages;
	if (arg_u64(pin ? "mem pin: page" : "mem unpin: page", argv[3], 0, npages - 1, &page, err,
		    sizeof err) != ST_OK) {
		kprintf("%s ('%s' has %lu pages)\n", err, argv[2], (unsigned long)npages);
		return 1;
	}
	status_t st = pin ? memobj_pin(&K.objs, slot, page) : memobj_unpin(&K.objs, slot, page);
	if (st != ST_OK) {
		kprintf("mem %s: failed: %s\n", argv[1], status_str(st));
		return 1;
	}
	uint64_t pfn = 0;
	CHECK_OK(memobj_page_pfn(&K.objs, slot, page, &pfn)); /* the page just (un)pinned */
	kprintf("%s page %lu (pfn 0x%lx) %s\n", argv[2], (unsigned long)page, (unsigned long)pfn,
		pin ? "pinned" : "unpinned");
	return 0;
}

static int mem_free(int argc, char **argv)
{
	unsigned slot;
	if (argc != 3)
		return shell_usage("mem");
	if (!find(argv[2], &slot))
		return 1;
	uint64_t pages = memobj_get(&K.objs, slot)->npages;
	status_t st = memobj_free(&K.objs, slot);
	if (st != ST_OK) {
		kprintf("mem free: failed: %s\n", status_str(st));
		return 1;
	}
	kprintf("%s: %lu pages freed\n", argv[2], (unsigned long)pages);
	return 0;
}

static int mem_objects(int argc, char **argv)
{
	(void)argv;
	if (argc != 2)
		return shell_usage("mem");
	memobj_print(&K.objs, &kout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} mem_subcommands[] = {
	{ "fill", mem_fill }, { "check", mem_check }, { "pin", mem_pin },
	{ "unpin", mem_pin }, { "free", mem_free },   { "objects", mem_objects },
};

int cmd_memobj(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_subcommands); i++)
		if (strcmp(argv[1], mem_subcommands[i].name) == 0)
			return mem_subcommands[i].fn(argc, argv);
	return shell_usage("mem");
}

int cmd_mem(int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < ARRAY_SIZE(mem_subcommands); i++)
			if (strcmp(argv[1], mem_subcommands[i].name) == 0)
				return cmd_memobj(argc, argv);
	return cmd_mem_totals(argc, argv);
}
