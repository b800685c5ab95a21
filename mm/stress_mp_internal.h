/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_mp_internal.h - shared by mm/stress_mp*.c: failure records, the per-CPU digest and
 * judgement, the operations. Users of the engine include mm/stress_mp.h. */
#ifndef SPMK_MM_STRESS_MP_INT_H
#define SPMK_MM_STRESS_MP_INT_H

#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "mm/stress_mp.h"

#define STRESS_MP_SKIP ST_NOTFOUND /* an op with nothing to act on */

/* Records CPU k's first failure ("stress: seed S, cpu K, step N, OP: FAILED: why"), printed
 * by CPU 0 at the next barrier. Returns ST_INVALID. */
status_t stress_mp_fail(struct stress_mp *m, unsigned k, enum stress_mp_op op, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Digest of what the shared structures say about CPU c's blocks, claims and objects. */
struct stress_mp_snap {
	uint64_t blocks, claims, objects;
};
void stress_mp_digest(const struct stress_mp *m, const struct stress_mp_cpu *c,
		      struct stress_mp_snap *out);
/* The call of op returned st; before: the digest just before it (NULL with must). A refusal must leave the
 * digest as it was; with `must` no refusal is allowed. ST_OK or ST_INVALID (recorded). */
status_t stress_mp_judge(struct stress_mp *m, unsigned k, enum stress_mp_op op, status_t st,
			 bool must, const struct stress_mp_snap *before);
/* CPU k's model holds: kept blocks allocated, claims its own, objects intact (memobj_check).
 * ST_OK or ST_INVALID (recorded for op). */
status_t stress_mp_own_check(struct stress_mp *m, unsigned k, enum stress_mp_op op);
/* The highest node with memory (for node choices -1..top). */
int stress_mp_top_node(const struct stress_mp *m);
/* One operation of CPU k: STRESS_MP_SKIP when nothing applies. */
status_t stress_mp_do(struct stress_mp *m, unsigned k, enum stress_mp_op op);

#endif
