/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_numa.c - topology from SRAT/SLIT/HMAT fixtures: node order, CPUs, ranges,
 * distances, best initiators per access class (attached, filtered, ties, missing data),
 * caches, exact JSON, and the no-SRAT fallback. */
#include "test_acpi_util.h"

#include "acpi/numa.h"
#include "test_main.h"

static struct tcap cap;
static struct fixture_tables ft;
static struct numa_topology t;

static void load(const char *srat, const char *slit, const char *hmat)
{
	fixture_topology(&t, &ft, srat, slit, hmat);
}

static void assert_access(uint32_t node, int cls, uint32_t init, uint64_t mask, uint32_t rl,
			  uint32_t wl, uint32_t rb, uint32_t wb)
{
	const struct numa_access *a = &t.nodes[node].access[cls];
	assert_true(a->valid);
	assert_int_equal(a->initiator, init);
	assert_int_equal(a->initiators, mask);
	assert_int_equal(a->perf.v[HMAT_READ_LATENCY], rl);
	assert_int_equal(a->perf.v[HMAT_WRITE_LATENCY], wl);
	assert_int_equal(a->perf.v[HMAT_READ_BANDWIDTH], rb);
	assert_int_equal(a->perf.v[HMAT_WRITE_BANDWIDTH], wb);
}

static const char qemu_json[] =
	"{\"nodes\":[{\"node\":0,\"pxm\":0,\"cpus\":[0],\"memory\":[{\"base\":\"0x0\",\"size"
	"\":655360},{\"base\":\"0x100000\",\"size\":1072693248}],\"access0\":{\"initiator\":0"
	",\"initiators\":[0],\"read_latency\":10,\"write_latency\":10,\"read_bandwidth\":1024"
	"0,\"write_bandwidth\":10240},\"access1\":{\"initiator\":0,\"initiators\":[0],\"read_"
	"latency\":10,\"write_latency\":10,\"read_bandwidth\":10240,\"write_bandwidth\":10240"
	"}},{\"node\":1,\"pxm\":1,\"memory\":[{\"base\":\"0x100000000\",\"size\":1073741824}]"
	",\"access0\":{\"initiator\":0,\"initiators\":[0],\"read_latency\":30,\"write_latency"
	"\":30,\"read_bandwidth\":4096,\"write_bandwidth\":4096},\"access1\":{\"initiator\":0"
	",\"initiators\":[0],\"read_latency\":30,\"write_latency\":30,\"read_bandwidth\":4096"
	",\"write_bandwidth\":4096},\"caches\":[{\"level\":1,\"size\":16777216,\"line_size\":"
	"64,\"associativity\":\"direct\",\"write_policy\":\"write-back\"}]}],\"matrix\":[{\"i"
	"nitiator\":0,\"target\":0,\"read_latency\":10,\"write_latency\":10,\"read_bandwidth"
	"\":10240,\"write_bandwidth\":10240},{\"initiator\":0,\"target\":1,\"read_latency\":3"
	"0,\"write_latency\":30,\"read_bandwidth\":4096,\"write_bandwidth\":4096}]"
	/* Tiers (acpi/memtier.h): node 0 has CPUs: 576, tier 4, the DRAM reference
	 * (latency 10+10, bandwidth 10240+10240). Node 1 (access1 30/30 ns, 4096/4096 MB/s):
	 * 576 * 60 / 20 = 1728; 1728 * 20480 / 8192 = 4320, tier 4320 >> 7 = 33. */
	",\"memory_tiers\":[{\"tier\":4,\"adistance_start\":512,\"nodes\":[{\"node\":0,"
	"\"adistance\":576,\"source\":\"cpu\",\"demotion_targets\":[1]}]},{\"tier\":33,"
	"\"adistance_start\":4224,\"nodes\":[{\"node\":1,\"adistance\":4320,\"source\":"
	"\"hmat\"}]}]}"
	"\n";
