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
 *   check topo             one JSON line of what the topology calls return (nodes, both
 *                          access classes, caches, the full matrix with distances)
 *   check pin DEV          movable memory on DEV's node after a hand-off, one page pinned:
 *                          reclaim refused; unpinned: reclaim moves it
 *   check exit N           exits with status N
 *   check reuse DEV N      claims, maps and releases DEV N times, then allocates and frees
 *                          memory 100 times: freed addresses come back each time; then reads
 *                          the last, unmapped, dax address (a page-fault report)
 *   check argv ...         prints its argument count, bytes and each argument's length
 *   check spin             loops calling the clock until Ctrl-C
 *   check loop             loops without any system call until Ctrl-C (seen at a timer tick) */
#include "include/spmk/console.h"
#include "include/spmk/dax.h"
#include "include/spmk/errors.h"
#include "include/spmk/memory.h"
#include "include/spmk/syscall.h"
#include "include/spmk/topology.h"

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
	expect("write from the kernel half", spmk_syscall(SPMK_SYS_WRITE, kernel, 8, 0),
	       -SPMK_ERANGE);
	expect("write from an unmapped page", spmk_syscall(SPMK_SYS_WRITE, unmapped, 8, 0),
	       -SPMK_EFAULT);
	expect("write with a wrapping length", spmk_syscall(SPMK_SYS_WRITE, (long)buf, -8, 0),
	       -SPMK_ERANGE);
	expect("write of a huge length", spmk_syscall(SPMK_SYS_WRITE, (long)buf, 1L << 40, 0),
	       -SPMK_EFAULT);
	expect("write from NULL", spmk_syscall(SPMK_SYS_WRITE, 0, 1, 0), -SPMK_EFAULT);
	expect("topo into the kernel half", spmk_syscall(SPMK_SYS_TOPO, kernel, 0, 0),
	       -SPMK_ERANGE);
	expect("topo into read-only text", spmk_syscall(SPMK_SYS_TOPO, (long)check_args, 0, 0),
	       -SPMK_EFAULT);
	struct spmk_node nd;
	expect("node 9999", spmk_node(9999, &nd), -SPMK_ERANGE);
	struct spmk_pair pr;
	expect("pair 0 -> 9999", spmk_pair(0, 9999, &pr), -SPMK_ERANGE);
	expect("dax list into unmapped", spmk_syscall(SPMK_SYS_DAX_LIST, unmapped, 4, 0),
	       -SPMK_EFAULT);
	expect("claim with a kernel name pointer", spmk_syscall(SPMK_SYS_DAX_CLAIM, kernel, 0, 0),
	       -SPMK_ERANGE);
	expect("claim of no such device", spmk_dax_claim("dax99.9"), -SPMK_ENOENT);
	for (long h = -2; h < 40; h += 7)
		expect("map of a made-up handle", spmk_syscall(SPMK_SYS_DAX_MAP, h, 0, 0),
		       -SPMK_EBADF);
	expect("release of a made-up handle", spmk_dax_release(1L << 40), -SPMK_EBADF);
	void *p;
	expect("alloc of 0 bytes", spmk_mem_alloc(0, SPMK_NODE_ANY, 0, &p), -SPMK_EINVAL);
	expect("alloc with bad flags", spmk_mem_alloc(4096, SPMK_NODE_ANY, 0x80, &p), -SPMK_EINVAL);
	expect("alloc on node 9999", spmk_mem_alloc(4096, 9999, 0, &p), -SPMK_ERANGE);
	expect("alloc of 2^62 bytes", spmk_mem_alloc(1ull << 62, SPMK_NODE_ANY, 0, &p),
	       -SPMK_ENOMEM);
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

/* Claims and maps dev, writes 64 bytes at 0 and at 64 MiB, gives it back with
 * spmk_dax_release and exits: release zeroes what the app wrote through its own mapping. */
static int write_and_release(const char *dev)
{
	long h = spmk_dax_claim(dev);
	void *va;
	if (h < 0 || spmk_dax_map(h, &va) < 0) {
		spmk_printf("check: cannot claim and map %s: %s\n", dev, spmk_strerror(h));
		return 1;
	}
	for (int i = 0; i < 64; i++) {
		((volatile char *)va)[i] = 'A' + (i % 26);
		((volatile char *)va)[(64 << 20) + i] = 'a' + (i % 26);
	}
	long st = spmk_dax_release(h);
	spmk_printf("check: %s written and released: %s\n", dev, st < 0 ? spmk_strerror(st) : "ok");
	return st < 0 ? 1 : 0;
}

