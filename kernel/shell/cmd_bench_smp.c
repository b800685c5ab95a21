/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_bench_smp.c - reclaim while other CPUs write (docs/smp.md):
 *
 *   bench rounds DEV N NAME   N rounds of: hand DEV off (movable), move object NAME onto DEV's
 *                             node (mem move), reclaim DEV; with whatever workers run
 *                             (mem work). Every round must succeed; prints the totals.
 *   bench smp DEV SIZE N      the figures: an object of SIZE on DEV's node, memcpy of its
 *                             bytes, workers on every other CPU, their throughput before and
 *                             during a reclaim, the reclaim's time and shootdown rounds, then
 *                             N rounds as above and the workers' lost writes. Lines
 *                             `smp.NAME VALUE UNIT`. */
#include "kernel/shell/commands.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/smp.h"
#include "kernel/tlb.h"
#include "kernel/work.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "mm/migrate.h"

#define COPY_ORDER 9 /* 2 MiB copy buffer, reused */
#define BEFORE_MS 500

struct round_totals {
	uint64_t rounds, moved_in, moved_out, reclaim_us, shootdowns;
};

/* One round: hand-off, move NAME onto the device's node, reclaim. A failure is reported
 * (which step, its status) and leaves the device devdax whenever the reclaim can run. */
static bool one_round(uint32_t dev, unsigned slot, unsigned node, struct round_totals *t)
{
	struct migrate_result r;
	struct hotplug_reclaim_info info;
	status_t st = hotplug_handoff(&K.hotplug, dev, true);
	if (st != ST_OK)
		return shell_error("round %lu: hand-off: %s", (unsigned long)t->rounds,
				   status_str(st)),
		       false;
	st = migrate_object(&K.objs, slot, node, &r);
	t->moved_in += r.moved;
	if (st != ST_OK)
		shell_error("round %lu: move to node %u: %s", (unsigned long)t->rounds, node,
			    status_str(st));
	uint64_t s0 = tlb_rounds(), t0 = rdtsc();
	status_t rst = hotplug_reclaim(&K.hotplug, dev, 0, &info);
	t->reclaim_us += tsc_to_us(rdtsc() - t0);
	t->shootdowns += tlb_rounds() - s0;
	if (rst != ST_OK)
		return shell_error("round %lu: reclaim: %s", (unsigned long)t->rounds,
				   status_str(rst)),
		       false;
	t->moved_out += info.moved;
	t->rounds++;
	return st == ST_OK;
}

static bool round_args(const char *devname, uint32_t *dev, unsigned *node)
{
	if (dax_find(&K.dax, devname, dev) != ST_OK)
		return shell_error("no device '%s' (see 'dax list')", devname), false;
	const struct dax_device *x = dax_device_get(&K.dax, *dev);
	int n = dax_device_node(&K.dax, *dev);
	if (x->mode != DAX_MODE_DEVDAX || x->state != DAX_UNCLAIMED || n < 0)
		return shell_error("%s must be an unclaimed devdax device with a node", devname),
		       false;
	*node = (unsigned)n;
	return true;
}

int bench_rounds(int argc, char **argv)
{
	uint32_t dev;
	unsigned node, slot;
	uint64_t n;
	char err[128];
	if (shell_arg_count(argc, argv, 5, 5))
		return 1;
	if (arg_u64("N", argv[3], 1, 1000000, &n, err, sizeof err) != ST_OK)
		return shell_arg_error("%s", err);
	if (!round_args(argv[2], &dev, &node))
		return 1;
	if (memobj_find(&K.objs, argv[4], &slot) != ST_OK || !memobj_get(&K.objs, slot)->movable)
		return shell_error("no movable object '%s' (see 'mem objects')", argv[4]);
	struct round_totals t = { 0, 0, 0, 0, 0 };
	uint64_t t0 = rdtsc(), ops0 = work_ops_total();
	shell_cancel_inner(false); /* each round runs whole; Ctrl-C stops between them */
	for (uint64_t i = 0; i < n; i++) {
		if (i && shell_progress(i, n))
			return shell_error(
				"stopped by Ctrl-C after %lu of %lu rounds; %s is devdax",
				(unsigned long)i, (unsigned long)n, argv[2]);
		if (!one_round(dev, slot, node, &t))
			return 1;
	}
	kprintf("rounds: %lu hand-off/move/reclaim rounds ok, %lu pages moved onto node %u and %lu "
		"back, %lu shootdown rounds in reclaims, %lu worker ops, %lu us\n",
		(unsigned long)t.rounds, (unsigned long)t.moved_in, node,
		(unsigned long)t.moved_out, (unsigned long)t.shootdowns,
		(unsigned long)(work_ops_total() - ops0), (unsigned long)tsc_to_us(rdtsc() - t0));
	return 0;
}

/* The best of three page-by-page copies of the object's pages into a 2 MiB buffer, in us. */
static uint64_t object_memcpy_us(unsigned slot, uint64_t npages)
{
	uint64_t best = UINT64_MAX;
	pfn_t buf;
	if (buddy_alloc(&K.buddy, COPY_ORDER, 0, BUDDY_OWNER(BUDDY_OWNER_OTHER), &buf) != ST_OK)
		return 0;
	uint8_t *dst = phys_to_virt(pfn_to_pa(buf).v);
	for (int run = 0; run < 3; run++) {
		uint64_t t0 = rdtsc();
		for (uint64_t i = 0; i < npages; i++)
			memcpy(dst + ((i + 1) % (1u << COPY_ORDER)) * PAGE_SIZE,
			       K.objs.ops->page(K.objs.ops->ctx, slot, i), PAGE_SIZE);
		best = MIN(best, tsc_to_us(rdtsc() - t0));
	}
	CHECK_OK(buddy_free(&K.buddy, buf, COPY_ORDER)); /* allocated above */
	return best;
}

