/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_memobj.c - the movable-memory workload: `mem fill|check|pin|unpin|free|objects`, and
 * the `mem` subcommand table (the totals are in cmd_mem.c, the blocks in cmd_memblocks.c).
 *
 *   mem fill NAME SIZE [node=N] [unmovable]  an object of SIZE bytes (whole pages) filled with
 *                                            its pattern; unmovable: kernel pages that never move
 *   mem check NAME                           "NAME: N pages checked, M mismatches"
 *   mem pin|unpin NAME PAGE                  count a pin on page PAGE (a pinned page cannot move)
 *   mem free NAME                            unmap and free every page (refused while pinned
 *                                            or while workers run on it)
 *   mem move, mem work                       kernel/shell/cmd_work.c
 *   mem objects                              one line per object */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_parse.h"
#include "kernel/work.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static bool find(const char *name, unsigned *slot)
{
	if (memobj_find(&K.objs, name, slot) == ST_OK)
		return true;
	shell_error("no object '%s' (see 'mem objects')", name);
	return false;
}

/* Node of a page-allocator pfn, or -1. */
static int node_of_pfn(uint64_t pfn)
{
	struct buddy_page_info pi;
	return buddy_page_state(&K.buddy, pfn_of(pfn), &pi) == ST_OK ? (int)pi.node : -1;
}

/* "node 0: 1024 pages, node 1: 3072 pages": where the object's pages are now. */
static void print_object_nodes(unsigned slot)
{
	static uint64_t per_node[BUDDY_MAX_NODES];
	memset(per_node, 0, sizeof per_node);
	const struct memobj *o = memobj_get(&K.objs, slot);
	for (uint64_t i = 0; i < o->npages; i++) {
		pfn_t pfn;
		int node;
		if (memobj_page_pfn(&K.objs, slot, i, &pfn) == ST_OK &&
		    (node = node_of_pfn(pfn.v)) >= 0)
			per_node[node]++;
	}
	const char *sep = "";
	for (unsigned n = 0; n < BUDDY_MAX_NODES; n++) {
		if (!per_node[n])
			continue;
		kprintf("%snode %u: %lu pages", sep, n, (unsigned long)per_node[n]);
		sep = ", ";
	}
}

static int mem_fill(int argc, char **argv)
{
	uint64_t size, node = UINT64_MAX;
	bool movable = true;
	char err[128];
	if (argc < 3)
		return shell_arg_error("missing NAME");
	if (argc < 4)
		return shell_arg_error("missing SIZE");
	if (arg_size("size", argv[3], 1, pages_to_bytes(MEMOBJ_MAX_PAGES), &size, err,
		     sizeof err) != ST_OK)
		return shell_arg_error("%s (at most %lu pages)", err,
				       (unsigned long)MEMOBJ_MAX_PAGES);
	for (int i = 4; i < argc; i++) {
		if (strncmp(argv[i], "node=", 5) == 0) {
			if (arg_u64("node", argv[i] + 5, 0, BUDDY_MAX_NODES - 1, &node, err,
				    sizeof err) != ST_OK)
				return shell_arg_error("%s", err);
			if (node >= K.numa.n_nodes)
				return shell_error(
					"no node %s on this machine (nodes 0-%u; see 'numa -H')",
					argv[i] + 5, K.numa.n_nodes - 1);
			continue;
		}
		if (strcmp(argv[i], "unmovable") == 0) {
			movable = false;
			continue;
		}
		return shell_arg_error("unexpected '%s'", argv[i]);
	}
	uint64_t pages = bytes_to_pages(size);
	unsigned slot;
	status_t st = memobj_fill(&K.objs, argv[2], pages, node == UINT64_MAX ? -1 : (int)node,
				  movable, &slot);
	if (st != ST_OK)
		return shell_fail(st);
	char echo[64];
	shell_size_echo(argv[3], size, echo, sizeof echo);
	kprintf("%s: %s filled, %lu pages (%s): ", argv[2], echo, (unsigned long)pages,
		movable ? "movable" : "unmovable");
	print_object_nodes(slot);
	kprintf("\n");
	return 0;
}

