/* SPDX-License-Identifier: BSD-2-Clause */
/* test_discover.c - host tests of mm/discover.c: the boot discovery pipeline run as the kernel
 * runs it, on what QEMU really gives spmk for `make run` (tests/fuzz/seeds/qemu-default/: the
 * UEFI memory map and the SRAT, SLIT, HMAT and MADT), and on variants of it: options, missing or
 * rejected tables. Every test checks the pipeline's invariants (check_invariants). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "dax_no_hw.h"
#include "file_load.h"
#include "kernel/boot_options.h"
#include "lib/efi_memory.h"
#include "lib/types.h"
#include "mm/discover.h"
#include "test_main.h"

static struct capture cap;
static uint8_t mapbuf[16384], srat[4096], slit[4096], hmat[4096], madt[4096];
static size_t nmap, nsrat, nslit, nhmat, nmadt;
static struct discover_options opt;
static struct discover_tables tables;
static struct memmap_opts mopts;
static struct memmap map;
static struct discover_acpi acpi;
static struct numa_topology topo;
static struct sp_set sp;
static struct dax dax;
static bool fw_bug;

/* Discovery never touches hardware: any dax op during it is a failure. */
static void dax_no_hw(const char *what) { fail_msg("dax %s during discovery", what); }

static size_t load(const char *name, uint8_t *buf, size_t cap_bytes)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fuzz/seeds/qemu-default/%s.bin", name);
	return file_load(path, buf, cap_bytes, "run the tests from the repository root");
}

static int setup(void **state)
{
	(void)state;
	capture_init(&cap);
	nmap = load("memmap", mapbuf, sizeof mapbuf);
	nsrat = load("srat", srat, sizeof srat);
	nslit = load("slit", slit, sizeof slit);
	nhmat = load("hmat", hmat, sizeof hmat);
	nmadt = load("apic", madt, sizeof madt);
	memset(&opt, 0, sizeof opt);
	tables = (struct discover_tables){ { srat, nsrat, true },
					   { slit, nslit, true },
					   { hmat, nhmat, true },
					   { madt, nmadt, true } };
	dax_init(&dax, &dax_no_hw_ops, &cap.out, 1);
	return 0;
}

/* Sorted disjoint pieces with every SP page; a region for exactly the device pieces, each on
 * the node of its domain and lying in SP memory; dax consistent. */
static void check_invariants(void)
{
	assert_int_equal(memmap_check(&map, &cap.out), ST_OK);
	assert_int_equal(sp_set_bytes(&sp), memmap_pages_of(&map, MEM_SP) * PAGE_SIZE);
	uint32_t devices = 0;
	for (uint32_t i = 0; i < sp.count; i++) {
		const struct sp_piece *p = &sp.p[i];
		if (i)
			assert_true(sp.p[i - 1].end <= p->base);
		if (p->policy == SP_RESERVED_NO_HMAT)
			continue;
		const struct dax_region *r = &dax.regions[devices++];
		assert_true(r->used);
		assert_int_equal(r->base, p->base);
		assert_int_equal(r->size, p->end - p->base);
		assert_int_equal(r->target_node,
				 p->pxm >= 0 ? numa_node_of_pxm(&topo, (uint32_t)p->pxm) : -1);
	}
	assert_int_equal(dax.nregions, devices);
	assert_int_equal(dax_check(&dax, &cap.out), ST_OK);
}

static void run(void)
{
	assert_int_equal(discover_memmap(mapbuf, nmap, 48, &opt, &mopts, &map, &cap.out), ST_OK);
	assert_int_equal(discover_numa(&tables, &map, &acpi, &topo, &cap.out), ST_OK);
	assert_int_equal(discover_sp(&map, &acpi, &topo, &opt, &sp, &dax, &fw_bug, &cap.out),
			 ST_OK);
	check_invariants();
}