static void figure(const char *name, uint64_t v, const char *unit)
{
	kprintf("smp.%s %lu %s\n", name, (unsigned long)v, unit);
}

static uint64_t per_s(uint64_t n, uint64_t us) { return us ? n * 1000000 / us : 0; }

/* Hands DEV off, moves the object onto its node and times a memcpy of its bytes; then workers
 * on every other CPU, their ops/s over BEFORE_MS, then one reclaim (timed) and their ops/s
 * during it. False (reported) when a step fails. */
static bool smp_measure(uint32_t dev, unsigned slot, unsigned node, uint64_t npages)
{
	struct migrate_result mr;
	struct hotplug_reclaim_info info;
	status_t st = hotplug_handoff(&K.hotplug, dev, true);
	if (st != ST_OK)
		return shell_error("hand-off: %s", status_str(st)), false;
	st = migrate_object(&K.objs, slot, node, &mr);
	uint64_t cpy_us = object_memcpy_us(slot, npages), mask = 0;
	for (unsigned i = 1; i < smp.ncpus; i++)
		if (percpu[i].state == CPU_ONLINE)
			mask |= 1ull << i;
	if (st == ST_OK && mask)
		CHECK_OK(
			work_start(slot, mask)); /* movable, CPUs online, no worker ran (checked) */
	uint64_t ops0 = work_ops_total(), t0 = rdtsc();
	while (st == ST_OK && tsc_to_us(rdtsc() - t0) < BEFORE_MS * 1000ull)
		cpu_relax();
	uint64_t before = per_s(work_ops_total() - ops0, tsc_to_us(rdtsc() - t0));
	uint64_t s0 = tlb_rounds(), w0 = work_ops_total();
	t0 = rdtsc();
	status_t rst = hotplug_reclaim(&K.hotplug, dev, 0, &info);
	uint64_t r_us = tsc_to_us(rdtsc() - t0), during = per_s(work_ops_total() - w0, r_us);
	if (st != ST_OK || rst != ST_OK)
		return shell_error("move: %s, reclaim: %s", status_str(st), status_str(rst)), false;
	figure("cpus_online", smp.online, "cpus");
	figure("workers", (uint64_t)__builtin_popcountll(mask), "cpus");
	figure("reclaim_used_mib", pages_to_bytes(npages) / MiB, "MiB");
	figure("reclaim_moved_pages", info.moved, "pages");
	figure("reclaim_us", r_us, "us");
	figure("memcpy_used_us", cpy_us, "us");
	uint64_t r = cpy_us ? r_us * 1000 / cpy_us : 0;
	kprintf("smp.reclaim_vs_memcpy %lu.%03lu x\n", (unsigned long)(r / 1000),
		(unsigned long)(r % 1000));
	figure("reclaim_shootdown_rounds", tlb_rounds() - s0, "rounds");
	figure("worker_ops_per_s_before", before, "ops/s");
	figure("worker_ops_per_s_during_reclaim", during, "ops/s");
	return true;
}

int bench_smp(int argc, char **argv)
{
	uint32_t dev;
	unsigned node, slot;
	uint64_t size, n;
	char err[128];
	if (shell_arg_count(argc, argv, 5, 5))
		return 1;
	if (arg_size("size", argv[3], PAGE_SIZE, pages_to_bytes(MEMOBJ_MAX_PAGES), &size, err,
		     sizeof err) != ST_OK ||
	    arg_u64("N", argv[4], 0, 1000000, &n, err, sizeof err) != ST_OK)
		return shell_arg_error("%s", err);
	if (!round_args(argv[2], &dev, &node))
		return 1;
	if (work_count())
		return shell_error("workers run; 'mem work stop' first (bench smp starts its own)");
	uint64_t npages = size >> PAGE_SHIFT;
	status_t st = memobj_fill(&K.objs, "smpbench", npages, -1, true, &slot);
	if (st != ST_OK)
		return shell_fail(st);
	shell_cancel_inner(false);
	bool ok = smp_measure(dev, slot, node, npages);
	struct round_totals t = { 0, 0, 0, 0, 0 };
	uint64_t t0 = rdtsc();
	for (uint64_t i = 0; ok && i < n; i++)
		ok = one_round(dev, slot, node, &t);
	uint64_t us = tsc_to_us(rdtsc() - t0), lost = work_count() ? work_stop(&st) : 0, bad = 0;
	CHECK_OK(memobj_check(&K.objs, slot, &bad)); /* the object we filled */
	CHECK_OK(memobj_free(&K.objs, slot));        /* nothing pinned it, no worker left */
	if (!ok)
		return 1; /* the failed step was reported */
	figure("rounds", t.rounds, "rounds");
	figure("round_avg_us", t.rounds ? us / t.rounds : 0, "us");
	figure("rounds_shootdown_rounds", t.shootdowns, "rounds");
	figure("lost_writes", lost, "writes");
	figure("damaged_pages_after", bad, "pages");
	return ok && !lost && !bad ? 0 : 1;
}
