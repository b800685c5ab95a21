/* SPDX-License-Identifier: BSD-2-Clause */
/* test_managed.c - managed RAM cut at NUMA node boundaries (mm/managed.h): pieces of one
 * node each, joins across map ranges, memory in no SRAT range, the piece limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "mm/managed.h"
#include "test_main.h"

static struct numa_topology t;
static struct managed_set m;
static struct capture cap;

/* Two SRAT ranges: node 0 [0, 2 GiB), node 1 [2 GiB, 3 GiB); nothing above. */
static void topo_two_nodes(void)
{
	memset(&t, 0, sizeof t);
	t.from_srat = true;
	t.n_ranges = 2;
	t.ranges[0] = (struct numa_range){ .r = { 0, 2 * GiB }, .node = 0 };
	t.ranges[1] = (struct numa_range){ .r = { 2 * GiB, 3 * GiB }, .node = 1 };
	managed_init(&m);
	capture_init(&cap);
}

static void expect_piece(uint32_t i, uint64_t base, uint64_t end, uint32_t node)
{
	assert_true(i < m.n);
	assert_int_equal(m.p[i].base, base);
	assert_int_equal(m.p[i].end, end);
	assert_int_equal(m.p[i].node, node);
}

static void test_split_at_node_boundary(void **state)
{
	(void)state;
	topo_two_nodes();
	assert_int_equal(managed_add(&m, &t, 1 * MiB, 1 * GiB, &cap.out), ST_OK);
	/* a map range right after the first: joins it, then crosses into node 1 */
	assert_int_equal(managed_add(&m, &t, 1 * GiB, 2 * GiB + 4 * MiB, &cap.out), ST_OK);
	assert_int_equal(m.n, 2);
	expect_piece(0, 1 * MiB, 2 * GiB, 0);
	expect_piece(1, 2 * GiB, 2 * GiB + 4 * MiB, 1);
	/* a gap: a new piece even on the same node */
	assert_int_equal(managed_add(&m, &t, 2 * GiB + 8 * MiB, 2 * GiB + 16 * MiB, &cap.out),
			 ST_OK);
	expect_piece(2, 2 * GiB + 8 * MiB, 2 * GiB + 16 * MiB, 1);
	assert_int_equal(managed_bytes(&m), 2 * GiB - 1 * MiB + 4 * MiB + 8 * MiB);
	assert_int_equal(cap.lines, 0);
}

static void test_outside_srat_goes_to_node_0(void **state)
{
	(void)state;
	topo_two_nodes();
	assert_int_equal(managed_add(&m, &t, 3 * GiB - 4 * MiB, 3 * GiB + 4 * MiB, &cap.out),
			 ST_OK);
	assert_int_equal(managed_add(&m, &t, 4 * GiB, 5 * GiB, &cap.out), ST_OK);
	assert_int_equal(m.n, 3);
	expect_piece(0, 3 * GiB - 4 * MiB, 3 * GiB, 1);
	expect_piece(1, 3 * GiB, 3 * GiB + 4 * MiB, 0);
	expect_piece(2, 4 * GiB, 5 * GiB, 0);
	assert_int_equal(cap.lines, 1); /* noted once */
	capture_expect(&cap, "mm: RAM at 0xc0000000 is in no SRAT range; using node 0");
	/* without an SRAT every address is node 0, silently */
	memset(&t, 0, sizeof t);
	managed_init(&m);
	capture_reset(&cap);
	assert_int_equal(managed_add(&m, &t, 0, 8 * GiB, &cap.out), ST_OK);
	assert_int_equal(m.n, 1);
	expect_piece(0, 0, 8 * GiB, 0);
	assert_int_equal(cap.lines, 0);
}

