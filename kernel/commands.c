/* commands.c - the shell's command table and the small general commands. */
#include "kernel/commands.h"
#include "kernel/cpu.h"
#include "kernel/kernel.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/trap.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct shell_cmd *c = shell_commands; c->name; c++) {
		if (strlen(c->usage) <= 32)
			kprintf("  %-32s %s\n", c->usage, c->help);
		else
			kprintf("  %-32s %s\n    %s\n", c->name, c->help, c->usage);
	}
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
	(void)argv;
	if (argc != 1)
		return shell_usage("poweroff");
	power_off();
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage("reboot");
	power_reboot();
}

static int cmd_taint(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage("taint");
	kprintf("taint: 0x%x%s%s\n", K.taint, K.taint & TAINT_FIRMWARE_BUG ? " firmware-bug" : "",
		K.taint & TAINT_FAULT ? " fault" : "");
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage("stats");
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
	for (uint32_t i = 0; i < K.dax.cap_devices; i++) {
		const struct dax_device *d = dax_device_get(&K.dax, i);
		if (!d || !d->used)
			continue;
		devices++;
		claimed += d->state != DAX_UNCLAIMED;
		ram += d->mode == DAX_MODE_SYSTEM_RAM;
	}
	kprintf("dax: %u regions, %u devices (%u claimed, %u system-ram)\n", K.dax.nregions, devices,
		claimed, ram);
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
	if (argc >= 2 && strcmp(argv[1], "stress") == 0)
		return cmd_stress(argc, argv);
	if (argc != 1)
		return shell_usage("selftest");
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
	if (argc >= 2 && strcmp(argv[1], "inject") == 0)
		return cmd_fault_inject(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "corrupt") == 0)
		return cmd_fault_corrupt(argc, argv);
	if (argc != 3 || strcmp(argv[1], "read") != 0 || parse_u64(argv[2], &addr) != ST_OK)
		return shell_usage("fault");
	kprintf("fault: reading 0x%lx\n", (unsigned long)addr);
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	kprintf("fault: read 0x%02x (no fault)\n", *p);
	return 0;
}

const struct shell_cmd shell_commands[] = {
	{ "help", "help", "list commands", cmd_help },
	{ "echo", "echo [WORD...]", "print the words", cmd_echo },
	{ "taint", "taint", "show the kernel taint flags", cmd_taint },
	{ "poweroff", "poweroff", "power the machine off (ACPI S5)", cmd_poweroff },
	{ "reboot", "reboot", "reset the machine", cmd_reboot },
	{ "memmap", "memmap [-n]", "the UEFI memory map as received (-n: normalised)", cmd_memmap },
	{ "mem", "mem | mem fill NAME SIZE [node=N] | check NAME | pin NAME PAGE | unpin NAME PAGE | free NAME | objects",
	  "page allocator totals per node/zone/owner; movable memory objects", cmd_mem },
	{ "iomem", "iomem", "the physical address map, like /proc/iomem", cmd_iomem },
	{ "acpi", "acpi tables | acpi dump SIG", "list the ACPI tables, or hex-dump one", cmd_acpi },
	{ "numa", "numa [-j | --hwloc]", "NUMA nodes, HMAT figures, caches, matrix, memory tiers (-j: JSON; --hwloc: hwloc XML)", cmd_numa },
	{ "dax", "dax list [-j] | create-device REGION SIZE [ALIGN] | destroy-device DEV | claim DEV OWNER | map DEV | write DEV OFF PATTERN LEN [--as OWNER] | read DEV OFF LEN [--as OWNER] | release DEV | reconfigure DEV system-ram [--unmovable] | reconfigure DEV devdax [--size BYTES]",
	  "the exclusive-ownership allocator for SP memory", cmd_dax },
	{ "stats", "stats", "uptime, recovered faults, allocator, heap and dax counts", cmd_stats },
	{ "selftest", "selftest | selftest stress N SEED", "check memory map, page allocator, dax invariants and accounting; N random checked operations", cmd_selftest },
	{ "bench", "bench hotplug | bench cycles DEV N [SIZE]", "time hand-off and reclaim vs memset/memcpy; N hand-off/reclaim cycles", cmd_bench },
	{ "fault", "fault read ADDR | fault inject [POINT N [after K] | reset] | fault corrupt NAME PAGE",
	  "read an address (shows exception reports); make the next N uses of a failure point fail; "
	  "flip a byte of an object's page by physical address", cmd_fault },
	{ 0, 0, 0, 0 },
};
