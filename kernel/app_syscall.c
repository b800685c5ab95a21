/* SPDX-License-Identifier: BSD-2-Clause */
/* app_syscall.c - system-call dispatch, and the calls for exit, console, clock and topology
 * (ABI: include/spmk/syscall.h, docs/apps.md). dax calls are in app_dax.c, memory calls in
 * app_mem.c.
 *
 * Every call runs on the kernel's page tables (CR3 switched here, back on return); an app
 * pointer is only ever used through uspace_copy_* (mm/uspace.h). An app's output goes through
 * the console's lock like every other line (kernel/printk.c). Ctrl-C typed on the console
 * is checked at every call (and at every timer tick in ring 3: kernel/app.c) and ends the app. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/syscall.h"
#include "include/spmk/errors.h"
#include "include/spmk/syscall.h"
#include "include/spmk/topology.h"
#include "kernel/app_calls.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"

#define WRITE_CHUNK 256

static long sys_exit(struct app *a, const struct syscall_frame *f)
{
	(void)a;
	app_end_now(APP_EXITED, (int)(f->a0 & 0xff), 0);
}

/* The bytes of buf[0..n) to print at once: up to its last newline when the write goes on
 * after it, so that lines of up to WRITE_CHUNK bytes reach the console whole. */
static size_t whole_lines(const char *buf, size_t n, bool last)
{
	if (last)
		return n;
	for (size_t i = n; i > 0; i--)
		if (buf[i - 1] == '\n')
			return i;
	return n;
}

/* The console's locked output (kout), one chunk of at most WRITE_CHUNK bytes per lock hold: a
 * line never interleaves with another CPU's log line, and a long write lets others print. */
static long sys_write(struct app *a, const struct syscall_frame *f)
{
	char buf[WRITE_CHUNK];
	uint64_t va = f->a0, len = f->a1;
	status_t st = uspace_validate(&a->u, va, len, false);
	if (st != ST_OK)
		return -uspace_errno(st);
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
		st = uspace_copy_in(&a->u, buf, va + done, n);
		if (st != ST_OK)
			return -uspace_errno(st);
		size_t k = whole_lines(buf, (size_t)n, done + n == len);
		out_write(&kout, buf, k);
		done += k;
		if (shell_interrupted()) /* a long write stops at Ctrl-C like the app itself */
			app_end_now(APP_INTERRUPTED, 0, "stopped by Ctrl-C");
	}
	return (long)len;
}

static long sys_clock_ns(struct app *a, const struct syscall_frame *f)
{
	(void)a, (void)f;
	uint64_t hz = tsc_hz(), t = rdtsc();
	if (!hz)
		return 0;
	/* t / hz seconds, in ns without overflow: whole seconds and the remainder apart */
	return (long)((t / hz) * 1000000000ull + (t % hz) * 1000000000ull / hz);
}

static long sys_topo(struct app *a, const struct syscall_frame *f)
{
	struct spmk_topo t = { K.numa.n_nodes, K.numa.n_cpus, K.numa.has_hmat, K.numa.has_slit };
	return -uspace_errno(uspace_copy_out(&a->u, f->a0, &t, sizeof t));
}

static struct spmk_perf perf_of(const struct hmat_perf *p)
{
	return (struct spmk_perf){ p->v[HMAT_READ_LATENCY], p->v[HMAT_WRITE_LATENCY],
				   p->v[HMAT_READ_BANDWIDTH], p->v[HMAT_WRITE_BANDWIDTH] };
}

