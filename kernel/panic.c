/* SPDX-License-Identifier: BSD-2-Clause */
/* panic.c - the kernel's end when it cannot go on: panic() and the kernel's answer to a failed
 * CHECK (lib/check.h). Both print why, with the numbers, and a backtrace from the caller, then
 * halt. The test harness sees "PANIC" on the console and fails the scenario. */
#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/fmt.h"

static void panic_backtrace(void)
{
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);
	trap_backtrace((uint64_t)__builtin_return_address(0), rbp);
}

void check_fail(const char *file, int line, const char *expr, const char *op, uint64_t a,
		uint64_t b)
{
	cli();
	if (op && op[0] == 's')
		printk(LOG_EMERG, "PANIC: CHECK failed at %s:%d: %s (status %s)", file, line, expr,
		       status_str((status_t)a));
	else if (op)
		printk(LOG_EMERG, "PANIC: CHECK failed at %s:%d: %s (0x%lx %s 0x%lx)", file, line,
		       expr, (unsigned long)a, op, (unsigned long)b);
	else
		printk(LOG_EMERG, "PANIC: CHECK failed at %s:%d: %s", file, line, expr);
	panic_backtrace();
	printk(LOG_EMERG, "kernel halted");
	cpu_halt_forever();
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	cli();
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printk(LOG_EMERG, "PANIC: %s", msg);
	panic_backtrace();
	printk(LOG_EMERG, "kernel halted");
	cpu_halt_forever();
}
