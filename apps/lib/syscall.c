/* SPDX-License-Identifier: BSD-2-Clause */
/* syscall.c - the system-call stubs (ABI in include/spmk/syscall.h). */
#include "include/spmk/syscall.h"
#include "include/spmk/console.h"
#include "include/spmk/dax.h"
#include "include/spmk/memory.h"
#include "include/spmk/topology.h"

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#define sys(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

void spmk_exit(int status)
{
	sys(SPMK_SYS_EXIT, status, 0, 0);
	for (;;)
		;
}
long spmk_write(const char *buf, size_t len) { return sys(SPMK_SYS_WRITE, buf, len, 0); }
uint64_t spmk_clock_ns(void) { return (uint64_t)sys(SPMK_SYS_CLOCK_NS, 0, 0, 0); }
long spmk_topo(struct spmk_topo *out) { return sys(SPMK_SYS_TOPO, out, 0, 0); }
long spmk_node(unsigned node, struct spmk_node *out) { return sys(SPMK_SYS_NODE, node, out, 0); }
long spmk_pair(unsigned i, unsigned t, struct spmk_pair *out)
{
	return sys(SPMK_SYS_PAIR, i, t, out);
}
long spmk_dax_list(struct spmk_dax_dev *out, unsigned max)
{
	return sys(SPMK_SYS_DAX_LIST, out, max, 0);
}
long spmk_dax_claim(const char *name) { return sys(SPMK_SYS_DAX_CLAIM, name, 0, 0); }
long spmk_dax_map(long handle, void **addr)
{
	long r = sys(SPMK_SYS_DAX_MAP, handle, 0, 0);
	if (r >= 0 && addr)
		*addr = (void *)r;
	return r < 0 ? r : 0;
}
long spmk_dax_release(long handle) { return sys(SPMK_SYS_DAX_RELEASE, handle, 0, 0); }
long spmk_mem_alloc(size_t bytes, int node, unsigned flags, void **addr)
{
	long r = sys(SPMK_SYS_MEM_ALLOC, bytes, node, flags);
	if (r >= 0 && addr)
		*addr = (void *)r;
	return r < 0 ? r : 0;
}
long spmk_mem_free(void *addr) { return sys(SPMK_SYS_MEM_FREE, addr, 0, 0); }
long spmk_mem_node(const void *addr) { return sys(SPMK_SYS_MEM_NODE, addr, 0, 0); }
long spmk_mem_pin(void *addr) { return sys(SPMK_SYS_MEM_PIN, addr, 0, 0); }
long spmk_mem_unpin(void *addr) { return sys(SPMK_SYS_MEM_UNPIN, addr, 0, 0); }
long spmk_handoff(const char *name, unsigned flags)
{
	return sys(SPMK_SYS_HANDOFF, name, flags, 0);
}
long spmk_reclaim(const char *name) { return sys(SPMK_SYS_RECLAIM, name, 0, 0); }

/* Raw access for tests of the kernel's argument checking (apps/check). */
long spmk_syscall(long n, long a, long b, long c) { return sys(n, a, b, c); }
