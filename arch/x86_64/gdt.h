/* SPDX-License-Identifier: BSD-2-Clause */
/* gdt.h - each CPU's GDT and TSS (Intel SDM Vol. 3A §3.5.1, §7.7).
 *
 * Every CPU has its own GDT (null, 64-bit kernel code 0x08, data 0x10, its TSS at 0x18) and its
 * own TSS, whose IST1 is that CPU's double-fault stack; a TSS descriptor is marked busy by LTR,
 * so CPUs cannot share one. */
#ifndef SPMK_ARCH_GDT_H
#define SPMK_ARCH_GDT_H

#include <stdint.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SEL 0x18

/* Builds and loads CPU `index`'s GDT and TSS (IST1 = ist_top, the top of a 16-byte aligned
 * stack), reloads the segment registers, then points GS at percpu[index]. */
void gdt_init_cpu(unsigned index, uint64_t ist_top);

#endif
