/* SPDX-License-Identifier: BSD-2-Clause */
/* vm.c - page-table spaces, vm_map (plan, preallocate, commit), vm_translate, table counting.
 *
 * See vm.h for the contract. vm_map never leaves partial work: the plan walk finds overlaps
 * and counts missing tables, the pool gets exactly that many pages (or nothing changes), and
 * the commit walk only takes pages from the pool. */
#include "mm/vm_internal.h"

#include "lib/check.h"

status_t vm_pool_fill(const struct vm_space *s, struct vm_pool *p, size_t n)
{
	while (p->count < n) {
		paddr_t phys = pa_of(0);
		if (fault_hit(FAULT_PT_ALLOC) || s->ops->alloc_table(s->ops->ctx, &phys) != ST_OK) {
			vm_pool_drain(s, p);
			return ST_NOMEM;
		}
		uint64_t *t = vm_table(s, phys.v);
		t[0] = p->head;
		p->head = phys.v;
		p->count++;
	}
	return ST_OK;
}

uint64_t vm_pool_take(const struct vm_space *s, struct vm_pool *p)
{
	CHECK_OP(p->count, >, 0); /* the plan reserved every table the commit takes */
	uint64_t phys = p->head;
	uint64_t *t = vm_table(s, phys);
	p->head = t[0];
	p->count--;
	memset(t, 0, PAGE_SIZE);
	return phys;
}

void vm_pool_drain(const struct vm_space *s, struct vm_pool *p)
{
	while (p->count)
		s->ops->free_table(s->ops->ctx, pa_of(vm_pool_take(s, p)));
}

status_t vm_validate_range(uint64_t va, uint64_t size)
{
	if (size == 0 || !IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE))
		return ST_INVALID;
	uint64_t last = va + (size - 1);
	if (last < va)
		return ST_RANGE;
	if (!vm_is_canonical(va) || !vm_is_canonical(last) || (va >> 63) != (last >> 63))
		return ST_RANGE;
	return ST_OK;
}

status_t vm_validate_request(const struct vm_space *s, uint64_t va, uint64_t size, unsigned flags)
{
	if (!s || !s->ops || (flags & ~VM_FLAGS_ALL))
		return ST_INVALID;
	status_t st = vm_validate_range(va, size);
	if (st != ST_OK)
		return st;
	if ((flags & VM_USER) && (va >> 63))
		return ST_RANGE;
	return ST_OK;
}

uint64_t vm_leaf_bits(unsigned flags, int level)
{
	uint64_t e = VM_PTE_P;
	if (flags & VM_WRITE)
		e |= VM_PTE_RW;
	if (!(flags & VM_EXEC))
		e |= VM_PTE_NX;
	if (flags & VM_GLOBAL)
		e |= VM_PTE_G;
	if (flags & VM_UNCACHED)
		e |= VM_PTE_PCD | VM_PTE_PWT;
	if (flags & VM_USER)
		e |= VM_PTE_US;
	if (level > 1)
		e |= VM_PTE_PS;
	return e;
}

static unsigned vm_leaf_flags(uint64_t e)
{
	unsigned f = 0;
	if (e & VM_PTE_RW)
		f |= VM_WRITE;
	if (!(e & VM_PTE_NX))
		f |= VM_EXEC;
	if (e & VM_PTE_G)
		f |= VM_GLOBAL;
	if (e & VM_PTE_PCD)
		f |= VM_UNCACHED;
	if (e & VM_PTE_US)
		f |= VM_USER;
	return f;
}

status_t vm_space_init(struct vm_space *s, const struct vm_ops *ops)
{
	if (!s || !ops)
		return ST_INVALID;
	paddr_t phys = pa_of(0);
	if (ops->alloc_table(ops->ctx, &phys) != ST_OK)
		return ST_NOMEM;
	s->ops = ops;
	s->pml4_phys = phys;
	memset(vm_table(s, phys.v), 0, PAGE_SIZE);
	return ST_OK;
}

static void vm_free_tree(const struct vm_space *s, uint64_t phys, int level)
{
	uint64_t *t = vm_table(s, phys);
	for (unsigned i = 0; level > 1 && i < VM_ENTRIES; i++)
		if (vm_present(t[i]) && !vm_is_leaf(t[i], level))
			vm_free_tree(s, t[i] & VM_PTE_ADDR, level - 1);
	s->ops->free_table(s->ops->ctx, pa_of(phys));
}

void vm_space_destroy(struct vm_space *s)
{
	if (!s || !s->ops)
		return;
	vm_free_tree(s, s->pml4_phys.v, 4);
	s->ops->flush_all(s->ops->ctx);
	s->pml4_phys = pa_of(0);
}

/* The level of the leaf vm_map uses at va: the largest page that alignment, the remaining
 * size and max_page allow, unless an existing lower table occupies that slot. */
