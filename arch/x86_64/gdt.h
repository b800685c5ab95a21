/* SPDX-License-Identifier: BSD-2-Clause */
/* gdt.h - each CPU's GDT and TSS (Intel SDM Vol. 3A §3.4.5 segment descriptors, §3.5.1, §7.7
 * 64-bit TSS).
 *
 * Every CPU has its own GDT (null, 64-bit kernel code 0x08, kernel data 0x10, user data 0x1b,
 * 64-bit user code 0x23, its TSS at 0x28) and its own TSS, whose IST1 is that CPU's
 * double-fault stack and whose rsp0 is the stack for entries from ring 3; a TSS descriptor is
 * marked busy by LTR, so CPUs cannot share one.
 *
 * Selector order is fixed by SYSCALL/SYSRET (SDM Vol. 2B, SYSRET): STAR[47:32] = KERNEL_CS
 * gives SS = KERNEL_CS + 8; STAR[63:48] = 0x10 gives user SS = 0x18|3 and user CS = 0x20|3. */
#ifndef SPMK_ARCH_GDT_H
#define SPMK_ARCH_GDT_H

#include <stdint.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define TSS_SEL 0x28
#define STAR_USER_BASE 0x10 /* SYSRET: CS = base + 16, SS = base + 8, RPL 3 */

/* Builds and loads CPU `index`'s GDT and TSS (IST1 = ist_top, the top of a 16-byte aligned
 * stack), reloads the segment registers, then points GS at percpu[index]. */
void gdt_init_cpu(unsigned index, uint64_t ist_top);
/* The stack CPU `index` switches to on an interrupt or exception from ring 3 (TSS.rsp0). */
void gdt_set_rsp0(unsigned index, uint64_t rsp0);

#endif
