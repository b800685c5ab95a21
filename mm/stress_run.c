/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_run.c - a whole stress run (stress.h): quiet the modules' refusal logs, run the
 * steps, then give back everything the stress holds and put the unclaimed devdax layout back.
 * Cleanup order: disarm, unpin, free objects, release claims, reclaim hand-offs, destroy the
 * idle devdax devices and re-create the ones that existed at the start (first fit, in
 * address order: the same places when the start layout had no holes, as after boot). */
#include "mm/stress_internal.h"

static status_t finish_objects(struct stress *s)
{
	for (unsigned i = 0; i < s->npins; i++)
		if (memobj_unpin(s->w.objs, s->pin[i].slot, s->pin[i].index) != ST_OK)
			return stress_fail(s, STRESS_NOPS, "unpin of slot %u page %llu",
					   s->pin[i].slot, (unsigned long long)s->pin[i].index);
	s->npins = 0;
	for (unsigned slot = 0; slot < s->w.objs->cap; slot++)
		if (stress_obj_ours(memobj_get(s->w.objs, slot)) &&
		    memobj_free(s->w.objs, slot) != ST_OK)
			return stress_fail(s, STRESS_NOPS, "free of object slot %u", slot);
	return ST_OK;
}

static status_t finish_devices(struct stress *s)
{
	for (unsigned k = 0; k < STRESS_MAX_CLAIMS; k++)
		if (s->claim[k].used && dax_release(s->w.dax, s->claim[k].h) != ST_OK)
			return stress_fail(s, STRESS_NOPS, "release of %s", s->claim[k].owner);
	memset(s->claim, 0, sizeof s->claim);
	dax_activate(s->w.dax, NULL); /* unmapping needs no memory */
	for (uint32_t i = 0; i < STRESS_MAX_DEVICES; i++)
		if (s->handed[i] && hotplug_reclaim(s->w.hp, i, 0, 0) != ST_OK)
			out_printf(s->w.out,
				   "stress: note: device index %u stays system-ram (an unmovable "
				   "hand-off now holds kernel pages)\n",
				   i);
	for (uint32_t i = 0; i < s->w.dax->cap_devices; i++) {
		const struct dax_device *x = dax_device_get(s->w.dax, i);
		if (x && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED)
			CHECK_OK(dax_destroy_device(s->w.dax,
						    i)); /* idle devdax: cannot be refused */
	}
	for (unsigned i = 0; i < s->ninitial; i++) {
		uint32_t dev;
		if (dax_create_device(s->w.dax, s->initial[i].region, s->initial[i].size,
				      s->initial[i].align, &dev) != ST_OK)
			out_printf(s->w.out,
				   "stress: note: cannot re-create the device of 0x%llx bytes at "
				   "0x%llx\n",
				   (unsigned long long)s->initial[i].size,
				   (unsigned long long)s->initial[i].base);
		else if (dax_device_get(s->w.dax, dev)->base != s->initial[i].base)
			out_printf(s->w.out,
				   "stress: note: the device of 0x%llx bytes that was at 0x%llx is "
				   "now at 0x%llx\n",
				   (unsigned long long)s->initial[i].size,
				   (unsigned long long)s->initial[i].base,
				   (unsigned long long)dax_device_get(s->w.dax, dev)->base);
	}
	return ST_OK;
}

status_t stress_finish(struct stress *s)
{
	fault_disarm_all();
	if (finish_objects(s) != ST_OK || finish_devices(s) != ST_OK)
		return ST_INVALID;
	if (stress_check_world(&s->w, true) != ST_OK)
		return stress_fail(s, STRESS_NOPS, "a walker failed after the cleanup (above)");
	return ST_OK;
}

/* The modules explain refusals to their own logs; during a run they go to w->log. */
struct stress_logs {
	struct out *dax, *objs, *hp;
};

static void logs_swap(struct stress *s, struct stress_logs *save, bool quiet)
{
	if (quiet) {
		*save = (struct stress_logs){ s->w.dax->log, s->w.objs->log, s->w.hp->log };
		s->w.dax->log = s->w.objs->log = s->w.hp->log = s->w.log;
	} else {
		s->w.dax->log = save->dax;
		s->w.objs->log = save->objs;
		s->w.hp->log = save->hp;
	}
}

status_t stress_run(struct stress *s, const struct stress_world *w, uint64_t steps, uint64_t seed)
{
	struct stress_logs save;
	stress_init(s, w, steps, seed);
	logs_swap(s, &save, true);
	status_t st = ST_OK;
	while (st == ST_OK && s->step < steps)
		st = stress_step(s);
	fault_disarm_all();
	if (st == ST_OK && !s->failed)
		st = stress_finish(s);
	logs_swap(s, &save, false);
	if (st != ST_OK || s->failed) {
		out_printf(
			w->out,
			"stress: %llu steps, seed %llu: FAILED at step %llu (%s); rerun with the "
			"same seed from the same state to reproduce\n",
			(unsigned long long)steps, (unsigned long long)seed,
			(unsigned long long)s->step, stress_op_name(s->failed_op));
		return ST_INVALID;
	}
	out_printf(w->out, "stress: %llu steps, seed %llu: pass\n", (unsigned long long)steps,
		   (unsigned long long)seed);
	return ST_OK;
}