static const char multi_json[] =
	"{\"nodes\":[{\"node\":0,\"pxm\":1,\"cpus\":[0],\"memory\":[{\"base\":\"0x100000000\""
	",\"size\":2147483648}],\"access0\":{\"initiator\":0,\"initiators\":[0],\"read_latenc"
	"y\":100,\"write_latency\":110,\"read_bandwidth\":10000,\"write_bandwidth\":10000},\""
	"access1\":{\"initiator\":0,\"initiators\":[0],\"read_latency\":100,\"write_latency\""
	":110,\"read_bandwidth\":10000,\"write_bandwidth\":10000}},{\"node\":1,\"pxm\":0,\"cp"
	"us\":[1,2],\"memory\":[{\"base\":\"0x0\",\"size\":2147483648}],\"access0\":{\"initia"
	"tor\":1,\"initiators\":[1],\"read_latency\":100,\"write_latency\":110,\"read_bandwid"
	"th\":10000,\"write_bandwidth\":10000},\"access1\":{\"initiator\":1,\"initiators\":[1"
	"],\"read_latency\":100,\"write_latency\":110,\"read_bandwidth\":10000,\"write_bandwi"
	"dth\":10000}},{\"node\":2,\"pxm\":2,\"memory\":[{\"base\":\"0x180000000\",\"size\":2"
	"147483648}],\"access0\":{\"initiator\":3,\"initiators\":[3],\"read_latency\":200,\"w"
	"rite_latency\":350,\"read_bandwidth\":3000,\"write_bandwidth\":3000},\"access1\":{\""
	"initiator\":0,\"initiators\":[0],\"read_latency\":250,\"write_latency\":350,\"read_b"
	"andwidth\":3000,\"write_bandwidth\":3000},\"caches\":[{\"level\":1,\"size\":10737418"
	"24,\"line_size\":64,\"associativity\":\"direct\",\"write_policy\":\"write-back\"},{"
	"\"level\":2,\"size\":4294967296,\"line_size\":128,\"associativity\":\"complex\",\"wr"
	"ite_policy\":\"write-through\"}]},{\"node\":3,\"pxm\":3},{\"node\":4,\"pxm\":4,\"mem"
	"ory\":[{\"base\":\"0x200000000\",\"size\":1073741824,\"hotplug\":true}],\"access0\":"
	"{\"initiator\":3,\"initiators\":[3],\"read_latency\":400,\"write_latency\":500,\"rea"
	"d_bandwidth\":1000,\"write_bandwidth\":1000}},{\"node\":5,\"pxm\":257,\"cpus\":[3]}]"
	",\"matrix\":[{\"initiator\":0,\"target\":0,\"read_latency\":100,\"write_latency\":11"
	"0,\"read_bandwidth\":10000,\"write_bandwidth\":10000},{\"initiator\":0,\"target\":1,"
	"\"read_latency\":150,\"write_latency\":160,\"read_bandwidth\":5000,\"write_bandwidth"
	"\":5000},{\"initiator\":0,\"target\":2,\"read_latency\":250,\"write_latency\":350,\""
	"read_bandwidth\":3000,\"write_bandwidth\":3000},{\"initiator\":1,\"target\":0,\"read"
	"_latency\":150,\"write_latency\":160,\"read_bandwidth\":5000,\"write_bandwidth\":500"
	"0},{\"initiator\":1,\"target\":1,\"read_latency\":100,\"write_latency\":110,\"read_b"
	"andwidth\":10000,\"write_bandwidth\":10000},{\"initiator\":1,\"target\":2,\"read_lat"
	"ency\":300,\"write_latency\":400,\"read_bandwidth\":2000,\"write_bandwidth\":2000},{"
	"\"initiator\":3,\"target\":0,\"read_latency\":140,\"write_latency\":150,\"read_bandw"
	"idth\":6000,\"write_bandwidth\":6000},{\"initiator\":3,\"target\":1,\"read_latency\""
	":140,\"write_latency\":150,\"read_bandwidth\":6000,\"write_bandwidth\":6000},{\"init"
	"iator\":3,\"target\":2,\"read_latency\":200,\"write_latency\":350,\"read_bandwidth\""
	":3000,\"write_bandwidth\":3000},{\"initiator\":3,\"target\":4,\"read_latency\":400,"
	"\"write_latency\":500,\"read_bandwidth\":1000,\"write_bandwidth\":1000}]"
	/* Tiers: nodes 0 and 1 have CPUs (576, tier 4) with equal access1 figures, node 0 is
	 * the reference (latency 100+110 = 210, bandwidth 10000+10000 = 20000). Node 2 (access1
	 * 250+350 = 600 ns, 3000+3000 MB/s): 576 * 600 / 210 = 1645 (truncated);
	 * 1645 * 20000 / 6000 = 5483, tier 42. Node 4 has no access1 figures and no SP memory:
	 * 576, tier 4. Nodes 3 and 5 have no memory. Tier 4 demotes to node 2, its only node
	 * of tier 42 (no SLIT: every remote distance is 20). */
	",\"memory_tiers\":[{\"tier\":4,\"adistance_start\":512,\"nodes\":[{\"node\":0,"
	"\"adistance\":576,\"source\":\"cpu\",\"demotion_targets\":[2]},{\"node\":1,"
	"\"adistance\":576,\"source\":\"cpu\",\"demotion_targets\":[2]},{\"node\":4,"
	"\"adistance\":576,\"source\":\"dram-default\",\"demotion_targets\":[2]}]},"
	"{\"tier\":42,\"adistance_start\":5376,\"nodes\":[{\"node\":2,\"adistance\":5483,"
	"\"source\":\"hmat\"}]}]}"
	"\n";

