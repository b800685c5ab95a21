/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_no_hw.h - the dax_ops (mm/dax.h) of a run that must never touch hardware, such as boot
 * discovery (mm/discover.h) in test_discover and fuzz_discover: map, unmap and scrub each call
 * dax_no_hw(what), which the file including this header defines (a host test fails, a fuzz
 * target aborts). Header-only, for the unit tests and the fuzz targets alike. */
#ifndef SPMK_TESTS_DAX_NO_HW_H
#define SPMK_TESTS_DAX_NO_HW_H

#include "mm/dax.h"

/* Called with "map", "unmap" or "scrub" when dax asks for one: the run has failed. */
static void dax_no_hw(const char *what);

static status_t no_map(void *c, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	(void)c, (void)virt, (void)phys, (void)size, (void)max_page;
	dax_no_hw("map");
	return ST_INVALID;
}

static void no_unmap(void *c, vaddr_t virt, uint64_t size, dax_written_fn w, void *a)
{
	(void)c, (void)virt, (void)size, (void)w, (void)a;
	dax_no_hw("unmap");
}

static void no_scrub(void *c, struct range r)
{
	(void)c, (void)r;
	dax_no_hw("scrub");
}

static const struct dax_ops dax_no_hw_ops = { .map = no_map, .unmap = no_unmap, .scrub = no_scrub };

#endif