static int steal(const char *dev)
{
	expect("claim of another owner's device", spmk_dax_claim(dev), -SPMK_EBUSY);
	for (long h = 0; h < 64; h++)
		expect("map of a guessed handle", spmk_syscall(SPMK_SYS_DAX_MAP, h, 0, 0),
		       -SPMK_EBADF);
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
	long r =
		spmk_mem_alloc(bytes, (int)node, SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE, (void **)&p);
	if (r < 0) {
		spmk_printf("check: movable alloc on node %ld: %s\n", node, spmk_strerror(r));
		return 1;
	}
	for (size_t i = 0; i < bytes / 8; i++)
		p[i] = i * 0x9e3779b97f4a7c15ull;
	spmk_printf("check: 4 MiB at %p on node %ld; reclaiming %s\n", (void *)p, spmk_mem_node(p),
		    dev);
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

static void perf_json(const char *key, const struct spmk_perf *p)
{
	spmk_printf("\"%s\":{\"read_latency\":%u,\"write_latency\":%u,\"read_bandwidth\":%u,"
		    "\"write_bandwidth\":%u}",
		    key, p->read_latency, p->write_latency, p->read_bandwidth, p->write_bandwidth);
}

static int topo(void)
{
	struct spmk_topo t;
	long r = spmk_topo(&t);
	if (r < 0)
		return 1;
	spmk_printf("{\"n_nodes\":%u,\"n_cpus\":%u,\"hmat\":%u,\"slit\":%u,\"nodes\":[", t.n_nodes,
		    t.n_cpus, t.has_hmat, t.has_slit);
	for (unsigned n = 0; n < t.n_nodes; n++) {
		struct spmk_node nd;
		if (spmk_node(n, &nd) < 0)
			return 1;
		spmk_printf(
			"%s{\"node\":%u,\"pxm\":%u,\"flags\":%u,\"n_cpus\":%u,\"mem_bytes\":%lu,",
			n ? "," : "", nd.node, nd.pxm, nd.flags, nd.n_cpus,
			(unsigned long)nd.mem_bytes);
		for (int c = 0; c < 2; c++) {
			spmk_printf("\"access%d_valid\":%u,\"access%d_initiator\":%u,", c,
				    nd.access[c].valid, c, nd.access[c].initiator);
			perf_json(c ? "access1" : "access0", &nd.access[c].perf);
			spmk_printf(",");
		}
		spmk_printf("\"caches\":[");
		for (unsigned i = 0; i < nd.n_caches && i < SPMK_NODE_CACHES; i++)
			spmk_printf("%s{\"level\":%u,\"size\":%lu,\"line_size\":%u}", i ? "," : "",
				    nd.caches[i].level, (unsigned long)nd.caches[i].size,
				    nd.caches[i].line_size);
		spmk_printf("]}");
	}
	spmk_printf("],\"pairs\":[");
	for (unsigned i = 0; i < t.n_nodes; i++)
		for (unsigned j = 0; j < t.n_nodes; j++) {
			struct spmk_pair p;
			if (spmk_pair(i, j, &p) < 0)
				return 1;
			spmk_printf("%s{\"initiator\":%u,\"target\":%u,\"distance\":%u,",
				    i + j ? "," : "", i, j, p.distance);
			perf_json("perf", &p.perf);
			spmk_printf("}");
		}
	spmk_printf("]}\n");
	return 0;
}

static int pin(const char *dev)
{
	long node = spmk_handoff(dev, SPMK_HANDOFF_MOVABLE);
	uint64_t *p;
	if (node < 0 || spmk_mem_alloc(1u << 20, (int)node, SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE,
				       (void **)&p) < 0) {
		spmk_printf("check: hand-off or movable memory on %s failed\n", dev);
		return 1;
	}
	p[1000] = 42;
	expect("pin", spmk_mem_pin(&p[1000]), 0);
	expect("reclaim with a pinned page", spmk_reclaim(dev), -SPMK_EBUSY);
	expect("free with a pinned page", spmk_mem_free(p), -SPMK_EBUSY);
	expect("node of the pinned page", spmk_mem_node(&p[1000]), node);
	expect("unpin", spmk_mem_unpin(&p[1000]), 0);
	expect("unpin again", spmk_mem_unpin(&p[1000]), -SPMK_EINVAL);
	expect("reclaim", spmk_reclaim(dev), 0);
	expect("the page's word after the move", (long)p[1000], 42);
	spmk_printf("check pin: %d failures; the page is on node %ld now\n", failures,
		    spmk_mem_node(&p[1000]));
	return failures ? 1 : 0;
}

static int reuse(const char *dev, const char *count)
{
	uint64_t n;
	if (spmk_parse_size(count, &n) < 0 || !n) {
		spmk_printf("check: count '%s' is not a number above 0\n", count);
		return 2;
	}
	void *first = 0, *addr = 0;
	uint64_t moved = 0, i;
	for (i = 0; i < n && !failures; i++) {
		long h = spmk_dax_claim(dev);
		expect("claim", h < 0 ? h : 0, 0);
		if (h < 0)
			break;
		long r = spmk_dax_map(h, &addr);
		expect("map", r, 0);
		if (!i)
			first = addr;
		moved += r == 0 && addr != first;
		expect("release", spmk_dax_release(h), 0);
	}
	spmk_printf("check reuse: %lu maps of %s at %p, %lu elsewhere\n", (unsigned long)i, dev,
		    first, (unsigned long)moved);
	void *p, *p0 = 0;
	uint64_t pmoved = 0;
	for (i = 0; i < 100 && !failures; i++) {
		expect("alloc", spmk_mem_alloc(1 << 20, SPMK_NODE_ANY, 0, &p), 0);
		if (!i)
			p0 = p;
		pmoved += p != p0;
		((volatile char *)p)[0] = 1;
		expect("free", spmk_mem_free(p), 0);
	}
	spmk_printf("check reuse: %lu allocations at %p, %lu elsewhere\n", (unsigned long)i, p0,
		    (unsigned long)pmoved);
	if (failures || moved || pmoved)
		return 1;
	spmk_printf("check reuse: reading the released mapping at %p\n", first);
	return *(volatile char *)first; /* unmapped: a page-fault report ends the app */
}

/* Prints what arrived: the count, the bytes (NULs included) and each argument's length. */
static int show_argv(int argc, char **argv)
{
	size_t bytes = 0;
	for (int i = 0; i < argc; i++)
		bytes += spmk_strlen(argv[i]) + 1;
	spmk_printf("check argv: %d arguments, %zu bytes:", argc, bytes);
	for (int i = 0; i < argc; i++)
		spmk_printf(" %zu", spmk_strlen(argv[i]));
	spmk_printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		spmk_printf("usage: check args|kernel|unmapped|guard|daxwin|write-text|ud|div|gp|"
			    "topo|claim DEV|release DEV|steal DEV|movable DEV|pin DEV|exit "
			    "N|loop|spin|argv ...|reuse DEV N\n");
		return 2;
	}
	const char *what = argv[1];
	if (!spmk_strcmp(what, "args"))
		return check_args();
	if (!spmk_strcmp(what, "argv"))
		return show_argv(argc, argv);
	if (!spmk_strcmp(what, "topo"))
		return topo();
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
	if (!spmk_strcmp(what, "loop")) {
		spmk_printf("check: looping without system calls until Ctrl-C\n");
		for (volatile unsigned long n = 0;; n++)
			;
	}
	if (!spmk_strcmp(what, "spin")) {
		spmk_printf("check: spinning until Ctrl-C\n");
		for (;;)
			spmk_clock_ns();
	}
	if (argc >= 3 && !spmk_strcmp(what, "claim"))
		return claim_and_leave(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "release"))
		return write_and_release(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "steal"))
		return steal(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "movable"))
		return movable(argv[2]);
	if (argc >= 3 && !spmk_strcmp(what, "pin"))
		return pin(argv[2]);
	if (argc >= 4 && !spmk_strcmp(what, "reuse"))
		return reuse(argv[2], argv[3]);
	if (argc >= 3 && !spmk_strcmp(what, "exit")) {
		uint64_t n = 0;
		if (spmk_parse_size(argv[2], &n) < 0 || n > 255) {
			spmk_printf("check: exit status '%s' is not 0..255\n", argv[2]);
			return 2;
		}
		return (int)n;
	}
	spmk_printf("check: unknown scenario '%s'\n", what);
	return 2;
}