static void test_qemu(void **state)
{
	(void)state;
	load("srat_qemu", "slit_qemu", "hmat_qemu");
	assert_int_equal(t.n_nodes, 2);
	assert_int_equal(t.n_cpus, 1);
	assert_int_equal(numa_node_of_pxm(&t, 1), 1);
	assert_int_equal(numa_node_of_pxm(&t, 5), -1);
	assert_int_equal(numa_node_of_addr(&t, 0x9ffff), 0);
	assert_int_equal(numa_node_of_addr(&t, 0xa0000), -1);
	assert_int_equal(numa_node_of_addr(&t, 0x13fffffffull), 1);
	assert_int_equal(numa_node_of_addr(&t, 0x140000000ull), -1);
	assert_int_equal(numa_distance(&t, 0, 1), 20);
	assert_int_equal(numa_distance(&t, 1, 1), 10);
	assert_int_equal(numa_distance(&t, 0, 2), 255);
	assert_true(numa_memory_only(&t, 1));
	assert_false(numa_memory_only(&t, 0));
	assert_true(numa_has_hmat(&t, 0) && numa_has_hmat(&t, 1));
	assert_access(1, 0, 0, 1, 30, 30, 4096, 4096);
	assert_true(t.nodes[1].access[1].attached);
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_string_equal(cap.buf, qemu_json);
	o = tcap_out(&cap);
	numa_print(&t, &o, false);
	assert_non_null(strstr(cap.buf, "node 1 (pxm 1) memory-only hmat\n"));
	assert_non_null(strstr(
		cap.buf,
		"  access0: initiator node 0 (attached): read latency 30 ns, "
		"write latency 30 ns, read bandwidth 4096 MB/s, write bandwidth 4096 MB/s\n"));
	assert_non_null(
		strstr(cap.buf, "  cache L1/1: 16777216 bytes, line 64, direct, write-back\n"));
	assert_non_null(strstr(cap.buf, "   0:  10  20\n"));
}

