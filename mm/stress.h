/* SPDX-License-Identifier: BSD-2-Clause */
/* stress.h - random operations across the whole memory API, checked after every step: the
 * engine behind `selftest stress N SEED` (kernel) and the host's long randomized tests.
 *
 * World: the caller's page allocator, dax allocator, memory objects and hand-off state, plus
 * stress_ops for what pure code cannot do (touch a dax window, count page-table pages).
 * The generator draws every choice from lib/prng.h seeded with SEED, so the same seed from
 * the same starting state replays the same steps on any machine with the same layout.
 *
 * One step = one operation, chosen at random among those that apply:
 *   create-device  destroy-device  claim  map  write  read  release        (mm/dax.h)
 *   hand-off (movable or unmovable)  whole reclaim  partial reclaim       (mm/hotplug.h)
 *   mem fill  check  pin  unpin  free                                      (mm/memobj.h)
 *   fault: arm a failure point (lib/fault.h) for the next uses, whoever makes them.
 * The stress touches only what nobody else holds: unclaimed devdax devices (it claims those
 * of up to STRESS_CLAIM_MAX bytes: a claim may owe a scrub of the whole device), free region space, the devices it claimed (owners "stress-K"), hand-offs it made and objects it made
 * ("stress.N"). `write` activates the owner (dax_activate) and writes seeded bytes it keeps
 * a record of; `read` reads one record back.
 *
 * Rules checked at every step (a failure names seed, step and operation):
 *   - an operation either succeeds or refuses; a refusal leaves the state digest (stress_snap:
 *     page-allocator zones, dax tables, hand-off records, every object page's pfn, the
 *     environment's counters) exactly as it was before the operation;
 *   - an operation that cannot be refused (destroy of an idle device, claim of an unclaimed
 *     one, release, check, unpin, free of an unpinned object) succeeds unless a failure was
 *     injected during it;
 *   - after the step: every walker passes (buddy_check every `full_every` steps and at the
 *     end: it visits every page; dax_check, hotplug_check, memobj_verify, the environment's
 *     check, exact accounting total = free + isolated + owners and movable pages = pages of
 *     movable objects at every step), every object's contents are intact, every write record
 *     of a mapped device reads back, and a device just claimed and mapped reads zero (whole
 *     device up to STRESS_ZERO_FULL bytes, otherwise every byte a released record covered
 *     plus one page per 2 MiB block), and right after a release a checking owner
 *     ("stress-check") claims and maps the device and reads every byte the old owner wrote
 *     as zero, so no owner's byte is readable by another.
 * SP memory starts with whatever the firmware left (OVMF fills pages it frees with 0xaf), and a
 * release zeroes only what its owner wrote: the stress first marks every idle devdax device as
 * owed a scrub (dax_defer_scrub_device; the next claim zeroes it), so its zero checks judge only
 * what the operations left (free region space is not laundered: a start layout with free space
 * whose firmware bytes were never scrubbed fails the first claim there).
 * Fault injection is paused while checking. At the end the stress disarms every point,
 * unpins, frees its objects, releases its claims, reclaims its hand-offs and puts the
 * unclaimed devdax devices back as they were before (same size and alignment, first fit).
 * After a failure nothing is given back: the state stays as the failing step left it. */
#ifndef SPMK_MM_STRESS_H
#define SPMK_MM_STRESS_H

#include "lib/out.h"
#include "lib/prng.h"
#include "mm/buddy.h"
#include "mm/dax.h"
#include "mm/hotplug.h"
#include "mm/memobj.h"

#define STRESS_MAX_CLAIMS 8
#define STRESS_MAX_WRITES 4 /* write records kept per claim */
#define STRESS_MAX_PINS 32
#define STRESS_MAX_OBJ_PAGES 32
#define STRESS_MAX_DEV_BLOCKS 4 /* devices it creates: 1..4 blocks of 2 MiB */
#define STRESS_ZERO_FULL (8 * MiB)
#define STRESS_MAX_DEVICES DAX_INIT_DEVICES /* device slots stress operates on (the first ones) */
#define STRESS_CLAIM_MAX (64 * MiB) /* larger devices are not claimed: a claim may zero it all */
#define STRESS_RECENT 32            /* released records that must read zero after the next claim */
#define STRESS_ENV_WORDS 4

