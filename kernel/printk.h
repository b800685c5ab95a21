/* SPDX-License-Identifier: BSD-2-Clause */
/* printk.h - the kernel log: leveled lines with TSC-based timestamps on the serial console.
 *
 * printk(LOG_WARN, "...") prints "[   1.234567] warning: ..." followed by a newline.
 * kout is the struct out (lib/out.h) that modules and shell commands write to. */
#ifndef SPMK_KERNEL_PRINTK_H
#define SPMK_KERNEL_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/logring.h"
#include "lib/out.h"
#include "lib/status.h"

#define PRINTK_RING_MAX (64u << 10) /* bytes of log ring (dmesg); log_buf_len= may lower it */
#define PRINTK_RING_MIN (1u << 10)

extern struct out kout;

void printk_init(uint64_t tsc_hz);
void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Plain console output, no prefix (the shell's output). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t tsc_hz(void);
/* Microseconds in tsc ticks (a TSC value: since firmware power-on; a difference: an
 * interval). 0 before calibration. */
uint64_t tsc_to_us(uint64_t tsc);
/* Shows s (one line, no newline) until the next console output, which erases it first:
 * progress of a long command. */
void printk_transient(const char *s);
/* While armed, error lines (levels 1..LOG_ERR: a module explaining a refusal) are kept in
 * buf (joined by "; ") instead of printed, so the shell can print the command's one error
 * line with them (kernel/shell/shell.c). They still go into the log ring. LOG_EMERG is never held. */
void printk_capture_begin(char *buf, size_t size);
/* Disarms; returns the bytes held in buf. */
size_t printk_capture_end(void);
/* Sets the log ring to `bytes` (log_buf_len=), keeping the newest lines.
 * Errors: ST_RANGE (outside PRINTK_RING_MIN..PRINTK_RING_MAX). */
status_t printk_ring_resize(uint64_t bytes);
/* The log ring, or NULL before the first log line. */
const struct logring *printk_ring(void);
/* Calibrates the TSC against the PIT; returns Hz (0 when it could not). */
uint64_t tsc_calibrate(void);

#endif
