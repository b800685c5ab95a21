/* SPDX-License-Identifier: BSD-2-Clause */
/* apic.h - the local APIC of the running CPU, xAPIC (MMIO) or x2APIC (MSRs).
 *
 * Intel SDM Vol. 3A chapter 10 (11 in recent editions): the boot CPU picks the mode once
 * (x2APIC when CPUID.01H:ECX[21] says the CPU has it, else xAPIC through the MMIO page at
 * IA32_APIC_BASE, mapped uncached by the caller) and every CPU uses the same mode. Registers
 * are named by their xAPIC offset; in x2APIC mode offset R is MSR 0x800 + R/16 (§10.12.1.2)
 * and the ICR is one 64-bit MSR with the destination in bits 63:32.
 *
 * Timer (§10.5.4): divide by 16, periodic at APIC_TIMER_HZ; apic_timer_calibrate counts the
 * timer's ticks over 10 ms of TSC (the TSC itself was calibrated against the PIT at boot). */
#ifndef SPMK_ARCH_APIC_H
#define SPMK_ARCH_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_TIMER_HZ 100

/* Boot CPU: chooses the mode; xapic_virt is where the xAPIC page is mapped (unused in x2APIC
 * mode). Returns true for x2APIC. */
bool apic_select_mode(uint64_t xapic_virt);
/* The physical base of the xAPIC MMIO page (IA32_APIC_BASE[51:12]). */
uint64_t apic_mmio_phys(void);
bool apic_x2(void);
/* Enables this CPU's APIC (x2APIC mode when chosen; spurious vector, task priority 0). */
void apic_enable_this_cpu(uint8_t spurious_vector);
uint32_t apic_id(void);
void apic_eoi(void);
/* Fixed interrupt `vector` to the CPU with APIC id `dest`; waits until the xAPIC accepted it. */
void apic_send_ipi(uint32_t dest, uint8_t vector);
/* INIT, then two STARTUP IPIs at page `sipi_page` (physical address >> 12, below 1 MiB),
 * with the delays of the SDM's universal start-up algorithm (§8.4.4.1). */
void apic_send_init(uint32_t dest);
void apic_send_sipi(uint32_t dest, uint8_t sipi_page);
/* Timer ticks (divide by 16) per second, measured over 10 ms of TSC; tsc_hz > 0. */
uint64_t apic_timer_calibrate(uint64_t tsc_hz);
/* Periodic timer at APIC_TIMER_HZ on vector `vector`, from a calibrated rate. */
void apic_timer_start(uint8_t vector, uint64_t ticks_per_s);

#endif