static void test_multi(void **state)
{
	(void)state;
	load("srat_all", NULL, "hmat_multi");
	assert_int_equal(t.n_nodes, 6);
	assert_int_equal(t.nodes[0].pxm, 1); /* order of first appearance */
	assert_int_equal(t.nodes[5].pxm, 0x101);
	assert_int_equal(t.cpus[1].node, 1);
	assert_true(t.nodes[3].generic_initiator);
	assert_int_equal(t.ranges[2].flags, NUMA_MEM_NONVOLATILE);
	assert_int_equal(t.ranges[3].flags, NUMA_MEM_HOTPLUG);
	assert_int_equal(numa_distance(&t, 0, 1), 20); /* no SLIT */
	/* rule 2: write latency ties nodes 0 and 3, read latency picks 3 */
	assert_access(2, 0, 3, 1ull << 3, 200, 350, 3000, 3000);
	/* class 1 excludes the generic initiator */
	assert_access(2, 1, 0, 1ull << 0, 250, 350, 3000, 3000);
	assert_access(0, 1, 0, 1, 100, 110, 10000, 10000);
	assert_access(4, 0, 3, 1ull << 3, 400, 500, 1000, 1000);
	assert_false(t.nodes[4].access[1].valid); /* CPU initiators have no data for it */
	assert_false(t.nodes[3].access[0].valid); /* no memory */
	assert_int_equal(t.nodes[2].n_caches, 2);
	assert_int_equal(t.nodes[2].caches[1].level, 2);
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_string_equal(cap.buf, multi_json);
}

static void test_rev1_ties(void **state)
{
	(void)state;
	load("srat_all", NULL, "hmat_v1");
	/* attached initiator without figures: chosen anyway, no numbers */
	assert_access(0, 0, 0, 1, 0, 0, 0, 0);
	assert_true(t.nodes[0].access[0].attached);
	/* a tie keeps both initiators; the lowest node is reported */
	assert_access(1, 0, 0, 3, 1000, 1000, 0, 0);
	assert_access(2, 1, 0, 3, 3000, 3000, 500, 400);
	assert_false(t.nodes[4].access[0].valid);
	assert_false(numa_has_hmat(&t, 4)); /* its only entry was below the revision-1 unit */
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, false);
	assert_non_null(strstr(
		cap.buf, "  access0: initiator node 0 1: read latency 3000 ns, write "
			 "latency 3000 ns, read bandwidth 500 MB/s, write bandwidth 400 MB/s\n"));
	assert_non_null(strstr(cap.buf, "  access0: initiator node 0 (attached): no figures\n"));
}

static void test_no_srat(void **state)
{
	(void)state;
	struct out o = tcap_out(&cap);
	assert_int_equal(numa_build(&t, NULL, NULL, NULL, &o), ST_OK);
	assert_int_equal(t.n_nodes, 1);
	assert_int_equal(numa_node_of_addr(&t, 0), 0);
	assert_int_equal(numa_node_of_addr(&t, ~0ull), 0);
	assert_int_equal(numa_node_of_pxm(&t, 0), 0);
	assert_int_equal(numa_distance(&t, 0, 0), 10);
	assert_false(numa_has_hmat(&t, 0));
	assert_int_equal(numa_add_range(&t, 0, 0x1000, 0x2000, NUMA_MEM_CALLER), ST_OK);
	assert_int_equal(numa_add_range(&t, 1, 0x1000, 0x2000, 0), ST_INVALID);
	assert_int_equal(numa_add_range(&t, 0, 0x2000, 0x2000, 0), ST_INVALID);
	numa_print(&t, &o, true);
	assert_string_equal(cap.buf,
			    "{\"nodes\":[{\"node\":0,\"pxm\":0,\"memory\":[{\"base\":\"0x1000\","
			    "\"size\":4096}]}],\"matrix\":[],\"memory_tiers\":"
			    "[{\"tier\":4,\"adistance_start\":512,\"nodes\":[{\"node\":0,"
			    "\"adistance\":576,\"source\":\"dram-default\"}]}]}\n");
	assert_int_equal(numa_build(NULL, NULL, NULL, NULL, NULL), ST_INVALID);
}

