/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug_sim.c - the simulated machine of the mm/memobj, mm/migrate, mm/hotplug, atomicity
 * and stress host tests (see hotplug_sim.h for the layout and what the fake hardware checks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug_sim.h"

char sim_where[64];

static struct sim *sim_of(void *ctx) { return ctx; }
uint8_t *sim_page(struct sim *s, uint64_t pfn)
{
	assert_true(pfn < SIM_PAGES);
	return s->mem + pfn * PAGE_SIZE;
}

static void sim_zero(void *ctx, uint64_t pfn, uint64_t n)
{
	struct sim *s = sim_of(ctx);
	memset(sim_page(s, pfn), 0, n * PAGE_SIZE);
	__atomic_add_fetch(&s->zeroes, 1, __ATOMIC_RELAXED);
	hotplug_note_zero(&s->hp, pfn_of(pfn), n);
}
/* Debug builds junk-fill freed pages, as the kernel does. */
static void sim_junk(void *ctx, uint64_t pfn, uint64_t n)
{
	memset(sim_page(sim_of(ctx), pfn), BUDDY_JUNK_BYTE, n * PAGE_SIZE);
}
static const struct buddy_ops sim_buddy_ops = { .zero = sim_zero, .junk = sim_junk };

static status_t sim_map(void *ctx, unsigned slot, uint64_t i, pfn_t f)
{
	struct sim *s = sim_of(ctx);
	uint64_t pfn = f.v;
	assert_true(i < SIM_MAXP);
	if (fault_hit(FAULT_PT_ALLOC))
		return ST_NOMEM;
	if (!s->pt[slot]) {
		s->pt[slot] = malloc(SIM_MAXP * sizeof(uint64_t));
		memset(s->pt[slot], 0xff, SIM_MAXP * sizeof(uint64_t));
	}
	assert_true(s->pt[slot][i] == UINT64_MAX);
	s->pt[slot][i] = pfn;
	__atomic_add_fetch(&s->obj_mapped, 1, __ATOMIC_RELAXED);
	return ST_OK;
}
status_t sim_remap(void *ctx, unsigned slot, uint64_t i, pfn_t old_pfn, pfn_t new_pfn)
{
	struct sim *s = sim_of(ctx);
	uint64_t old = old_pfn.v, pfn = new_pfn.v;
	if (s->fail_remap > 0 && --s->fail_remap == 0)
		return ST_NOMEM;
	if (!s->pt[slot] || s->pt[slot][i] == UINT64_MAX)
		return ST_NOTFOUND;
	if (s->pt[slot][i] != old)
		return ST_INVALID;
	assert_true(s->unflushed < MIGRATE_BATCH); /* at most one batch between flushes */
	s->pt[slot][i] = pfn;
	s->remaps++;
	s->stale[s->unflushed++] = old;
	return ST_OK;
}
/* A page a stale TLB entry may still reach must not have been freed yet. */
void sim_flush(void *ctx)
{
	struct sim *s = sim_of(ctx);
	struct buddy_page_info pi;
	for (unsigned k = 0; k < s->unflushed; k++)
		if (buddy_page_state(&s->b, pfn_of(s->stale[k]), &pi) != ST_OK ||
		    pi.state != PAGE_MOVABLE)
			fail_msg("pfn 0x%llx freed before the TLB flush",
				 (unsigned long long)s->stale[k]);
	s->flushes++;
	s->unflushed = 0;
}
static void sim_unmap(void *ctx, unsigned slot, uint64_t first, uint64_t n)
{
	struct sim *s = sim_of(ctx);
	for (uint64_t i = first; i < first + n; i++) {
		assert_true(s->pt[slot][i] != UINT64_MAX);
		s->pt[slot][i] = UINT64_MAX;
		__atomic_sub_fetch(&s->obj_mapped, 1, __ATOMIC_RELAXED);
	}
}
status_t sim_lookup(void *ctx, unsigned slot, uint64_t i, pfn_t *pfn)
{
	struct sim *s = sim_of(ctx);
	if (!s->pt[slot] || i >= SIM_MAXP || s->pt[slot][i] == UINT64_MAX)
		return ST_NOTFOUND;
	*pfn = pfn_of(s->pt[slot][i]);
	return ST_OK;
}
static uint8_t *sim_objpage(void *ctx, unsigned slot, uint64_t i)
{
	struct sim *s = sim_of(ctx);
	return sim_page(s, s->pt[slot][i]);
}
void sim_copy(void *ctx, pfn_t dst, pfn_t src)
{
	struct sim *s = sim_of(ctx);
	memcpy(sim_page(s, dst.v), sim_page(s, src.v), PAGE_SIZE);
}
static const struct memobj_ops sim_obj_ops = {
	.map = sim_map,
	.remap = sim_remap,
	.flush = sim_flush,
	.unmap = sim_unmap,
	.lookup = sim_lookup,
	.page = sim_objpage,
	.copy = sim_copy,
};

static status_t sim_map_direct(void *ctx, struct range r)
{
	struct sim *s = sim_of(ctx);
	if (fault_hit(FAULT_PT_ALLOC))
		return ST_NOMEM;
	for (uint64_t p = pa_to_pfn(range_base(r)).v; p < pa_to_pfn(range_end(r)).v; p++) {
		assert_false(s->direct[p]);
		s->direct[p] = 1;
		__atomic_add_fetch(&s->direct_mapped, 1, __ATOMIC_RELAXED);
	}
	return ST_OK;
}
static void sim_unmap_direct(void *ctx, struct range r)
{
	struct sim *s = sim_of(ctx);
	for (uint64_t p = pa_to_pfn(range_base(r)).v; p < pa_to_pfn(range_end(r)).v; p++) {
		assert_true(s->direct[p]);
		s->direct[p] = 0;
		__atomic_sub_fetch(&s->direct_mapped, 1, __ATOMIC_RELAXED);
	}
}
static void sim_scrub(void *ctx, struct range r)
{
	struct sim *s = sim_of(ctx);
	uint64_t first = pa_to_pfn(range_base(r)).v;
	assert_true(s->direct[first]);
	memset(sim_page(s, first), 0, range_size(r));
}
static uint64_t *sim_meta(void *ctx, pfn_t pfn) { return (uint64_t *)sim_page(sim_of(ctx), pfn.v); }
static const struct hotplug_ops sim_hp_ops = {
	.map_direct = sim_map_direct,
	.unmap_direct = sim_unmap_direct,
	.scrub = sim_scrub,
	.meta_ptr = sim_meta,
};

static status_t sim_dax_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t mp)
{
	uint64_t va = virt.v, pa = phys.v;
	struct sim *s = sim_of(ctx);
	if (fault_hit(FAULT_PT_ALLOC))
		return ST_NOMEM;
	assert_true(IS_ALIGNED(va | pa | size, PAGE_SIZE) &&
		    (mp == PAGE_SIZE || mp == SIZE_2M || mp == SIZE_1G));
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		assert_false(s->win[i].size && va < s->win[i].va + s->win[i].size &&
			     s->win[i].va < va + size);
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		if (!s->win[i].size) {
			s->win[i] =
				(struct sim_win){ va, pa, size, mp, calloc(size / PAGE_SIZE, 1) };
			return ST_OK;
		}
	fail_msg("more than %u dax windows mapped", DAX_INIT_DEVICES);
	return ST_NOMEM;
}
/* The size of the leaf vm_map puts at offset off of window w (leaves are chosen from the
 * window's start: the largest page max_page, the alignment and the size left allow). */
