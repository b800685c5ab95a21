/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_bench_release.c - `bench release`: release of the first unclaimed devdax device after its
 * owner wrote 1 page, 1 %, 50 % and 100 % of it (contiguously from offset 0, through its
 * window), and the next claim + map, against one scrub of the whole device (what release cost
 * when it zeroed everything). Each case checks that the first and last written pages read
 * zero for the next owner. Summary lines: `NAME VALUE UNIT`. */
#include "kernel/shell/commands.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kdax.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"

#define BENCH_OWNER "bench"

static bool release_device(uint32_t *dev)
{
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *x = dax_device_get(&K.dax, i);
		if (x && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED) {
			*dev = i;
			return true;
		}
	}
	return false;
}

/* Claims and maps dev for the bench owner (active); *us is the time both took. */
static bool release_claim_map(uint32_t dev, struct dax_handle *h, uint64_t *us)
{
	uint64_t t0 = rdtsc();
	bool ok = dax_claim(&K.dax, dev, BENCH_OWNER, h) == ST_OK && dax_map(&K.dax, *h) == ST_OK;
	*us = tsc_to_us(rdtsc() - t0);
	return ok;
}

/* The 8 bytes at offset off of the device, read through the window of handle h. */
static uint64_t release_peek(struct dax_handle h, uint64_t off)
{
	uint64_t va;
	if (dax_access_ptr(&K.dax, h, off, 8, &va) != ST_OK)
		return UINT64_MAX;
	return *(volatile uint64_t *)(uintptr_t)va;
}

/* One case: write `bytes` from offset 0, release, claim + map again, check, release. */
static bool release_case(uint32_t dev, const char *name, uint64_t bytes)
{
	struct dax_handle h;
	uint64_t va, us, rel_us, claim_us;
	if (!release_claim_map(dev, &h, &us) || dax_access_ptr(&K.dax, h, 0, bytes, &va) != ST_OK)
		return false;
	memset((void *)(uintptr_t)va, 0x5a, bytes);
	uint64_t t0 = rdtsc();
	CHECK_OK(dax_release(&K.dax, h)); /* our own claim */
	rel_us = tsc_to_us(rdtsc() - t0);
	uint64_t zeroed = K.dax.release_scrubbed;
	if (!release_claim_map(dev, &h, &claim_us))
		return false;
	uint64_t first = release_peek(h, 0), last = release_peek(h, bytes - 8);
	CHECK_OK(dax_release(&K.dax, h));
	if (first || last) {
		kprintf("bench release: %s: the next owner read 0x%lx / 0x%lx, not zero\n", name,
			(unsigned long)first, (unsigned long)last);
		return false;
	}
	kprintf("release.written_%s_kib %lu KiB\n", name, (unsigned long)(bytes >> 10));
	kprintf("release.zeroed_%s_kib %lu KiB\n", name, (unsigned long)(zeroed >> 10));
	kprintf("release.release_%s_us %lu us\n", name, (unsigned long)rel_us);
	kprintf("release.next_claim_map_%s_us %lu us\n", name, (unsigned long)claim_us);
	return true;
}

int cmd_bench_release(int argc, char **argv)
{
	if (argc != 2)
		return shell_arg_error("unexpected '%s'", argv[2]);
	uint32_t dev;
	if (!release_device(&dev)) {
		kprintf("bench release: no unclaimed devdax device\n");
		return 1;
	}
	const struct dax_device *x = dax_device_get(&K.dax, dev);
	uint64_t size = x->size;
	char active[DAX_OWNER_MAX + 1];
	memcpy(active, dax_active_owner(&K.dax), sizeof active);
	if (dax_activate(&K.dax, BENCH_OWNER) != ST_OK)
		return 1;
	/* the old release: one scrub of the whole device (it also backs the memory in QEMU) */
	uint64_t t0 = rdtsc();
	kdax_scrub(x->base, size);
	kprintf("release.device_mib %lu MiB\n", (unsigned long)(size >> 20));
	kprintf("release.window_page_kib %lu KiB\n", (unsigned long)(K.dax.window_page >> 10));
	kprintf("release.full_scrub_us %lu us\n", (unsigned long)tsc_to_us(rdtsc() - t0));
	static const struct {
		const char *name;
		uint64_t num, den;
	} cases[] = {
		{ "1page", 0, 0 },
		{ "1pct", 1, 100 },
		{ "50pct", 50, 100 },
		{ "100pct", 100, 100 },
	};
	int rc = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(cases) && rc == 0; i++) {
		uint64_t bytes = cases[i].den
					 ? ALIGN_DOWN(size / cases[i].den * cases[i].num, PAGE_SIZE)
					 : PAGE_SIZE;
		if (!release_case(dev, cases[i].name, MAX(bytes, PAGE_SIZE))) {
			kprintf("bench release: the %s case failed\n", cases[i].name);
			rc = 1;
		}
	}
	dax_activate(&K.dax, active);
	return rc;
}
