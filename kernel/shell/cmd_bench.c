/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_bench.c - `bench hotplug`: hand-off and reclaim of the first devdax device with 0%, 50%
 * and 100% of it in use by a movable object, against memset (scrub) and memcpy (migration)
 * measured in the same boot on the same memory: each used case reclaims three times, each
 * reclaim against copies of its used bytes made just before and just after it into the
 * destinations the reclaim uses (kernel/shell/bench_copy.c: page by page through the direct
 * map, as migration copies; the median of the three ratios is printed with each run's raw
 * figures, and the other lines come from the median run), against the copies inside the
 * reclaim itself (their share is exact whatever the machine's speed does), and against
 * bandwidths measured at the start. Reclaim leaves the zeroing of used
 * blocks to the next claim (deferred scrub), so each cycle also times the first claim + map
 * after the reclaim, which pays it. Summary lines: `NAME VALUE UNIT`. Ratios are printed with
 * three decimals (fixed point: the kernel has no floating point). */
#include "kernel/shell/commands.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/khotplug.h"
#include "kernel/printk.h"
#include "kernel/shell/bench_copy.h"
#include "kernel/shell/shell.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/parse.h"

#define BENCH_CHUNK_ORDER 14    /* 64 MiB chunks of the copy destination on another node */
#define BENCH_CHUNKS 8          /* 512 MiB: a distinct destination for every page copied */
#define BENCH_MARGIN_PAGES 4096 /* 16 MiB left free elsewhere when sizing the 100% case */

static void ratio(const char *name, uint64_t num, uint64_t den)
{
	uint64_t r = den ? num * 1000 / den : 0;
	kprintf("%s %lu.%03lu x\n", name, (unsigned long)(r / 1000), (unsigned long)(r % 1000));
}

static bool bench_device(uint32_t *dev)
{
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *x = dax_device_get(&K.dax, i);
		if (x && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED &&
		    dax_device_node(&K.dax, i) >= 0) {
			*dev = i;
			return true;
		}
	}
	return false;
}

#define BENCH_BASELINE_RUNS 3

/* The fastest of BENCH_BASELINE_RUNS memsets of the device (mapped at va), in microseconds. */
static uint64_t bench_memset_us(const struct dax_device *x, uint64_t va, uint64_t n)
{
	uint64_t best = UINT64_MAX;
	for (int run = 0; run <= BENCH_BASELINE_RUNS; run++) {
		uint64_t t0 = rdtsc();
		for (uint64_t off = 0; off + n <= x->size; off += n)
			memset((void *)(uintptr_t)(va + off), run, n);
		uint64_t us = tsc_to_us(rdtsc() - t0);
		if (run > 0 &&
		    us < best) /* run 0 touches every page first: the host backs RAM lazily */
			best = us;
	}
	return best;
}

/* The fastest of BENCH_BASELINE_RUNS page-by-page copies of half the device to another node
 * (as migration copies), in microseconds. Page p goes to chunk p / n of buf, one page off the
 * source's alignment: pages a large power of two apart collide in QEMU's direct-mapped
 * software TLB on every access, which would time that collision instead of the copy
 * (migration's page pairs are unrelated). cold: every page has its own destination (nbuf
 * chunks cover half the device) and each run starts with an empty TLB, as a copy of that
 * many bytes does; otherwise the destination is one reused chunk and the TLB keeps what the
 * previous run loaded (the earlier baseline, kinder under QEMU, whose software TLB then hits
 * on every page; still printed for comparison). The source is the device mapped at va. */
