/* SPDX-License-Identifier: BSD-2-Clause */
/* stress.c - the stress engine's core (model in stress.h): judging attempts, choosing
 * targets, reading device memory back, and the step loop with its start and cleanup. The
 * operations themselves are in stress_ops.c, the digest and walkers in stress_check.c. */
#include "mm/stress_internal.h"

static const char *const op_names[STRESS_NOPS] = {
	[STRESS_CREATE] = "create-device",
	[STRESS_DESTROY] = "destroy-device",
	[STRESS_CLAIM] = "claim",
	[STRESS_MAP] = "map",
	[STRESS_WRITE] = "write",
	[STRESS_READ] = "read",
	[STRESS_RELEASE] = "release",
	[STRESS_HANDOFF] = "hand-off",
	[STRESS_HANDOFF_UNMOVABLE] = "hand-off --unmovable",
	[STRESS_RECLAIM] = "reclaim",
	[STRESS_RECLAIM_PARTIAL] = "partial reclaim",
	[STRESS_FILL] = "mem fill",
	[STRESS_CHECK] = "mem check",
	[STRESS_PIN] = "mem pin",
	[STRESS_UNPIN] = "mem unpin",
	[STRESS_FREE] = "mem free",
	[STRESS_FAULT] = "fault inject",
};

const char *stress_op_name(enum stress_op op)
{
	return (unsigned)op < STRESS_NOPS ? op_names[op] : "cleanup";
}

status_t stress_fail(struct stress *s, enum stress_op op, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	out_printf(s->w.out, "stress: seed %llu, step %llu, %s: FAILED: %s\n",
		   (unsigned long long)s->seed, (unsigned long long)s->step, stress_op_name(op),
		   why);
	s->failed = true;
	s->failed_op = op;
	return ST_INVALID;
}

void stress_attempt_begin(struct stress *s, struct stress_attempt *a, enum stress_op op)
{
	bool was = fault_pause(true);
	a->op = op;
	stress_snap_take(&s->w, &a->before);
	a->injected = fault_injected_total();
	fault_pause(was);
}

status_t stress_attempt_end(struct stress *s, struct stress_attempt *a, status_t st, bool must)
{
	uint64_t inj = fault_injected_total() - a->injected;
	s->injected += inj;
	if (st == ST_OK)
		return ST_OK;
	s->refused[a->op]++;
	if (must && !inj)
		return stress_fail(s, a->op, "refused (%s) with no failure injected",
				   status_str(st));
	struct stress_snap after;
	bool was = fault_pause(true);
	stress_snap_take(&s->w, &after);
	fault_pause(was);
	if (stress_snap_compare(&a->before, &after, s->w.out) != ST_OK)
		return stress_fail(
			s, a->op,
			"refused (%s, %llu failure(s) injected) but changed the state above",
			status_str(st), (unsigned long long)inj);
	return ST_OK;
}

bool stress_pick_dev(struct stress *s, bool (*pred)(const struct stress *, uint32_t), uint32_t *out)
{
	uint32_t cand[STRESS_MAX_DEVICES], n = 0;
	for (uint32_t i = 0; i < STRESS_MAX_DEVICES && i < s->w.dax->cap_devices; i++)
		if (dax_device_get(s->w.dax, i) && pred(s, i))
			cand[n++] = i;
	if (!n)
		return false;
	*out = cand[prng_below(&s->rng, n)];
	return true;
}

bool stress_obj_ours(const struct memobj *o) { return o && strncmp(o->name, "stress.", 7) == 0; }

bool stress_pick_obj(struct stress *s, bool movable_only, unsigned *slot)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->w.objs->cap; i++) {
		const struct memobj *o = memobj_get(s->w.objs, i);
		n += stress_obj_ours(o) && (!movable_only || o->movable);
	}
	if (!n)
		return false;
	unsigned k = (unsigned)prng_below(&s->rng, n); /* the k-th candidate, in slot order */
	for (unsigned i = 0;; i++) {
		const struct memobj *o = memobj_get(s->w.objs, i);
		if (stress_obj_ours(o) && (!movable_only || o->movable) && k-- == 0) {
			*slot = i;
			return true;
		}
	}
}

