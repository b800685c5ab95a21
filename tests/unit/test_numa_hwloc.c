/* SPDX-License-Identifier: BSD-2-Clause */
/* test_numa_hwloc.c - `numa --hwloc` (acpi/numa_hwloc.h) from SRAT/SLIT/HMAT fixtures: the
 * object tree, cpusets, local memory, the SLIT distances with hwloc's text lengths, and one
 * memattr value per CPU initiator and target. (tests/qemu/test_machines.py feeds the XML of
 * a booted machine to Debian's lstopo.) */
#include "test_acpi_util.h"

#include "acpi/numa_hwloc.h"
#include "test_main.h"

static struct tcap cap;
static struct fixture_tables ft;
static struct numa_topology t;

static void load(const char *srat, const char *slit, const char *hmat)
{
	fixture_topology(&t, &ft, srat, slit, hmat);
}

/* numa --hwloc of t into cap; it must succeed. */
static void print_hwloc(void)
{
	struct out o = tcap_out(&cap);
	assert_int_equal(numa_print_hwloc(&t, &o), ST_OK);
}

static void expect(const char *needle)
{
	if (!strstr(cap.buf, needle))
		fail_msg("missing %s in:\n%s", needle, cap.buf);
}

static size_t count(const char *needle)
{
	size_t n = 0;
	for (const char *p = cap.buf; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* QEMU's two-node tables: node 0 = CPU 0 + [0, 640K) + [1M, 1G), node 1 = 1 GiB at 4 GiB
 * (access1 initiator node 0): both NUMANodes hang under node 0's Package. */
static void test_qemu_two_nodes(void **state)
{
	(void)state;
	load("srat_qemu", "slit_qemu", "hmat_qemu");
	print_hwloc();
	expect("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM "
	       "\"hwloc2.dtd\">\n"
	       "<topology version=\"2.0\">\n  <object type=\"Machine\" os_index=\"0\" "
	       "cpuset=\"0x00000001\"");
	expect("<object type=\"Package\" os_index=\"0\" cpuset=\"0x00000001\" "
	       "complete_cpuset=\"0x00000001\""
	       " nodeset=\"0x00000003\"");
	/* 640 KiB + 1023 MiB = 1073348608 bytes; node 1: 1 GiB */
	expect("<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00000001\" "
	       "complete_cpuset=\"0x00000001\""
	       " nodeset=\"0x00000001\" complete_nodeset=\"0x00000001\" gp_index=\"2\" "
	       "local_memory=\"1073348608\">");
	expect("gp_index=\"3\" local_memory=\"1073741824\">\n        <page_type size=\"4096\" "
	       "count=\"262144\"/>");
	expect("<object type=\"PU\" os_index=\"0\"");
	/* "0 1 " is 4 bytes, "10 20 20 10 " 12 */
	expect("<indexes length=\"4\">0 1 </indexes>\n    <u64values length=\"12\">10 20 20 10 "
	       "</u64values>");
	expect("<memattr name=\"Bandwidth\" flags=\"5\">\n"
	       "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"2\" "
	       "value=\"10240\""
	       " initiator_cpuset=\"0x00000001\"/>\n"
	       "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"3\" "
	       "value=\"4096\""
	       " initiator_cpuset=\"0x00000001\"/>\n  </memattr>");
	expect("<memattr name=\"Latency\" flags=\"6\">\n"
	       "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"2\" "
	       "value=\"10\"");
	expect("target_obj_gp_index=\"3\" value=\"30\" initiator_cpuset=\"0x00000001\"/>");
	assert_int_equal(count("<memattr "), 6);
	assert_int_equal(count("<memattr_value "), 12);
	/* every object is closed: PUs by "/>", the others by </object> */
	assert_int_equal(count("<object "), count("</object>") + count("<object type=\"PU\""));
	assert_true(strlen(cap.buf) > 0 && cap.buf[strlen(cap.buf) - 1] == '\n');
	expect("</topology>\n");
}

/* srat_all + hmat_multi: pxm 3 is a generic initiator. Its figures have no hwloc initiator,
 * and its node (no memory, no CPUs) is no object; read and write figures differ, so Latency is
 * their average: node 0 from node 0 is (100 + 110) / 2 = 105 ns. */
static void test_generic_initiator_left_out_and_averages(void **state)
{
	(void)state;
	load("srat_all", "slit_qemu", "hmat_multi");
	print_hwloc();
	expect("<memattr name=\"Latency\" flags=\"6\">\n"
	       "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"2\" "
	       "value=\"105\"");
	expect("<memattr name=\"ReadLatency\" flags=\"6\">\n"
	       "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"2\" "
	       "value=\"100\"");
	assert_null(strstr(cap.buf, "NUMANode\" os_index=\"3\""));
	assert_null(strstr(cap.buf, "Package\" os_index=\"3\""));
	/* node 1 has CPUs 1 and 2 */
	expect("<object type=\"Package\" os_index=\"1\" cpuset=\"0x00000006\"");
	/* node 5 (pxm 257) has CPU 3 and no memory: a Package without a NUMANode */
	expect("<object type=\"Package\" os_index=\"5\" cpuset=\"0x00000008\"");
}

/* Possible (hot-pluggable, absent) memory is not local memory: node 4's range [8G, 9G) is
 * hot-pluggable and only [8G+256M, 8G+512M) of it is present. */
static void test_possible_memory_not_local(void **state)
{
	(void)state;
	load("srat_all", "slit_qemu", "hmat_multi");
	static const struct range present[] = { { 0x210000000ull, 0x220000000ull } };
	assert_int_equal(numa_set_present(&t, present, 1, NULL), ST_OK);
	print_hwloc();
	expect("<object type=\"NUMANode\" os_index=\"4\"");
	expect("gp_index=\"6\" local_memory=\"268435456\">");
}

/* No SRAT: one node, no CPU known; the XML still has one PU so that hwloc can load it. */
static void test_no_srat(void **state)
{
	(void)state;
	assert_int_equal(numa_build(&t, NULL, NULL, NULL, NULL), ST_OK);
	assert_int_equal(numa_add_range(&t, 0, 0, 1 << 20, 0), ST_OK);
	print_hwloc();
	expect("<object type=\"PU\" os_index=\"0\"");
	expect("local_memory=\"1048576\"");
	assert_null(strstr(cap.buf, "<distances2"));
	assert_null(strstr(cap.buf, "<memattr_value"));
	struct out o = tcap_out(&cap);
	assert_int_equal(numa_print_hwloc(NULL, &o), ST_INVALID);
	assert_int_equal(numa_print_hwloc(&t, NULL), ST_INVALID);
}

TEST_MAIN(cmocka_unit_test(test_qemu_two_nodes),
	  cmocka_unit_test(test_generic_initiator_left_out_and_averages),
	  cmocka_unit_test(test_possible_memory_not_local), cmocka_unit_test(test_no_srat))
