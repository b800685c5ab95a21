/* SPDX-License-Identifier: BSD-2-Clause */
/* power.c - ACPI S5 poweroff and reboot (see power.h). */
#include "arch/x86_64/power.h"

#include "arch/x86_64/cpu.h"
#include "kernel/printk.h"

#define SLP_EN (1u << 13)
#define DEBUG_EXIT_PORT 0xf4
#define S5_WAIT_MS 3000u /* how long S5 may take before the fallback */

static struct power_acpi acpi;

void power_set_acpi(const struct power_acpi *p) { acpi = *p; }

void power_debug_exit(uint8_t code) { outl(DEBUG_EXIT_PORT, code); }

static void spin_ms(unsigned ms)
{
	uint64_t hz = tsc_hz() ? tsc_hz() : 1000000000ull;
	uint64_t end = rdtsc() + hz / 1000 * ms;
	while (rdtsc() < end)
		cpu_relax();
}

void power_off(void)
{
	printk(LOG_INFO, "power: off");
	cli();
	if (acpi.s5_valid && acpi.pm1a_cnt) {
		uint16_t v = inw(acpi.pm1a_cnt);
		outw(acpi.pm1a_cnt,
		     (uint16_t)((v & ~(7u << 10)) | ((unsigned)acpi.slp_typ_a << 10) | SLP_EN));
		if (acpi.pm1b_cnt) {
			v = inw(acpi.pm1b_cnt);
			outw(acpi.pm1b_cnt, (uint16_t)((v & ~(7u << 10)) |
						       ((unsigned)acpi.slp_typ_b << 10) | SLP_EN));
		}
		/* The write requests S5; the machine may act on it a while later (QEMU's main loop,
		 * behind busy vCPU threads on a loaded host, took more than 100 ms). Falling back
		 * too early turns a clean poweroff into isa-debug-exit's status 1. */
		spin_ms(S5_WAIT_MS);
		printk(LOG_WARN, "power: ACPI S5 did not take within %u ms; trying isa-debug-exit",
		       S5_WAIT_MS);
	} else {
		printk(LOG_WARN, "power: no ACPI S5 information; trying isa-debug-exit");
	}
	power_debug_exit(0);
	spin_ms(100);
	printk(LOG_EMERG, "power: cannot power off; halting");
	cpu_halt_forever();
}

void power_reboot(void)
{
	printk(LOG_INFO, "power: reboot");
	cli();
	if (acpi.reset_valid && acpi.reset_space == 1 && acpi.reset_addr <= 0xFFFF) {
		outb((uint16_t)acpi.reset_addr, acpi.reset_value);
		spin_ms(50);
	}
	outb(0xCF9, 0x02);
	outb(0xCF9, 0x06);
	spin_ms(50);
	for (int i = 0; i < 1000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0x64, 0xFE);
	spin_ms(50);
	/* Last resort: a triple fault through an empty IDT. */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	cpu_halt_forever();
}
