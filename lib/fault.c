/* fault.c - fault-injection counters (see fault.h). */
#include "lib/fault.h"

#include "lib/kstring.h"

static const char *const fault_names[FAULT_NPOINTS] = {
	[FAULT_PT_ALLOC] = "pt",
	[FAULT_KHEAP] = "kheap",
	[FAULT_META] = "meta",
	[FAULT_MIGRATE_DEST] = "migrate",
};

static struct fault_counters fault_table[FAULT_NPOINTS];

bool fault_hit(enum fault_point p)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return false;
	struct fault_counters *c = &fault_table[p];
	c->uses++;
	if (c->armed == 0)
		return false;
	c->armed--;
	c->injected++;
	return true;
}

status_t fault_arm(enum fault_point p, uint32_t n)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return ST_INVALID;
	fault_table[p].armed = n;
	return ST_OK;
}

void fault_reset(void)
{
	memset(fault_table, 0, sizeof fault_table);
}

struct fault_counters fault_counters(enum fault_point p)
{
	if ((unsigned)p >= FAULT_NPOINTS)
		return (struct fault_counters){ 0 };
	return fault_table[p];
}

const char *fault_name(enum fault_point p)
{
	return (unsigned)p < FAULT_NPOINTS ? fault_names[p] : "?";
}

status_t fault_lookup(const char *name, enum fault_point *out)
{
	for (unsigned i = 0; i < FAULT_NPOINTS; i++) {
		if (strcmp(name, fault_names[i]) == 0) {
			*out = (enum fault_point)i;
			return ST_OK;
		}
	}
	return ST_NOTFOUND;
}