static uint64_t bench_memcpy_us(const struct dax_device *x, uint64_t va, const pfn_t *buf,
				unsigned nbuf, uint64_t n, bool cold)
{
	uint64_t best = UINT64_MAX;
	for (int run = 0; run < BENCH_BASELINE_RUNS; run++) {
		if (cold)
			write_cr3(read_cr3());
		uint64_t t0 = rdtsc();
		for (uint64_t p = 0; p < x->size / 2; p += PAGE_SIZE)
			memcpy(phys_to_virt(
				       pa_add(pfn_to_pa(buf[p / n % nbuf]), (p + PAGE_SIZE) % n).v),
			       (const void *)(uintptr_t)(va + p), PAGE_SIZE);
		best = MIN(best, tsc_to_us(rdtsc() - t0));
	}
	return best;
}

/* Bandwidths (bytes per second) of memset on device dev and memcpy device -> other node (a
 * distinct destination per page, cold TLB; *reuse_bps: the earlier baseline, one reused 64 MiB
 * buffer, warm TLB); each the best of several runs, since this shared machine's speed varies
 * from second to second. The bench writes only memory it owns: it claims the device as
 * 'bench', writes it through its own window, and releases it (scrubbed) afterwards; the copy
 * buffers are its own allocations. The active owner is restored. */
static bool bench_bandwidth(uint32_t dev, uint64_t *set_bps, uint64_t *cpy_bps, uint64_t *reuse_bps)
{
	const struct dax_device *x = dax_device_get(&K.dax, dev);
	pfn_t buf[BENCH_CHUNKS];
	uint64_t va, n = pages_to_bytes((uint64_t)1 << BENCH_CHUNK_ORDER);
	unsigned nbuf = 0;
	char was[DAX_OWNER_MAX + 1];
	struct dax_handle h;
	memcpy(was, dax_active_owner(&K.dax), sizeof was);
	if (dax_claim(&K.dax, dev, "bench", &h) != ST_OK)
		return false;
	bool ok = dax_activate(&K.dax, "bench") == ST_OK && dax_map(&K.dax, h) == ST_OK &&
		  dax_access_ptr(&K.dax, h, 0, x->size, &va) == ST_OK;
	while (ok && nbuf < BENCH_CHUNKS && nbuf * n < x->size / 2 &&
	       buddy_alloc(&K.buddy, BENCH_CHUNK_ORDER, -1, BUDDY_OWNER(BUDDY_OWNER_OTHER),
			   &buf[nbuf]) == ST_OK)
		nbuf++;
	ok = ok && nbuf > 0;
	if (ok) {
		uint64_t set_us = bench_memset_us(x, va, n);
		uint64_t cpy_us = bench_memcpy_us(x, va, buf, nbuf, n, true);
		uint64_t reuse_us = bench_memcpy_us(x, va, buf, 1, n, false);
		*set_bps = x->size / n * n * 1000000 / (set_us + 1);
		*cpy_bps = x->size / 2 * 1000000 / (cpy_us + 1);
		*reuse_bps = x->size / 2 * 1000000 / (reuse_us + 1);
		if (nbuf * n < x->size / 2)
			kprintf("hotplug.note memcpy baseline: only %u x 64 MiB of destination\n",
				nbuf);
	}
	while (nbuf)
		CHECK_OK(buddy_free(&K.buddy, buf[--nbuf], BENCH_CHUNK_ORDER)); /* ours */
	CHECK_OK(dax_release(&K.dax, h));                                       /* our own claim */
	CHECK_OK(dax_activate(&K.dax, was)); /* was active before: its mappings were present */
	return ok;
}

/* Touch every free page once. QEMU backs guest RAM lazily: the first write to a page costs a
 * host page fault, which would otherwise be charged to whatever writes it first (migration's
 * copies, ~7 us a page) and not to spmk. Each free block holds (next, order) while allocated. */
