/* printk.h - the kernel log: leveled lines with TSC-based timestamps on the serial console.
 *
 * printk(LOG_WARN, "...") prints "[   1.234567] warning: ..." followed by a newline.
 * kout is the struct out (lib/out.h) that modules and shell commands write to. */
#ifndef SPMK_KERNEL_PRINTK_H
#define SPMK_KERNEL_PRINTK_H

#include <stdint.h>

#include "lib/out.h"

extern struct out kout;

void printk_init(uint64_t tsc_hz);
void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Plain console output, no prefix (the shell's output). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t tsc_hz(void);
/* Microseconds in tsc ticks (a TSC value: since firmware power-on; a difference: an
 * interval). 0 before calibration. */
uint64_t tsc_to_us(uint64_t tsc);
/* Calibrates the TSC against the PIT; returns Hz (0 when it could not). */
uint64_t tsc_calibrate(void);

#endif
