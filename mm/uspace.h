/* SPDX-License-Identifier: BSD-2-Clause */
/* uspace.h - an app's address space: its layout and the checked copies to and from it.
 *
 * Layout of the lower (user) half, the same for every app (docs/apps.md):
 *
 *   [USPACE_IMAGE_MIN, USPACE_IMAGE_MAX)  the app's ELF segments (linked at 0x400000)
 *   [USPACE_MEM_BASE,  USPACE_DAX_BASE)   memory from the memory system calls
 *   [USPACE_DAX_BASE,  USPACE_DAX_END)    dax devices mapped by the app
 *   [USPACE_STACK_TOP - USPACE_STACK_SIZE, USPACE_STACK_TOP)  the stack; the page below it
 *                                         and everything not listed is unmapped (a guard)
 *
 * A system call never dereferences an app's pointer: uspace_copy_in/out/str translate every
 * page through the app's own page tables (mm/vm.h) and accept it only when the leaf is
 * present, has US (VM_USER) and, for a copy out, RW; the bytes are then reached through the
 * caller's page accessor (the kernel's direct map). So a pointer into the kernel half, an
 * unmapped page, a read-only page, a range that wraps or leaves the user half gives an error
 * value, never a kernel fault. Pure code over struct vm_space: host-tested (test_uspace). */
#ifndef SPMK_MM_USPACE_H
#define SPMK_MM_USPACE_H

#include "lib/status.h"
#include "lib/types.h"
#include "mm/vm.h"

#define USPACE_END 0x0000800000000000ull /* end of the canonical lower half */
#define USPACE_IMAGE_MIN 0x0000000000200000ull
#define USPACE_IMAGE_MAX 0x0000000040000000ull
#define USPACE_MEM_BASE 0x0000100000000000ull /* 16 TiB */
#define USPACE_DAX_BASE 0x0000200000000000ull /* 32 TiB */
#define USPACE_DAX_END 0x0000600000000000ull  /* 96 TiB */
#define USPACE_STACK_TOP 0x00007ffffff00000ull
#define USPACE_STACK_SIZE (256ull << 10)

/* Where the bytes of physical page-offset `pa` can be read and written by the kernel, or NULL
 * when the kernel has no such mapping (then the copy fails with ST_FAULT). */
typedef void *(*uspace_phys_fn)(void *ctx, uint64_t pa);

struct uspace {
	const struct vm_space *vm; /* the app's page tables */
	uspace_phys_fn phys;
	void *ctx;
};

/* Checks that [va, va+len) lies in the user half and that every page of it is mapped for the
 * app (VM_USER; and VM_WRITE when write). len 0 is always accepted.
 * Errors: ST_RANGE (wraps, or reaches USPACE_END or the kernel half), ST_FAULT (some page is
 * unmapped, supervisor-only or, with write, read-only). */
status_t uspace_validate(const struct uspace *u, uint64_t va, uint64_t len, bool write);

/* Copies len bytes from app address va into dst. Errors: as uspace_validate (read), and
 * ST_FAULT when a page is not reachable by the kernel. Nothing is copied on error. */
status_t uspace_copy_in(const struct uspace *u, void *dst, uint64_t va, uint64_t len);
/* Copies len bytes from src to app address va (pages must be writable). Errors as
 * uspace_copy_in; nothing is written on error. */
status_t uspace_copy_out(const struct uspace *u, uint64_t va, const void *src, uint64_t len);
/* Copies a NUL-terminated string at va (at most max - 1 characters) into dst[max].
 * Errors: ST_RANGE (no NUL within max bytes, max 0), ST_FAULT/ST_RANGE as uspace_copy_in for
 * the bytes it reads; dst is "" on error. */
status_t uspace_copy_str(const struct uspace *u, char *dst, size_t max, uint64_t va);

/* The system-call error value (include/spmk/errors.h, positive) of a status: ST_INVALID ->
 * SPMK_EINVAL, ST_RANGE -> SPMK_ERANGE, ST_NOMEM -> SPMK_ENOMEM, ST_NOTFOUND -> SPMK_ENOENT,
 * ST_BUSY -> SPMK_EBUSY, ST_PERM -> SPMK_EPERM, ST_EXISTS -> SPMK_EEXIST, ST_FAULT ->
 * SPMK_EFAULT, ST_INTERRUPTED -> SPMK_EINTR, ST_OK -> 0, anything else SPMK_EIO. */
long uspace_errno(status_t st);

#endif