static void bench_warm(void)
{
	uint64_t head = UINT64_MAX;
	pfn_t pfn;
	for (int k = BUDDY_MAX_ORDER; k >= 0; k--)
		while (buddy_alloc(&K.buddy, (unsigned)k, -1, BUDDY_OWNER(BUDDY_OWNER_OTHER),
				   &pfn) == ST_OK) {
			for (uint64_t i = 0; i < ((uint64_t)1 << k); i++)
				*(volatile uint64_t *)phys_to_virt(pfn_to_pa(pfn_add(pfn, i)).v) =
					0;
			uint64_t *w = phys_to_virt(pfn_to_pa(pfn).v);
			w[0] = head;
			w[1] = (uint64_t)k;
			head = pfn.v;
		}
	while (head != UINT64_MAX) {
		uint64_t *w = phys_to_virt(pfn_to_pa(pfn_of(head)).v), next = w[0];
		CHECK_OK(buddy_free(&K.buddy, pfn_of(head), (unsigned)w[1]));
		head = next;
	}
}

/* The first claim + map after a reclaim (it zeroes the blocks reclaim left dirty), in us;
 * then the device is released again (release zeroes the whole device, not timed). */
static bool bench_claim(uint32_t dev, uint64_t *claim_us)
{
	struct dax_handle h;
	uint64_t t0 = rdtsc();
	status_t st = dax_claim(&K.dax, dev, "bench", &h);
	if (st == ST_OK)
		st = dax_map(&K.dax, h);
	*claim_us = tsc_to_us(rdtsc() - t0);
	if (st == ST_OK || dax_handle_for(&K.dax, dev, "bench", &h) == ST_OK)
		CHECK_OK(dax_release(&K.dax, h)); /* our own claim */
	return st == ST_OK;
}

/* Hand off, fill `used` bytes on the device's node, reclaim; times in us. */
static bool bench_cycle(uint32_t dev, uint64_t used, uint64_t *handoff_us, uint64_t *reclaim_us,
			uint64_t *moved, uint64_t *deferred)
{
	struct hotplug_reclaim_info info;
	int node = dax_device_node(&K.dax, dev);
	uint64_t t0 = rdtsc();
	if (hotplug_handoff(&K.hotplug, dev, true) != ST_OK)
		return false;
	*handoff_us = tsc_to_us(rdtsc() - t0);
	unsigned slot = 0;
	if (used &&
	    memobj_fill(&K.objs, "bench", bytes_to_pages(used), node, true, &slot) != ST_OK) {
		hotplug_reclaim(&K.hotplug, dev, 0, 0);
		return false;
	}
	memset(&khotplug_prof, 0, sizeof khotplug_prof);
	t0 = rdtsc();
	status_t st = hotplug_reclaim(&K.hotplug, dev, 0, &info);
	*reclaim_us = tsc_to_us(rdtsc() - t0);
	*moved = info.moved;
	*deferred = info.deferred;
	uint64_t bad = 0;
	if (used) {
		memobj_check(&K.objs, slot, &bad);
		CHECK_OK(memobj_free(&K.objs, slot)); /* nothing pinned it */
	}
	if (bad)
		printk(LOG_ERR, "bench: %lu pages of the object were damaged", (unsigned long)bad);
	return st == ST_OK && bad == 0;
}

#define BENCH_RECLAIM_RUNS 3 /* reclaims per used case, each between two copies */

/* One used case of `bench hotplug`: BENCH_RECLAIM_RUNS reclaims of `used` bytes in use, each
 * bracketed by the memcpy of the same pages into the same destination blocks right before
 * and right after it (kernel/shell/bench_copy.h), so that a machine whose speed changes
 * between runs moves the reclaim and its baselines together. */
struct bench_used {
	uint64_t handoff_us, claim_us, moved, deferred;
	uint64_t reclaim_us[BENCH_RECLAIM_RUNS], before_us[BENCH_RECLAIM_RUNS],
		after_us[BENCH_RECLAIM_RUNS];
	uint64_t ratio_milli[BENCH_RECLAIM_RUNS]; /* reclaim / mean(before, after), x 1000 */
	struct khotplug_prof prof[BENCH_RECLAIM_RUNS];
	unsigned same_dest; /* runs whose two copies used the same destination blocks */
	unsigned median;    /* the run of the median ratio */
};

