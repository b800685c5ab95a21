/* SPDX-License-Identifier: BSD-2-Clause */
/* types_mix.c - must NOT compile with any MIX_n defined: each MIX_n hands one kind of address
 * where another is expected (lib/types.h). Without MIX_n it must compile, so a failure can only
 * come from the mix. Checked by `make host-tests` (the build-fail rule of the Makefile). */
#include "lib/types.h"

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
#endif
}
