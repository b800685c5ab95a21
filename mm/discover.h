/* SPDX-License-Identifier: BSD-2-Clause */
/* discover.h - the boot discovery pipeline: from the firmware's memory map and ACPI tables to
 * the SP pieces and their dax regions. This is the pure part of what the kernel does at boot
 * (kernel/init.c, init_acpi.c and init_sp.c call these three steps in this order, with the
 * page allocator set up between 2 and 3); the host runs the same sequence in
 * tests/unit/test_discover.c and the fuzz_discover target.
 *
 *   1. discover_memmap  boot options efi_fake_mem= and efi= (Linux names, every occurrence in
 *                       order) and MAXPHYADDR into memmap_opts, then the UEFI memory map
 *                       (UEFI 2.10 §7.2 GetMemoryMap) normalised (mm/memmap.h);
 *   2. discover_numa    SRAT, SLIT, HMAT and MADT (ACPI 6.5 §5.2.16, §5.2.17, §5.2.28,
 *                       §5.2.12) parsed, each optional: a table its parser rejects is left out
 *                       with one error line and boot goes on without it; then the NUMA
 *                       topology (acpi/numa.h), its fallback node's CPUs, and the memory the
 *                       map holds as present memory;
 *   3. discover_sp      SP pieces of the normalised map, split by the SRAT memory affinity and
 *                       given their boot policy (mm/sp.h, spmk.nohmat=device); each piece with
 *                       a device becomes a dax region on its node (mm/dax.h).
 *
 * Every step logs what it found, and every refusal with its numbers, to the caller's struct
 * out. Single-threaded (it runs once at boot): steps 2 and 3 use static scratch arrays. */
#ifndef SPMK_MM_DISCOVER_H
#define SPMK_MM_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi/hmat.h"
#include "acpi/madt.h"
#include "acpi/numa.h"
#include "acpi/slit.h"
#include "acpi/srat.h"
#include "lib/out.h"
#include "lib/status.h"
#include "mm/dax.h"
#include "mm/memmap.h"
#include "mm/sp.h"

#define DISCOVER_OPTS_MAX 64 /* occurrences kept of each repeatable option */

/* Boot option values as given on the command line (kernel/boot_options.c fills this). */
struct discover_options {
	const char *efi_fake_mem[DISCOVER_OPTS_MAX]; /* each efi_fake_mem=SIZE@START:ATTR[,...] */
	unsigned n_efi_fake_mem;
	const char *efi[DISCOVER_OPTS_MAX]; /* each efi= list (debug, nosoftreserve) */
	unsigned n_efi;
	uint8_t maxphyaddr; /* physical address bits (CPUID 0x80000008); 0: the normaliser's 52 */
	bool nohmat_device; /* spmk.nohmat=device */
};

/* One ACPI table as the firmware gave it. */
struct discover_table {
	const uint8_t *data; /* NULL when absent or its checksum failed (acpi_find) */
	size_t len;          /* bytes */
	bool listed;         /* the RSDT/XSDT lists it, whatever its checksum */
};

struct discover_tables {
	struct discover_table srat, slit, hmat, madt;
};

/* The parsed tables; has_X is true only when table X was present and its parser accepted it. */
struct discover_acpi {
	struct srat_info srat;
	struct slit_info slit;
	struct hmat_info hmat;
	struct madt_info madt;
	bool has_srat, has_slit, has_hmat, has_madt;
	enum sp_table srat_state, hmat_state; /* why SP discovery may lack a domain or HMAT data */
};

/* Step 1. Applies the options in order (a bad efi_fake_mem element or an unknown efi= item is
 * reported and skipped; efi=debug logs the raw map), normalises raw (raw_size bytes of
 * desc_size-byte descriptors) into *map and logs one summary line (descriptors, ranges,
 * MAXPHYADDR, usable and SP MiB). Errors: ST_INVALID when opt, mopts or map is NULL; those of
 * memmap_normalize (ST_INVALID: bad sizes; ST_NOMEM: too many ranges, *map holds the first
 * ones), each logged once. */
status_t discover_memmap(const void *raw, size_t raw_size, uint32_t desc_size,
			 const struct discover_options *opt, struct memmap_opts *mopts,
			 struct memmap *map, struct out *log);
/* The same with the ranges kept in the caller's storage[0..cap) (memmap_normalize_into): the
 * kernel passes memmap_ranges_bound(descriptors, MEMMAP_FAKE_MAX) ranges of its boot scratch,
 * so no map is too large. storage NULL means map->r0 (MEMMAP_MAX_RANGES). */
status_t discover_memmap_into(const void *raw, size_t raw_size, uint32_t desc_size,
			      const struct discover_options *opt, struct memmap_opts *mopts,
			      struct memmap *map, struct mem_range *storage, uint32_t cap,
			      struct out *log);

/* Step 2. Parses the tables present in *in into *a, builds *t from those accepted (no SRAT:
 * one node 0 holding the MADT's CPUs and all of the map's memory) and logs one summary line.
 * map is step 1's result. Errors: ST_INVALID when a pointer is NULL (nothing is done). A
 * rejected table, or present memory numa_set_present cannot record, is logged, not an error. */
status_t discover_numa(const struct discover_tables *in, const struct memmap *map,
		       struct discover_acpi *a, struct numa_topology *t, struct out *log);

/* Step 3. Discovers the SP pieces of *map into *sp, marks their nodes in t->sp_nodes, and adds
 * one dax region (one devdax device) for each piece whose policy gives a device, on the node
 * of its proximity domain (-1: none). A region dax refuses (no slot or window space left) is
 * logged with its range and the reason; the piece stays reserved. *firmware_bug is set when a
 * piece lacked SRAT or HMAT data (a FIRMWARE BUG line was logged; the kernel taints). No SP
 * memory at all (none in the map, or efi=nosoftreserve) is the normal case of most machines:
 * one info line says so, nothing else happens.
 * Errors: ST_INVALID when a pointer is NULL (nothing is done); ST_NOMEM from sp_discover (more
 * than SP_PIECES_MAX pieces: the first ones are kept and get regions). */
status_t discover_sp(const struct memmap *map, const struct discover_acpi *a,
		     struct numa_topology *t, const struct discover_options *opt, struct sp_set *sp,
		     struct dax *dax, bool *firmware_bug, struct out *log);

#endif