/* Run k of bench_used: (hand-off,) fill, copy, reclaim, check, free, hand-off, copy, reclaim
 * of the now unused device. Only the first hand-off, the reclaim and the copies are timed. */
static bool bench_used_run(uint32_t dev, uint64_t used, unsigned k, struct bench_used *u)
{
	struct hotplug_reclaim_info info;
	unsigned node = (unsigned)dax_device_node(&K.dax, dev), slot = 0;
	const struct dax_device *x = dax_device_get(&K.dax, dev);
	uint64_t base = pa_to_pfn(pa_of(x->base)).v, npages = bytes_to_pages(x->size), d0, d1,
		 bad = 0;
	uint64_t t0 = rdtsc();
	if (hotplug_handoff(&K.hotplug, dev, true) != ST_OK)
		return false;
	if (k == 0)
		u->handoff_us = tsc_to_us(rdtsc() - t0);
	if (memobj_fill(&K.objs, "bench", bytes_to_pages(used), (int)node, true, &slot) != ST_OK) {
		hotplug_reclaim(&K.hotplug, dev, 0, 0);
		return false;
	}
	bench_copy_plan(base, npages);
	u->before_us[k] = bench_copy_us(node, &d0);
	memset(&khotplug_prof, 0, sizeof khotplug_prof);
	t0 = rdtsc();
	status_t st = hotplug_reclaim(&K.hotplug, dev, 0, &info);
	u->reclaim_us[k] = tsc_to_us(rdtsc() - t0);
	u->prof[k] = khotplug_prof;
	u->moved = info.moved;
	u->deferred = info.deferred;
	memobj_check(&K.objs, slot, &bad);
	CHECK_OK(memobj_free(&K.objs, slot)); /* nothing pinned it */
	if (bad)
		printk(LOG_ERR, "bench: %lu pages of the object were damaged", (unsigned long)bad);
	if (st != ST_OK || bad || hotplug_handoff(&K.hotplug, dev, true) != ST_OK)
		return false;
	u->after_us[k] = bench_copy_us(node, &d1); /* the same sources, in the direct map again */
	u->same_dest += d0 && d0 == d1;
	uint64_t mean = (u->before_us[k] + u->after_us[k]) / 2;
	u->ratio_milli[k] = mean ? u->reclaim_us[k] * 1000 / mean : 0;
	return hotplug_reclaim(&K.hotplug, dev, 0, 0) == ST_OK && u->before_us[k] && u->after_us[k];
}