static void test_hmat_unknown_domain_and_slit_gap(void **state)
{
	(void)state;
	/* HMAT names domains 2..4 that the QEMU SRAT lacks; the SLIT covers pxm 0 only */
	assert_int_equal(
		srat_parse(ft.b, fixture_load("srat_qemu", ft.b, sizeof ft.b), &ft.s, NULL), ST_OK);
	assert_int_equal(
		hmat_parse(ft.b, fixture_load("hmat_multi", ft.b, sizeof ft.b), &ft.h, NULL),
		ST_OK);
	memset(&ft.sl, 0, sizeof ft.sl);
	ft.sl.count = 1;
	ft.sl.dist[0][0] = 10;
	struct out o = tcap_out(&cap);
	assert_int_equal(numa_build(&t, &ft.s, &ft.sl, &ft.h, &o), ST_OK);
	assert_non_null(strstr(cap.buf, "HMAT: pxm 3 is not in the SRAT, its data ignored\n"));
	assert_non_null(strstr(cap.buf, "SLIT: no row for pxm 1 (node 1)"));
	assert_int_equal(numa_distance(&t, 0, 1), 20);
	assert_access(1, 0, 1, 2, 100, 110, 10000, 10000); /* pxm 1 from pxm 1 */
}

/* Ties: numa -j lists every best initiator, as Linux's accessY/initiators. */
static void test_ties_listed_in_json(void **state)
{
	(void)state;
	load("srat_all", NULL, "hmat_v1");
	assert_access(1, 0, 0, 3, 1000, 1000, 0, 0);
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_non_null(strstr(cap.buf, "\"access0\":{\"initiator\":0,\"initiators\":[0,1],"
					"\"read_latency\":1000,"));
}

/* SRAT absent or rejected: node 0 holds every MADT CPU and all present memory. */
static void test_fallback_node_holds_cpus_and_memory(void **state)
{
	(void)state;
	static struct madt_info m;
	assert_int_equal(madt_parse(ft.b, fixture_load("madt_qemu", ft.b, sizeof ft.b), &m, NULL),
			 ST_OK);
	/* the SRAT is rejected (overlap across domains), so the kernel builds without it */
	size_t n = fixture_load("srat_overlap", ft.b, sizeof ft.b);
	put32(ft.b + 104 + 2, 1);
	assert_int_equal(srat_parse(ft.b, n, &ft.s, NULL), ST_INVALID);
	assert_int_equal(numa_build(&t, NULL, NULL, NULL, NULL), ST_OK);
	numa_fallback_cpus(&t, &m);
	static const struct range present[] = {
		{ 0x0, 0xa0000 },
		{ 0x100000, 0x800000 },
		{ 0x800000, 0x40000000 },
		{ 0x100000000ull, 0x140000000ull },
	};
	assert_int_equal(numa_set_present(&t, present, 4, NULL), ST_OK);
	assert_int_equal(t.n_cpus, 4);
	assert_true(t.nodes[0].has_cpu && t.nodes[0].has_memory);
	assert_int_equal(t.n_ranges, 3); /* touching ranges merged */
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_string_equal(
		cap.buf, "{\"nodes\":[{\"node\":0,\"pxm\":0,\"cpus\":[0,1,2,3],"
			 "\"memory\":[{\"base\":\"0x0\",\"size\":655360},{\"base\":\"0x100000\","
			 "\"size\":1072693248},{\"base\":\"0x100000000\",\"size\":1073741824}]}],"
			 "\"matrix\":[],\"memory_tiers\":[{\"tier\":4,\"adistance_start\":512,"
			 "\"nodes\":[{\"node\":0,\"adistance\":576,\"source\":\"cpu\"}]}]}\n");
	o = tcap_out(&cap);
	numa_print(&t, &o, false);
	assert_non_null(strstr(cap.buf, "1 node(s), no SRAT\nnode 0 (pxm 0)\n  cpus: 0 1 2 3\n"));
	t.srat_rejected = true; /* the kernel says why there is no SRAT */
	o = tcap_out(&cap);
	numa_print(&t, &o, false);
	assert_non_null(strstr(cap.buf, "1 node(s), SRAT rejected (one fallback node)\n"));
	/* with an SRAT, the MADT does not move CPUs */
	load("srat_qemu", NULL, NULL);
	numa_fallback_cpus(&t, &m);
	assert_int_equal(t.n_cpus, 1);
	/* bad input changes nothing */
	static const struct range unsorted[] = { { 0x2000, 0x3000 }, { 0x1000, 0x2000 } };
	assert_int_equal(numa_set_present(&t, unsorted, 2, NULL), ST_INVALID);
	assert_int_equal(numa_set_present(&t, NULL, 1, NULL), ST_INVALID);
	assert_int_equal(numa_set_present(NULL, present, 1, NULL), ST_INVALID);
}