static void test_limits_and_order(void **state)
{
	(void)state;
	topo_two_nodes();
	for (uint64_t i = 0; i < MANAGED_MAX; i++)
		assert_int_equal(managed_add(&m, &t, i * 2 * MiB, i * 2 * MiB + MiB, &cap.out),
				 ST_OK);
	assert_int_equal(m.n, MANAGED_MAX);
	uint64_t next = MANAGED_MAX * 2 * MiB;
	assert_int_equal(managed_add(&m, &t, next, next + MiB, &cap.out), ST_NOMEM);
	assert_int_equal(m.n, MANAGED_MAX);
	char want[96];
	snprintf(want, sizeof want, "mm: more than %d RAM pieces; [0x%llx-0x%llx) left unused",
		 MANAGED_MAX, (unsigned long long)next, (unsigned long long)(next + MiB));
	capture_expect(&cap, want);
	/* touching the last piece still joins it: no slot needed */
	uint64_t last = m.p[MANAGED_MAX - 1].end;
	assert_int_equal(managed_add(&m, &t, last, last + MiB, &cap.out), ST_OK);
	assert_int_equal(m.p[MANAGED_MAX - 1].end, last + MiB);
	/* out of order or inverted: refused, nothing added */
	assert_int_equal(managed_add(&m, &t, 0, MiB, &cap.out), ST_INVALID);
	assert_int_equal(managed_add(&m, &t, 2 * GiB, GiB, &cap.out), ST_INVALID);
	assert_int_equal(m.p[MANAGED_MAX - 1].end, last + MiB);
	/* an empty range adds nothing */
	assert_int_equal(managed_add(&m, &t, last + MiB, last + MiB, &cap.out), ST_OK);
	assert_int_equal(m.n, MANAGED_MAX);
	/* with storage of managed_pieces_bound() pieces, as the kernel gives it, a map of 2,000
	 * separate ranges all become pieces */
	uint64_t bound = managed_pieces_bound(2000);
	assert_int_equal(bound, 2000 + 2 * NUMA_MAX_RANGES);
	struct managed_piece *storage = calloc(bound, sizeof *storage);
	managed_init_into(&m, storage, (uint32_t)bound);
	for (uint64_t i = 0; i < 2000; i++)
		assert_int_equal(managed_add(&m, &t, i * 2 * MiB, i * 2 * MiB + MiB, &cap.out),
				 ST_OK);
	assert_int_equal(m.n, 2000);
	assert_int_equal(managed_bytes(&m), 2000 * MiB);
	free(storage);
	managed_init(&m);
}

/* Page words of small pieces share a block: a run of one-page pieces of one node is one
 * group (8 bytes each), a piece of 2 MiB or more has its own block, a node boundary and the
 * group size limit end a group. */
static void test_meta_groups(void **state)
{
	(void)state;
	topo_two_nodes();
	for (unsigned i = 0; i < 3; i++) /* one page every other page below 2 GiB */
		assert_int_equal(managed_add(&m, &t, 2 * GiB - (8 - 2 * i) * 4096ull,
					     2 * GiB - (7 - 2 * i) * 4096ull, &cap.out),
				 ST_OK);
	assert_int_equal(managed_add(&m, &t, 2 * GiB - 4096, 2 * GiB + 4096, &cap.out), ST_OK);
	assert_int_equal(managed_add(&m, &t, 2 * GiB + 8192, 2 * GiB + 12288, &cap.out), ST_OK);
	assert_int_equal(managed_add(&m, &t, 2 * GiB + 4 * MiB, 2 * GiB + 6 * MiB, &cap.out),
			 ST_OK);
	/* pieces: 3 one-page ones on node 0, the cut one (node 0 page, node 1 page), one page,
	 * a 2 MiB piece */
	assert_int_equal(m.n, 7);
	uint32_t next;
	assert_int_equal(managed_meta_group(&m, 0, &next), 4 * 8); /* 3 + the node-0 half */
	assert_int_equal(next, 4);
	assert_int_equal(managed_meta_group(&m, 4, &next), 2 * 8); /* node 1: two pages */
	assert_int_equal(next, 6);
	assert_int_equal(managed_meta_group(&m, 6, &next), 512 * 8); /* 2 MiB: alone */
	assert_int_equal(next, 7);

	/* the size limit: 9,000 one-page pieces make groups of 8,192 and 808 */
	static struct managed_piece many[9000];
	managed_init_into(&m, many, 9000);
	for (unsigned i = 0; i < 9000; i++)
		assert_int_equal(
			managed_add(&m, &t, (2ull * i + 1) * 4096, (2ull * i + 2) * 4096, &cap.out),
			ST_OK);
	assert_int_equal(managed_meta_group(&m, 0, &next), MANAGED_META_GROUP);
	assert_int_equal(next, MANAGED_META_GROUP / 8);
	assert_int_equal(managed_meta_group(&m, next, &next), (9000 - 8192) * 8);
	assert_int_equal(next, 9000);
}

TEST_MAIN(cmocka_unit_test(test_split_at_node_boundary),
	  cmocka_unit_test(test_outside_srat_goes_to_node_0),
	  cmocka_unit_test(test_limits_and_order), cmocka_unit_test(test_meta_groups))
