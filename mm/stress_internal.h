/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_internal.h - helpers shared by mm/stress*.c: the attempt (snapshot before an API call,
 * judgement after it), failure reports, device and object choice. Not for users of the
 * engine (they use mm/stress.h). */
#ifndef SPMK_MM_STRESS_INT_H
#define SPMK_MM_STRESS_INT_H

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "mm/stress.h"

#define STRESS_MAX_OBJS 12      /* stress objects alive at once */
#define STRESS_SKIP ST_NOTFOUND /* an op with nothing to act on */

/* One API call under judgement: the state before it and the injected-failure count. */
struct stress_attempt {
	enum stress_op op;
	struct stress_snap before;
	uint64_t injected;
};

/* Prints "stress: seed S, step N, OP: FAILED: why" and marks s failed. Returns ST_INVALID. */
status_t stress_fail(struct stress *s, enum stress_op op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void stress_attempt_begin(struct stress *s, struct stress_attempt *a, enum stress_op op);
/* The call returned st. A refusal must leave the state as it was; when `must` is set, only an
 * injected failure may refuse. ST_OK, or ST_INVALID after stress_fail. */
status_t stress_attempt_end(struct stress *s, struct stress_attempt *a, status_t st, bool must);

/* A random used device index for which pred(s, dev) holds; false when there is none. */
bool stress_pick_dev(struct stress *s, bool (*pred)(const struct stress *, uint32_t),
		     uint32_t *out);
/* A random object slot made by the stress (movable only when asked); false when none. */
bool stress_pick_obj(struct stress *s, bool movable_only, unsigned *slot);
/* True for an object this stress made ("stress." prefix). */
bool stress_obj_ours(const struct memobj *o);
/* Owner of claim k activated (its mapped windows present). Judged as part of op. */
status_t stress_activate(struct stress *s, enum stress_op op, unsigned k);
/* Reads back every write record of claim k (its owner must be active). */
status_t stress_verify_claim(struct stress *s, enum stress_op op, unsigned k);
/* Claim k was just released: a checking owner claims and maps the device and reads every
 * byte the old owner wrote as zero, then releases it; the active owner is put back. */
status_t stress_verify_released(struct stress *s, unsigned k);
/* A claim just mapped: the device reads zero (see stress.h). */
status_t stress_verify_zero(struct stress *s, enum stress_op op, unsigned k);

/* Operations (mm/stress_ops.c): each draws its target, runs and judges one API call.
 * STRESS_SKIP when nothing applies. */
status_t stress_do(struct stress *s, enum stress_op op);

#endif
