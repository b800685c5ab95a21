/* SPDX-License-Identifier: BSD-2-Clause */
/* kheap.c - size-class slabs with out-of-band descriptors (see mm/kheap.h). */
#include "mm/kheap.h"

#include "lib/fault.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define HASH_EMPTY (-1)
#define HASH_DELETED (-2)

static unsigned kheap_objs(unsigned cls) { return (unsigned)(PAGE_SIZE >> (4 + cls)); }

static unsigned kheap_hash_of(uintptr_t va)
{
	uint64_t x = (uint64_t)(va >> PAGE_SHIFT) * 0x9E3779B97F4A7C15ull;
	return (unsigned)(x >> 40) % KHEAP_HASH_SLOTS;
}

void kheap_init(struct kheap *h, const struct kheap_ops *ops, void *ctx)
{
	memset(h, 0, sizeof *h);
	spin_init(&h->lock, "kheap", LOCK_RANK_KHEAP);
	h->ops = ops;
	h->ctx = ctx;
	for (unsigned i = 0; i < KHEAP_NCLASSES; i++)
		h->partial[i] = -1;
	for (unsigned i = 0; i < KHEAP_HASH_SLOTS; i++)
		h->hash[i] = HASH_EMPTY;
	for (int i = 0; i < KHEAP_MAX_SLABS; i++)
		h->slab[i].next = (int16_t)(i + 1 < KHEAP_MAX_SLABS ? i + 1 : -1);
	h->free_desc = 0;
}

static int kheap_find(const struct kheap *h, uintptr_t va)
{
	for (unsigned i = kheap_hash_of(va), n = 0; n < KHEAP_HASH_SLOTS; n++) {
		int d = h->hash[i];
		if (d == HASH_EMPTY)
			return -1;
		if (d >= 0 && h->slab[d].va == va)
			return d;
		i = (i + 1) % KHEAP_HASH_SLOTS;
	}
	return -1;
}

static void kheap_hash_put(struct kheap *h, int d)
{
	unsigned i = kheap_hash_of(h->slab[d].va);
	while (h->hash[i] >= 0)
		i = (i + 1) % KHEAP_HASH_SLOTS;
	h->hash[i] = (int16_t)d;
}

static void kheap_hash_del(struct kheap *h, int d)
{
	for (unsigned i = kheap_hash_of(h->slab[d].va);; i = (i + 1) % KHEAP_HASH_SLOTS)
		if (h->hash[i] == d) {
			h->hash[i] = HASH_DELETED;
			return;
		}
}

/* A descriptor for 2^order fresh pages, hashed; -1 when out of pages or descriptors. */
static int kheap_new_desc(struct kheap *h, unsigned order)
{
	uint64_t pfn;
	if (h->free_desc < 0 || h->ops->alloc_pages(h->ctx, order, &pfn) != ST_OK)
		return -1;
	int d = h->free_desc;
	struct kheap_slab *s = &h->slab[d];
	h->free_desc = s->next;
	memset(s, 0, sizeof *s);
	s->pfn = pfn;
	s->va = (uintptr_t)h->ops->phys_to_virt(h->ctx, pfn);
	s->order = (uint8_t)order;
	s->next = s->prev = -1;
	kheap_hash_put(h, d);
	h->st.pages += (uint64_t)1 << order;
	return d;
}

static void kheap_drop_desc(struct kheap *h, int d)
{
	struct kheap_slab *s = &h->slab[d];
	kheap_hash_del(h, d);
	h->ops->free_pages(h->ctx, s->pfn, s->order);
	h->st.pages -= (uint64_t)1 << s->order;
	s->va = 0;
	s->next = h->free_desc;
	h->free_desc = (int16_t)d;
}

static void kheap_list_add(struct kheap *h, int d)
{
	struct kheap_slab *s = &h->slab[d];
	s->prev = -1;
	s->next = h->partial[s->cls];
	if (s->next >= 0)
		h->slab[s->next].prev = (int16_t)d;
	h->partial[s->cls] = (int16_t)d;
}

static void kheap_list_del(struct kheap *h, int d)
{
	struct kheap_slab *s = &h->slab[d];
	if (s->prev >= 0)
		h->slab[s->prev].next = s->next;
	else
		h->partial[s->cls] = s->next;
	if (s->next >= 0)
		h->slab[s->next].prev = s->prev;
	s->next = s->prev = -1;
}

static status_t kheap_alloc_large(struct kheap *h, size_t size, void **out)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size)
		order++;
	int d = kheap_new_desc(h, order);
	if (d < 0)
		return ST_NOMEM;
	h->slab[d].cls = KHEAP_LARGE;
	h->st.large_objects++;
	h->st.large_pages += (uint64_t)1 << order;
	*out = (void *)h->slab[d].va;
	return ST_OK;
}

static int kheap_new_slab(struct kheap *h, unsigned cls)
{
	int d = kheap_new_desc(h, 0);
	if (d < 0)
		return -1;
	struct kheap_slab *s = &h->slab[d];
	s->cls = (uint8_t)cls;
	s->nfree = (uint16_t)kheap_objs(cls);
	for (unsigned i = 0; i < s->nfree; i++)
		s->freemap[i / 64] |= (uint64_t)1 << (i % 64);
	kheap_list_add(h, d);
	h->st.slabs[cls]++;
	return d;
}