static bool bench_used_case(uint32_t dev, uint64_t used, struct bench_used *u)
{
	memset(u, 0, sizeof *u);
	for (unsigned k = 0; k < BENCH_RECLAIM_RUNS; k++)
		if (!bench_used_run(dev, used, k, u))
			return false;
	unsigned idx[BENCH_RECLAIM_RUNS];
	for (unsigned i = 0; i < BENCH_RECLAIM_RUNS; i++) { /* insertion sort by ratio */
		unsigned j = i;
		for (; j && u->ratio_milli[idx[j - 1]] > u->ratio_milli[i]; j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	u->median = idx[BENCH_RECLAIM_RUNS / 2];
	return bench_claim(dev, &u->claim_us);
}

static void bench_used_print(unsigned long pct, const struct bench_used *u)
{
	char name[80];
	for (unsigned k = 0; k < BENCH_RECLAIM_RUNS; k++) {
		kprintf("hotplug.reclaim_%lupct_run%u_us %lu us\n", pct, k + 1,
			(unsigned long)u->reclaim_us[k]);
		kprintf("hotplug.memcpy_%lupct_run%u_before_us %lu us\n", pct, k + 1,
			(unsigned long)u->before_us[k]);
		kprintf("hotplug.memcpy_%lupct_run%u_after_us %lu us\n", pct, k + 1,
			(unsigned long)u->after_us[k]);
		fmt_snprintf(name, sizeof name, "hotplug.reclaim_%lupct_run%u_vs_memcpy_around",
			     pct, k + 1);
		ratio(name, u->ratio_milli[k], 1000);
	}
	fmt_snprintf(name, sizeof name, "hotplug.reclaim_%lupct_vs_memcpy_around_median", pct);
	ratio(name, u->ratio_milli[u->median], 1000);
	kprintf("hotplug.reclaim_%lupct_median_run %u run\n", pct, u->median + 1);
	kprintf("hotplug.reclaim_%lupct_runs_same_destinations %u runs\n", pct, u->same_dest);
}

/* The largest in-use size (whole 2 MiB blocks, at most size) that fits elsewhere. */
static uint64_t bench_fit(uint64_t size, unsigned node)
{
	struct buddy_stats all, here;
	CHECK_OK(buddy_stats(&K.buddy, -1, -1, &all));
	CHECK_OK(buddy_stats(&K.buddy, (int)node, -1, &here)); /* a region's target node */
	uint64_t elsewhere = all.free - here.free;
	uint64_t pages = elsewhere > BENCH_MARGIN_PAGES ? elsewhere - BENCH_MARGIN_PAGES : 0;
	return MIN(size, ALIGN_DOWN(pages_to_bytes(pages), HOTPLUG_BLOCK));
}

/* What one phase mark (memobj_ops.phase) costs, in ns: the profiler's own share of a
 * profiled reclaim. khotplug_prof is left as it was. */
static uint64_t bench_mark_ns(void)
{
	const struct memobj_ops *ops = K.objs.ops;
	struct khotplug_prof keep = khotplug_prof;
	enum { N = 100000 };
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < N; i++)
		ops->phase(ops->ctx, i & 1 ? MIGRATE_PHASE_RMAP : MIGRATE_PHASE_TAG);
	uint64_t ns = tsc_to_us(rdtsc() - t0) * 1000 / N;
	khotplug_prof = keep;
	return ns;
}

/* Where the last reclaim's time went, from khotplug_prof: the copies, the PTE switches
 * (freeze and remap) and the rest (stable lines), then each phase of migration (mm/migrate.h)
 * and what lies outside it (isolation, checks, the direct-map removal, the commit). */
static void bench_reclaim_profile(unsigned long pct, uint64_t r_us)
{
	static const char *const names[MIGRATE_PHASES] = {
		[MIGRATE_PHASE_RMAP] = "rmap",   [MIGRATE_PHASE_REFILL] = "refill",
		[MIGRATE_PHASE_TAG] = "tag",     [MIGRATE_PHASE_FREEZE] = "freeze",
		[MIGRATE_PHASE_FLUSH] = "flush", [MIGRATE_PHASE_COPY] = "copy",
		[MIGRATE_PHASE_REMAP] = "remap", [MIGRATE_PHASE_FREE] = "free",
	};
	const struct khotplug_prof *p = &khotplug_prof;
	uint64_t us[MIGRATE_PHASES], in_migration = 0;
	for (unsigned i = 0; i < MIGRATE_PHASES; i++) {
		us[i] = i == MIGRATE_PHASE_NONE ? 0 : tsc_to_us(p->phase_tsc[i]);
		in_migration += us[i];
	}
	uint64_t copy_us = us[MIGRATE_PHASE_COPY],
		 pte_us = us[MIGRATE_PHASE_FREEZE] + us[MIGRATE_PHASE_REMAP];
	kprintf("hotplug.reclaim_%lupct_in_copies_us %lu us\n", pct, (unsigned long)copy_us);
	kprintf("hotplug.reclaim_%lupct_in_pte_switches_us %lu us\n", pct, (unsigned long)pte_us);
	kprintf("hotplug.reclaim_%lupct_in_rest_us %lu us\n", pct,
		(unsigned long)(r_us > copy_us + pte_us ? r_us - copy_us - pte_us : 0));
	kprintf("hotplug.reclaim_%lupct_tlb_flushes %lu flushes\n", pct, (unsigned long)p->flushes);
	if (p->copies)
		kprintf("hotplug.reclaim_%lupct_ns_per_page_outside_copies %lu ns\n", pct,
			(unsigned long)((r_us - MIN(r_us, copy_us)) * 1000 / p->copies));
	for (unsigned i = 0; i < MIGRATE_PHASES; i++)
		if (names[i])
			kprintf("hotplug.reclaim_%lupct_phase_%s_us %lu us\n", pct, names[i],
				(unsigned long)us[i]);
	kprintf("hotplug.reclaim_%lupct_phase_flush_shootdown_us %lu us\n", pct,
		(unsigned long)tsc_to_us(p->shootdown_tsc));
	kprintf("hotplug.reclaim_%lupct_shootdown_rounds %lu rounds\n", pct,
		(unsigned long)p->shootdown_rounds);
	kprintf("hotplug.reclaim_%lupct_outside_migration_us %lu us\n", pct,
		(unsigned long)(r_us > in_migration ? r_us - in_migration : 0));
	if (!p->copies)
		return;
	char name[64];
	fmt_snprintf(name, sizeof name, "hotplug.reclaim_%lupct_vs_own_copies", pct);
	ratio(name, r_us, copy_us);
	uint64_t mark_ns = bench_mark_ns(), marks_us = p->marks * mark_ns / 1000;
	kprintf("hotplug.reclaim_%lupct_profile_marks %lu marks\n", pct, (unsigned long)p->marks);
	kprintf("hotplug.reclaim_%lupct_profile_mark_ns %lu ns\n", pct, (unsigned long)mark_ns);
	fmt_snprintf(name, sizeof name, "hotplug.reclaim_%lupct_unprofiled_vs_own_copies", pct);
	ratio(name, r_us - MIN(r_us, marks_us), copy_us);
}

static int bench_hotplug(void)
{
	shell_cancel_inner(false); /* each case runs whole; Ctrl-C stops between them */
	uint32_t dev;
	if (!bench_device(&dev))
		return shell_error("no unclaimed devdax device with a node");
	const struct dax_device *x = dax_device_get(&K.dax, dev);
	uint64_t size = x->size, set_bps = 1, cpy_bps = 1, reuse_bps = 1;
	unsigned node = (unsigned)dax_device_node(&K.dax, dev);
	if (!bench_bandwidth(dev, &set_bps, &cpy_bps, &reuse_bps) ||
	    hotplug_handoff(&K.hotplug, dev, true) != ST_OK ||
	    hotplug_reclaim(&K.hotplug, dev, 0, 0) != ST_OK)
		return shell_error("cannot measure bandwidth");
	uint64_t warm_t0 = rdtsc();
	bench_warm();
	kprintf("hotplug.warm_free_ram_us %lu us\n", (unsigned long)tsc_to_us(rdtsc() - warm_t0));
	uint64_t set_us = size * 1000000 / set_bps, pct[3] = { 0, 50, 100 };
	kprintf("hotplug.device_mib %lu MiB\n", (unsigned long)(size >> 20));
	kprintf("hotplug.memset_mbps %lu MB/s\n", (unsigned long)(set_bps / 1000000));
	kprintf("hotplug.memcpy_mbps %lu MB/s\n", (unsigned long)(cpy_bps / 1000000));
	kprintf("hotplug.memcpy_warm_reused_64m_mbps %lu MB/s\n",
		(unsigned long)(reuse_bps / 1000000));
	kprintf("hotplug.memset_1g_us %lu us\n", (unsigned long)set_us);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t want = size * pct[i] / 100, used = MIN(want, bench_fit(size, node));
		if (i && shell_progress(i, 3)) /* between cases: the device is devdax again */
			return shell_error("stopped by Ctrl-C before the %lu%% case",
					   (unsigned long)pct[i]);
		static struct bench_used u;
		uint64_t h_us, r_us, c_us, a_us = 0, moved, deferred;
		if (used < want)
			kprintf("hotplug.note %lu%% case: only %lu MiB fit elsewhere; using %lu "
				"MiB in use\n",
				(unsigned long)pct[i], (unsigned long)(used >> 20),
				(unsigned long)(used >> 20));
		if (used ? !bench_used_case(dev, used, &u)
			 : !bench_cycle(dev, used, &h_us, &r_us, &moved, &deferred) ||
				    !bench_claim(dev, &c_us))
			return shell_error("the %lu%% cycle failed", (unsigned long)pct[i]);
		if (used) { /* the figures of the run with the median ratio */
			h_us = u.handoff_us;
			r_us = u.reclaim_us[u.median];
			a_us = u.before_us[u.median];
			c_us = u.claim_us;
			moved = u.moved;
			deferred = u.deferred;
			khotplug_prof = u.prof[u.median];
			bench_used_print(pct[i], &u);
		}
		uint64_t cpy_us = a_us, boot_us = used * 1000000 / cpy_bps,
			 reuse_us = used * 1000000 / reuse_bps;
		kprintf("hotplug.handoff_1g_%lupct_us %lu us\n", (unsigned long)pct[i],
			(unsigned long)h_us);
		kprintf("hotplug.reclaim_1g_%lupct_us %lu us\n", (unsigned long)pct[i],
			(unsigned long)r_us);
		kprintf("hotplug.reclaim_%lupct_used_mib %lu MiB\n", (unsigned long)pct[i],
			(unsigned long)(used >> 20));
		kprintf("hotplug.reclaim_%lupct_moved_pages %lu pages\n", (unsigned long)pct[i],
			(unsigned long)moved);
		bench_reclaim_profile(pct[i], r_us);
		kprintf("hotplug.reclaim_%lupct_deferred_scrub_mib %lu MiB\n",
			(unsigned long)pct[i], (unsigned long)(deferred >> 20));
		kprintf("hotplug.first_claim_map_%lupct_us %lu us\n", (unsigned long)pct[i],
			(unsigned long)c_us);
		char name[64];
		if (used) {
			kprintf("hotplug.memcpy_%lupct_us %lu us\n", (unsigned long)pct[i],
				(unsigned long)cpy_us);
			kprintf("hotplug.memcpy_%lupct_after_us %lu us\n", (unsigned long)pct[i],
				(unsigned long)u.after_us[u.median]);
			fmt_snprintf(name, sizeof name, "hotplug.reclaim_%lupct_vs_memcpy",
				     (unsigned long)pct[i]);
			ratio(name, r_us, cpy_us);
			fmt_snprintf(name, sizeof name,
				     "hotplug.reclaim_%lupct_vs_memcpy_boot_mbps",
				     (unsigned long)pct[i]);
			ratio(name, r_us, boot_us);
			fmt_snprintf(name, sizeof name,
				     "hotplug.reclaim_%lupct_vs_memcpy_warm_reused_64m",
				     (unsigned long)pct[i]);
			ratio(name, r_us, reuse_us);
			fmt_snprintf(name, sizeof name,
				     "hotplug.reclaim_%lupct_vs_memcpy_plus_scrub",
				     (unsigned long)pct[i]);
			ratio(name, r_us, cpy_us + used * 1000000 / set_bps);
			fmt_snprintf(name, sizeof name,
				     "hotplug.reclaim_plus_claim_%lupct_vs_memcpy_plus_scrub",
				     (unsigned long)pct[i]);
			ratio(name, r_us + c_us, cpy_us + used * 1000000 / set_bps);
		} else {
			ratio("hotplug.handoff_vs_memset_1g", h_us, set_us);
			ratio("hotplug.reclaim_0pct_vs_memset_1g", r_us, set_us);
		}
	}
	return 0;
}

