/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_acpi.c - shell commands over the ACPI tables and the NUMA topology:
 *   acpi tables | dump [SIG] | hexdump SIG
 *   numa [-j | -H | --hwloc]  the topology; -H shaped like `numactl --hardware`, --hwloc
 *                             hwloc v2 XML
 *   numa access NODE    the node's access0/access1 initiators and figures, like sysfs */
#include "kernel/shell/commands.h"

#include "acpi/acpidump.h"
#include "acpi/decode.h"
#include "acpi/numa_hwloc.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static int acpi_tables_cmd(int argc, char **argv)
{
	if (argc != 2)
		return shell_arg_error("unexpected '%s'", argv[2]);
	acpi_print_tables(&K.acpi, &kout);
	return 0;
}

static int acpi_dump_cmd(int argc, char **argv)
{
	if (argc > 3)
		return shell_arg_error("unexpected '%s'", argv[3]);
	const char *sig = argc == 3 ? argv[2] : 0;
	if (sig && strlen(sig) != 4)
		return shell_arg_error("SIG must be 4 characters, got '%s'", sig);
	if (acpidump_tables(&K.acpi, sig, &kout) != ST_OK)
		return shell_error("no table %s (see 'acpi tables')", sig);
	return 0;
}

static int acpi_hexdump_cmd(int argc, char **argv)
{
	if (argc != 3)
		return argc < 3 ? shell_arg_error("missing SIG")
				: shell_arg_error("unexpected '%s'", argv[3]);
	if (strlen(argv[2]) != 4)
		return shell_arg_error("SIG must be 4 characters, got '%s'", argv[2]);
	return acpi_dump_table(&K.acpi, argv[2], &kout) == ST_OK ? 0 : 1;
}

static int acpi_decode_cmd(int argc, char **argv)
{
	if (argc != 3)
		return argc < 3 ? shell_arg_error("missing SIG")
				: shell_arg_error("unexpected '%s'", argv[3]);
	char sig[5] = { 0 };
	for (int i = 0; i < 4 && argv[2][i]; i++)
		sig[i] = argv[2][i] >= 'a' && argv[2][i] <= 'z' ? (char)(argv[2][i] - 32)
								: argv[2][i];
	if (strlen(argv[2]) != 4 ||
	    (strcmp(sig, "SRAT") && strcmp(sig, "SLIT") && strcmp(sig, "HMAT")))
		return shell_arg_error("SIG must be SRAT, SLIT or HMAT, got '%s'", argv[2]);
	const struct acpi_table *t = 0;
	for (uint32_t i = 0; i < K.acpi.count && !t; i++)
		if (strcmp(K.acpi.t[i].sig, sig) == 0)
			t = &K.acpi.t[i];
	if (!t)
		return shell_error("no table %s (see 'acpi tables')", sig);
	kprintf("%s @ 0x%lx, %u bytes%s\n", t->sig, (unsigned long)t->phys, t->length,
		t->checksum_ok ? "" : " (BAD checksum: the kernel ignored this table)");
	status_t st = acpi_decode(t->data, t->length, &kout);
	return st == ST_OK ? 0 : shell_error("%s is malformed (see the last line)", sig);
}

const struct shell_sub acpi_subs[] = {
	{ "tables", "", "each ACPI table: signature, address, length, revision, OEM ids, checksum",
	  0, "acpi tables", acpi_tables_cmd },
	{ "dump", "[SIG]",
	  "the tables in acpidump's format: acpixtract and iasl -d decode it on a host",
	  "SIG  a table signature (SRAT, SLIT, HMAT, ...); all tables when absent",
	  "acpi dump SRAT", acpi_dump_cmd },
	{ "decode", "SIG", "SRAT, SLIT or HMAT field by field", "SIG  SRAT, SLIT or HMAT",
	  "acpi decode HMAT", acpi_decode_cmd },
	{ "hexdump", "SIG", "one table in 'hexdump -C' layout", "SIG  a table signature",
	  "acpi hexdump SLIT", acpi_hexdump_cmd },
	{ 0, 0, 0, 0, 0, 0 },
};

/* What each node holds in the page allocator now (handed-off SP memory included). */
static void print_online_memory(void)
{
	kprintf("page allocator memory per node:\n");
	for (uint32_t node = 0; node < K.numa.n_nodes; node++) {
		struct buddy_stats all, movable;
		if (buddy_stats(&K.buddy, (int)node, -1, &all) != ST_OK ||
		    buddy_stats(&K.buddy, (int)node, BUDDY_ZONE_MOVABLE, &movable) != ST_OK)
			continue;
		kprintf("  node %u: %lu MiB online (%lu MiB movable-only), %lu MiB free\n", node,
			(unsigned long)(all.total >> 8), (unsigned long)(movable.total >> 8),
			(unsigned long)(all.free >> 8));
	}
}