/* make run's machine: node 1's 1 GiB at 4 GiB is SP, HMAT describes it: one devdax region. */
static void test_qemu_default(void **state)
{
	(void)state;
	run();
	capture_expect(&cap, "memmap: 133 descriptors -> ");
	capture_expect(&cap, "(MAXPHYADDR 52); usable 1017 MiB, SP 1024 MiB");
	capture_expect(&cap, "numa: 2 node(s), SRAT, SLIT, HMAT");
	assert_true(acpi.has_srat && acpi.has_slit && acpi.has_hmat && acpi.has_madt);
	assert_int_equal(topo.n_nodes, 2);
	assert_int_equal(sp.count, 1);
	assert_int_equal(sp.p[0].base, 0x100000000ull);
	assert_int_equal(sp.p[0].end, 0x140000000ull);
	assert_int_equal(sp.p[0].policy, SP_DEVICE);
	assert_int_equal(dax.nregions, 1);
	assert_int_equal(dax.regions[0].target_node, 1);
	assert_int_equal(dax.regions[0].align, SIZE_1G);
	assert_int_equal(topo.sp_nodes, 1u << 1);
	assert_false(fw_bug);
	capture_expect(&cap,
		       "dax: region 0 [0x100000000-0x140000000) node 1, device dax0.0 (devdax)");
}

/* No HMAT: the piece is reserved with a FIRMWARE BUG line; spmk.nohmat=device makes a device. */
static void test_no_hmat(void **state)
{
	(void)state;
	tables.hmat = (struct discover_table){ NULL, 0, false };
	run();
	assert_int_equal(acpi.hmat_state, SP_TABLE_ABSENT);
	capture_expect(&cap, "numa: 2 node(s), SRAT, SLIT\n");
	assert_int_equal(sp.count, 1);
	assert_int_equal(sp.p[0].policy, SP_RESERVED_NO_HMAT);
	assert_int_equal(dax.nregions, 0);
	assert_true(fw_bug);
	capture_expect(&cap, "FIRMWARE BUG");

	dax_init(&dax, &dax_no_hw_ops, &cap.out, 1);
	opt.nohmat_device = true;
	run();
	assert_int_equal(sp.p[0].policy, SP_DEVICE_NO_HMAT);
	assert_int_equal(dax.nregions, 1);
	assert_int_equal(dax.regions[0].target_node, 1);
	assert_true(fw_bug);
}

/* A machine whose firmware marks nothing SP (the memory map of make run's machine with every
 * EFI_MEMORY_SP attribute cleared): no pieces, no regions, no firmware bug, and one line that
 * says so; the normal case of most machines, not an error. */
static void test_no_sp_memory(void **state)
{
	(void)state;
	for (size_t off = 0; off + 48 <= nmap; off += 48) {
		uint64_t attr;
		memcpy(&attr, mapbuf + off + 32, sizeof attr); /* UEFI 2.10 §7.2.3 Attribute */
		attr &= ~(uint64_t)EFI_MEMORY_SP;
		memcpy(mapbuf + off + 32, &attr, sizeof attr);
	}
	run();
	capture_expect(&cap, "SP 0 MiB");
	assert_int_equal(sp.count, 0);
	assert_int_equal(dax.nregions, 0);
	assert_int_equal(topo.n_nodes, 2);
	assert_int_equal(topo.sp_nodes, 0);
	assert_false(fw_bug);
	capture_expect(&cap, "dax: no specific-purpose memory (EFI_MEMORY_SP): no dax devices; "
			     "all memory is in the page allocator\n");
	assert_false(capture_has(&cap, "FIRMWARE BUG"));
}

/* A table its parser rejects is left out with one line naming it; boot goes on. */
static void test_rejected_tables(void **state)
{
	(void)state;
	slit[nslit - 1] = 0; /* a zero distance on the diagonal */
	srat[0] = 'X';       /* bad signature */
	run();
	capture_expect(&cap, "acpi: SLIT rejected; continuing without it");
	capture_expect(&cap, "acpi: SRAT rejected; continuing without it");
	capture_expect(&cap, "numa: 1 node(s), SRAT rejected: one fallback node, HMAT");
	assert_true(topo.srat_rejected);
	assert_false(acpi.has_srat || acpi.has_slit);
	assert_true(acpi.has_hmat);
	assert_int_equal(acpi.srat_state, SP_TABLE_REJECTED);
	assert_int_equal(acpi.hmat_state, SP_TABLE_OK);
	assert_int_equal(topo.n_nodes, 1);
	assert_true(acpi.has_madt);
	assert_int_equal(topo.n_cpus, 1); /* the fallback node holds the MADT's CPU */
	/* no SRAT: the SP piece has no domain, so no device and a FIRMWARE BUG line */
	assert_int_equal(sp.count, 1);
	assert_int_equal(sp.p[0].pxm, -1);
	assert_int_equal(dax.nregions, 0);
	assert_true(fw_bug);
}