status_t stress_activate(struct stress *s, enum stress_op op, unsigned k)
{
	if (strcmp(s->w.dax->active, s->claim[k].owner) == 0)
		return ST_OK;
	struct stress_attempt a;
	stress_attempt_begin(s, &a, op);
	status_t st = dax_activate(s->w.dax, s->claim[k].owner);
	if (stress_attempt_end(s, &a, st, false) != ST_OK)
		return ST_INVALID;
	return st == ST_OK ? ST_OK : STRESS_SKIP;
}

/* The bytes of write record w (a function of its seed). */
static void stress_pattern(uint8_t *buf, const struct stress_write *w)
{
	struct prng r;
	prng_seed(&r, w->seed);
	for (uint32_t i = 0; i < w->len; i += 8) {
		uint64_t v = prng_next(&r);
		memcpy(buf + i, &v, MIN(8u, w->len - i));
	}
}

status_t stress_verify_claim(struct stress *s, enum stress_op op, unsigned k)
{
	struct stress_claim *c = &s->claim[k];
	for (unsigned i = 0; i < c->nw; i++) {
		uint64_t va;
		status_t st = dax_access_ptr(s->w.dax, c->h, c->w[i].off, c->w[i].len, &va);
		if (st != ST_OK)
			return stress_fail(s, op, "record %u of %s: no access (%s)", i, c->owner,
					   status_str(st));
		s->w.ops->read(s->w.ops->ctx, va, s->buf, c->w[i].len);
		stress_pattern(s->want, &c->w[i]);
		if (memcmp(s->buf, s->want, c->w[i].len) != 0)
			return stress_fail(
				s, op, "%s's %u bytes at offset 0x%llx of device index %u changed",
				c->owner, c->w[i].len, (unsigned long long)c->w[i].off, c->dev);
	}
	return ST_OK;
}

/* [off, off+len) of claim k reads zero. */
static status_t zero_at(struct stress *s, enum stress_op op, unsigned k, uint64_t off, uint64_t len)
{
	struct stress_claim *c = &s->claim[k];
	while (len) {
		uint64_t n = MIN(len, sizeof s->buf), va, any = 0;
		if (dax_access_ptr(s->w.dax, c->h, off, n, &va) != ST_OK)
			return stress_fail(s, op, "no access to offset 0x%llx of device index %u",
					   (unsigned long long)off, c->dev);
		s->w.ops->read(s->w.ops->ctx, va, s->buf, n);
		for (uint64_t i = 0; i < n; i++)
			any |= s->buf[i];
		if (any)
			return stress_fail(
				s, op,
				"new owner %s reads earlier bytes at offset 0x%llx of device "
				"index %u",
				c->owner, (unsigned long long)off, c->dev);
		off += n;
		len -= n;
	}
	return ST_OK;
}

status_t stress_verify_zero(struct stress *s, enum stress_op op, unsigned k)
{
	const struct dax_device *x = dax_device_get(s->w.dax, s->claim[k].dev);
	status_t st = ST_OK;
	s->claim[k].fresh = false;
	for (unsigned i = 0; i < s->nrecent && st == ST_OK; i++)
		if (s->recent[i].pa >= x->base &&
		    s->recent[i].pa + s->recent[i].len <= x->base + x->size) {
			st = zero_at(s, op, k, s->recent[i].pa - x->base, s->recent[i].len);
			s->recent[i] = s->recent[--s->nrecent];
			i--;
		}
	if (x->size <= STRESS_ZERO_FULL)
		return st == ST_OK ? zero_at(s, op, k, 0, x->size) : st;
	for (uint64_t b = 0; b < x->size && st == ST_OK; b += SIZE_2M) {
		uint64_t pages = bytes_to_pages(MIN(SIZE_2M, x->size - b));
		st = zero_at(s, op, k, b + pages_to_bytes(prng_below(&s->rng, pages)), PAGE_SIZE);
	}
	return st;
}