static uint64_t sim_leaf_at(const struct sim_win *w, uint64_t off, uint64_t *leaf_off)
{
	uint64_t p = 0, ps = PAGE_SIZE;
	for (; p < w->size; p += ps) {
		ps = PAGE_SIZE;
		for (uint64_t big = SIZE_1G; big > PAGE_SIZE; big /= 512)
			if (big <= w->max_page && w->size - p >= big &&
			    IS_ALIGNED((w->va + p) | (w->pa + p), big)) {
				ps = big;
				break;
			}
		if (off < p + ps)
			break;
	}
	*leaf_off = p;
	return ps;
}
/* Removes a whole window; reports each run of dirty leaves, in address order, after the
 * (simulated) TLB flush: only what was written through it since it was mapped. */
static void sim_dax_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	uint64_t va = virt.v;
	struct sim *s = sim_of(ctx);
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++) {
		struct sim_win *w = &s->win[i];
		if (w->va != va || w->size != size)
			continue;
		uint64_t run = 0, run_len = 0, lo;
		for (uint64_t off = 0; off < size;) {
			uint64_t ps = sim_leaf_at(w, off, &lo);
			if (w->dirty[off / PAGE_SIZE]) {
				if (run_len && run + run_len == va + off) {
					run_len += ps;
				} else {
					if (run_len)
						written(arg, va_of(run), run_len);
					run = va + off, run_len = ps;
				}
			}
			off += ps;
		}
		free(w->dirty);
		*w = (struct sim_win){ 0 };
		if (run_len)
			written(arg, va_of(run), run_len);
		return;
	}
	fail_msg("unmap of dax window 0x%llx +0x%llx that is not mapped", (unsigned long long)va,
		 (unsigned long long)size);
}
/* The mapped window holding [va, va+len), or a failed test (a page fault). */
static struct sim_win *sim_win_find(struct sim *s, uint64_t va, uint64_t len)
{
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		if (s->win[i].size && va >= s->win[i].va &&
		    va + len <= s->win[i].va + s->win[i].size)
			return &s->win[i];
	fail_msg("access to 0x%llx +%llu outside every mapped dax window (a page fault)",
		 (unsigned long long)va, (unsigned long long)len);
	return NULL;
}
uint8_t *sim_win(struct sim *s, uint64_t va, uint64_t len)
{
	struct sim_win *w = sim_win_find(s, va, len);
	return s->mem + w->pa + (va - w->va);
}
uint8_t *sim_win_write(struct sim *s, uint64_t va, uint64_t len)
{
	struct sim_win *w = sim_win_find(s, va, len);
	for (uint64_t off = ALIGN_DOWN(va - w->va, PAGE_SIZE); len && off < va - w->va + len;) {
		uint64_t lo, ps = sim_leaf_at(w, off, &lo);
		memset(w->dirty + lo / PAGE_SIZE, 1, ps / PAGE_SIZE);
		off = lo + ps;
	}
	return s->mem + w->pa + (va - w->va);
}
void sim_env(void *ctx, uint64_t out[4])
{
	struct sim *s = ctx;
	memset(out, 0, 4 * sizeof out[0]);
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		out[0] += s->win[i].size != 0;
	out[1] = __atomic_load_n(&s->direct_mapped, __ATOMIC_RELAXED);
	out[2] = __atomic_load_n(&s->obj_mapped, __ATOMIC_RELAXED);
}
static void sim_dax_scrub(void *ctx, struct range r)
{
	uint64_t pa = r.base, size = range_size(r);
	memset(sim_page(sim_of(ctx), pa >> PAGE_SHIFT), 0, size);
}

