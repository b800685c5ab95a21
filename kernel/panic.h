/* SPDX-License-Identifier: BSD-2-Clause */
/* panic.h - stop the kernel with a message and a backtrace (see kernel/panic.c). */
#ifndef SPMK_KERNEL_PANIC_H
#define SPMK_KERNEL_PANIC_H

/* Print "PANIC: <message>" and a backtrace from the caller, then halt this CPU for ever. */
__attribute__((noreturn, cold, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