/* `numactl --hardware`: nodes, their cpus, page-allocator size and free memory in MB (MiB,
 * as numactl means it), and the distance table. */
static void print_hardware(void)
{
	const struct numa_topology *t = &K.numa;
	kprintf("available: %u nodes (0-%u)\n", t->n_nodes, t->n_nodes - 1);
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		kprintf("node %u cpus:", n);
		for (uint32_t c = 0; c < t->n_cpus; c++)
			if (t->cpus[c].node == n)
				kprintf(" %u", c);
		struct buddy_stats s = { 0 };
		if (n >= BUDDY_MAX_NODES || buddy_stats(&K.buddy, (int)n, -1, &s) != ST_OK)
			s.total = s.free = 0;
		kprintf("\nnode %u size: %lu MB\nnode %u free: %lu MB\n", n,
			(unsigned long)(s.total >> 8), n, (unsigned long)(s.free >> 8));
	}
	kprintf("node distances:\nnode ");
	for (uint32_t n = 0; n < t->n_nodes; n++)
		kprintf(" %3u", n);
	kprintf("\n");
	for (uint32_t a = 0; a < t->n_nodes; a++) {
		kprintf("  %u: ", a);
		for (uint32_t b = 0; b < t->n_nodes; b++)
			kprintf(" %3u", numa_distance(t, a, b));
		kprintf("\n");
	}
}

static int numa_cmd(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--hwloc") == 0)
		return numa_print_hwloc(&K.numa, &kout) == ST_OK
			       ? 0
			       : shell_error("cannot write the XML");
	bool json = argc == 2 && strcmp(argv[1], "-j") == 0;
	bool hw = argc == 2 && strcmp(argv[1], "-H") == 0;
	if (argc > 2 || (argc == 2 && !json && !hw))
		return shell_arg_error("unexpected '%s'", argv[argc - 1]);
	if (hw) {
		print_hardware();
		return 0;
	}
	numa_print(&K.numa, &kout, json);
	if (!json)
		print_online_memory();
	return 0;
}

/* /sys/devices/system/node/nodeN/accessY/initiators: the best initiators' links and the four
 * figures (latency ns, bandwidth MB/s), in `ls` order. */
static void print_access(uint32_t node, unsigned cls)
{
	const struct numa_access *a = &K.numa.nodes[node].access[cls];
	kprintf("node%u/access%u/initiators:", node, cls);
	if (!a->valid) {
		kprintf(" (none: no HMAT figures for this node%s)\n",
			cls ? " from an initiator with CPUs" : "");
		return;
	}
	for (uint32_t i = 0; i < K.numa.n_nodes && i < 64; i++)
		if (a->initiators & (1ull << i))
			kprintf(" node%u", i);
	kprintf("\n");
	static const struct {
		const char *file;
		int metric;
	} files[] = {
		{ "read_bandwidth", HMAT_READ_BANDWIDTH },
		{ "read_latency", HMAT_READ_LATENCY },
		{ "write_bandwidth", HMAT_WRITE_BANDWIDTH },
		{ "write_latency", HMAT_WRITE_LATENCY },
	};
	for (unsigned f = 0; f < 4; f++)
		if (a->perf.v[files[f].metric])
			kprintf("node%u/access%u/initiators/%s: %u\n", node, cls, files[f].file,
				a->perf.v[files[f].metric]);
}

static int numa_access_cmd(int argc, char **argv)
{
	uint64_t node;
	if (argc != 3)
		return argc < 3 ? shell_arg_error("missing NODE")
				: shell_arg_error("unexpected '%s'", argv[3]);
	if (parse_u64(argv[2], &node) != ST_OK)
		return shell_arg_error("bad NODE '%s' (a node number)", argv[2]);
	if (node >= K.numa.n_nodes)
		return shell_error("no node %s on this machine (nodes 0-%u)", argv[2],
				   K.numa.n_nodes - 1);
	print_access((uint32_t)node, 0);
	print_access((uint32_t)node, 1);
	return 0;
}

const struct shell_sub numa_subs[] = {
	{ 0, "[-j | -H | --hwloc]",
	  "nodes, CPUs, memory, HMAT access0/access1 figures, caches, memory tiers, distances, "
	  "matrix",
	  "-j       one line of JSON (docs/acpi.md)\n-H       shaped like 'numactl --hardware'\n"
	  "--hwloc  hwloc v2 XML with memory attributes (lstopo --input FILE --memattrs)",
	  "numa -H", numa_cmd },
	{ "access", "NODE",
	  "the node's best initiators and figures, like sysfs nodeN/accessY/initiators "
	  "(latency ns, bandwidth MB/s)",
	  "NODE  a node number (see 'numa -H')", "numa access 1", numa_access_cmd },
	{ 0, 0, 0, 0, 0, 0 },
};
