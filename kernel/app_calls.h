/* SPDX-License-Identifier: BSD-2-Clause */
/* app_calls.h - the system calls implemented outside app_syscall.c (dax: app_dax.c; memory,
 * hand-off and reclaim: app_mem.c). Each returns the call's value or -SPMK_E*. */
#ifndef SPMK_KERNEL_APP_CALLS_H
#define SPMK_KERNEL_APP_CALLS_H

#include "arch/x86_64/syscall.h"
#include "kernel/app.h"

long sys_dax_list(struct app *a, const struct syscall_frame *f);
long sys_dax_claim(struct app *a, const struct syscall_frame *f);
long sys_dax_map(struct app *a, const struct syscall_frame *f);
long sys_dax_release(struct app *a, const struct syscall_frame *f);
/* Unmaps claim c's device from app a (c->va becomes 0), adding every leaf the app dirtied to
 * the claim's written set (dax_note_written), so that dax_release zeroes what the app wrote
 * through its own page tables. Cannot fail: c is a's mapped claim. */
void app_dax_unmap(struct app *a, struct app_claim *c);
long sys_mem_alloc(struct app *a, const struct syscall_frame *f);
long sys_mem_free(struct app *a, const struct syscall_frame *f);
long sys_mem_node(struct app *a, const struct syscall_frame *f);
long sys_mem_pin(struct app *a, const struct syscall_frame *f);
long sys_mem_unpin(struct app *a, const struct syscall_frame *f);
long sys_handoff(struct app *a, const struct syscall_frame *f);
long sys_reclaim(struct app *a, const struct syscall_frame *f);

/* Frees movable allocation i of a (unpinning its pages first: at exit). */
void app_free_movable(struct app *a, unsigned i);
/* Migration moved page `index` of memory object obj to new_pfn: if it is the running app's
 * movable memory, its PTE follows (kernel/khotplug.c calls this from the object remap). */
void app_obj_moved(unsigned obj, uint64_t index, pfn_t new_pfn);

#endif