/* Hot-pluggable SRAT ranges: present memory apart from possible memory, and the flag shown. */
static void test_hotplug_present_and_possible(void **state)
{
	(void)state;
	load("srat_all", NULL, "hmat_multi");
	/* node 4's range [8G, 9G) is hot-pluggable; 256 MiB of it is in the memory map */
	static const struct range present[] = {
		{ 0x0, 0x80000000ull },
		{ 0x100000000ull, 0x200000000ull },
		{ 0x210000000ull, 0x220000000ull },
	};
	assert_int_equal(numa_set_present(&t, present, 3, NULL), ST_OK);
	struct out o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_non_null(strstr(cap.buf,
			       "{\"node\":4,\"pxm\":4,\"memory\":[{\"base\":\"0x21000000"
			       "0\",\"size\":268435456,\"hotplug\":true}],\"possible_memory\":"
			       "[{\"base\":\"0x200000000\",\"size\":268435456,\"hotplug\":true},"
			       "{\"base\":\"0x220000000\",\"size\":536870912,\"hotplug\":true}],"));
	/* non-hotplug ranges are left as the SRAT gave them */
	assert_non_null(strstr(cap.buf, "{\"node\":0,\"pxm\":1,\"cpus\":[0],\"memory\":[{\"base\":"
					"\"0x100000000\",\"size\":2147483648}],\"access0\""));
	o = tcap_out(&cap);
	numa_print(&t, &o, false);
	assert_non_null(strstr(cap.buf, "  memory [0x0000000200000000-0x0000000210000000) 256 MiB "
					"hotplug possible (not present)\n"));
	assert_non_null(strstr(cap.buf, "  memory [0x0000000210000000-0x0000000220000000) 256 MiB "
					"hotplug\n"));
	/* a hot-pluggable range with nothing present is all possible: not counted as memory */
	load("srat_all", NULL, NULL);
	assert_int_equal(numa_set_present(&t, present, 1, NULL), ST_OK);
	o = tcap_out(&cap);
	numa_print(&t, &o, true);
	assert_non_null(strstr(cap.buf, "{\"node\":4,\"pxm\":4,\"possible_memory\":[{\"base\":"
					"\"0x200000000\",\"size\":1073741824,\"hotplug\":true}]"));
	/* no room to split: reported, ranges keep their flags */
	load("srat_all", NULL, NULL);
	while (t.n_ranges < NUMA_MAX_RANGES)
		t.ranges[t.n_ranges++] = (struct numa_range){ { 0, 0x1000 }, 0, 0 };
	o = tcap_out(&cap);
	assert_int_equal(numa_set_present(&t, present, 3, &o), ST_NOMEM);
	assert_non_null(strstr(cap.buf, "numa: more than 320 memory ranges; hot-pluggable "
					"[0x200000000, 0x240000000) not split"));
}

static void test_range_full(void **state)
{
	(void)state;
	assert_int_equal(numa_build(&t, NULL, NULL, NULL, NULL), ST_OK);
	for (uint32_t i = 0; i < NUMA_MAX_RANGES; i++)
		assert_int_equal(numa_add_range(&t, 0, i * 0x1000ull, i * 0x1000ull + 0x1000, 0),
				 ST_OK);
	assert_int_equal(numa_add_range(&t, 0, 0, 1, 0), ST_NOMEM);
}

TEST_MAIN(cmocka_unit_test(test_qemu), cmocka_unit_test(test_multi),
	  cmocka_unit_test(test_rev1_ties), cmocka_unit_test(test_no_srat),
	  cmocka_unit_test(test_hmat_unknown_domain_and_slit_gap),
	  cmocka_unit_test(test_ties_listed_in_json),
	  cmocka_unit_test(test_fallback_node_holds_cpus_and_memory),
	  cmocka_unit_test(test_hotplug_present_and_possible), cmocka_unit_test(test_range_full))
