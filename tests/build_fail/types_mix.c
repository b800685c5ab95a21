/* SPDX-License-Identifier: BSD-2-Clause */
/* types_mix.c - must NOT compile with any MIX_n defined: each MIX_n hands one kind of address
 * where another is expected (lib/types.h), to a helper or to a typed interface (mm/buddy.h,
 * mm/memobj.h, mm/vm.h, mm/hotplug.h). Without MIX_n it must compile, so a failure can only
 * come from the mix. Checked by `make host-tests` (the build-fail rule of the Makefile). */
#include "lib/types.h"
#include "mm/buddy.h"
#include "mm/hotplug.h"
#include "mm/memobj.h"
#include "mm/vm.h"

void types_mix_take_va(vaddr_t v);
void types_mix_take_pa(paddr_t p);
void types_mix_take_pfn(pfn_t f);
void types_mix_take_raw(uint64_t x);
void types_mix(void);

void types_mix(void)
{
	paddr_t p = pa_of(0x1000);
	vaddr_t v = va_of(0xffff800000000000ull);
	pfn_t f = pfn_of(1);
	types_mix_take_va(v);
	types_mix_take_pa(p);
	types_mix_take_pfn(f);
	types_mix_take_raw(p.v);
	struct buddy *b = 0;
	struct memobj_set *s = 0;
	const struct memobj_ops *ops = 0;
	const struct vm_ops *vops = 0;
	const struct hotplug_ops *hops = 0;
	uint64_t raw = 0;
	types_mix_take_raw(raw);
	(void)buddy_free(b, f, 0);
	(void)buddy_alloc(b, 0, -1, 0, &f);
	(void)memobj_page_pfn(s, 0, 0, &f);
	(void)ops->map(0, 0, 0, f);
	(void)vops->alloc_table(0, &p);
	(void)hops->meta_ptr(0, f);
	uint32_t obj = 1, index = 0;
	status_t st;
	(void)buddy_page_set_objects(b, 1, &f, &obj, &index);
	(void)buddy_page_movable_run(b, f, 1, 0, 0, 0);
	(void)ops->freeze_run(0, 1, &obj, &index, &f, &st);
	ops->remap_frozen(0, 1, &obj, &index, &f, &f);
#if defined(MIX_1)
	types_mix_take_va(p); /* a physical address as a virtual one */
#elif defined(MIX_2)
	types_mix_take_pa(v); /* a virtual address as a physical one */
#elif defined(MIX_3)
	types_mix_take_pa(f); /* a frame number as a byte address */
#elif defined(MIX_4)
	types_mix_take_pfn(p); /* a byte address as a frame number (no implicit shift) */
#elif defined(MIX_5)
	types_mix_take_pa(0x1000); /* a raw number as a physical address */
#elif defined(MIX_6)
	types_mix_take_raw(p); /* a physical address as a raw number */
#elif defined(MIX_7)
	p = v; /* assignment across kinds */
#elif defined(MIX_8)
	p = pa_add(v, 1); /* a helper of one kind given the other */
#elif defined(MIX_9)
	(void)(p.v == 0 ? f : v); /* a conditional that yields two kinds */
#elif defined(MIX_10)
	(void)buddy_free(b, 0x1000, 0); /* a raw number as a buddy frame */
#elif defined(MIX_11)
	(void)buddy_carve(b, p, 1, 0); /* a byte address as a buddy frame */
#elif defined(MIX_12)
	(void)buddy_alloc(b, 0, -1, 0, &raw); /* a raw number where the buddy returns a frame */
#elif defined(MIX_13)
	(void)ops->map(0, 0, 0, p); /* a paddr_t where memobj expects a frame */
#elif defined(MIX_14)
	(void)memobj_page_pfn(s, 0, 0, &raw); /* memobj's frame into a raw number */
#elif defined(MIX_15)
	(void)vops->free_table(0, f); /* a frame where vm expects a table's physical address */
#elif defined(MIX_16)
	(void)hops->meta_ptr(0, raw); /* a raw number where hotplug expects a frame */
#elif defined(MIX_17)
	(void)buddy_page_set_objects(b, 1, &raw, &obj, &index); /* raw numbers as buddy frames */
#elif defined(MIX_18)
	(void)buddy_page_movable_run(b, raw, 1, 0, 0, 0); /* a raw number as a buddy frame */
#elif defined(MIX_19)
	(void)ops->freeze_run(0, 1, &obj, &index, &raw, &st); /* raw numbers as memobj frames */
#elif defined(MIX_20)
	ops->remap_frozen(0, 1, &obj, &index, &f, &p); /* byte addresses as memobj frames */
#endif
}
