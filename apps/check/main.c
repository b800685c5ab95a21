/* SPDX-License-Identifier: BSD-2-Clause */
/* check - the isolation and argument-checking tests, one scenario per argument
 * (tests/qemu/test_apps.py runs them):
 *   check args             every system call with bad pointers, lengths, handles: error values
 *   check kernel           reads the kernel half: the app ends with a page-fault report
 *   check unmapped         reads an unmapped address (and the stack guard page with `guard`)
 *   check daxwin           reads the kernel's dax window area (where the shell's owners map)
 *   check write-text       writes its own code (read-only)
 *   check ud | div | gp    an invalid opcode, a divide by zero, a privileged instruction
 *   check claim DEV        claims DEV, writes it, exits without releasing (exit releases)
 *   check steal DEV        claims DEV (someone else's) and guesses handles: refused
 *   check movable DEV      movable memory on DEV's node after a hand-off, reclaim, contents
 *   check exit N           exits with status N
 *   check spin             loops calling the clock until Ctrl-C */
#include "include/spmk/console.h"
#include "include/spmk/dax.h"
#include "include/spmk/errors.h"
#include "include/spmk/memory.h"
#include "include/spmk/syscall.h"
#include "include/spmk/topology.h"

long spmk_syscall(long n, long a, long b, long c);

static int failures;

static void expect(const char *what, long got, long want)
{
	if (got != want) {
		spmk_printf("check: %s: got %ld (%s), want %ld (%s)\n", what, got,
			    got < 0 ? spmk_strerror(got) : "ok", want,
			    want < 0 ? spmk_strerror(want) : "ok");
		failures++;
	}
}

static int check_args(void)
{
	static char buf[64];
	const long kernel = (long)0xffffffff80100000ull, unmapped = 0x7000000000;
	expect("write from the kernel half", spmk_syscall(SPMK_SYS_WRITE, kernel, 8, 0), -SPMK_ERANGE);
	expect("write from an unmapped page", spmk_syscall(SPMK_SYS_WRITE, unmapped, 8, 0), -SPMK_EFAULT);
	expect("write with a wrapping length", spmk_syscall(SPMK_SYS_WRITE, (long)buf, -8, 0), -SPMK_ERANGE);
	expect("write of a huge length", spmk_syscall(SPMK_SYS_WRITE, (long)buf, 1L << 40, 0), -SPMK_EFAULT);
	expect("write from NULL", spmk_syscall(SPMK_SYS_WRITE, 0, 1, 0), -SPMK_EFAULT);
	expect("topo into the kernel half", spmk_syscall(SPMK_SYS_TOPO, kernel, 0, 0), -SPMK_ERANGE);
	expect("topo into read-only text", spmk_syscall(SPMK_SYS_TOPO, (long)check_args, 0, 0), -SPMK_EFAULT);
	struct spmk_node nd;
	expect("node 9999", spmk_node(9999, &nd), -SPMK_ERANGE);
	struct spmk_pair pr;
	expect("pair 0 -> 9999", spmk_pair(0, 9999, &pr), -SPMK_ERANGE);
	expect("dax list into unmapped", spmk_syscall(SPMK_SYS_DAX_LIST, unmapped, 4, 0), -SPMK_EFAULT);
	expect("claim with a kernel name pointer", spmk_syscall(SPMK_SYS_DAX_CLAIM, kernel, 0, 0), -SPMK_ERANGE);
	expect("claim of no such device", spmk_dax_claim("dax99.9"), -SPMK_ENOENT);
	for (long h = -2; h < 40; h += 7)
		expect("map of a made-up handle", spmk_syscall(SPMK_SYS_DAX_MAP, h, 0, 0), -SPMK_EBADF);
	expect("release of a made-up handle", spmk_dax_release(1L << 40), -SPMK_EBADF);
	void *p;
	expect("alloc of 0 bytes", spmk_mem_alloc(0, SPMK_NODE_ANY, 0, &p), -SPMK_EINVAL);
	expect("alloc with bad flags", spmk_mem_alloc(4096, SPMK_NODE_ANY, 0x80, &p), -SPMK_EINVAL);
	expect("alloc on node 9999", spmk_mem_alloc(4096, 9999, 0, &p), -SPMK_ERANGE);
	expect("alloc of 2^62 bytes", spmk_mem_alloc(1ull << 62, SPMK_NODE_ANY, 0, &p), -SPMK_ENOMEM);
	expect("free of a stack address", spmk_mem_free(buf), -SPMK_ENOENT);
	expect("node of an unmapped address", spmk_mem_node((void *)unmapped), -SPMK_EFAULT);
	expect("unknown system call", spmk_syscall(999, 0, 0, 0), -SPMK_ENOSYS);
	expect("negative system call", spmk_syscall(-1, 0, 0, 0), -SPMK_ENOSYS);
	spmk_printf("check args: %d failures\n", failures);
	return failures ? 1 : 0;
}

