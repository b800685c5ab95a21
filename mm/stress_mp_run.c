/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_mp_run.c - a stress run on every CPU (stress_mp.h): the start (contended devices,
 * per-CPU streams, quiet module logs), each CPU's step loop, the barrier where CPU 0 checks
 * the whole world with every CPU stopped, each CPU's cleanup and the summary. */
#include "mm/stress_mp_internal.h"

#include "lib/spinlock.h"

static struct {
	struct out *dax, *objs, *hp;
} saved_logs; /* one run at a time */

int stress_mp_top_node(const struct stress_mp *m)
{
	int top = 0;
	for (unsigned n = 0; n < BUDDY_MAX_NODES; n++)
		if (m->w.b->zone[n][0].st.total || m->w.b->zone[n][1].st.total)
			top = (int)n;
	return top;
}

status_t stress_mp_init(struct stress_mp *m, const struct stress_world *w, unsigned ncpus,
			uint64_t steps, uint64_t seed, unsigned every, unsigned full_every)
{
	if (!ncpus || ncpus > STRESS_MP_MAX_CPUS || !steps)
		return ST_INVALID;
	memset(m, 0, sizeof *m);
	m->w = *w;
	m->seed = seed;
	m->steps = steps;
	m->ncpus = ncpus;
	m->every = every ? every : 100;
	m->full_every = full_every ? full_every : 1;
	for (uint32_t i = 0; i < dax_device_slots(w->dax) && m->ndev < STRESS_MP_DEVS; i++) {
		const struct dax_device *x = dax_device_get(w->dax, i);
		if (x && x->used && x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED &&
		    x->size <= STRESS_CLAIM_MAX)
			m->dev[m->ndev++] = i;
	}
	for (unsigned k = 0; k < ncpus; k++)
		prng_seed(&m->cpu[k].rng, seed + k * STRESS_MP_STREAM);
	saved_logs.dax = w->dax->log;
	saved_logs.objs = w->objs->log;
	saved_logs.hp = w->hp->log;
	w->dax->log = w->objs->log = w->hp->log = w->log; /* thousands of expected refusals */
	return ST_OK;
}

static bool abandoned(const struct stress_mp *m)
{
	return __atomic_load_n(&m->abandoned, __ATOMIC_ACQUIRE);
}

static uint64_t now_ms(const struct stress_mp *m)
{
	return m->w.ops && m->w.ops->now_ms ? m->w.ops->now_ms(m->w.ops->ctx) : 0;
}

/* CPU k waited wait_ms at its barrier `bar`: abandons the run when a CPU other than 0 has not
 * reached it (naming them all), and returns whether the run is abandoned now. */