/* efi=nosoftreserve: SP is ordinary RAM, no pieces; every efi= occurrence applies and unknown
 * items are reported; MAXPHYADDR reaches the normaliser. */
static void test_options(void **state)
{
	(void)state;
	opt = (struct discover_options){ .efi = { "debug", "nosoftreserve" }, .n_efi = 2 };
	run();
	assert_int_equal(sp.count, 0);
	assert_int_equal(dax.nregions, 0);
	capture_expect(&cap, "efi=debug: the memory map as received:");
	capture_expect(&cap, "SP 0 MiB");
	capture_expect(&cap, "dax: no specific-purpose memory (EFI_MEMORY_SP): no dax devices");

	dax_init(&dax, &dax_no_hw_ops, &cap.out, 1);
	opt = (struct discover_options){ .efi = { "softreserve" }, .n_efi = 1, .maxphyaddr = 39 };
	run();
	capture_expect(&cap, "softreserve");
	capture_expect(&cap, "(MAXPHYADDR 39)");
	assert_int_equal(sp.count, 1);
}

/* efi_fake_mem marks part of node 0's RAM SP: a second region, on node 0; every occurrence
 * applies, a bad element is reported and skipped. */
static void test_fake_mem(void **state)
{
	(void)state;
	opt = (struct discover_options){ .efi_fake_mem = { "256M@0x10000000:0x40000,bad",
							   "2M@0x30000000:0x40000" },
					 .n_efi_fake_mem = 2 };
	run();
	assert_int_equal(sp.count, 3);
	assert_int_equal(sp.p[0].base, 0x10000000);
	assert_int_equal(sp.p[0].end, 0x20000000);
	assert_int_equal(sp.p[1].base, 0x30000000);
	assert_int_equal(dax.nregions, 3);
	assert_int_equal(dax.regions[0].target_node, 0);
	assert_int_equal(dax.regions[2].target_node, 1);
	assert_int_equal(topo.sp_nodes, 3);
	capture_expect(&cap, "efi_fake_mem");
}

/* A table the RSDT lists but whose checksum failed (no data) counts as rejected, not absent. */
static void test_listed_bad_checksum(void **state)
{
	(void)state;
	tables.hmat = (struct discover_table){ NULL, 0, true };
	run();
	assert_int_equal(acpi.hmat_state, SP_TABLE_REJECTED);
	assert_int_equal(sp.p[0].missing, SP_MISSING_HMAT_BAD);
	assert_int_equal(dax.nregions, 0);
	assert_true(fw_bug);
}

/* The kernel reads the options from its command line with boot_options_discover: every
 * occurrence in order, spmk.nohmat as a list whose other items are reported. */
static void test_boot_options(void **state)
{
	(void)state;
	static struct cmdline c;
	assert_int_equal(
		cmdline_parse("efi_fake_mem=2M@0x30000000:0x40000 efi=debug quiet "
			      "efi=nosoftreserve efi_fake_mem=4K@0:0x40000 spmk.nohmat=x,device",
			      &c, &cap.out),
		ST_OK);
	boot_options_discover(&c, 46, &opt, &cap.out);
	assert_int_equal(opt.n_efi_fake_mem, 2);
	assert_string_equal(opt.efi_fake_mem[0], "2M@0x30000000:0x40000");
	assert_string_equal(opt.efi_fake_mem[1], "4K@0:0x40000");
	assert_int_equal(opt.n_efi, 2);
	assert_string_equal(opt.efi[0], "debug");
	assert_string_equal(opt.efi[1], "nosoftreserve");
	assert_int_equal(opt.maxphyaddr, 46);
	assert_true(opt.nohmat_device);
	capture_expect(&cap, "cmdline: spmk.nohmat=x not understood (known: device); ignored");

	assert_int_equal(cmdline_parse("spmk.nohmat=devices", &c, &cap.out), ST_OK);
	boot_options_discover(&c, 0, &opt, &cap.out);
	assert_false(opt.nohmat_device);
	assert_int_equal(opt.n_efi + opt.n_efi_fake_mem, 0);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(discover_memmap(mapbuf, nmap, 48, NULL, &mopts, &map, &cap.out),
			 ST_INVALID);
	assert_int_equal(discover_memmap(mapbuf, nmap, 0, &opt, &mopts, &map, &cap.out),
			 ST_INVALID);
	assert_int_equal(discover_memmap(mapbuf, nmap - 1, 48, &opt, &mopts, &map, &cap.out),
			 ST_INVALID);
	assert_int_equal(discover_numa(NULL, &map, &acpi, &topo, &cap.out), ST_INVALID);
	assert_int_equal(discover_sp(&map, NULL, &topo, &opt, &sp, &dax, &fw_bug, &cap.out),
			 ST_INVALID);
}