struct sim *sim_new(void)
{
	struct sim *s = calloc(1, sizeof *s);
	static struct dax_ops dops = {
		.map = sim_dax_map,
		.unmap = sim_dax_unmap,
		.scrub = sim_dax_scrub,
	};
	static struct memobj_ops oops;
	static struct hotplug_ops hops;
	oops = sim_obj_ops;
	oops.ctx = s;
	hops = sim_hp_ops;
	hops.ctx = s;
	dops.ctx = s;
	s->mem = calloc(SIM_PAGES, PAGE_SIZE);
	capture_init(&s->log);
	buddy_init(&s->b, &sim_buddy_ops, s);
	buddy_set_distance(&s->b, 1, 0, 20);
	buddy_set_distance(&s->b, 0, 1, 20);
	buddy_set_distance(&s->b, 1, 2, 30);
	buddy_set_distance(&s->b, 2, 1, 30);
	buddy_set_distance(&s->b, 0, 2, 25);
	buddy_set_distance(&s->b, 2, 0, 25);
	s->meta0 = malloc(buddy_meta_bytes(SIM_RAM0_N));
	s->meta2 = malloc(buddy_meta_bytes(SIM_RAM2_N));
	assert_int_equal(buddy_add_range(&s->b, 0, BUDDY_ZONE_NORMAL, pfn_of(SIM_RAM0), SIM_RAM0_N,
					 s->meta0, buddy_meta_bytes(SIM_RAM0_N), 0),
			 ST_OK);
	assert_int_equal(buddy_add_range(&s->b, 2, BUDDY_ZONE_NORMAL, pfn_of(SIM_RAM2), SIM_RAM2_N,
					 s->meta2, buddy_meta_bytes(SIM_RAM2_N), 0),
			 ST_OK);
	for (uint64_t p = SIM_RAM0; p < SIM_RAM2 + SIM_RAM2_N; p++)
		s->direct[p] = 1;
	dax_init(&s->dax, &dops, &s->log.out, 1);
	assert_int_equal(dax_region_add(&s->dax, range_of_pages(pfn_of(SIM_SP), SIM_SP_N), 1, 0, 0),
			 ST_OK);
	memobj_init(&s->objs, &s->b, &oops, &s->log.out);
	hotplug_init(&s->hp, &s->b, &s->dax, &s->objs, &hops, &s->log.out);
	return s;
}

