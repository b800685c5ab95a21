/* SPDX-License-Identifier: BSD-2-Clause */
/* cancel.c - the stop hook for long operations (see cancel.h). */
#include "lib/cancel.h"

static cancel_fn g_fn;
static void *g_ctx;

void cancel_set(cancel_fn fn, void *ctx)
{
	g_fn = fn;
	g_ctx = ctx;
}

bool cancel_point(uint64_t done, uint64_t total) { return g_fn && g_fn(g_ctx, done, total); }
