/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/syscall.h - the system-call ABI between an app (ring 3) and the spmk kernel.
 *
 * Calling convention (x86_64 SYSCALL, like Linux's): the number in %rax, arguments in %rdi,
 * %rsi, %rdx, %r10, %r8, %r9; the result comes back in %rax. The kernel clobbers %rcx and
 * %r11 (the SYSCALL instruction itself uses them) and preserves every other register.
 * A result >= 0 is the call's value; a negative result is -SPMK_E* (spmk/errors.h).
 *
 * Every argument is checked: a pointer must lie in the app's own mapped memory (image,
 * stack, spmk_mem_alloc memory; not a dax mapping: the kernel does not read SP memory on an
 * app's behalf), with room for the whole length, writable when the kernel writes to it; a
 * bad one gives -SPMK_EFAULT or -SPMK_ERANGE, never a fault. A handle is an index into the
 * app's own claim table with a generation: any other value gives -SPMK_EBADF.
 * The full description is docs/apps.md. */
#ifndef SPMK_SYSCALL_H
#define SPMK_SYSCALL_H

enum spmk_sys {
	SPMK_SYS_EXIT = 0,     /* (int status) -> does not return */
	SPMK_SYS_WRITE = 1,    /* (const char *buf, size_t len) -> len written to the console */
	SPMK_SYS_CLOCK_NS = 2, /* () -> monotonic nanoseconds since boot */
	SPMK_SYS_TOPO = 3,     /* (struct spmk_topo *out) -> 0 */
	SPMK_SYS_NODE = 4,     /* (unsigned node, struct spmk_node *out) -> 0 */
	SPMK_SYS_PAIR = 5, /* (unsigned initiator, unsigned target, struct spmk_pair *out) -> 0 */
	SPMK_SYS_DAX_LIST = 6,    /* (struct spmk_dax_dev *out, unsigned max) -> devices in all */
	SPMK_SYS_DAX_CLAIM = 7,   /* (const char *name) -> handle */
	SPMK_SYS_DAX_MAP = 8,     /* (int handle) -> address of the mapping */
	SPMK_SYS_DAX_RELEASE = 9, /* (int handle) -> 0; unmapped and scrubbed */
	SPMK_SYS_MEM_ALLOC = 10,  /* (size_t bytes, int node, unsigned flags) -> address */
	SPMK_SYS_MEM_FREE = 11,   /* (void *addr) -> 0 */
	SPMK_SYS_MEM_NODE = 12,   /* (const void *addr) -> node of the page at addr */
	SPMK_SYS_MEM_PIN = 13,    /* (void *addr) -> 0: the page may no longer move */
	SPMK_SYS_MEM_UNPIN = 14,  /* (void *addr) -> 0 */
	SPMK_SYS_HANDOFF = 15,    /* (const char *device, unsigned flags) -> node it joined */
	SPMK_SYS_RECLAIM = 16,    /* (const char *device) -> 0 */
	SPMK_SYS_COUNT
};

/* System call n with raw arguments, no checking by the user library: for apps that test the
 * kernel's own argument checking (apps/check). Returns what the kernel returns. */
long spmk_syscall(long n, long a, long b, long c);

#endif
