/* SPDX-License-Identifier: BSD-2-Clause */
/* commands.c - the shell's command table and the small general commands. */
#include "kernel/shell/commands.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/trap.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/suggest.h"
#include "lib/types.h"

static void help_sub(const struct shell_cmd *c, const struct shell_sub *s)
{
	kprintf("%s%s%s%s%s\n    %s\n", c->name, s->name ? " " : "", s->name ? s->name : "",
		s->args[0] ? " " : "", s->args, s->help);
	for (const char *p = s->params; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		kprintf("      %.*s\n", (int)n, p);
		p += n + (e ? 1 : 0);
	}
	kprintf("    example: %s\n", s->example);
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 1) {
		for (const struct shell_cmd *c = shell_commands; c->name; c++)
			kprintf("  %-10s %s\n", c->name, c->help);
		kprintf("'help CMD' shows a command's usage, each argument and an example.\n");
		return 0;
	}
	if (argc > 3)
		return shell_arg_error("unexpected '%s'", argv[3]);
	const struct shell_cmd *c = shell_commands;
	while (c->name && strcmp(c->name, argv[1]) != 0)
		c++;
	if (!c->name) {
		const char *names[64];
		size_t n = 0;
		for (const struct shell_cmd *k = shell_commands; k->name && n < ARRAY_SIZE(names);
		     k++)
			names[n++] = k->name;
		const char *near = suggest_word(argv[1], names, n);
		if (near)
			return shell_error("no command '%s' (did you mean '%s'?)", argv[1], near);
		return shell_error("no command '%s' (try 'help')", argv[1]);
	}
	bool shown = false;
	for (const struct shell_sub *s = c->subs; s->fn; s++) {
		if (argc == 3 && (!s->name || strcmp(s->name, argv[2]) != 0))
			continue;
		help_sub(c, s);
		shown = true;
	}
	if (!shown)
		return shell_error("'%s' has no subcommand '%s' (try 'help %s')", c->name, argv[2],
				   c->name);
	return 0;
}

/* The kernel log ring: every log line since boot, or the newest that fit (log_buf_len=). */
static int cmd_dmesg(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	const struct logring *r = printk_ring();
	if (!r)
		return 0;
	if (r->dropped)
		kprintf("(%lu older lines dropped: the log ring holds %lu bytes; log_buf_len= sets "
			"it)\n",
			(unsigned long)r->dropped, (unsigned long)r->cap);
	logring_print(r, &kout);
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	power_off();
}

static int cmd_reboot(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	power_reboot();
}

static int cmd_taint(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	kprintf("taint: 0x%x%s%s\n", K.taint, K.taint & TAINT_FIRMWARE_BUG ? " firmware-bug" : "",
		K.taint & TAINT_FAULT ? " fault" : "");
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	uint64_t us = tsc_to_us(rdtsc() - K.tsc_entry);
	kprintf("uptime: %lu.%03lu s since kernel entry\n", (unsigned long)(us / 1000000),
		(unsigned long)(us / 1000 % 1000));
	kprintf("faults recovered: %lu (ownership violations: %lu)\n",
		(unsigned long)trap_recovered_count(), (unsigned long)K.violations);
	struct buddy_stats b;
	CHECK_OK(buddy_stats(&K.buddy, -1, -1, &b));
	kprintf("page allocator: %lu pages, %lu free, %lu isolated\n", (unsigned long)b.total,
		(unsigned long)b.free, (unsigned long)b.isolated);
	struct kheap_stats h;
	kheap_stats(&K.heap, &h);
	uint64_t objs = h.large_objects;
	for (unsigned c = 0; c < KHEAP_NCLASSES; c++)
		objs += h.objects[c];
	kprintf("heap: %lu objects in %lu pages\n", (unsigned long)objs, (unsigned long)h.pages);
	unsigned devices = 0, claimed = 0, ram = 0;
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *d = dax_device_get(&K.dax, i);
		if (!d || !d->used)
			continue;
		devices++;
		claimed += d->state != DAX_UNCLAIMED;
		ram += d->mode == DAX_MODE_SYSTEM_RAM;
	}
	kprintf("dax: %u regions, %u devices (%u claimed, %u system-ram)\n",
		dax_region_count(&K.dax), devices, claimed, ram);
	return 0;
}

