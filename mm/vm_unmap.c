/* SPDX-License-Identifier: BSD-2-Clause */
/* vm_unmap.c - vm_unmap and vm_protect: edge splits of large pages, then a recursive pass.
 *
 * Only the two edges of a range can fall strictly inside a large page, so at most four splits
 * are needed (a 1 GiB page at each edge into 2 MiB pages, then the 2 MiB page holding the edge
 * into 4 KiB pages). They are planned (deduplicated), their tables preallocated (CHECK, may
 * fail with nothing changed), then performed outermost first and followed by one recursive
 * pass over the tree that clears or rewrites every leaf in range (COMMIT, cannot fail). After
 * the splits, every leaf the pass meets lies wholly inside the range. */
#include "mm/vm_internal.h"

#include "lib/check.h"

#define VM_SPLITS_MAX 4

struct vm_split {
	int level;     /* 3: a 1 GiB leaf, 2: a 2 MiB leaf */
	uint64_t base; /* its virtual base */
};

struct vm_split_plan {
	struct vm_split s[VM_SPLITS_MAX];
	size_t n;
};

static void vm_split_add(struct vm_split_plan *p, int level, uint64_t base)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].level == level && p->s[i].base == base)
			return;
	CHECK_OP(p->n, <, VM_SPLITS_MAX); /* two edges, at most two splits each */
	p->s[p->n++] = (struct vm_split){ level, base };
}

/* Plans the splits needed so that `edge` becomes a page boundary. A 2 MiB page produced by a
 * planned 1 GiB split is planned too when the edge is not 2 MiB aligned. */
static void vm_split_plan_edge(const struct vm_space *s, uint64_t edge, struct vm_split_plan *p)
{
	int level;
	uint64_t e = *vm_walk(s, edge, 1, &level);
	if (!vm_present(e) || level == 1 || IS_ALIGNED(edge, vm_level_size(level)))
		return;
	vm_split_add(p, level, ALIGN_DOWN(edge, vm_level_size(level)));
	if (level == 3 && !IS_ALIGNED(edge, SIZE_2M))
		vm_split_add(p, 2, ALIGN_DOWN(edge, SIZE_2M));
}

static void vm_split_plan_range(const struct vm_space *s, uint64_t va, uint64_t size,
				struct vm_split_plan *p)
{
	p->n = 0;
	vm_split_plan_edge(s, va, p);
	uint64_t end = va + size; /* 0 when the range ends at the top of the address space */
	if (end != 0)
		vm_split_plan_edge(s, end, p);
}

/* Replaces the large leaf at (level, base) by a table of 512 leaves one level down with the
 * same attributes and physical addresses. */
static void vm_split_one(const struct vm_space *s, const struct vm_split *sp, struct vm_pool *pool,
			 struct vm_flush *f)
{
	int level;
	uint64_t *e = vm_walk(s, sp->base, sp->level, &level);
	uint64_t old = *e;
	uint64_t base_pa = vm_leaf_pa(old, sp->level);
	uint64_t attrs = old & ~VM_PTE_ADDR;
	if (sp->level - 1 == 1)
		attrs &= ~VM_PTE_PS;
	uint64_t child_size = vm_level_size(sp->level - 1);
	uint64_t phys = vm_pool_take(s, pool);
	uint64_t *t = vm_table(s, phys);
	for (unsigned i = 0; i < VM_ENTRIES; i++)
		t[i] = (base_pa + i * child_size) | attrs;
	*e = phys | vm_table_bits(sp->base);
	vm_flush_add(f, sp->base);
}

static void vm_split_all(const struct vm_space *s, const struct vm_split_plan *p,
			 struct vm_pool *pool, struct vm_flush *f)
{
	for (int level = 3; level >= 2; level--)
		for (size_t i = 0; i < p->n; i++)
			if (p->s[i].level == level)
				vm_split_one(s, &p->s[i], pool, f);
}

static bool vm_table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < VM_ENTRIES; i++)
		if (vm_present(t[i]))
			return false;
	return true;
}

/* What the recursive pass does to each leaf in range. */
struct vm_pass {
	const struct vm_space *s;
	struct vm_flush *f;
	bool unmap;        /* true: clear leaves and free emptied tables; false: protect */
	unsigned flags;    /* protect: the new VM_* flags */
	vm_dirty_fn dirty; /* unmap: told of every run of cleared dirty leaves (may be NULL) */
	void *arg;
	uint64_t run_va, run_size; /* the run of dirty leaves not reported yet */
};

/* Adds the dirty leaf [va, va+size) to the pending run; reports the run when not adjacent.
 * Leaves are visited in increasing address order, so runs come out sorted and merged. */
static void vm_pass_dirty(struct vm_pass *p, uint64_t va, uint64_t size)
{
	if (p->run_size && p->run_va + p->run_size == va) {
		p->run_size += size;
		return;
	}
	if (p->run_size)
		p->dirty(p->arg, va_of(p->run_va), p->run_size);
	p->run_va = va;
	p->run_size = size;
}

/* The leaf is replaced in one atomic step (compare-exchange): another CPU setting A or D in it
 * meanwhile (SDM Vol. 3A §4.8, a locked update) makes the step retry, so a D bit set before the
 * change is never lost: unmap reports it, protect keeps it. */