static int vm_pick_level(const struct vm_space *s, uint64_t va, uint64_t pa, uint64_t left,
			 uint64_t max_page)
{
	for (int l = 3; l >= 2; l--) {
		uint64_t ps = vm_level_size(l);
		if (ps > max_page || left < ps || !IS_ALIGNED(va | pa, ps))
			continue;
		int got;
		uint64_t *e = vm_walk(s, va, l, &got);
		if (got == l && vm_present(*e) && !vm_is_leaf(*e, l))
			continue;
		return l;
	}
	return 1;
}

/* CHECK: ST_EXISTS on any overlap; otherwise the number of tables the commit will create. */
static status_t vm_map_plan(const struct vm_space *s, uint64_t va, uint64_t pa, uint64_t size,
			    uint64_t max_page, size_t *tables)
{
	uint64_t last_key[4] = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX };
	size_t n = 0;
	for (uint64_t off = 0; off < size;) {
		int target = vm_pick_level(s, va + off, pa + off, size - off, max_page);
		int got;
		uint64_t *e = vm_walk(s, va + off, target, &got);
		if (vm_present(*e))
			return ST_EXISTS;
		for (int l = got - 1; l >= target; l--) {
			uint64_t key = (va + off) >> vm_shift(l + 1);
			if (key != last_key[l]) {
				last_key[l] = key;
				n++;
			}
		}
		off += vm_level_size(target);
	}
	*tables = n;
	return ST_OK;
}

/* COMMIT: installs every leaf; missing tables come from the pool. */
static void vm_map_commit(const struct vm_space *s, uint64_t va, uint64_t pa, uint64_t size,
			  unsigned flags, uint64_t max_page, struct vm_pool *pool)
{
	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off;
		int target = vm_pick_level(s, v, pa + off, size - off, max_page);
		uint64_t *t = vm_table(s, s->pml4_phys.v);
		for (int l = 4; l > target; l--) {
			uint64_t *e = &t[vm_index(v, l)];
			if (!vm_present(*e))
				*e = vm_pool_take(s, pool) | vm_table_bits(v);
			t = vm_table(s, *e & VM_PTE_ADDR);
		}
		t[vm_index(v, target)] = (pa + off) | vm_leaf_bits(flags, target);
		off += vm_level_size(target);
	}
}

status_t vm_map(struct vm_space *s, vaddr_t virt, paddr_t phys, uint64_t size, unsigned flags,
		uint64_t max_page)
{
	uint64_t va = virt.v, pa = phys.v;
	if (!IS_ALIGNED(pa, PAGE_SIZE) ||
	    (max_page != VM_PAGE_4K && max_page != VM_PAGE_2M && max_page != VM_PAGE_1G))
		return ST_INVALID;
	status_t st = vm_validate_request(s, va, size, flags);
	if (st != ST_OK)
		return st;
	uint64_t pend;
	if (add_overflows(pa, size, &pend) || pend > VM_PHYS_LIMIT)
		return ST_RANGE;
	size_t need = 0;
	st = vm_map_plan(s, va, pa, size, max_page, &need);
	if (st != ST_OK)
		return st;
	struct vm_pool pool = { 0, 0 };
	st = vm_pool_fill(s, &pool, need);
	if (st != ST_OK)
		return st;
	vm_map_commit(s, va, pa, size, flags, max_page, &pool);
	CHECK_OP(pool.count, ==, 0); /* the plan counted every table the commit took */
	return ST_OK;
}

status_t vm_translate(const struct vm_space *s, vaddr_t virt, paddr_t *pa_out, unsigned *flags_out,
		      uint64_t *page_size_out)
{
	uint64_t va = virt.v;
	if (!s || !s->ops)
		return ST_INVALID;
	if (!vm_is_canonical(va))
		return ST_RANGE;
	int level;
	uint64_t e = *vm_walk(s, va, 1, &level);
	if (!vm_present(e))
		return ST_NOTFOUND;
	uint64_t ps = vm_level_size(level);
	if (pa_out)
		*pa_out = pa_of(vm_leaf_pa(e, level) | (va & (ps - 1)));
	if (flags_out)
		*flags_out = vm_leaf_flags(e);
	if (page_size_out)
		*page_size_out = ps;
	return ST_OK;
}

static size_t vm_count_level(const struct vm_space *s, uint64_t phys, int level)
{
	size_t n = 1;
	const uint64_t *t = vm_table(s, phys);
	for (unsigned i = 0; level > 1 && i < VM_ENTRIES; i++)
		if (vm_present(t[i]) && !vm_is_leaf(t[i], level))
			n += vm_count_level(s, t[i] & VM_PTE_ADDR, level - 1);
	return n;
}

size_t vm_count_tables(const struct vm_space *s)
{
	if (!s || !s->ops)
		return 0;
	return vm_count_level(s, s->pml4_phys.v, 4);
}

uint64_t *vm_pte_4k(const struct vm_space *s, vaddr_t virt)
{
	uint64_t va = virt.v;
	if (!s || !s->ops || !vm_is_canonical(va))
		return NULL;
	int level;
	uint64_t *e = vm_walk(s, va, 1, &level);
	return level == 1 ? e : NULL;
}
