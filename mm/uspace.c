/* SPDX-License-Identifier: BSD-2-Clause */
/* uspace.c - checked copies between the kernel and an app's address space (see uspace.h). */
#include "mm/uspace.h"

#include "include/spmk/errors.h"
#include "lib/kstring.h"

status_t uspace_validate(const struct uspace *u, uint64_t va, uint64_t len, bool write)
{
	uint64_t end;
	if (len == 0)
		return ST_OK;
	if (add_overflows(va, len, &end) || end > USPACE_END)
		return ST_RANGE;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		unsigned flags;
		if (vm_translate(u->vm, va_of(p), 0, &flags, 0) != ST_OK)
			return ST_FAULT;
		if (!(flags & VM_USER) || (write && !(flags & VM_WRITE)))
			return ST_FAULT;
	}
	return ST_OK;
}

/* The kernel pointer for app address va (checked by uspace_validate), or NULL. */
static uint8_t *uspace_ptr(const struct uspace *u, uint64_t va)
{
	paddr_t pa;
	if (vm_translate(u->vm, va_of(va), &pa, 0, 0) != ST_OK)
		return 0;
	return u->phys(u->ctx, pa.v);
}

/* Checks that every page of [va, va+len) is reachable by the kernel too. */
static status_t uspace_reachable(const struct uspace *u, uint64_t va, uint64_t len)
{
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
		if (!uspace_ptr(u, p < va ? va : p))
			return ST_FAULT;
	return ST_OK;
}

/* Copies page by page; the range was checked and every page is reachable. */
static void uspace_copy(const struct uspace *u, uint64_t va, uint8_t *kbuf, uint64_t len, bool out)
{
	while (len) {
		uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint8_t *p = uspace_ptr(u, va);
		if (out)
			memcpy(p, kbuf, chunk);
		else
			memcpy(kbuf, p, chunk);
		va += chunk;
		kbuf += chunk;
		len -= chunk;
	}
}

status_t uspace_copy_in(const struct uspace *u, void *dst, uint64_t va, uint64_t len)
{
	status_t st = uspace_validate(u, va, len, false);
	if (st == ST_OK && len)
		st = uspace_reachable(u, va, len);
	if (st != ST_OK)
		return st;
	uspace_copy(u, va, dst, len, false);
	return ST_OK;
}

status_t uspace_copy_out(const struct uspace *u, uint64_t va, const void *src, uint64_t len)
{
	status_t st = uspace_validate(u, va, len, true);
	if (st == ST_OK && len)
		st = uspace_reachable(u, va, len);
	if (st != ST_OK)
		return st;
	uspace_copy(u, va, (uint8_t *)src, len, true);
	return ST_OK;
}

status_t uspace_copy_str(const struct uspace *u, char *dst, size_t max, uint64_t va)
{
	if (max == 0)
		return ST_RANGE;
	dst[0] = '\0';
	for (size_t i = 0; i < max; i++) {
		char c;
		status_t st = uspace_copy_in(u, &c, va + i, 1);
		if (st != ST_OK) {
			dst[0] = '\0';
			return va + i < va ? ST_RANGE : st;
		}
		dst[i] = c;
		if (c == '\0')
			return ST_OK;
	}
	dst[0] = '\0';
	return ST_RANGE;
}

long uspace_errno(status_t st)
{
	switch (st) {
	case ST_OK: return 0;
	case ST_INVALID: return SPMK_EINVAL;
	case ST_RANGE: return SPMK_ERANGE;
	case ST_NOMEM: return SPMK_ENOMEM;
	case ST_NOTFOUND: return SPMK_ENOENT;
	case ST_BUSY: return SPMK_EBUSY;
	case ST_PERM: return SPMK_EPERM;
	case ST_EXISTS: return SPMK_EEXIST;
	case ST_FAULT: return SPMK_EFAULT;
	case ST_INTERRUPTED: return SPMK_EINTR;
	default: return SPMK_EIO;
	}
}