void sim_free(struct sim *s)
{
	for (unsigned i = 0; i < SIM_OBJ_SLOTS; i++)
		free(s->pt[i]);
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		free(s->win[i].dirty);
	free(s->meta0);
	free(s->meta2);
	free(s->mem);
	free(s);
}

uint64_t sim_free_pages(struct sim *s, int node)
{
	struct buddy_stats st;
	assert_int_equal(buddy_stats(&s->b, node, -1, &st), ST_OK);
	return st.free;
}

void sim_check(struct sim *s, bool check_zero)
{
	struct capture c;
	capture_init(&c);
	status_t st = buddy_check(&s->b, &c.out);
	if (st == ST_OK)
		st = dax_check(&s->dax, &c.out);
	if (st == ST_OK)
		st = hotplug_check(&s->hp, &c.out);
	if (st == ST_OK)
		st = memobj_verify(&s->objs, &c.out);
	if (st != ST_OK)
		fail_msg("%sinvariant: %s", sim_where, c.text);
	if (s->unflushed)
		fail_msg("%s%u remaps never flushed from the TLB", sim_where, s->unflushed);
	uint64_t mov = 0;
	static uint8_t owner[SIM_PAGES];
	memset(owner, 0, sizeof owner);
	for (unsigned slot = 0; slot < s->objs.cap; slot++) {
		const struct memobj *o = memobj_get(&s->objs, slot);
		if (!o)
			continue;
		uint64_t bad;
		assert_int_equal(memobj_check(&s->objs, slot, &bad), ST_OK);
		if (bad)
			fail_msg("%sobject '%s': %llu pages damaged", sim_where, o->name,
				 (unsigned long long)bad);
		for (uint64_t i = 0; i < o->npages; i++) {
			uint64_t pfn = s->pt[slot][i];
			if (owner[pfn]++)
				fail_msg("%spfn 0x%llx mapped by two object pages", sim_where,
					 (unsigned long long)pfn);
		}
		if (o->movable)
			mov += o->npages;
	}
	struct buddy_stats all;
	buddy_stats(&s->b, -1, -1, &all);
	assert_int_equal(all.owner[BUDDY_OWNER_MOVABLE], mov);
	for (uint64_t p = SIM_RAM0; p < SIM_PAGES; p++) {
		if (p >= SIM_RAM2 + SIM_RAM2_N && p < SIM_SP)
			continue;
		struct buddy_page_info pi;
		unsigned places = buddy_page_state(&s->b, pfn_of(p), &pi) == ST_OK;
		bool managed = places == 1;
		uint64_t pa = p << PAGE_SHIFT;
		bool in_dev = false, sysram = false, claimed = false;
		for (uint32_t d = 0; d < DAX_INIT_DEVICES; d++) {
			const struct dax_device *x = dax_device_get(&s->dax, d);
			if (x && pa >= x->base && pa < x->base + x->size) {
				in_dev = true;
				sysram = x->mode == DAX_MODE_SYSTEM_RAM;
				claimed = x->state != DAX_UNCLAIMED;
				if (!sysram)
					places++;
			}
		}
		if (p >= SIM_SP && !in_dev) {
			const struct dax_region *r = &s->dax.regions[0];
			for (uint32_t e = 0; e < r->nfree; e++)
				if (pa >= r->free[e].base && pa < r->free[e].end)
					places++;
		}
		if (places != 1 || (sysram && !managed))
			fail_msg("%spfn 0x%llx is in %u places (managed %d, system-ram %d)",
				 sim_where, (unsigned long long)p, places, managed, sysram);
		if (s->direct[p] != managed)
			fail_msg("%spfn 0x%llx direct-mapped %d but managed %d", sim_where,
				 (unsigned long long)p, s->direct[p], managed);
		if (check_zero && p >= SIM_SP && !managed && !claimed &&
		    !dax_dirty_bytes(&s->dax, range_of(pa_of(pa), PAGE_SIZE))) {
			const uint64_t *w = (const uint64_t *)sim_page(s, p);
			uint64_t any = 0;
			for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
				any |= w[i];
			if (any)
				fail_msg("%sdevdax pfn 0x%llx holds data of a previous owner",
					 sim_where, (unsigned long long)p);
		}
	}
}