enum stress_op {
	STRESS_CREATE,
	STRESS_DESTROY,
	STRESS_CLAIM,
	STRESS_MAP,
	STRESS_WRITE,
	STRESS_READ,
	STRESS_RELEASE,
	STRESS_HANDOFF,
	STRESS_HANDOFF_UNMOVABLE,
	STRESS_RECLAIM,
	STRESS_RECLAIM_PARTIAL,
	STRESS_FILL,
	STRESS_CHECK,
	STRESS_PIN,
	STRESS_UNPIN,
	STRESS_FREE,
	STRESS_FAULT,
	STRESS_NOPS
};

struct stress_ops {
	/* Copy len bytes to/from window address va of a device mapped for the active owner. */
	void (*write)(void *ctx, uint64_t va, const void *src, size_t len);
	void (*read)(void *ctx, uint64_t va, void *dst, size_t len);
	/* Counters a refused operation must leave unchanged (page-table pages, ...); may be NULL. */
	void (*env)(void *ctx, uint64_t out[STRESS_ENV_WORDS]);
	/* The environment's own invariants; ST_INVALID after printing why. May be NULL. */
	status_t (*check)(void *ctx, struct out *out);
	/* A monotonic clock in ms, for the bounded waits of a run on every CPU (mm/stress_mp.h);
	 * may be NULL (then a barrier waits for ever). */
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
};

struct stress_world {
	struct buddy *b;
	struct dax *dax;
	struct memobj_set *objs;
	struct hotplug *hp;
	const struct stress_ops *ops;
	struct out *log; /* refusals of the operations themselves (may be a discarding sink) */
	struct out *out; /* where a failure is explained */
};

/* Digest of everything a refused operation must leave as it was. */
struct stress_snap {
	uint64_t zones, dax, hotplug, objects;
	uint64_t env[STRESS_ENV_WORDS];
};

struct stress_write {
	uint64_t off, seed;
	uint32_t len;
};

struct stress_claim {
	bool used, fresh; /* fresh: claimed, not yet read back as zero */
	uint32_t dev;
	struct dax_handle h;
	char owner[16];
	unsigned nw;
	struct stress_write w[STRESS_MAX_WRITES];
};

struct stress {
	struct stress_world w;
	struct prng rng;
	uint64_t seed, step, steps;
	unsigned full_every; /* buddy_check period in steps (1: every step) */
	struct stress_claim claim[STRESS_MAX_CLAIMS];
	struct {
		unsigned slot;
		uint64_t index;
	} pin[STRESS_MAX_PINS];
	unsigned npins;
	bool handed[STRESS_MAX_DEVICES]; /* system-ram devices this stress handed off */
	struct {
		uint64_t pa, len;
	} recent[STRESS_RECENT]; /* released bytes, must read zero */
	unsigned nrecent, recent_next;
	struct {
		uint32_t region;
		uint64_t base, size, align;
	} initial[STRESS_MAX_DEVICES];
	unsigned ninitial;
	uint64_t next_obj;
	uint64_t done[STRESS_NOPS], refused[STRESS_NOPS];
	uint64_t injected; /* failures injected during operations */
	enum stress_op failed_op;
	bool failed;
	uint8_t buf[4096], want[4096];
};

/* The name of op ("claim", "hand-off", ...). */
const char *stress_op_name(enum stress_op op);

/* Digest of w's state (page allocator zones, dax tables, hand-off records, object pages). */
void stress_snap_take(const struct stress_world *w, struct stress_snap *s);
/* ST_OK when equal; otherwise prints which parts differ to out and returns ST_INVALID. */
status_t stress_snap_compare(const struct stress_snap *a, const struct stress_snap *b,
			     struct out *out);
/* Every walker over w (buddy_check when full), exact accounting and every object's contents.
 * Prints each violation. Errors: ST_INVALID. */
status_t stress_check_world(const struct stress_world *w, bool full);

/* Prepares a run of `steps` steps from seed (remembers the unclaimed devdax layout). */
void stress_init(struct stress *s, const struct stress_world *w, uint64_t steps, uint64_t seed);
/* One random step and its checks. ST_OK, or ST_INVALID after printing (to w->out) the seed,
 * step, operation and what was wrong; s->failed_op is that operation. */
status_t stress_step(struct stress *s);
/* Disarms faults and gives back everything the stress holds (see above). ST_INVALID (printed)
 * when the cleanup or the final full check fails. */
status_t stress_finish(struct stress *s);
/* stress_init, the steps and stress_finish; prints "stress: N steps, seed S: pass" or the
 * failure. Errors: ST_INVALID. */
status_t stress_run(struct stress *s, const struct stress_world *w, uint64_t steps, uint64_t seed);

#endif