static int mem_check(int argc, char **argv)
{
	unsigned slot;
	uint64_t bad;
	if (argc != 3)
		return shell_arg_error(argc < 3 ? "missing NAME" : "too many arguments");
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
	if (shell_arg_count(argc, argv, 4, 4))
		return 1;
	if (!find(argv[2], &slot))
		return 1;
	uint64_t npages = memobj_get(&K.objs, slot)->npages;
	if (arg_u64("page", argv[3], 0, npages - 1, &page, err, sizeof err) != ST_OK)
		return shell_arg_error("%s ('%s' has %lu pages)", err, argv[2],
				       (unsigned long)npages);
	status_t st = pin ? memobj_pin(&K.objs, slot, page) : memobj_unpin(&K.objs, slot, page);
	if (st != ST_OK)
		return shell_fail(st);
	pfn_t pfn = pfn_of(0);
	CHECK_OK(memobj_page_pfn(&K.objs, slot, page, &pfn)); /* the page just (un)pinned */
	kprintf("%s page %lu (pfn 0x%lx) %s\n", argv[2], (unsigned long)page, (unsigned long)pfn.v,
		pin ? "pinned" : "unpinned");
	return 0;
}

static int mem_free(int argc, char **argv)
{
	unsigned slot;
	if (argc != 3)
		return shell_arg_error(argc < 3 ? "missing NAME" : "too many arguments");
	if (!find(argv[2], &slot))
		return 1;
	uint64_t pages = memobj_get(&K.objs, slot)->npages;
	if (work_busy(slot))
		return shell_error("workers run on '%s'; 'mem work stop' first", argv[2]);
	status_t st = memobj_free(&K.objs, slot);
	if (st != ST_OK)
		return shell_fail(st);
	kprintf("%s: %lu pages freed\n", argv[2], (unsigned long)pages);
	return 0;
}

static int mem_objects(int argc, char **argv)
{
	(void)argv;
	if (argc != 2)
		return shell_arg_error("unexpected '%s'", argv[2]);
	memobj_print(&K.objs, &kout);
	return 0;
}

const struct shell_sub mem_subs[] = {
	{ 0, "", "page-allocator pages per node and zone, by owner, with the exact accounting", 0,
	  "mem", cmd_mem_totals },
	{ "blocks", "",
	  "memory blocks of 2 MiB like lsmem: range, size, state, removable, node, zone", 0,
	  "mem blocks", cmd_mem_blocks },
	{ "caches", "[on]",
	  "the per-CPU page caches: the orders they serve, or held back until CPUs contend",
	  "on  serve order 0 from now on, contended or not", "mem caches", cmd_mem_caches },
	{ "fill", "NAME SIZE [node=N] [unmovable]",
	  "an object of SIZE bytes filled with its pattern; says which nodes got the pages",
	  "NAME       1..15 characters of [A-Za-z0-9_.-]\nSIZE       bytes, with K, M or G\n"
	  "node=N     prefer node N (an existing node; see 'numa -H')\n"
	  "unmovable  kernel pages that never move (block reclaim)",
	  "mem fill A 64M node=0", mem_fill },
	{ "check", "NAME", "verifies every page's pattern: NAME: N pages checked, M mismatches",
	  "NAME  an object from 'mem objects'", "mem check A", mem_check },
	{ "pin", "NAME PAGE", "pins page PAGE of the object (a pinned page cannot move)",
	  "NAME  a movable object\nPAGE  page index, from 0", "mem pin A 0", mem_pin },
	{ "unpin", "NAME PAGE", "drops one pin of the page",
	  "NAME  a movable object\nPAGE  page index", "mem unpin A 0", mem_pin },
	{ "free", "NAME", "unmaps and frees every page (refused while pinned)",
	  "NAME  an object from 'mem objects'", "mem free A", mem_free },
	{ "objects", "", "one line per object", 0, "mem objects", mem_objects },
	{ "move", "NAME node=N",
	  "migrates every page of a movable object that is elsewhere onto node N",
	  "NAME    a movable object\nnode=N  the node to move to", "mem move A node=1", mem_move },
	{ "work", "NAME CPUS | stop",
	  "workers on other CPUs keep writing and checking the object; stop reports ops and lost "
	  "writes",
	  "NAME  a movable object\nCPUS  all (every online CPU but the shell's), 1-3, 1,3\n"
	  "stop  stop every worker and report",
	  "mem work A all", mem_work },
	{ 0, 0, 0, 0, 0, 0 },
};
