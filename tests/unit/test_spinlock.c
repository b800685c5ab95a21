/* SPDX-License-Identifier: BSD-2-Clause */
/* test_spinlock.c - ticket spinlocks under threads, and the lock-order checker. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/spinlock.h"

#define THREADS 4
#define ROUNDS 20000

static struct spinlock counter_lock = SPINLOCK_INIT("counter", LOCK_RANK_NONE);
static uint64_t counter; /* plain: only the lock makes the increments exact */

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&counter_lock);
		uint64_t v = counter;
		counter = v + 1;
		spin_unlock(&counter_lock);
	}
	return NULL;
}

static void test_threads_exact(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, bump, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (uint64_t)THREADS * ROUNDS);
	assert_false(spin_held(&counter_lock));
}

static void test_trylock_and_held(void **state)
{
	(void)state;
	struct spinlock l;
	spin_init(&l, "l", LOCK_RANK_BUDDY);
	assert_true(spin_trylock(&l));
	assert_true(spin_held(&l));
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_false(spin_held(&l));
	uint64_t f = spin_lock_irqsave(&l);
	assert_true(spin_held(&l));
	spin_unlock_irqrestore(&l, f);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

/* Nested locks in rank order are fine; `bad` takes them the other way round. */
static void nest(int bad)
{
	struct spinlock a, b;
	spin_init(&a, "dax", LOCK_RANK_DAX);
	spin_init(&b, "buddy", LOCK_RANK_BUDDY);
	struct spinlock *first = bad ? &b : &a, *second = bad ? &a : &b;
	spin_lock(first);
	spin_lock(second);
	spin_unlock(second);
	spin_unlock(first);
}

static int exit_signal(void (*fn)(int), int arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void test_lock_order(void **state)
{
	(void)state;
	assert_int_equal(exit_signal(nest, 0), 0);
#ifdef SPMK_DEBUG
	assert_int_equal(exit_signal(nest, 1), SIGABRT);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_exact),
		cmocka_unit_test(test_trylock_and_held),
		cmocka_unit_test(test_lock_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
