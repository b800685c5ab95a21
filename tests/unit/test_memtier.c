/* SPDX-License-Identifier: BSD-2-Clause */
/* test_memtier.c - abstract distance, tiers and demotion targets (acpi/memtier.h) on
 * hand-built topologies. Every expected number is derived in the comment beside it from
 * Linux's rule: adist = 576 * (rl + wl) / (ref_rl + ref_wl) * (ref_rb + ref_wb) / (rb + wb),
 * left to right in integers; tier = adist >> 7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "acpi/memtier.h"
#include "capture.h"
#include "test_main.h"

static struct numa_topology t;
static struct memtier_info mi;
static struct capture cap;

/* n nodes, none with CPUs or memory yet. */
static void topo(uint32_t n)
{
	memset(&t, 0, sizeof t);
	t.n_nodes = n;
	t.from_srat = true;
	for (uint32_t i = 0; i < n; i++)
		t.nodes[i].pxm = i;
}

/* Node with memory; cpu: has CPUs; figures: its access1 (0: none). */
static void node(uint32_t n, bool cpu, uint32_t rl, uint32_t wl, uint32_t rb, uint32_t wb)
{
	struct numa_node *nd = &t.nodes[n];
	nd->has_memory = true;
	nd->has_cpu = cpu;
	if (rl || wl || rb || wb) {
		nd->hmat_target = true;
		t.has_hmat = true;
		nd->access[1].valid = true;
		nd->access[1].perf.v[HMAT_READ_LATENCY] = rl;
		nd->access[1].perf.v[HMAT_WRITE_LATENCY] = wl;
		nd->access[1].perf.v[HMAT_READ_BANDWIDTH] = rb;
		nd->access[1].perf.v[HMAT_WRITE_BANDWIDTH] = wb;
	}
}

static void dist(uint32_t a, uint32_t b, uint8_t d)
{
	t.has_slit = true;
	t.dist[a][b] = t.dist[b][a] = d;
	t.dist[a][a] = t.dist[b][b] = 10;
}

static void expect(uint32_t n, enum memtier_source src, uint32_t adist, uint64_t demotion)
{
	assert_int_equal(mi.node[n].source, src);
	assert_int_equal(mi.node[n].adistance, adist);
	assert_int_equal(mi.node[n].tier, adist >> 7);
	assert_int_equal(mi.node[n].demotion, demotion);
}

static void build(void) { assert_int_equal(memtier_build(&t, &mi), ST_OK); }

/* The constants are Linux's: chunk 128, DRAM 4 * 128 + 64 = 576, dax default 5 * 576. */
static void test_constants(void **state)
{
	(void)state;
	assert_int_equal(MEMTIER_CHUNK_SIZE, 128);
	assert_int_equal(MEMTIER_ADISTANCE_DRAM, 576);
	assert_int_equal(MEMTIER_DEFAULT_DAX_ADISTANCE, 2880);
}

/* Machine default: node 0 CPU 10/10 ns 10240/10240 MB/s; node 1 SP 30/30 ns 4096/4096.
 * 576 * 60 / 20 = 1728; 1728 * 20480 / 8192 = 4320 -> tier 33. Node 0 demotes to 1. */
static void test_default_machine(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 30, 30, 4096, 4096);
	t.sp_nodes = 2;
	build();
	assert_true(mi.have_ref);
	assert_int_equal(mi.ref_node, 0);
	expect(0, MEMTIER_CPU, 576, 1ull << 1);
	expect(1, MEMTIER_HMAT, 4320, 0);
	assert_int_equal(mi.n_tiers, 2);
	assert_int_equal(mi.tiers[0], 4);
	assert_int_equal(mi.tiers[1], 33);
}

/* Machine hbm: node 1 15/15 ns 40960/40960 MB/s. 576 * 30 / 20 = 864;
 * 864 * 20480 / 81920 = 216 -> tier 1, above DRAM: node 1 demotes to node 0, node 0 nowhere. */
static void test_hbm_is_a_faster_tier(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 15, 15, 40960, 40960);
	t.sp_nodes = 2;
	build();
	expect(0, MEMTIER_CPU, 576, 0);
	expect(1, MEMTIER_HMAT, 216, 1ull << 0);
	assert_int_equal(mi.tiers[0], 1);
	assert_int_equal(mi.tiers[1], 4);
}

/* Machine two-socket: CPU nodes 0 and 1 (10/10, 10240/10240), SP nodes 2 and 3 (20/20,
 * 5120/5120): 576 * 40 / 20 = 1152; 1152 * 20480 / 10240 = 2304 -> tier 18. SLIT 0-2 = 17,
 * 0-3 = 28, 1-3 = 17, 1-2 = 28: each socket demotes to its own SP node. */
static void test_two_socket_demotes_to_the_near_node(void **state)
{
	(void)state;
	topo(4);
	node(0, true, 10, 10, 10240, 10240);
	node(1, true, 10, 10, 10240, 10240);
	node(2, false, 20, 20, 5120, 5120);
	node(3, false, 20, 20, 5120, 5120);
	dist(0, 1, 21);
	dist(0, 2, 17);
	dist(0, 3, 28);
	dist(1, 2, 28);
	dist(1, 3, 17);
	dist(2, 3, 28);
	build();
	expect(0, MEMTIER_CPU, 576, 1ull << 2);
	expect(1, MEMTIER_CPU, 576, 1ull << 3);
	expect(2, MEMTIER_HMAT, 2304, 0);
	expect(3, MEMTIER_HMAT, 2304, 0);
}

/* Equal distances: every nearest node of the next tier is a target. */
static void test_ties_keep_every_target(void **state)
{
	(void)state;
	topo(3);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 20, 20, 5120, 5120);
	node(2, false, 20, 20, 5120, 5120);
	build();
	expect(0, MEMTIER_CPU, 576, (1ull << 1) | (1ull << 2));
}