/* bench cycles DEV N [SIZE]: N hand-off/reclaim cycles, each with SIZE bytes (default 0) of a
 * movable object on the device's node that must survive the reclaim intact. */
static int bench_cycles(int argc, char **argv)
{
	uint32_t dev;
	uint64_t n, size = 0;
	char err[128];
	if (shell_arg_count(argc, argv, 4, 5))
		return 1;
	if (arg_u64("N", argv[3], 1, 1000000, &n, err, sizeof err) != ST_OK ||
	    (argc == 5 && arg_size("size", argv[4], 0, pages_to_bytes(MEMOBJ_MAX_PAGES), &size, err,
				   sizeof err) != ST_OK))
		return shell_arg_error("%s", err);
	if (dax_find(&K.dax, argv[2], &dev) != ST_OK)
		return shell_error("no device '%s' (see 'dax list')", argv[2]);
	uint64_t t0 = rdtsc(), moved = 0;
	shell_cancel_inner(false); /* each cycle runs whole; Ctrl-C stops between them */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t h_us, r_us, m, deferred;
		if (i && shell_progress(i, n)) /* between cycles: the device is devdax again */
			return shell_error(
				"stopped by Ctrl-C after %lu of %lu cycles; %s is devdax",
				(unsigned long)i, (unsigned long)n, argv[2]);
		if (!bench_cycle(dev, ALIGN_DOWN(size, PAGE_SIZE), &h_us, &r_us, &m, &deferred))
			return shell_error("cycle %lu failed", (unsigned long)i);
		moved += m;
	}
	kprintf("cycles: %lu hand-off/reclaim cycles ok, %lu pages migrated (%lu us)\n",
		(unsigned long)n, (unsigned long)moved, (unsigned long)tsc_to_us(rdtsc() - t0));
	return 0;
}

