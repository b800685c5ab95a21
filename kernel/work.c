/* SPDX-License-Identifier: BSD-2-Clause */
/* work.c - worker loops on other CPUs (see work.h). */
#include "kernel/work.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "kernel/kernel.h"
#include "kernel/khotplug.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/parse.h"

struct worker {
	volatile bool run;    /* set by the shell, cleared to stop */
	volatile bool active; /* set by the CPU while its loop runs */
	unsigned slot, k, w;  /* object, this worker's share k of w */
	uint64_t seed, npages;
	volatile uint64_t ops, errors, waits, passes;
	uint64_t first_page, first_word, first_got, first_want;
	char role[40];
};

static struct worker workers[SMP_MAX_CPUS];
static unsigned nworkers;

static uint64_t wait_ms = WORK_WAIT_MS;
static volatile bool stalled[SMP_MAX_CPUS]; /* `fault stall`: calls left unanswered */

/* One function call per CPU (work_call_start). */
static struct {
	void (*fn)(void *arg, unsigned cpu);
	void *arg;
	volatile bool pending; /* set by the shell, cleared by the CPU when fn returned */
} calls[SMP_MAX_CPUS];
static bool calling;

static bool call_pending(unsigned cpu)
{
	return __atomic_load_n(&calls[cpu].pending, __ATOMIC_ACQUIRE);
}

static uint64_t pattern(const struct worker *wk, uint64_t page, unsigned word)
{
	return memobj_pattern_base(wk->seed, page) + word * MEMOBJ_PATTERN_STEP;
}

static unsigned word_of(uint64_t pass, uint64_t page)
{
	return (unsigned)((pass * 67 + page) & 511);
}

static uint64_t tag(unsigned cpu, uint64_t pass)
{
	return ((uint64_t)(cpu + 1) << 48) | (pass << 1) | 1;
}

/* Checks the word written in pass `prev` of page i and restores its pattern. */
static void check_restore(struct worker *wk, unsigned cpu, volatile uint64_t *p, uint64_t i,
			  uint64_t prev)
{
	unsigned w = word_of(prev, i);
	uint64_t want = pattern(wk, i, w) ^ tag(cpu, prev), got = p[w];
	if (got != want) {
		if (!wk->errors) {
			wk->first_page = i;
			wk->first_word = w;
			wk->first_got = got;
			wk->first_want = want;
		}
		wk->errors++;
	}
	p[w] = pattern(wk, i, w);
	wk->ops++;
}

static bool call_answered(unsigned cpu)
{
	return call_pending(cpu) && !__atomic_load_n(&stalled[cpu], __ATOMIC_ACQUIRE);
}

void work_run(unsigned cpu)
{
	struct worker *wk = &workers[cpu];
	if (call_answered(cpu)) {
		khotplug_window_enter();
		calls[cpu].fn(calls[cpu].arg, cpu);
		khotplug_window_leave();
		__atomic_store_n(&calls[cpu].pending, false, __ATOMIC_RELEASE);
		return;
	}
	wk->active = true;
	khotplug_window_enter(); /* migration's shootdowns reach this CPU from here on */
	uint64_t pass = 0;
	while (__atomic_load_n(&wk->run, __ATOMIC_ACQUIRE)) {
		for (uint64_t i = wk->k; i < wk->npages; i += wk->w) {
			volatile uint64_t *p =
				(volatile uint64_t *)K.objs.ops->page(K.objs.ops->ctx, wk->slot, i);
			if (pass)
				check_restore(wk, cpu, p, i, pass - 1);
			unsigned w = word_of(pass, i);
			p[w] = pattern(wk, i, w) ^ tag(cpu, pass);
			wk->ops++;
		}
		wk->passes = ++pass;
	}
	for (uint64_t i = wk->k; pass && i < wk->npages; i += wk->w)
		check_restore(wk, cpu,
			      (volatile uint64_t *)K.objs.ops->page(K.objs.ops->ctx, wk->slot, i),
			      i, pass - 1);
	khotplug_window_leave(); /* after the last access to the window */
	__atomic_store_n(&wk->active, false, __ATOMIC_RELEASE);
}