static int claim_and_leave(const char *dev)
{
	long h = spmk_dax_claim(dev);
	void *va;
	if (h < 0 || spmk_dax_map(h, &va) < 0) {
		spmk_printf("check: cannot claim and map %s: %s\n", dev, spmk_strerror(h));
		return 1;
	}
	for (int i = 0; i < 64; i++)
		((volatile char *)va)[i] = 'A' + (i % 26);
	spmk_printf("check: %s claimed (handle %ld) at %p; exiting with it\n", dev, h, va);
	return 0;
}

static int steal(const char *dev)
{
	expect("claim of another owner's device", spmk_dax_claim(dev), -SPMK_EBUSY);
	for (long h = 0; h < 64; h++)
		expect("map of a guessed handle", spmk_syscall(SPMK_SYS_DAX_MAP, h, 0, 0), -SPMK_EBADF);
	spmk_printf("check steal: %d failures\n", failures);
	return failures ? 1 : 0;
}

static int movable(const char *dev)
{
	long node = spmk_handoff(dev, SPMK_HANDOFF_MOVABLE);
	if (node < 0) {
		spmk_printf("check: hand-off of %s: %s\n", dev, spmk_strerror(node));
		return 1;
	}
	const size_t bytes = 4u << 20;
	uint64_t *p;
	long r = spmk_mem_alloc(bytes, (int)node, SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE, (void **)&p);
	if (r < 0) {
		spmk_printf("check: movable alloc on node %ld: %s\n", node, spmk_strerror(r));
		return 1;
	}
	for (size_t i = 0; i < bytes / 8; i++)
		p[i] = i * 0x9e3779b97f4a7c15ull;
	spmk_printf("check: 4 MiB at %p on node %ld; reclaiming %s\n", (void *)p, spmk_mem_node(p), dev);
	r = spmk_reclaim(dev);
	if (r < 0) {
		spmk_printf("check: reclaim of %s: %s\n", dev, spmk_strerror(r));
		return 1;
	}
	size_t bad = 0;
	for (size_t i = 0; i < bytes / 8; i++)
		bad += p[i] != i * 0x9e3779b97f4a7c15ull;
	spmk_printf("check: after reclaim the memory is on node %ld, %lu words differ\n",
		    spmk_mem_node(p), (unsigned long)bad);
	expect("free", spmk_mem_free(p), 0);
	return bad || failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		spmk_printf("usage: check args|kernel|unmapped|guard|daxwin|write-text|ud|div|gp|"
			    "claim DEV|steal DEV|movable DEV|exit N|spin\n");
		return 2;
	}
	const char *what = argv[1];
	if (!spmk_strcmp(what, "args"))
		return check_args();
	if (!spmk_strcmp(what, "kernel"))
		return *(volatile char *)0xffffffff80100000ull;
	if (!spmk_strcmp(what, "unmapped"))
		return *(volatile char *)0x7000000000ull;
	if (!spmk_strcmp(what, "guard"))
		return *(volatile char *)(0x00007ffffff00000ull - (256u << 10) - 8);
	if (!spmk_strcmp(what, "daxwin"))
		return *(volatile char *)0xffffc00000000000ull;
	if (!spmk_strcmp(what, "write-text")) {
		*(volatile char *)main = 0;
		return 0;
	}
	if (!spmk_strcmp(what, "ud"))
		__asm__ volatile("ud2");
	if (!spmk_strcmp(what, "gp"))
		__asm__ volatile("cli");
	if (!spmk_strcmp(what, "div")) {
		volatile int z = 0;
		return 10 / z;
	}
	if (!spmk_strcmp(what, "spin")) {
		spmk_printf("check: spinning until Ctrl-C\n");
		for (;;)
			spmk_clock_ns();
	}
	if (argc >= 3 && !spmk_strcmp(what, "claim"))
		return claim_and_leave(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "steal"))
		return steal(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "movable"))
		return movable(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "exit")) {
		uint64_t n = 0;
		spmk_parse_size(argv[2], &n);
		return (int)n;
	}
	spmk_printf("check: unknown scenario '%s'\n", what);
	return 2;
}