/* A map of 2,000 more descriptors than QEMU's (RAM and reserved pages in turn above 1 TiB, so
 * none merges): the 512 ranges inside struct memmap stop it (ST_NOMEM, the old kernel's
 * limit); with storage of memmap_ranges_bound() ranges, as the kernel takes from the loader's
 * scratch, every range is kept and the rest of the pipeline holds its invariants. */
static void test_map_beyond_512_ranges(void **state)
{
	(void)state;
	enum { EXTRA = 2000 };
	assert_int_equal(discover_memmap(mapbuf, nmap, 48, &opt, &mopts, &map, &cap.out), ST_OK);
	uint64_t usable = memmap_pages_of(&map, MEM_USABLE), count = map.count;
	size_t n = nmap / 48 + EXTRA;
	uint8_t *big = calloc(n, 48);
	memcpy(big, mapbuf, nmap);
	for (size_t i = 0; i < EXTRA; i++) {
		struct efi_mem_desc d = { i % 2 ? EFI_RESERVED_MEMORY : EFI_CONVENTIONAL_MEMORY,
					  0,
					  (1ull << 40) + i * PAGE_SIZE,
					  0,
					  1,
					  EFI_MEMORY_WB };
		memcpy(big + nmap + i * 48, &d, sizeof d);
	}
	assert_int_equal(discover_memmap(big, n * 48, 48, &opt, &mopts, &map, &cap.out), ST_NOMEM);
	assert_true(capture_has(&cap, "memmap: normalisation failed"));
	uint64_t bound = memmap_ranges_bound(n, MEMMAP_FAKE_MAX);
	struct mem_range *storage = calloc(bound, sizeof *storage);
	assert_int_equal(discover_memmap_into(big, n * 48, 48, &opt, &mopts, &map, storage,
					      (uint32_t)bound, &cap.out),
			 ST_OK);
	assert_int_equal(map.count, count + EXTRA);
	assert_int_equal(memmap_pages_of(&map, MEM_USABLE), usable + EXTRA / 2);
	assert_int_equal(map.r[map.count - 1].base, (1ull << 40) + (EXTRA - 1) * PAGE_SIZE);
	assert_int_equal(discover_numa(&tables, &map, &acpi, &topo, &cap.out), ST_OK);
	assert_int_equal(discover_sp(&map, &acpi, &topo, &opt, &sp, &dax, &fw_bug, &cap.out),
			 ST_OK);
	check_invariants();
	free(storage);
	free(big);
}

TEST_MAIN(cmocka_unit_test_setup(test_qemu_default, setup),
	  cmocka_unit_test_setup(test_no_hmat, setup),
	  cmocka_unit_test_setup(test_no_sp_memory, setup),
	  cmocka_unit_test_setup(test_rejected_tables, setup),
	  cmocka_unit_test_setup(test_options, setup), cmocka_unit_test_setup(test_fake_mem, setup),
	  cmocka_unit_test_setup(test_listed_bad_checksum, setup),
	  cmocka_unit_test_setup(test_boot_options, setup),
	  cmocka_unit_test_setup(test_bad_arguments, setup),
	  cmocka_unit_test_setup(test_map_beyond_512_ranges, setup))