static void vm_pass_leaf(struct vm_pass *p, uint64_t *e, int level, uint64_t ev)
{
	uint64_t old = __atomic_load_n(e, __ATOMIC_RELAXED), next;
	do {
		next = p->unmap ? 0
				: (old & (VM_PTE_ADDR | VM_PTE_A | VM_PTE_D)) |
					  vm_leaf_bits(p->flags, level);
		if (next == old)
			return;
	} while (!__atomic_compare_exchange_n(e, &old, next, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	if (p->unmap && p->dirty && (old & VM_PTE_D))
		vm_pass_dirty(p, ev, vm_level_size(level));
	vm_flush_add(p->f, ev);
}

/* Visits the entries of table t (level `level`) for the inclusive range [lo, hi], which lies
 * inside the span of t. */
static void vm_pass_level(struct vm_pass *p, uint64_t *t, int level, uint64_t lo, uint64_t hi)
{
	uint64_t ps = vm_level_size(level);
	uint64_t span_mask = level == 4 ? (1ull << 48) - 1 : (ps << 9) - 1;
	uint64_t tbase = lo & ~span_mask;
	for (unsigned i = vm_index(lo, level); i <= vm_index(hi, level); i++) {
		uint64_t *e = &t[i];
		uint64_t ev = tbase + (uint64_t)i * ps;
		if (!vm_present(*e))
			continue;
		if (vm_is_leaf(*e, level)) {
			vm_pass_leaf(p, e, level, ev);
			continue;
		}
		uint64_t child_phys = *e & VM_PTE_ADDR;
		uint64_t *child = vm_table(p->s, child_phys);
		vm_pass_level(p, child, level - 1, MAX(lo, ev), MIN(hi, ev + (ps - 1)));
		if (p->unmap && vm_table_empty(child)) {
			*e = 0;
			p->s->ops->free_table(p->s->ops->ctx, pa_of(child_phys));
			vm_flush_add(p->f, ev);
		}
	}
}

/* CHECK shared by unmap and protect: plan the splits and preallocate their tables. */
static status_t vm_prepare(const struct vm_space *s, uint64_t va, uint64_t size,
			   struct vm_split_plan *plan, struct vm_pool *pool)
{
	vm_split_plan_range(s, va, size, plan);
	pool->head = 0;
	pool->count = 0;
	return vm_pool_fill(s, pool, plan->n);
}

/* Dirty runs are reported as the pass finds them, the last one after the flush; the caller acts
 * on them (zeroes memory) only after vm_unmap_dirty returns, when every TLB is flushed. */
static void vm_run(struct vm_space *s, uint64_t va, uint64_t size, struct vm_pass *p,
		   struct vm_split_plan *plan, struct vm_pool *pool)
{
	struct vm_flush f = VM_FLUSH_INIT(s);
	vm_split_all(s, plan, pool, &f);
	p->s = s;
	p->f = &f;
	vm_pass_level(p, vm_table(s, s->pml4_phys.v), 4, va, va + (size - 1));
	vm_flush_finish(&f);
	CHECK_OP(pool->count, ==, 0); /* every preallocated table became a split */
	if (p->run_size)
		p->dirty(p->arg, va_of(p->run_va), p->run_size);
}

/* Prepares the splits the range needs (all tables allocated up front), then unmaps its pages
 * or gives them new flags (as p says); nothing changes when the preparation fails. */
static status_t vm_change(struct vm_space *s, uint64_t va, uint64_t size, struct vm_pass *p)
{
	struct vm_split_plan plan;
	struct vm_pool pool;
	status_t st = vm_prepare(s, va, size, &plan, &pool);
	if (st == ST_OK)
		vm_run(s, va, size, p, &plan, &pool);
	return st;
}

status_t vm_unmap_dirty(struct vm_space *s, vaddr_t virt, uint64_t size, vm_dirty_fn dirty,
			void *arg)
{
	uint64_t va = virt.v;
	if (!s || !s->ops)
		return ST_INVALID;
	status_t st = vm_validate_range(va, size);
	if (st != ST_OK)
		return st;
	struct vm_pass p = { .unmap = true, .dirty = dirty, .arg = arg };
	return vm_change(s, va, size, &p);
}

status_t vm_unmap(struct vm_space *s, vaddr_t va, uint64_t size)
{
	return vm_unmap_dirty(s, va, size, NULL, NULL);
}

/* ST_NOTFOUND unless every page of [va, va+size) is mapped. */
static status_t vm_validate_mapped(const struct vm_space *s, uint64_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		int level;
		uint64_t e = *vm_walk(s, va + off, 1, &level);
		if (!vm_present(e))
			return ST_NOTFOUND;
		uint64_t ps = vm_level_size(level);
		off += ps - ((va + off) & (ps - 1));
	}
	return ST_OK;
}

status_t vm_protect(struct vm_space *s, vaddr_t virt, uint64_t size, unsigned flags)
{
	uint64_t va = virt.v;
	status_t st = vm_validate_request(s, va, size, flags);
	if (st != ST_OK)
		return st;
	st = vm_validate_mapped(s, va, size);
	if (st != ST_OK)
		return st;
	struct vm_pass p = { .unmap = false, .flags = flags };
	return vm_change(s, va, size, &p);
}