static void node_fill(uint32_t n, struct spmk_node *o)
{
	const struct numa_node *nd = &K.numa.nodes[n];
	memset(o, 0, sizeof *o);
	o->node = n;
	o->pxm = nd->pxm;
	o->flags = (nd->has_cpu ? SPMK_NODE_CPU : 0) | (nd->has_memory ? SPMK_NODE_MEMORY : 0) |
		   ((K.numa.sp_nodes >> n) & 1 ? SPMK_NODE_SP : 0) |
		   (nd->hmat_target ? SPMK_NODE_HMAT : 0);
	for (uint32_t i = 0; i < K.numa.n_cpus; i++)
		o->n_cpus += K.numa.cpus[i].node == n;
	for (uint32_t i = 0; i < K.numa.n_ranges; i++)
		if (K.numa.ranges[i].node == n && !(K.numa.ranges[i].flags & NUMA_MEM_POSSIBLE))
			o->mem_bytes += range_size(K.numa.ranges[i].r);
	for (int z = 0; z < BUDDY_NZONES && n < BUDDY_MAX_NODES; z++) {
		struct buddy_stats s;
		if (buddy_stats(&K.buddy, (int)n, z, &s) == ST_OK)
			o->free_bytes += pages_to_bytes(s.free);
	}
	for (int c = 0; c < 2; c++) {
		o->access[c].valid = nd->access[c].valid;
		o->access[c].initiator = nd->access[c].initiator;
		o->access[c].perf = perf_of(&nd->access[c].perf);
	}
	o->n_caches = nd->n_caches;
	for (uint32_t i = 0; i < nd->n_caches && i < SPMK_NODE_CACHES; i++)
		o->caches[i] = (struct spmk_cache){ nd->caches[i].size, nd->caches[i].level,
						    nd->caches[i].line_size };
}

static long sys_node(struct app *a, const struct syscall_frame *f)
{
	if (f->a0 >= K.numa.n_nodes)
		return -SPMK_ERANGE;
	struct spmk_node o;
	node_fill((uint32_t)f->a0, &o);
	return -uspace_errno(uspace_copy_out(&a->u, f->a1, &o, sizeof o));
}

static long sys_pair(struct app *a, const struct syscall_frame *f)
{
	if (f->a0 >= K.numa.n_nodes || f->a1 >= K.numa.n_nodes)
		return -SPMK_ERANGE;
	struct spmk_pair p = { perf_of(&K.numa.matrix[f->a0][f->a1]),
			       numa_distance(&K.numa, (uint32_t)f->a0, (uint32_t)f->a1), 0 };
	return -uspace_errno(uspace_copy_out(&a->u, f->a2, &p, sizeof p));
}

typedef long (*sys_fn)(struct app *a, const struct syscall_frame *f);

static const sys_fn calls[SPMK_SYS_COUNT] = {
	[SPMK_SYS_EXIT] = sys_exit,           [SPMK_SYS_WRITE] = sys_write,
	[SPMK_SYS_CLOCK_NS] = sys_clock_ns,   [SPMK_SYS_TOPO] = sys_topo,
	[SPMK_SYS_NODE] = sys_node,           [SPMK_SYS_PAIR] = sys_pair,
	[SPMK_SYS_DAX_LIST] = sys_dax_list,   [SPMK_SYS_DAX_CLAIM] = sys_dax_claim,
	[SPMK_SYS_DAX_MAP] = sys_dax_map,     [SPMK_SYS_DAX_RELEASE] = sys_dax_release,
	[SPMK_SYS_MEM_ALLOC] = sys_mem_alloc, [SPMK_SYS_MEM_FREE] = sys_mem_free,
	[SPMK_SYS_MEM_NODE] = sys_mem_node,   [SPMK_SYS_MEM_PIN] = sys_mem_pin,
	[SPMK_SYS_MEM_UNPIN] = sys_mem_unpin, [SPMK_SYS_HANDOFF] = sys_handoff,
	[SPMK_SYS_RECLAIM] = sys_reclaim,
};

uint64_t syscall_dispatch(struct syscall_frame *f)
{
	percpu_set_base(0); /* the app may have loaded GS, which clears its base */
	write_cr3(kvm_space.pml4_phys.v);
	struct app *a = app_current();
	CHECK(a != 0);
	if (a->irqs_on) /* the call runs like the rest of the kernel */
		__asm__ volatile("sti" ::: "memory");
	if (shell_interrupted())
		app_end_now(APP_INTERRUPTED, 0, "stopped by Ctrl-C");
	/* SYSRET to a non-canonical RIP would fault in ring 0 (SDM Vol. 2B SYSRET): never let it */
	if (f->rip >= USPACE_END)
		app_end_now(APP_KILLED, 0, "system call from outside the user half");
	long r = f->nr < SPMK_SYS_COUNT && calls[f->nr] ? calls[f->nr](a, f) : -SPMK_ENOSYS;
	__asm__ volatile("cli" ::: "memory"); /* SYSRET restores the app's RFLAGS */
	write_cr3(a->vm.pml4_phys.v);
	return (uint64_t)r;
}