bool work_pending(unsigned cpu)
{
	return cpu < SMP_MAX_CPUS && (workers[cpu].run || call_answered(cpu));
}

const char *work_role(unsigned cpu)
{
	if (workers[cpu].run)
		return workers[cpu].role;
	return work_stalled(cpu) ? "stalled (fault stall: calls unanswered)" : "idle";
}

void work_note_wait(void) { workers[this_cpu_index()].waits++; }

bool work_busy(unsigned slot)
{
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++)
		if ((workers[i].run || workers[i].active) && workers[i].slot == slot)
			return true;
	return false;
}

unsigned work_count(void) { return nworkers; }

uint64_t work_ops_total(void)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++)
		n += workers[i].ops;
	return n;
}

void work_init(void)
{
	const char *v = cmdline_get(&K.cmdline, "spmk.cpu_wait_ms");
	uint64_t ms;
	if (!v)
		return;
	if (parse_u64(v, &ms) != ST_OK || ms < 10 || ms > 3600000) {
		printk(LOG_WARN, "cmdline: spmk.cpu_wait_ms=%s ignored: 10..3600000 ms (kept %lu)",
		       v, (unsigned long)wait_ms);
		return;
	}
	wait_ms = ms;
}

uint64_t work_wait_ms(void) { return wait_ms; }

/* The CPUs (bit i = CPU i) still in the current call, online. */
static uint64_t call_late(void)
{
	uint64_t late = 0;
	for (unsigned i = 1; i < SMP_MAX_CPUS && i < 64; i++)
		if (call_pending(i) && percpu[i].state == CPU_ONLINE)
			late |= 1ull << i;
	return late;
}

/* Waits at most wait_ms for the current call; the CPUs still in it (0: none, calling ends). */
static uint64_t call_wait_bounded(void)
{
	uint64_t t0 = rdtsc(), late;
	while ((late = call_late()) && tsc_to_us(rdtsc() - t0) < wait_ms * 1000)
		cpu_relax();
	if (!late)
		calling = false;
	return late;
}

/* "1, 3" for bits 1 and 3. */
static void cpu_list(uint64_t mask, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < 64 && n + 4 < size; i++)
		if (mask & (1ull << i))
			n += (size_t)fmt_snprintf(buf + n, size - n, "%s%u", n ? ", " : "", i);
}

status_t work_call_wait(void)
{
	char who[96];
	uint64_t late = call_wait_bounded();
	if (!late)
		return ST_OK;
	cpu_list(late, who, sizeof who);
	printk(LOG_ERR,
	       "work: cpu %s did not return from its call within %lu ms; the call stays "
	       "outstanding until it does, and no other call or worker starts before",
	       who, (unsigned long)wait_ms);
	return ST_BUSY;
}

status_t work_call_drain(void)
{
	char who[96];
	if (!calling)
		return ST_OK;
	uint64_t late = call_wait_bounded();
	if (!late)
		return ST_OK;
	cpu_list(late, who, sizeof who);
	printk(LOG_ERR, "work: cpu %s has not returned from the previous call (waited %lu ms more)",
	       who, (unsigned long)wait_ms);
	return ST_BUSY;
}

status_t work_stall(unsigned cpu, bool on)
{
	if (cpu == 0 || cpu >= smp.ncpus || cpu >= SMP_MAX_CPUS || percpu[cpu].state != CPU_ONLINE)
		return ST_INVALID;
	__atomic_store_n(&stalled[cpu], on, __ATOMIC_RELEASE);
	if (!on)
		smp_wake(cpu); /* it answers what it left */
	return ST_OK;
}

bool work_stalled(unsigned cpu)
{
	return cpu < SMP_MAX_CPUS && __atomic_load_n(&stalled[cpu], __ATOMIC_ACQUIRE);
}