/* Linux divides as it goes: node 1 7/7 ns, 3000/3000 MB/s against 20 and 20480:
 * 576 * 14 / 20 = 403 (403.2); 403 * 20480 / 6000 = 1375 (1375.6). Exact arithmetic would
 * give 1376.256; the order of the integer steps is part of the rule. */
static void test_integer_steps_in_linux_order(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 7, 7, 3000, 3000);
	build();
	expect(1, MEMTIER_HMAT, 1375, 0);
}

/* A second CPU node whose bandwidth is 20% lower than the reference's disables the
 * computation: SP node 2 falls back to kmem's 2880 (tier 22), the non-SP memory-only node 3
 * to DRAM's 576. Within 10% (9300 vs 10240: 940 * 10 = 9400 <= 10240) is consistent. */
static void test_dram_mismatch_disables_hmat(void **state)
{
	(void)state;
	topo(4);
	node(0, true, 10, 10, 10240, 10240);
	node(1, true, 10, 10, 8192, 8192);
	node(2, false, 30, 30, 4096, 4096);
	node(3, false, 30, 30, 4096, 4096);
	t.sp_nodes = 1ull << 2;
	build();
	assert_false(mi.have_ref);
	assert_int_equal(mi.mismatch_node, 1);
	expect(2, MEMTIER_DAX_DEFAULT, 2880, 0);
	expect(3, MEMTIER_DRAM_DEFAULT, 576, 1ull << 2);
	expect(0, MEMTIER_CPU, 576, 1ull << 2);

	node(1, true, 10, 10, 9300, 9300);
	build();
	assert_true(mi.have_ref);
	assert_int_equal(mi.mismatch_node, -1);
	expect(2, MEMTIER_HMAT, 4320, 0);
}

/* No HMAT at all (machine no-hmat): no reference; the SP node gets 2880 (tier 22), a CPU
 * node 576. A node without memory (a generic initiator) is in no tier. */
static void test_no_hmat_uses_kmem_default(void **state)
{
	(void)state;
	topo(3);
	node(0, true, 0, 0, 0, 0);
	node(1, false, 0, 0, 0, 0);
	t.sp_nodes = 2;
	build();
	assert_false(mi.have_ref);
	assert_int_equal(mi.mismatch_node, -1);
	expect(0, MEMTIER_CPU, 576, 1ull << 1);
	expect(1, MEMTIER_DAX_DEFAULT, 2880, 0);
	assert_int_equal(mi.node[2].source, MEMTIER_NONE);
	assert_int_equal(mi.n_tiers, 2);
}

/* A CPU node described by HMAT without bandwidth ends the reference search (Linux's
 * -EINVAL): the memory-only node keeps its default. */
static void test_reference_needs_latency_and_bandwidth(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 0, 0);
	node(1, false, 30, 30, 4096, 4096);
	build();
	assert_false(mi.have_ref);
	expect(1, MEMTIER_DRAM_DEFAULT, 576, 0);
	assert_int_equal(mi.n_tiers, 1);
}

/* A huge latency: 576 * 8000000000 / 20 * 20480 / 2 overflows Linux's int: clamped to
 * 0x7fffffff, tier 0xffffff. */
static void test_overflow_is_clamped(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 4000000000u, 4000000000u, 1, 1);
	build();
	expect(1, MEMTIER_HMAT, 0x7fffffff, 0);
	assert_int_equal(mi.tiers[1], 0xffffff);
}

static void test_text_and_json(void **state)
{
	(void)state;
	topo(2);
	node(0, true, 10, 10, 10240, 10240);
	node(1, false, 30, 30, 4096, 4096);
	build();
	capture_init(&cap);
	memtier_print(&t, &mi, &cap.out, false);
	capture_expect(&cap, "HMAT reference: node 0");
	capture_expect(&cap, "  tier 4 (adistance 512-639): node 0\n");
	capture_expect(&cap, "  tier 33 (adistance 4224-4351): node 1\n");
	capture_expect(&cap, "  node 0: adistance 576 (cpu), tier 4, demotes to node 1\n");
	capture_expect(&cap, "  node 1: adistance 4320 (hmat), tier 33, demotes to nothing\n");
	capture_reset(&cap);
	memtier_print(&t, &mi, &cap.out, true);
	assert_string_equal(
		cap.text,
		"[{\"tier\":4,\"adistance_start\":512,\"nodes\":[{\"node\":0,\"adistance\":576,"
		"\"source\":\"cpu\",\"demotion_targets\":[1]}]},{\"tier\":33,\"adistance_start\":"
		"4224,\"nodes\":[{\"node\":1,\"adistance\":4320,\"source\":\"hmat\"}]}]");
	assert_int_equal(memtier_build(NULL, &mi), ST_INVALID);
	assert_int_equal(memtier_build(&t, NULL), ST_INVALID);
}

TEST_MAIN(cmocka_unit_test(test_constants), cmocka_unit_test(test_default_machine),
	  cmocka_unit_test(test_hbm_is_a_faster_tier),
	  cmocka_unit_test(test_two_socket_demotes_to_the_near_node),
	  cmocka_unit_test(test_ties_keep_every_target),
	  cmocka_unit_test(test_integer_steps_in_linux_order),
	  cmocka_unit_test(test_dram_mismatch_disables_hmat),
	  cmocka_unit_test(test_no_hmat_uses_kmem_default),
	  cmocka_unit_test(test_reference_needs_latency_and_bandwidth),
	  cmocka_unit_test(test_overflow_is_clamped), cmocka_unit_test(test_text_and_json))
