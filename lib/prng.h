/* SPDX-License-Identifier: BSD-2-Clause */
/* prng.h - a small deterministic pseudo-random generator (splitmix64) for randomized tests and
 * `selftest stress`: the same seed gives the same sequence on the host and in the kernel, so
 * every randomized failure reproduces from its seed.
 *
 * splitmix64: the state advances by the odd constant 0x9e3779b97f4a7c15 (the golden ratio in
 * 64-bit fixed point) and each output is the state passed through a 64-bit finalizer (two
 * xor-shift-multiply rounds), so every 64-bit seed, 0 included, gives a full-period sequence
 * of 2^64 outputs. Not for cryptography. */
#ifndef SPMK_LIB_PRNG_H
#define SPMK_LIB_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t state;
};

/* Starts the sequence of seed (any value). */
void prng_seed(struct prng *r, uint64_t seed);
/* The next 64-bit output. */
uint64_t prng_next(struct prng *r);
/* A value in [0, n) (0 when n is 0), by multiply-high: unbiased to within n / 2^64. */
uint64_t prng_below(struct prng *r, uint64_t n);
/* A value in [lo, hi] (lo when hi < lo). */
uint64_t prng_range(struct prng *r, uint64_t lo, uint64_t hi);
/* True with probability num/den (false when den is 0). */
int prng_chance(struct prng *r, unsigned num, unsigned den);

#endif
