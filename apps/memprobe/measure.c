/* SPDX-License-Identifier: BSD-2-Clause */
/* measure.c - streaming bandwidth and pointer-chase latency over one buffer (memprobe.h). */
#include "apps/memprobe/memprobe.h"

#include "include/spmk/console.h"

/* xorshift64*: the permutation's randomness; any fixed seed will do. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint64_t per_second(uint64_t bytes, uint64_t ns)
{
	return ns ? bytes * 1000 / ns : 0; /* bytes per ns * 1000 = MB/s */
}

static uint64_t read_pass(const volatile uint64_t *p, uint64_t words)
{
	uint64_t sum = 0;
	for (uint64_t i = 0; i < words; i += 4)
		sum += p[i] + p[i + 1] + p[i + 2] + p[i + 3];
	return sum;
}

static void write_pass(volatile uint64_t *p, uint64_t words, uint64_t v)
{
	for (uint64_t i = 0; i < words; i += 4) {
		p[i] = v;
		p[i + 1] = v;
		p[i + 2] = v;
		p[i + 3] = v;
	}
}

/* Lines [0, n) of buf form one cycle in random order (Sattolo's algorithm): line i holds the
 * address of the next line, so each load depends on the one before. */
static void chase_build(uint8_t *buf, uint64_t n)
{
	uint64_t *idx = (uint64_t *)buf, seed = 0x9e3779b97f4a7c15ull;
	for (uint64_t i = 0; i < n; i++)
		idx[i * (MP_LINE / 8)] = i;
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = rng_next(&seed) % i;
		uint64_t *a = &idx[i * (MP_LINE / 8)], *b = &idx[j * (MP_LINE / 8)], t = *a;
		*a = *b;
		*b = t;
	}
	for (uint64_t i = 0; i < n; i++)
		idx[i * (MP_LINE / 8)] = (uint64_t)(buf + idx[i * (MP_LINE / 8)] * MP_LINE);
}

static uint64_t chase_run(const uint8_t *buf, uint64_t steps)
{
	const uint8_t *p = buf;
	for (uint64_t i = 0; i < steps; i++)
		p = *(const uint8_t *const volatile *)p;
	return (uint64_t)p;
}

void mp_measure(uint8_t *buf, const struct mp_options *o, struct mp_figures *out)
{
	uint64_t words = o->size / 8, sink = 0;
	write_pass((volatile uint64_t *)buf, words, 1); /* touch every page once first */
	uint64_t t0 = spmk_clock_ns();
	for (uint64_t r = 0; r < o->reps; r++)
		sink += read_pass((const volatile uint64_t *)buf, words);
	uint64_t t1 = spmk_clock_ns();
	for (uint64_t r = 0; r < o->reps; r++)
		write_pass((volatile uint64_t *)buf, words, r);
	uint64_t t2 = spmk_clock_ns();
	out->read_mbps = per_second(o->size * o->reps, t1 - t0);
	out->write_mbps = per_second(o->size * o->reps, t2 - t1);
	uint64_t n = o->chase / MP_LINE, steps = n * o->reps;
	chase_build(buf, n);
	chase_run(buf, n); /* one lap to warm what can be warmed */
	uint64_t t3 = spmk_clock_ns();
	sink += chase_run(buf, steps);
	uint64_t t4 = spmk_clock_ns();
	out->latency_ps = steps ? (t4 - t3) * 1000 / steps : 0;
	if (sink == 1) /* keeps the loads; never true for these sums and addresses */
		spmk_write("", 0);
}