static status_t kmalloc_locked(struct kheap *h, size_t size, void **out)
{
	if (size == 0)
		return ST_INVALID;
	if (size > ((size_t)1 << 30))
		return ST_RANGE;
	if (fault_hit(FAULT_KHEAP))
		return ST_NOMEM;
	if (size > KHEAP_MAX_SMALL)
		return kheap_alloc_large(h, size, out);
	unsigned cls = 0;
	while (((size_t)16 << cls) < size)
		cls++;
	int d = h->partial[cls] >= 0 ? h->partial[cls] : kheap_new_slab(h, cls);
	if (d < 0)
		return ST_NOMEM;
	struct kheap_slab *s = &h->slab[d];
	unsigned w = 0;
	while (!s->freemap[w])
		w++;
	unsigned i = w * 64 + (unsigned)__builtin_ctzll(s->freemap[w]);
	s->freemap[w] &= ~((uint64_t)1 << (i % 64));
	if (--s->nfree == 0)
		kheap_list_del(h, d);
	h->st.objects[cls]++;
	*out = (void *)(s->va + ((uintptr_t)i << (4 + cls)));
	return ST_OK;
}

static status_t kheap_free_large(struct kheap *h, int d)
{
	h->st.large_objects--;
	h->st.large_pages -= (uint64_t)1 << h->slab[d].order;
	kheap_drop_desc(h, d);
	return ST_OK;
}

static status_t kfree_locked(struct kheap *h, void *p)
{
	uintptr_t va = (uintptr_t)p;
	int d = p ? kheap_find(h, va & ~(uintptr_t)(PAGE_SIZE - 1)) : -1;
	if (d < 0)
		return ST_INVALID;
	struct kheap_slab *s = &h->slab[d];
	if (s->cls == KHEAP_LARGE)
		return va == s->va ? kheap_free_large(h, d) : ST_INVALID;
	uintptr_t off = va - s->va;
	unsigned i = (unsigned)(off >> (4 + s->cls));
	if (off & ((16u << s->cls) - 1) || (s->freemap[i / 64] >> (i % 64)) & 1)
		return ST_INVALID;
	s->freemap[i / 64] |= (uint64_t)1 << (i % 64);
	h->st.objects[s->cls]--;
	if (s->nfree++ == 0)
		kheap_list_add(h, d);
	if (s->nfree == kheap_objs(s->cls)) {
		kheap_list_del(h, d);
		h->st.slabs[s->cls]--;
		kheap_drop_desc(h, d);
	}
	return ST_OK;
}

status_t kmalloc(struct kheap *h, size_t size, void **out)
{
	spin_lock(&h->lock);
	status_t st = kmalloc_locked(h, size, out);
	spin_unlock(&h->lock);
	return st;
}

status_t kfree(struct kheap *h, void *p)
{
	spin_lock(&h->lock);
	status_t st = kfree_locked(h, p);
	spin_unlock(&h->lock);
	return st;
}

void kheap_stats(const struct kheap *h, struct kheap_stats *out)
{
	struct spinlock *l = (struct spinlock *)&h->lock; /* not part of the heap's value */
	spin_lock(l);
	*out = h->st;
	spin_unlock(l);
}

static unsigned kheap_popcount(const struct kheap_slab *s)
{
	unsigned n = 0;
	for (unsigned w = 0; w < 4; w++)
		n += (unsigned)__builtin_popcountll(s->freemap[w]);
	return n;
}

static status_t kheap_check_locked(const struct kheap *h)
{
	struct kheap_stats c;
	memset(&c, 0, sizeof c);
	for (int d = 0; d < KHEAP_MAX_SLABS; d++) {
		const struct kheap_slab *s = &h->slab[d];
		if (!s->va)
			continue;
		if (kheap_find(h, s->va) != d)
			return ST_INVALID;
		c.pages += (uint64_t)1 << s->order;
		if (s->cls == KHEAP_LARGE) {
			c.large_objects++;
			c.large_pages += (uint64_t)1 << s->order;
			continue;
		}
		if (s->cls >= KHEAP_NCLASSES || kheap_popcount(s) != s->nfree ||
		    s->nfree >= kheap_objs(s->cls))
			return ST_INVALID;
		c.slabs[s->cls]++;
		c.objects[s->cls] += kheap_objs(s->cls) - s->nfree;
	}
	for (unsigned k = 0; k < KHEAP_NCLASSES; k++)
		for (int d = h->partial[k], n = 0; d >= 0; d = h->slab[d].next)
			if (++n > KHEAP_MAX_SLABS || h->slab[d].cls != k || !h->slab[d].nfree)
				return ST_INVALID;
	return memcmp(&c, &h->st, sizeof c) ? ST_INVALID : ST_OK;
}

status_t kheap_check(const struct kheap *h)
{
	struct spinlock *l = (struct spinlock *)&h->lock;
	spin_lock(l);
	status_t st = kheap_check_locked(h);
	spin_unlock(l);
	return st;
}