status_t stress_verify_released(struct stress *s, unsigned k)
{
	struct stress_claim *c = &s->claim[k], probe;
	char active[DAX_OWNER_MAX + 1];
	bool was = fault_pause(true);
	memcpy(active, s->w.dax->active, sizeof active);
	memset(&probe, 0, sizeof probe);
	fmt_snprintf(probe.owner, sizeof probe.owner, "stress-check");
	probe.dev = c->dev;
	status_t st = dax_claim(s->w.dax, c->dev, probe.owner, &probe.h);
	if (st == ST_OK && (st = dax_activate(s->w.dax, probe.owner)) == ST_OK)
		st = dax_map(s->w.dax, probe.h);
	if (st != ST_OK) {
		fault_pause(was);
		return stress_fail(s, STRESS_RELEASE,
				   "the checking owner cannot claim and map device index %u: %s",
				   c->dev, status_str(st));
	}
	struct stress_claim saved = s->claim[k];
	s->claim[k] = probe;
	for (unsigned i = 0; i < saved.nw && st == ST_OK; i++)
		st = zero_at(s, STRESS_RELEASE, k, saved.w[i].off, saved.w[i].len);
	s->claim[k] = saved;
	if (st == ST_OK) {
		CHECK_OK(dax_release(s->w.dax, probe.h));
		st = dax_activate(s->w.dax, active);
		if (st != ST_OK)
			stress_fail(s, STRESS_RELEASE, "owner '%s' cannot be made active again: %s",
				    active, status_str(st));
	}
	fault_pause(was);
	return st;
}

/* Per-step model checks: our claims are still ours, the active owner's records read back. */
static status_t check_model(struct stress *s, enum stress_op op)
{
	for (unsigned k = 0; k < STRESS_MAX_CLAIMS; k++) {
		struct stress_claim *c = &s->claim[k];
		if (!c->used)
			continue;
		const struct dax_device *x = dax_device_get(s->w.dax, c->dev);
		if (!x || x->state == DAX_UNCLAIMED || x->gen != c->h.gen ||
		    strcmp(x->owner, c->owner))
			return stress_fail(s, op, "claim of device index %u by %s was lost", c->dev,
					   c->owner);
		if (x->live && stress_verify_claim(s, op, k) != ST_OK)
			return ST_INVALID;
	}
	for (unsigned i = 0; i < s->npins; i++) {
		const struct memobj *o = memobj_get(s->w.objs, s->pin[i].slot);
		if (!stress_obj_ours(o) || o->pinned == 0)
			return stress_fail(s, op, "pin of object slot %u page %llu was lost",
					   s->pin[i].slot, (unsigned long long)s->pin[i].index);
	}
	return ST_OK;
}

/* SP memory holds whatever the firmware left there at boot (OVMF fills pages it frees with
 * 0xaf), which is nobody's data but not zero, and a release zeroes only what its owner wrote:
 * every idle devdax device is marked as owed a scrub (dax_defer_scrub_device), so the zero
 * checks see only what the operations left. */
static void scrub_idle(struct stress *s)
{
	for (uint32_t i = 0; i < s->w.dax->cap_devices; i++) {
		const struct dax_device *x = dax_device_get(s->w.dax, i);
		if (x && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED)
			CHECK_OK(dax_defer_scrub_device(s->w.dax,
							i)); /* idle devdax: cannot be refused */
	}
}

void stress_init(struct stress *s, const struct stress_world *w, uint64_t steps, uint64_t seed)
{
	unsigned every = s->full_every ? s->full_every : 1;
	memset(s, 0, sizeof *s);
	s->w = *w;
	s->full_every = every;
	s->seed = seed;
	s->steps = steps;
	prng_seed(&s->rng, seed);
	for (uint32_t i = 0; i < w->dax->cap_devices && s->ninitial < STRESS_MAX_DEVICES; i++) {
		const struct dax_device *x = dax_device_get(w->dax, i);
		if (x && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED)
			s->initial[s->ninitial++] =
				(typeof(s->initial[0])){ x->region, x->base, x->size, x->align };
	}
	bool was = fault_pause(true);
	scrub_idle(s);
	fault_pause(was);
}

status_t stress_step(struct stress *s)
{
	s->step++;
	status_t st = STRESS_SKIP;
	enum stress_op op = STRESS_FAULT;
	for (unsigned tries = 0; tries < 16 && st == STRESS_SKIP; tries++) {
		op = (enum stress_op)prng_below(&s->rng, STRESS_NOPS);
		st = stress_do(s, op);
	}
	if (st == ST_INVALID || s->failed)
		return ST_INVALID;
	if (st == ST_OK)
		s->done[op]++;
	bool full = s->step % s->full_every == 0;
	bool was = fault_pause(true);
	st = stress_check_world(&s->w, full);
	if (st != ST_OK)
		stress_fail(s, op, "a walker failed after the operation (above)");
	else
		st = check_model(s, op);
	fault_pause(was);
	return st;
}