/* Exercises the kernel heap: one object of every size class and a large one, each filled and
 * verified, all freed; the heap must be consistent throughout and hold what it held before. */
static bool heap_selftest(void)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 256, 500, 1024, 2048, 2049, 20000 };
	void *p[ARRAY_SIZE(sizes)];
	struct kheap_stats before, after;
	kheap_stats(&K.heap, &before);
	bool ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (kmalloc(&K.heap, sizes[i], &p[i]) != ST_OK) {
			kprintf("selftest: kmalloc(%zu) failed\n", sizes[i]);
			while (i--)
				kfree(&K.heap, p[i]);
			return false;
		}
		memset(p[i], (int)i + 1, sizes[i]);
	}
	ok = kheap_check(&K.heap) == ST_OK;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		const uint8_t *b = p[i];
		for (size_t k = 0; k < sizes[i] && ok; k++)
			ok = b[k] == (uint8_t)(i + 1);
		ok = kfree(&K.heap, p[i]) == ST_OK && ok;
	}
	kheap_stats(&K.heap, &after);
	ok = ok && kheap_check(&K.heap) == ST_OK && after.large_objects == before.large_objects &&
	     after.large_pages == before.large_pages;
	kprintf("selftest: heap %s (%zu objects, 1 B to 20000 B)\n", ok ? "ok" : "FAILED",
		ARRAY_SIZE(sizes));
	return ok;
}