static bool abandon(struct stress_mp *m, unsigned k, unsigned bar)
{
	char late[STRESS_MP_WHY];
	size_t n = 0;
	late[0] = '\0';
	for (unsigned j = 1; j < m->ncpus && n + 8 < sizeof late; j++)
		if (__atomic_load_n(&m->cpu[j].bars, __ATOMIC_ACQUIRE) < bar)
			n += (size_t)fmt_snprintf(late + n, sizeof late - n, "%s%u", n ? ", " : "",
						  j);
	if (!n)
		return abandoned(m); /* only CPU 0 is late: it is checking, never waited out */
	bool no = false;
	if (__atomic_compare_exchange_n(&m->abandoned, &no, true, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		fmt_snprintf(
			m->why_abandoned, sizeof m->why_abandoned,
			"stress: seed %llu: cpu %s did not reach barrier %u, nor step, within %llu "
			"ms (cpu %u waited): run abandoned, every CPU gives back what it holds",
			(unsigned long long)m->seed, late, bar, (unsigned long long)m->wait_ms, k);
		__atomic_store_n(&m->failed, true, __ATOMIC_RELEASE);
	}
	return true;
}

/* Steps and barriers of every CPU but 0 so far: a CPU that still steps is slow, not gone. */
static uint64_t progress(const struct stress_mp *m)
{
	uint64_t p = 0;
	for (unsigned j = 1; j < m->ncpus; j++)
		p += __atomic_load_n(&m->cpu[j].step, __ATOMIC_RELAXED) +
		     __atomic_load_n(&m->cpu[j].bars, __ATOMIC_RELAXED);
	return p;
}

/* Every CPU of the run waits here until all have arrived: true then; false when the run is
 * abandoned (wait_ms without progress of the CPUs waited for, here or at another CPU's
 * barrier). */
static bool barrier(struct stress_mp *m, unsigned k)
{
	if (abandoned(m))
		return false;
	unsigned gen = __atomic_load_n(&m->bar_gen, __ATOMIC_ACQUIRE);
	unsigned bar = __atomic_add_fetch(&m->cpu[k].bars, 1, __ATOMIC_ACQ_REL);
	if (__atomic_add_fetch(&m->bar_count, 1, __ATOMIC_ACQ_REL) == m->ncpus) {
		__atomic_store_n(&m->bar_count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&m->bar_gen, gen + 1, __ATOMIC_RELEASE);
		return !abandoned(m);
	}
	uint64_t t0 = now_ms(m), seen = progress(m), p;
	while (__atomic_load_n(&m->bar_gen, __ATOMIC_ACQUIRE) == gen) {
		if (abandoned(m))
			return false;
		if (m->wait_ms && (p = progress(m)) != seen) {
			seen = p; /* someone stepped: the wait starts again */
			t0 = now_ms(m);
		} else if (m->wait_ms && now_ms(m) - t0 >= m->wait_ms) {
			if (abandon(m, k, bar))
				return false;
			t0 = now_ms(m);
		}
		spin_arch_relax();
	}
	return !abandoned(m);
}

static void step_one(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	enum stress_mp_op op = SMP_ALLOC;
	status_t st = STRESS_MP_SKIP;
	uint64_t refused = 0;
	for (unsigned tries = 0; tries < 16 && st == STRESS_MP_SKIP; tries++) {
		op = (enum stress_mp_op)prng_below(&c->rng, SMP_NOPS);
		refused = c->refused[op];
		st = stress_mp_do(m, k, op);
	}
	if (st == ST_OK && c->refused[op] == refused) /* judged and not refused: done */
		c->done[op]++;
	if (!c->failed)
		stress_mp_own_check(m, k, op);
}

/* CPU 0 with every CPU stopped: failures so far, the world's walkers, every CPU's model. */
static void at_barrier(struct stress_mp *m, bool last)
{
	bool full = last || m->rounds % m->full_every == 0;
	m->rounds++;
	if (!__atomic_load_n(&m->failed, __ATOMIC_ACQUIRE) &&
	    stress_check_world(&m->w, full) != ST_OK)
		stress_mp_fail(m, 0, SMP_NOPS,
			       "a walker failed at barrier %u with every CPU stopped (above)",
			       m->rounds);
	for (unsigned k = 0; k < m->ncpus && !m->failed; k++)
		stress_mp_own_check(m, k, SMP_NOPS);
	m->stop = last || __atomic_load_n(&m->failed, __ATOMIC_ACQUIRE);
}

/* CPU k gives back its pins, objects, blocks and claims; none of these may be refused. */
static void give_back(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	for (; c->npins; c->npins--)
		if (memobj_unpin(m->w.objs, c->obj[c->pin[c->npins - 1].obj].slot,
				 c->pin[c->npins - 1].index))
			stress_mp_fail(m, k, SMP_NOPS, "unpin of '%s'",
				       c->obj[c->pin[c->npins - 1].obj].name);
	for (unsigned i = 0; i < STRESS_MP_OBJS; i++)
		if (c->obj[i].used && memobj_free(m->w.objs, c->obj[i].slot) != ST_OK)
			stress_mp_fail(m, k, SMP_NOPS, "free of '%s'", c->obj[i].name);
		else
			c->obj[i].used = false;
	for (; c->nblk; c->nblk--)
		if (buddy_free(m->w.b, c->blk[c->nblk - 1].pfn, c->blk[c->nblk - 1].order) != ST_OK)
			stress_mp_fail(m, k, SMP_NOPS, "free of the block at pfn 0x%llx",
				       (unsigned long long)c->blk[c->nblk - 1].pfn.v);
	for (unsigned i = 0; i < STRESS_MP_CLAIMS; i++)
		if (c->claim[i].used && dax_release(m->w.dax, c->claim[i].h) != ST_OK)
			stress_mp_fail(m, k, SMP_NOPS, "release of %s", c->claim[i].owner);
		else
			c->claim[i].used = false;
}

/* Whether CPU k is done with its entry (stress_mp_cpu's settled): only then may another CPU
 * read more of it than its step count. */
static bool settled(const struct stress_mp *m, unsigned k)
{
	return __atomic_load_n(&m->cpu[k].settled, __ATOMIC_ACQUIRE);
}

/* CPU 0, as the run ends: why it was abandoned, and the failures of the CPUs that settled (a
 * late CPU of an abandoned run may still be writing its entry; the abandon names it). */
static void print_failures(const struct stress_mp *m)
{
	if (abandoned(m))
		out_printf(m->w.out, "%s\n", m->why_abandoned);
	for (unsigned k = 0; k < m->ncpus; k++)
		if (settled(m, k) && m->cpu[k].failed)
			out_printf(m->w.out, "%s\n", m->cpu[k].why);
}

status_t stress_mp_cpu_run(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	CHECK_OP(k, <, m->ncpus);
	while (!abandoned(m)) {
		__atomic_store_n(&c->step, c->step + 1, __ATOMIC_RELAXED); /* read by progress() */
		if (!c->failed)
			step_one(m, k);
		if (c->step % m->every && c->step < m->steps)
			continue;
		if (!barrier(m, k))
			break;
		if (k == 0)
			at_barrier(m, c->step >= m->steps);
		if (!barrier(m, k) || m->stop)
			break;
	}
	/* abandoned: nobody checks the world any more, so nothing is kept for inspection */
	if (!__atomic_load_n(&m->failed, __ATOMIC_ACQUIRE) || abandoned(m))
		give_back(m, k);
	if (k != 0) /* CPU 0 still records a failure of the final walk below */
		__atomic_store_n(&c->settled, true, __ATOMIC_RELEASE);
	bool together = barrier(m, k);
	if (k == 0) {
		if (together && !__atomic_load_n(&m->failed, __ATOMIC_ACQUIRE) &&
		    stress_check_world(&m->w, true) != ST_OK)
			stress_mp_fail(m, 0, SMP_NOPS, "a walker failed after the cleanup (above)");
		__atomic_store_n(&c->settled, true, __ATOMIC_RELEASE);
		print_failures(m);
		m->w.dax->log = saved_logs.dax;
		m->w.objs->log = saved_logs.objs;
		m->w.hp->log = saved_logs.hp;
	}
	barrier(m, k);
	return __atomic_load_n(&m->failed, __ATOMIC_ACQUIRE) ? ST_INVALID : ST_OK;
}

status_t stress_mp_report(const struct stress_mp *m)
{
	uint64_t steps = 0, done = 0, refused = 0;
	char out_cpus[STRESS_MP_WHY] = "";
	size_t nout = 0;
	for (unsigned k = 0; k < m->ncpus; k++) {
		const struct stress_mp_cpu *c = &m->cpu[k];
		uint64_t d = 0, r = 0;
		if (!settled(m, k)) { /* still in the abandoned run: its entry may change */
			out_printf(
				m->w.out,
				"stress: cpu %u: %llu steps when the run was abandoned; it has not "
				"returned, so its counts are left out\n",
				k, (unsigned long long)__atomic_load_n(&c->step, __ATOMIC_RELAXED));
			if (nout + 8 < sizeof out_cpus)
				nout += (size_t)fmt_snprintf(out_cpus + nout,
							     sizeof out_cpus - nout, "%s%u",
							     nout ? ", " : "", k);
			continue;
		}
		for (unsigned op = 0; op < SMP_NOPS; op++) {
			d += c->done[op];
			r += c->refused[op];
		}
		out_printf(m->w.out,
			   "stress: cpu %u: %llu steps, %llu operations done, %llu refused "
			   "(%llu claims of a device another CPU held)\n",
			   k, (unsigned long long)c->step, (unsigned long long)d,
			   (unsigned long long)r, (unsigned long long)c->refused[SMP_CLAIM]);
		steps += c->step;
		done += d;
		refused += r;
	}
	bool failed = __atomic_load_n(&m->failed, __ATOMIC_ACQUIRE);
	out_printf(m->w.out,
		   "stress: %llu steps on each of %u CPUs (%llu in all), seed %llu, %u barriers, "
		   "%llu done, %llu refused%s%s%s: %s\n",
		   (unsigned long long)m->steps, m->ncpus, (unsigned long long)steps,
		   (unsigned long long)m->seed, m->rounds, (unsigned long long)done,
		   (unsigned long long)refused, nout ? " (CPU " : "", out_cpus,
		   nout ? " left out)" : "", failed ? "FAILED" : "pass");
	return failed ? ST_INVALID : ST_OK;
}
