/* SPDX-License-Identifier: BSD-2-Clause */
/* fault.c - fault-injection counters (see fault.h). Any CPU may reach a point: the counters
 * of all points are kept under one leaf lock (it nests inside any other and takes none). */
#include "lib/fault.h"

#include "lib/kstring.h"
#include "lib/spinlock.h"

static struct spinlock fault_lock = SPINLOCK_INIT("fault", LOCK_RANK_NONE);

/* Each point's short name and the resource it stands for. */
static const struct {
	const char *name, *what;
} fault_points[FAULT_NPOINTS] = {
	[FAULT_PT_ALLOC] = { "pt", "page-table page" },
	[FAULT_KHEAP] = { "kheap", "kernel-heap allocation" },
	[FAULT_META] = { "meta", "hand-off metadata pages" },
	[FAULT_MIGRATE_DEST] = { "migrate", "migration destination block" },
	[FAULT_OBJ_PAGE] = { "page", "memory-object page" },
	[FAULT_SLOT] = { "slot", "fixed-table entry" },
};

static struct fault_counters fault_table[FAULT_NPOINTS];
static bool fault_paused;

bool fault_hit(enum fault_point p)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return false;
	spin_lock(&fault_lock);
	struct fault_counters *c = &fault_table[p];
	bool hit = false;
	if (!fault_paused) {
		c->uses++;
		if (c->armed && c->skip) {
			c->skip--;
		} else if (c->armed) {
			c->armed--;
			c->injected++;
			hit = true;
		}
	}
	spin_unlock(&fault_lock);
	return hit;
}

status_t fault_arm_after(enum fault_point p, uint32_t skip, uint32_t n)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return ST_INVALID;
	spin_lock(&fault_lock);
	fault_table[p].armed = n;
	fault_table[p].skip = n ? skip : 0;
	spin_unlock(&fault_lock);
	return ST_OK;
}

status_t fault_arm(enum fault_point p, uint32_t n) { return fault_arm_after(p, 0, n); }

void fault_disarm_all(void)
{
	spin_lock(&fault_lock);
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		fault_table[i].armed = fault_table[i].skip = 0;
	spin_unlock(&fault_lock);
}

bool fault_any_armed(void)
{
	bool any = false;
	spin_lock(&fault_lock);
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		any |= fault_table[i].armed != 0;
	spin_unlock(&fault_lock);
	return any;
}

uint64_t fault_injected_total(void)
{
	uint64_t n = 0;
	spin_lock(&fault_lock);
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		n += fault_table[i].injected;
	spin_unlock(&fault_lock);
	return n;
}

bool fault_pause(bool paused)
{
	spin_lock(&fault_lock);
	bool was = fault_paused;
	fault_paused = paused;
	spin_unlock(&fault_lock);
	return was;
}

void fault_reset(void)
{
	spin_lock(&fault_lock);
	memset(fault_table, 0, sizeof fault_table);
	fault_paused = false;
	spin_unlock(&fault_lock);
}

struct fault_counters fault_counters(enum fault_point p)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return (struct fault_counters){ 0 };
	spin_lock(&fault_lock);
	struct fault_counters c = fault_table[p];
	spin_unlock(&fault_lock);
	return c;
}

const char *fault_name(enum fault_point p)
{
	return (unsigned)p < FAULT_NPOINTS ? fault_points[p].name : "?";
}

const char *fault_what(enum fault_point p)
{
	return (unsigned)p < FAULT_NPOINTS ? fault_points[p].what : "?";
}

status_t fault_lookup(const char *name, enum fault_point *out)
{
	for (unsigned i = 0; i < FAULT_NPOINTS; i++) {
		if (strcmp(name, fault_points[i].name) == 0) {
			*out = (enum fault_point)i;
			return ST_OK;
		}
	}
	return ST_NOTFOUND;
}
