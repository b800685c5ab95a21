/* SPDX-License-Identifier: BSD-2-Clause */
/* numa_present.c - what the machine really holds (see numa.h): the fallback node's CPUs and
 * memory, and hot-pluggable SRAT ranges split into present and possible parts. */
#include "acpi/numa.h"

#include "lib/kstring.h"

void numa_fallback_cpus(struct numa_topology *t, const struct madt_info *madt)
{
	if (!t || t->from_srat || !madt)
		return;
	for (uint32_t i = 0; i < madt->n_cpus && t->n_cpus < NUMA_MAX_CPUS; i++)
		t->cpus[t->n_cpus++] =
			(struct numa_cpu){ madt->cpus[i].apic_id, 0, madt->cpus[i].x2apic };
	if (t->n_cpus)
		t->nodes[0].has_cpu = true;
}

static bool present_ok(const struct range *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].base >= p[i].end || (i && p[i - 1].end > p[i].base))
			return false;
	return true;
}

/* Whether addr is present, and where that stops being so (at most end). */
static bool present_run(const struct range *p, size_t n, uint64_t addr, uint64_t end,
			uint64_t *stop)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].end <= addr)
			continue;
		if (p[i].base > addr) {
			*stop = MIN(end, p[i].base);
			return false;
		}
		uint64_t e = p[i].end;
		while (i + 1 < n && p[i + 1].base == e)
			e = p[++i].end;
		*stop = MIN(end, e);
		return true;
	}
	*stop = end;
	return false;
}

static status_t fallback_memory(struct numa_topology *t, const struct range *p, size_t n,
				struct out *log)
{
	for (size_t i = 0; i < n; i++) {
		struct numa_range *last = t->n_ranges ? &t->ranges[t->n_ranges - 1] : 0;
		if (last && last->node == 0 && !last->flags && last->r.end == p[i].base) {
			last->r.end = p[i].end;
			continue;
		}
		if (numa_add_range(t, 0, p[i].base, p[i].end, 0) != ST_OK) {
			out_log(log, LOG_ERR,
				"numa: more than %u memory ranges for node 0; [0x%llx, "
				"0x%llx) and above not shown",
				NUMA_MAX_RANGES, (unsigned long long)p[i].base,
				(unsigned long long)p[i].end);
			return ST_NOMEM;
		}
	}
	return ST_OK;
}

static status_t split_hotplug(struct numa_topology *t, const struct range *p, size_t n,
			      struct out *log)
{
	for (uint32_t i = 0; i < t->n_ranges; i++) {
		struct numa_range *r = &t->ranges[i];
		if (!(r->flags & NUMA_MEM_HOTPLUG))
			continue;
		uint64_t stop;
		bool present = present_run(p, n, r->r.base, r->r.end, &stop);
		if (stop < r->r.end) {
			if (t->n_ranges >= NUMA_MAX_RANGES) {
				out_log(log, LOG_ERR,
					"numa: more than %u memory ranges; hot-pluggable "
					"[0x%llx, 0x%llx) not split into present and possible "
					"memory",
					NUMA_MAX_RANGES, (unsigned long long)r->r.base,
					(unsigned long long)r->r.end);
				return ST_NOMEM;
			}
			memmove(r + 2, r + 1, (t->n_ranges - i - 1) * sizeof *r);
			t->n_ranges++;
			r[1] = *r;
			r[1].r.base = stop;
			r->r.end = stop;
		}
		if (!present)
			r->flags |= NUMA_MEM_POSSIBLE;
	}
	return ST_OK;
}

status_t numa_set_present(struct numa_topology *t, const struct range *present, size_t n,
			  struct out *log)
{
	if (!t || (!present && n) || !present_ok(present, n))
		return ST_INVALID;
	return t->from_srat ? split_hotplug(t, present, n, log)
			    : fallback_memory(t, present, n, log);
}
