/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_mp.h - `selftest stress N SEED` on every CPU at once: each CPU runs N random steps
 * of its own on objects it owns, contending with the others for the shared allocators, and
 * all CPUs stop at barriers every `every` steps and at the end for the checks of the whole
 * world (mm/stress.h describes the one-CPU engine, which a run on one CPU still uses).
 *
 * CPU k draws from its own PRNG stream, prng_seed(SEED + k * STRESS_MP_STREAM), so its
 * choices depend on SEED and k only; what an operation returns depends on the interleaving
 * with the other CPUs, which no seed fixes. One step = one operation among:
 *   alloc  free          buddy blocks of order 0..3 on a random node (or none), kept by CPU k
 *   fill  check  pin  unpin  free-object     memory objects "stress.cK.N" of CPU k
 *   claim  release       devdax devices of at most STRESS_CLAIM_MAX bytes, unclaimed at the
 *                        start; every CPU may try every one of them (owner "stress-cK-J"), so
 *                        claims contend: a claim of a device another CPU holds is refused
 * Window access (map, write, read) follows one active owner for the whole machine and
 * hand-off/reclaim, device create/destroy and fault injection change what every CPU sees, so
 * they stay in the one-CPU engine.
 *
 * Rules:
 *   - per CPU, at every step: a refused operation leaves the CPU's own objects as they were:
 *     a digest of what the shared structures say about them (each kept block's state, order
 *     and owner from buddy_page_state, each claim's handle from dax_handle_for, each object's
 *     record and the pfn behind every page) is the same before and after; an operation that
 *     cannot be refused (free of a kept block, release, unpin, free of an unpinned object,
 *     check) succeeds; after the step every kept block is still allocated, every claim still
 *     the CPU's and every object of the CPU intact (memobj_check);
 *   - at each barrier, with every CPU stopped: stress_check_world (dax_check, hotplug_check,
 *     memobj_verify, the environment's check, exact accounting, every object's contents;
 *     buddy_check, which visits every page, every `full_every` barriers and at the end) and
 *     each CPU's own model again.
 * A failure is reported as "stress: seed S, cpu K, step N, OP: FAILED: why"; every CPU stops
 * at the next barrier. At the end each CPU gives back what it holds and the world is walked
 * once more in full.
 *
 * Bounded waits: with wait_ms set (and a clock in the world's ops), a CPU that waits at a
 * barrier for a CPU other than 0 that neither arrives nor steps for wait_ms abandons the run:
 * "stress: seed S: cpu J did not reach barrier B, nor step, within T ms (cpu K waited): run
 * abandoned" (a slow CPU that still steps is waited for). (CPU 0 is never
 * waited out: it is the caller's CPU, and at a barrier it runs the world's checks, which take
 * as long as the machine is large.) From then on no CPU waits for another: each stops
 * stepping, gives back what it holds and returns ST_INVALID, a late CPU too when it arrives,
 * without a step. The caller must keep m until every CPU has returned, and start no new run
 * in it before; the report of an abandoned run reads only the entries of CPUs that returned. */
#ifndef SPMK_MM_STRESS_MP_H
#define SPMK_MM_STRESS_MP_H

#include "mm/stress.h"

#define STRESS_MP_MAX_CPUS 64
#define STRESS_MP_STREAM 0x9e3779b97f4a7c15ull /* CPU k's seed: SEED + k * this */
#define STRESS_MP_BLOCKS 16                    /* buddy blocks a CPU keeps at once */
#define STRESS_MP_OBJS 3                       /* objects a CPU keeps at once */
#define STRESS_MP_OBJ_PAGES 16
#define STRESS_MP_CLAIMS 2 /* claims a CPU keeps at once */
#define STRESS_MP_PINS 8
#define STRESS_MP_DEVS 16 /* devices the CPUs contend for */
#define STRESS_MP_WHY 160

enum stress_mp_op {
	SMP_ALLOC,
	SMP_FREE,
	SMP_FILL,
	SMP_CHECK,
	SMP_PIN,
	SMP_UNPIN,
	SMP_OFREE,
	SMP_CLAIM,
	SMP_RELEASE,
	SMP_NOPS
};

/* What one CPU owns and counts. */
struct stress_mp_cpu {
	struct prng rng;
	uint64_t step;
	struct {
		pfn_t pfn;
		unsigned order;
	} blk[STRESS_MP_BLOCKS];
	unsigned nblk;
	struct {
		bool used;
		char name[24];
		unsigned slot;
	} obj[STRESS_MP_OBJS];
	struct {
		unsigned obj;
		uint64_t index;
	} pin[STRESS_MP_PINS];
	unsigned npins;
	struct {
		bool used;
		uint32_t dev;
		struct dax_handle h;
		char owner[16];
	} claim[STRESS_MP_CLAIMS];
	uint64_t next_obj;
	uint64_t done[SMP_NOPS], refused[SMP_NOPS];
	unsigned bars; /* barriers this CPU reached (atomic) */
	/* Set (release) once this CPU is done with its entry: it gave back what it holds and
	 * writes nothing here any more (but bars). Others read the entry only after reading
	 * this true (acquire); before, step alone (atomic). */
	bool settled;
	bool failed;
	char why[STRESS_MP_WHY]; /* the failure, printed by CPU 0 at the next barrier */
};

struct stress_mp {
	struct stress_world w;
	uint64_t seed, steps; /* steps per CPU */
	unsigned ncpus, every, full_every;
	uint32_t dev[STRESS_MP_DEVS]; /* the contended devices */
	unsigned ndev;
	unsigned bar_count, bar_gen, rounds; /* barrier (atomics) and barriers passed */
	bool failed, stop;
	uint64_t wait_ms; /* longest wait for a CPU at a barrier; 0 (the default): for ever */
	bool abandoned;   /* a barrier timed out: nobody waits any more (atomic) */
	char why_abandoned[STRESS_MP_WHY + 96];
	struct stress_mp_cpu cpu[STRESS_MP_MAX_CPUS];
};

/* The name of op ("alloc", "claim", ...). */
const char *stress_mp_op_name(enum stress_mp_op op);

/* Prepares a run of `steps` steps on each of ncpus CPUs (1..STRESS_MP_MAX_CPUS) from seed,
 * barriers every `every` steps (0: 100), buddy_check every `full_every` barriers (0: every
 * one) and at the end; notes the contended devices. Call with no other CPU running.
 * Errors: ST_INVALID (ncpus or steps 0, ncpus too large). */
status_t stress_mp_init(struct stress_mp *m, const struct stress_world *w, unsigned ncpus,
			uint64_t steps, uint64_t seed, unsigned every, unsigned full_every);
/* CPU k's part (k < ncpus): every CPU calls it once, at the same time (the barriers wait for
 * all of them, at most wait_ms for a CPU other than 0); CPU 0 runs the global checks and
 * prints failures to w->out. At the end every CPU gives back what it holds. Returns ST_OK, or
 * ST_INVALID when any CPU failed or the run was abandoned. */
status_t stress_mp_cpu_run(struct stress_mp *m, unsigned k);
/* After the run's CPU 0 returned (the caller's wait for the others may have given up): the
 * summary lines ("stress: cpu K: N steps, D done, R refused" and the totals with "pass" or
 * "FAILED"). A CPU that has not settled (a late CPU of an abandoned run, which may still
 * write its entry) is not read: its line gives the steps it had made ("stress: cpu K: N steps
 * when the run was abandoned; it has not returned, so its counts are left out") and the totals
 * name it ("(CPU K left out)"). Returns ST_OK, or ST_INVALID on failure. */
status_t stress_mp_report(const struct stress_mp *m);

#endif
