/* SPDX-License-Identifier: BSD-2-Clause */
/* work.h - workers: other CPUs reading and writing a movable memory object while the shell
 * CPU hands memory off and reclaims it (`mem work NAME CPUS`, `mem work stop`; docs/smp.md).
 *
 * Worker k of W (one per CPU) owns the pages i with i % W == k, so no two workers write one
 * page. Pass p over its pages: for each page, check that the word it wrote in pass p-1 still
 * holds what it wrote (a mismatch is a lost write, counted as an error with the page and word
 * of the first), put the pattern back there, then write a new value (the pattern XOR a tag of
 * CPU and pass) into another word. So at any time each page differs from its pattern in at most
 * one word, and `mem work stop` ends with a last checking pass that restores the pattern: after
 * it, `mem check` / `selftest` see the object exactly as filled, so a write lost by a migration
 * (the restore included) shows there as well. Each write and check is one op.
 *
 * Workers only touch their object's window; a page in migration makes them fault and wait in
 * the page-fault handler until it is mapped again (kernel/khotplug.c). While workers run, the
 * object cannot be freed, and `mem check` on it counts the words in flight. */
#ifndef SPMK_KERNEL_WORK_H
#define SPMK_KERNEL_WORK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"

#define WORK_STOP_TIMEOUT_MS 10000
#define WORK_WAIT_MS 30000 /* default of spmk.cpu_wait_ms=: the longest wait for a CPU */

/* Starts a worker on every CPU of the mask (bit i = CPU i; CPU 0 excluded by the caller) on
 * object slot. Errors: ST_BUSY (workers already run: stop them first), ST_INVALID (the object
 * is not movable, a CPU not online, empty mask). */
status_t work_start(unsigned slot, uint64_t cpu_mask);
/* Stops every worker, waits for its last pass and prints one line per worker (ops, errors,
 * migration waits) and the totals. Returns the number of errors (lost writes); ST_NOTFOUND
 * through *st when no worker ran. */
uint64_t work_stop(status_t *st);
/* True while a worker runs on object slot. */
bool work_busy(unsigned slot);
/* Workers started and not yet stopped. */
unsigned work_count(void);
/* Ops done by every worker so far (throughput figures). */
uint64_t work_ops_total(void);
/* Reads spmk.cpu_wait_ms=MS (10..3600000; a bad value is reported and the default kept). */
void work_init(void);
/* How long the shell waits for another CPU, in ms (spmk.cpu_wait_ms=, WORK_WAIT_MS). */
uint64_t work_wait_ms(void);
/* Runs fn(arg, cpu) once on every CPU of the mask (bit i = CPU i, CPU 0 excluded by the
 * caller), as a worker runs (from the CPU's idle loop, in the migration window set so that
 * shootdowns reach it). A call still outstanding from before is waited for first
 * (work_call_drain). Errors: ST_BUSY (workers run, or a CPU has not returned from the
 * previous call), ST_INVALID (empty mask, a CPU not online). */
status_t work_call_start(void (*fn)(void *arg, unsigned cpu), void *arg, uint64_t mask);
/* Waits at most work_wait_ms() until every CPU of the last work_call_start returned from fn.
 * ST_OK; or ST_BUSY after a log line naming the CPUs that did not return and the ms waited:
 * the call stays outstanding (fn and arg must stay valid) until they do, and no call or worker
 * starts before (work_call_drain). */
status_t work_call_wait(void);
/* An outstanding call (one work_call_wait gave up on): waits at most work_wait_ms() more for
 * it. ST_OK when none is outstanding any more; ST_BUSY after a log line naming the CPUs. */
status_t work_call_drain(void);
/* Testing (`fault stall CPU on|off`): while on, CPU cpu leaves work calls unanswered (it
 * still serves shootdowns and runs workers); off: it answers, late, what it left.
 * Errors: ST_INVALID (CPU 0, or a CPU not online). */
status_t work_stall(unsigned cpu, bool on);
/* Whether cpu is stalled (`cpus`, the stall command). */
bool work_stalled(unsigned cpu);
/* Called by a CPU's idle loop: whether a worker waits to run there, and running it. */
bool work_pending(unsigned cpu);
void work_run(unsigned cpu);
/* "worker A" or "idle" for `cpus`. */
const char *work_role(unsigned cpu);
/* Counts a wait for a page in migration on this CPU. */
void work_note_wait(void);

#endif
