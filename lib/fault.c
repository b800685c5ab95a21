/* SPDX-License-Identifier: BSD-2-Clause */
/* fault.c - fault-injection counters (see fault.h). */
#include "lib/fault.h"

#include "lib/kstring.h"

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
	if ((unsigned)p >= FAULT_NPOINTS || fault_paused)
		return false;
	struct fault_counters *c = &fault_table[p];
	c->uses++;
	if (c->armed == 0)
		return false;
	if (c->skip) {
		c->skip--;
		return false;
	}
	c->armed--;
	c->injected++;
	return true;
}

status_t fault_arm_after(enum fault_point p, uint32_t skip, uint32_t n)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return ST_INVALID;
	fault_table[p].armed = n;
	fault_table[p].skip = n ? skip : 0;
	return ST_OK;
}

status_t fault_arm(enum fault_point p, uint32_t n)
{
	return fault_arm_after(p, 0, n);
}

void fault_disarm_all(void)
{
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		fault_table[i].armed = fault_table[i].skip = 0;
}

bool fault_any_armed(void)
{
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		if (fault_table[i].armed)
			return true;
	return false;
}

uint64_t fault_injected_total(void)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < FAULT_NPOINTS; i++)
		n += fault_table[i].injected;
	return n;
}

bool fault_pause(bool paused)
{
	bool was = fault_paused;
	fault_paused = paused;
	return was;
}

void fault_reset(void)
{
	memset(fault_table, 0, sizeof fault_table);
	fault_paused = false;
}

struct fault_counters fault_counters(enum fault_point p)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return (struct fault_counters){ 0 };
	return fault_table[p];
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