status_t work_call_start(void (*fn)(void *arg, unsigned cpu), void *arg, uint64_t mask)
{
	if (nworkers || work_call_drain() != ST_OK)
		return ST_BUSY;
	if (!mask || (mask & 1))
		return ST_INVALID;
	for (unsigned i = 1; i < 64; i++)
		if ((mask & (1ull << i)) && (i >= smp.ncpus || percpu[i].state != CPU_ONLINE))
			return ST_INVALID;
	calling = true;
	for (unsigned i = 1; i < smp.ncpus && i < 64; i++)
		if (mask & (1ull << i)) {
			calls[i].fn = fn;
			calls[i].arg = arg;
			__atomic_store_n(&calls[i].pending, true, __ATOMIC_RELEASE);
			smp_wake(i);
		}
	return ST_OK;
}

status_t work_start(unsigned slot, uint64_t mask)
{
	const struct memobj *o = memobj_get(&K.objs, slot);
	if (nworkers || work_call_drain() != ST_OK)
		return ST_BUSY;
	if (!o || !o->movable || !mask)
		return ST_INVALID;
	unsigned w = 0;
	for (unsigned i = 1; i < smp.ncpus && i < 64; i++)
		if (mask & (1ull << i)) {
			if (percpu[i].state != CPU_ONLINE)
				return ST_INVALID;
			w++;
		}
	if (mask & ~((smp.ncpus >= 64 ? ~0ull : (1ull << smp.ncpus) - 1) & ~1ull))
		return ST_INVALID;
	unsigned k = 0;
	for (unsigned i = 1; i < smp.ncpus && i < 64; i++) {
		if (!(mask & (1ull << i)))
			continue;
		struct worker *wk = &workers[i];
		memset(wk, 0, sizeof *wk);
		*wk = (struct worker){
			.slot = slot, .k = k++, .w = w, .seed = o->seed, .npages = o->npages
		};
		fmt_snprintf(wk->role, sizeof wk->role, "worker %s %u/%u", o->name, wk->k, w);
		__atomic_store_n(&wk->run, true, __ATOMIC_RELEASE);
		smp_wake(i);
	}
	nworkers = w;
	return ST_OK;
}

uint64_t work_stop(status_t *st)
{
	uint64_t ops = 0, errors = 0, waits = 0;
	*st = ST_OK;
	if (!nworkers) {
		*st = ST_NOTFOUND;
		return 0;
	}
	for (unsigned i = 1; i < SMP_MAX_CPUS; i++)
		__atomic_store_n(&workers[i].run, false, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < SMP_MAX_CPUS; i++) {
		struct worker *wk = &workers[i];
		uint64_t t0 = rdtsc();
		while (__atomic_load_n(&wk->active, __ATOMIC_ACQUIRE) &&
		       percpu[i].state == CPU_ONLINE &&
		       rdtsc() - t0 < tsc_hz() / 1000 * WORK_STOP_TIMEOUT_MS)
			cpu_relax();
		if (!wk->w)
			continue;
		if (wk->active) {
			printk(LOG_ERR, "work: cpu %u did not finish its last pass within %u ms", i,
			       WORK_STOP_TIMEOUT_MS);
			*st = ST_BUSY;
		}
		kprintf("worker cpu %u: %s, %lu passes, %lu ops, %lu errors, %lu migration waits\n",
			i, wk->role, (unsigned long)wk->passes, (unsigned long)wk->ops,
			(unsigned long)wk->errors, (unsigned long)wk->waits);
		if (wk->errors)
			kprintf("worker cpu %u: first lost write: page %lu word %lu holds "
				"0x%016lx, wrote 0x%016lx\n",
				i, (unsigned long)wk->first_page, (unsigned long)wk->first_word,
				(unsigned long)wk->first_got, (unsigned long)wk->first_want);
		ops += wk->ops;
		errors += wk->errors;
		waits += wk->waits;
		wk->w = 0;
	}
	kprintf("workers: %u stopped, %lu ops, %lu errors (lost writes), %lu migration waits\n",
		nworkers, (unsigned long)ops, (unsigned long)errors, (unsigned long)waits);
	nworkers = 0;
	return errors;
}
