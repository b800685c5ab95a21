/* SPDX-License-Identifier: BSD-2-Clause */
/* app_dax.c - the dax system calls: list, claim, map, release (include/spmk/dax.h).
 *
 * An app claims under its own owner name ("app.NAME.RUN", mm/dax.h owners) and keeps the
 * dax handle in its claim table; the app sees only slot | gen << 8, so a handle it makes up,
 * keeps after release, or got in another run is refused (-SPMK_EBADF): the handle is the only
 * way to act on a claim. Map puts the device into the app's own page tables (user, writable,
 * no-execute) at an address with the same offset modulo 1 GiB as the device, with pages up to
 * the device alignment and a 1 GiB unmapped gap after it (mm/uspace_va.h: freed addresses
 * are reused); the kernel's dax window is not used (the app's owner is never the
 * active shell owner). Release unmaps it from the app, then dax_release scrubs it. */
#include "include/spmk/dax.h"
#include "include/spmk/errors.h"
#include "kernel/app_calls.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "mm/uargs.h"

static struct app_claim *claim_of(struct app *a, uint64_t handle)
{
	unsigned slot;
	uint32_t gen;
	if (uargs_handle_decode(handle, APP_CLAIMS, &slot, &gen) != 0)
		return 0;
	struct app_claim *c = &a->claims[slot];
	return c->used && c->gen == gen ? c : 0;
}

long sys_dax_list(struct app *a, const struct syscall_frame *f)
{
	uint64_t out = f->a0, max = f->a1;
	long n = 0;
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *d = dax_device_get(&K.dax, i);
		if (!d)
			continue;
		if ((uint64_t)n < max) {
			struct spmk_dax_dev e;
			memset(&e, 0, sizeof e);
			dax_device_name(&K.dax, i, e.name, sizeof e.name);
			e.size = d->size;
			e.align = d->align;
			e.node = dax_device_node(&K.dax, i);
			e.flags = (d->state != DAX_UNCLAIMED ? SPMK_DAX_CLAIMED : 0) |
				  (d->mode == DAX_MODE_SYSTEM_RAM ? SPMK_DAX_SYSTEM_RAM : 0) |
				  (d->state != DAX_UNCLAIMED && !strcmp(d->owner, a->owner)
					   ? SPMK_DAX_MINE
					   : 0);
			status_t st =
				uspace_copy_out(&a->u, out + (uint64_t)n * sizeof e, &e, sizeof e);
			if (st != ST_OK)
				return -uspace_errno(st);
		}
		n++;
	}
	return n;
}

long sys_dax_claim(struct app *a, const struct syscall_frame *f)
{
	char name[DAX_NAME_MAX];
	status_t st = uspace_copy_str(&a->u, name, sizeof name, f->a0);
	if (st != ST_OK)
		return st == ST_RANGE && f->a0 < USPACE_END ? -SPMK_ENOENT : -uspace_errno(st);
	uint32_t dev;
	if (dax_find(&K.dax, name, &dev) != ST_OK)
		return -SPMK_ENOENT;
	unsigned slot = 0;
	while (slot < APP_CLAIMS && a->claims[slot].used)
		slot++;
	if (slot == APP_CLAIMS)
		return -SPMK_ENOMEM;
	struct dax_handle h;
	st = dax_claim(&K.dax, dev, a->owner, &h);
	if (st != ST_OK)
		return -uspace_errno(st);
	uint32_t gen = a->next_gen++ & UARGS_HANDLE_GEN_MASK;
	a->claims[slot] = (struct app_claim){ .used = true, .gen = gen, .dev = dev, .h = h };
	return uargs_handle(slot, gen);
}

struct app_written {
	const struct app_claim *c;
	uint64_t base; /* the device's physical base */
};

/* vm_dirty_fn: a dirty leaf of the app's mapping joins its claim's written set. */
static void app_dax_written(void *arg, vaddr_t va, uint64_t size)
{
	const struct app_written *w = arg;
	paddr_t pa = pa_of(w->base + (va.v - w->c->va));
	CHECK_OK(dax_note_written(&K.dax, w->c->h, range_of(pa, size)));
}

void app_dax_unmap(struct app *a, struct app_claim *c)
{
	const struct dax_device *d = dax_device_get(&K.dax, c->dev);
	CHECK(d != 0); /* claimed by this app: it exists */
	struct app_written w = { c, d->base };
	CHECK_OK(vm_unmap_dirty(&a->vm, va_of(c->va), c->size, app_dax_written, &w));
	uspace_va_free(&a->dax_va, c->va, c->size);
	c->va = 0;
}

long sys_dax_map(struct app *a, const struct syscall_frame *f)
{
	struct app_claim *c = claim_of(a, f->a0);
	if (!c)
		return -SPMK_EBADF;
	if (c->va)
		return -SPMK_EEXIST;
	const struct dax_device *d = dax_device_get(&K.dax, c->dev);
	CHECK(d != 0); /* claimed by us: it exists */
	uint64_t va;
	if (uspace_va_alloc(&a->dax_va, d->size, SIZE_1G, d->base & (SIZE_1G - 1), &va) != ST_OK)
		return -SPMK_ENOMEM; /* the area has no free range that holds it */
	uint64_t max_page = d->align < kvm_max_page() ? d->align : kvm_max_page();
	status_t st = vm_map(&a->vm, va_of(va), pa_of(d->base), d->size,
			     kvm_nx_fixup(VM_USER | VM_WRITE), max_page);
	if (st == ST_OK) {
		st = dax_map(&K.dax, c->h);
		if (st != ST_OK) /* the whole mapping just made */
			CHECK_OK(vm_unmap(&a->vm, va_of(va), d->size));
	}
	if (st != ST_OK) {
		uspace_va_free(&a->dax_va, va, d->size);
		return -uspace_errno(st);
	}
	c->va = va;
	c->size = d->size;
	return (long)va;
}

long sys_dax_release(struct app *a, const struct syscall_frame *f)
{
	struct app_claim *c = claim_of(a, f->a0);
	if (!c)
		return -SPMK_EBADF;
	if (c->va)
		app_dax_unmap(a, c);         /* exactly the mapping sys_dax_map made */
	CHECK_OK(dax_release(&K.dax, c->h)); /* our own valid claim */
	memset(c, 0, sizeof *c);
	return 0;
}
