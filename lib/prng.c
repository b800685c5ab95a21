/* SPDX-License-Identifier: BSD-2-Clause */
/* prng.c - splitmix64 (see prng.h). */
#include "lib/prng.h"

void prng_seed(struct prng *r, uint64_t seed) { r->state = seed; }

uint64_t prng_next(struct prng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t prng_below(struct prng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)prng_next(r) * n) >> 64);
}

uint64_t prng_range(struct prng *r, uint64_t lo, uint64_t hi)
{
	if (hi < lo)
		return lo;
	if (hi - lo == UINT64_MAX)
		return prng_next(r);
	return lo + prng_below(r, hi - lo + 1);
}

int prng_chance(struct prng *r, unsigned num, unsigned den)
{
	return den && prng_below(r, den) < num;
}