/* Walks every allocator's invariants and the page accounting. */
static int cmd_selftest(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	int bad = 0;
	bad += memmap_check(&K.memmap, &kout) != ST_OK;
	bad += buddy_check(&K.buddy, &kout) != ST_OK;
	bad += dax_check(&K.dax, &kout) != ST_OK;
	bad += hotplug_check(&K.hotplug, &kout) != ST_OK;
	bad += memobj_verify(&K.objs, &kout) != ST_OK;
	bad += cmd_mem_totals(1, argv) != 0;
	bad += !heap_selftest();
	kprintf("selftest: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}

/* Deliberately faults, to show (and test) exception reports and recovery. */
static int cmd_fault(int argc, char **argv)
{
	uint64_t addr;
	if (argc != 3)
		return argc < 3 ? shell_arg_error("missing ADDR")
				: shell_arg_error("unexpected '%s'", argv[3]);
	if (parse_u64(argv[2], &addr) != ST_OK)
		return shell_arg_error("bad ADDR '%s' (a number, e.g. 0x1000)", argv[2]);
	kprintf("fault: reading 0x%lx\n", (unsigned long)addr);
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	kprintf("fault: read 0x%02x (no fault)\n", *p);
	return 0;
}

#define END                                                                                        \
	{                                                                                          \
		0, 0, 0, 0, 0, 0                                                                   \
	}
#define ONE(args, help, params, example, fn)                                                       \
	(const struct shell_sub[]) { { 0, args, help, params, example, fn }, END }

const struct shell_cmd shell_commands[] = {
	{ "help", "list commands; 'help CMD' for one command's usage, arguments and examples",
	  ONE("[CMD [SUB]]", "every command, or one command's usage, arguments and examples",
	      "CMD  a command name\nSUB  one of its subcommands", "help dax", cmd_help) },
	{ "echo", "print the words",
	  ONE("[WORD...]", "prints the words", 0, "echo hello", cmd_echo) },
	{ "dmesg", "the kernel log since boot (a ring buffer; log_buf_len= sizes it)",
	  ONE("", "every kernel log line kept in the ring, oldest first", 0, "dmesg", cmd_dmesg) },
	{ "taint", "the kernel taint flags", ONE("", "the taint flags", 0, "taint", cmd_taint) },
	{ "poweroff", "power the machine off (ACPI S5)",
	  ONE("", "ACPI S5: QEMU exits with status 0", 0, "poweroff", cmd_poweroff) },
	{ "reboot", "reset the machine", ONE("", "resets the machine", 0, "reboot", cmd_reboot) },
	{ "memmap", "the UEFI memory map as received (-n: normalised)",
	  ONE("[-n]", "the UEFI memory map as the loader received it",
	      "-n  the normalised map (typed, sorted, merged ranges)", "memmap -n", cmd_memmap) },
	{ "mem", "page-allocator totals, memory blocks, and movable memory objects", mem_subs },
	{ "cpus", "the CPUs: APIC id, node, state, timer ticks, shootdowns, what runs there",
	  ONE("", "one line per CPU the MADT lists, then the totals", 0, "cpus", cmd_cpus) },
	{ "iomem", "the physical address map, like /proc/iomem",
	  ONE("", "the physical address map like /proc/iomem", 0, "iomem", cmd_iomem) },
	{ "acpi", "the ACPI tables: list, acpidump format, decoded SRAT/SLIT/HMAT", acpi_subs },
	{ "numa",
	  "NUMA nodes, HMAT figures, caches, memory tiers, distances; numactl, sysfs and hwloc "
	  "shapes",
	  numa_subs },
	{ "dax", "the exclusive-ownership allocator for SP memory, like daxctl", dax_subs },
	{ "app", "apps in ring 3: list them, run one (memprobe: HMAT claims beside measurements)",
	  app_subs },
	{ "stats", "uptime, recovered faults, allocator, heap and dax counts",
	  ONE("", "uptime, recovered faults, allocator, heap and dax counts", 0, "stats",
	      cmd_stats) },
	{ "selftest", "check every allocator's invariants and the accounting; a random stress run",
	  (const struct shell_sub[]){
		  { 0, "",
		    "memory map, page allocator, dax, hand-off and object invariant walkers, the "
		    "accounting checks and a kernel-heap exercise",
		    0, "selftest", cmd_selftest },
		  { "stress", "N SEED [CPUS]",
		    "N random operations across the memory API, every one checked; "
		    "failures injected on the way; with CPUS, N steps on each CPU at once "
		    "(docs/testing.md)",
		    "N     steps, 1..100000000 (per CPU with CPUS)\nSEED  the random seed (a run "
		    "on one CPU is "
		    "repeatable)\nCPUS  'all' or a count: run on that many CPUs at once "
		    "(docs/smp.md)",
		    "selftest stress 1000 1", cmd_stress },
		  END } },
	{ "bench",
	  "time hand-off and reclaim vs memset/memcpy; release after writes; hand-off/reclaim "
	  "cycles",
	  bench_subs },
	{ "fault",
	  "read an address (exception reports); inject failures; corrupt a page on purpose; "
	  "stall a CPU",
	  (const struct shell_sub[]){
		  { "read", "ADDR", "reads a byte at ADDR: a fault is reported and survived",
		    "ADDR  a virtual address, e.g. 0x1000", "fault read 0xdead0000", cmd_fault },
		  { "inject", "[POINT N [after K] | reset]",
		    "every failure point with its counters; or make the next N uses of POINT fail",
		    "POINT    pt, kheap, meta, migrate or page (docs/testing.md)\n"
		    "N        uses that fail (0 disarms)\nafter K  let K uses through first\n"
		    "reset    disarm every point, zero the counters",
		    "fault inject pt 1", cmd_fault_inject },
		  { "corrupt", "NAME PAGE",
		    "flips a byte of an object's page by physical address "
		    "(selftest must catch it; the same command flips it back)",
		    "NAME  a memory object\nPAGE  page index in the object", "fault corrupt A 0",
		    cmd_fault_corrupt },
		  { "stall", "CPU on|off",
		    "CPU leaves work calls unanswered (on) or answers them again, late (off): "
		    "the shell waits spmk.cpu_wait_ms= for it, then fails naming it",
		    "CPU     a CPU of 'cpus' other than 0\non|off  stop or resume answering",
		    "fault stall 1 on", cmd_fault_stall },
		  END } },
	{ 0, 0, 0 },
};