static int bench_hotplug_cmd(int argc, char **argv)
{
	if (argc != 2)
		return shell_arg_error("unexpected '%s'", argv[2]);
	return bench_hotplug();
}

const struct shell_sub bench_subs[] = {
	{ "hotplug", "",
	  "times hand-off and reclaim of the first dax device with 0%, 50% and 100% "
	  "in use, against memset and memcpy; lines NAME VALUE UNIT",
	  0, "bench hotplug", bench_hotplug_cmd },
	{ "release", "",
	  "release of the first unclaimed devdax device after its owner wrote 1 page, "
	  "1%, 50% and 100% of it, and the next claim + map, against one whole scrub; lines NAME "
	  "VALUE UNIT",
	  0, "bench release", cmd_bench_release },
	{ "cycles", "DEV N [SIZE]", "N hand-off/reclaim cycles of DEV, each with SIZE bytes in use",
	  "DEV   an unclaimed devdax device\nN     how many cycles\n"
	  "SIZE  bytes of a movable object on the device's node (default 0)",
	  "bench cycles dax0.0 3 64M", bench_cycles },
	{ "rounds", "DEV N NAME",
	  "N rounds of hand-off, mem move NAME onto DEV's node, reclaim; "
	  "with whatever workers run (mem work)",
	  "DEV   an unclaimed devdax device with a node\nN     how many rounds\n"
	  "NAME  a movable object",
	  "bench rounds dax0.0 10 A", bench_rounds },
	{ "smp", "DEV SIZE N",
	  "reclaim of DEV with SIZE in use while workers write on every other CPU: "
	  "time vs memcpy, worker ops/s before and during, shootdown rounds; then N rounds",
	  "DEV   an unclaimed devdax device with a node\nSIZE  bytes of the object on DEV's node\n"
	  "N     rounds after the measured reclaim",
	  "bench smp dax0.0 64M 10", bench_smp },
	{ 0, 0, 0, 0, 0, 0 },
};
