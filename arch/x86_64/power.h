/* SPDX-License-Identifier: BSD-2-Clause */
/* power.h - poweroff and reboot.
 *
 * Poweroff enters ACPI S5: SLP_TYPa/b from the DSDT's \_S5 package written with SLP_EN into
 * the FADT's PM1a/PM1b control blocks. When ACPI gave no way (or it did not take), QEMU's
 * isa-debug-exit device at port 0xf4 is tried (the test harness adds it), then the CPU halts.
 * Reboot uses the FADT reset register, then port 0xCF9, then the keyboard controller. */
#ifndef SPMK_KERNEL_POWER_H
#define SPMK_KERNEL_POWER_H

#include <stdbool.h>
#include <stdint.h>

struct power_acpi {
	bool s5_valid;
	uint16_t pm1a_cnt, pm1b_cnt; /* I/O ports, 0 when absent */
	uint8_t slp_typ_a, slp_typ_b;
	bool reset_valid;
	uint8_t reset_space; /* 1: system I/O */
	uint64_t reset_addr;
	uint8_t reset_value;
};

void power_set_acpi(const struct power_acpi *p);
__attribute__((noreturn)) void power_off(void);
__attribute__((noreturn)) void power_reboot(void);
/* Exit QEMU through isa-debug-exit with status (code << 1) | 1, if the device exists. */
void power_debug_exit(uint8_t code);

#endif
