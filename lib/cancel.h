/* SPDX-License-Identifier: BSD-2-Clause */
/* cancel.h - stopping long operations: the points where one may stop, and who decides.
 *
 * A long operation (filling an object, migrating a range, scrubbing a device) calls
 * cancel_point(done, total) between batches, at a moment where stopping leaves everything
 * consistent, and stops when it returns true: each caller documents what a stop means
 * (undone, rolled back, or the rest deferred). The decision comes from one hook the
 * environment installs: the kernel's polls the serial console for Ctrl-C and shows progress
 * (kernel/shell/shell.c); host tests install one that stops after N points. With no hook nothing
 * ever stops. Single-threaded, like every mm/ structure. */
#ifndef SPMK_LIB_CANCEL_H
#define SPMK_LIB_CANCEL_H

#include <stdbool.h>
#include <stdint.h>

/* Returns true to stop. done and total are in the operation's own unit (pages, bytes). */
typedef bool (*cancel_fn)(void *ctx, uint64_t done, uint64_t total);

/* Installs fn (NULL: never stop). */
void cancel_set(cancel_fn fn, void *ctx);
/* A point where the running operation may stop: true when it must. */
bool cancel_point(uint64_t done, uint64_t total);

#endif
