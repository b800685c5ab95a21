/* SPDX-License-Identifier: BSD-2-Clause */
/* printk.c - kernel log lines and the console struct out (see printk.h).
 *
 * One console lock (rank CONSOLE, the innermost: any code may print holding any other lock)
 * serialises the serial port, the log ring and the capture buffer, with interrupts off so that
 * a trap handler printing on this CPU cannot find it held. An emergency line (a panic) does
 * not wait for ever: if this CPU already holds the lock, or another CPU keeps it for about a
 * second, the line is written anyway.
 *
 * Every log line (not plain shell output) also goes into the log ring that `dmesg` prints
 * (lib/logring.h): PRINTK_RING_MAX bytes, or fewer with log_buf_len=. */
#include "kernel/printk.h"

#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/logring.h"
#include "lib/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT("console", LOCK_RANK_CONSOLE);
static uint64_t g_tsc_hz;
static char g_ring_buf[PRINTK_RING_MAX];
static struct logring g_ring;
static bool g_ring_ready;

/* Error lines kept for the running shell command (printk_capture_begin). */
static struct {
	char *buf;
	size_t size, len;
	bool armed;
} g_capture;

static void ring_store(const char *head, size_t hn, const char *s, size_t n)
{
	char line[600];
	if (!g_ring_ready)
		g_ring_ready = logring_init(&g_ring, g_ring_buf, sizeof g_ring_buf) == ST_OK;
	size_t k = hn < sizeof line ? hn : sizeof line;
	memcpy(line, head, k);
	size_t m = n < sizeof line - k ? n : sizeof line - k;
	memcpy(line + k, s, m);
	logring_append(&g_ring, line, k + m);
}

/* Keeps an error line for the shell: "; "-joined, cut at the buffer's end. */
static bool capture_store(int level, const char *s, size_t n)
{
	if (!g_capture.armed || level == LOG_EMERG || level > LOG_ERR)
		return false;
	while (n && s[n - 1] == '\n')
		n--;
	if (g_capture.len && g_capture.len + 2 < g_capture.size) {
		memcpy(g_capture.buf + g_capture.len, "; ", 2);
		g_capture.len += 2;
	}
	size_t room = g_capture.size - 1 - g_capture.len;
	size_t k = n < room ? n : room;
	memcpy(g_capture.buf + g_capture.len, s, k);
	g_capture.len += k;
	g_capture.buf[g_capture.len] = '\0';
	return true;
}

static const char *level_prefix(int level)
{
	switch (level) {
	case LOG_EMERG: return "EMERGENCY: ";
	case 1:
	case 2:
	case LOG_ERR: return "error: ";
	case LOG_WARN: return "warning: ";
	default: return "";
	}
}

static bool g_transient;       /* a progress line is on the console: erase it before any output */
static unsigned g_console_cpu; /* CPU holding console_lock + 1, 0: none (a panic reads it) */

/* Takes the console lock (interrupts off); *locked says whether it was taken. */
static uint64_t console_enter(int level, bool *locked)
{
	uint64_t flags = spin_arch_irq_save();
	unsigned me = spin_arch_cpu() + 1;
	*locked = true;
	if (level != LOG_EMERG) {
		spin_lock(&console_lock);
		__atomic_store_n(&g_console_cpu, me, __ATOMIC_RELAXED);
		return flags;
	}
	for (uint64_t spins = 0; !spin_trylock(&console_lock); spins++) {
		if (__atomic_load_n(&g_console_cpu, __ATOMIC_RELAXED) == me || spins > 100000000) {
			*locked = false; /* a panic goes out even over a stuck printer */
			return flags;
		}
		spin_arch_relax();
	}
	__atomic_store_n(&g_console_cpu, me, __ATOMIC_RELAXED);
	return flags;
}

static void console_leave(uint64_t flags, bool locked)
{
	if (locked) {
		__atomic_store_n(&g_console_cpu, 0, __ATOMIC_RELAXED);
		spin_unlock(&console_lock);
	}
	spin_arch_irq_restore(flags);
}

void printk_transient(const char *s)
{
	bool locked;
	uint64_t flags = console_enter(LOG_INFO, &locked);
	serial_write("\r\x1b[K", 4);
	serial_write(s, strlen(s));
	g_transient = true;
	console_leave(flags, locked);
}

static void console_write_locked(int level, const char *s, size_t n)
{
	if (g_transient && n) {
		serial_write("\r\x1b[K", 4);
		g_transient = false;
	}
	if (level == LOG_PLAIN) {
		serial_write(s, n);
		return;
	}
	char head[48];
	uint64_t us = tsc_to_us(rdtsc());
	int h = fmt_snprintf(head, sizeof head, "[%5lu.%06lu] %s", (unsigned long)(us / 1000000),
			     (unsigned long)(us % 1000000), level_prefix(level));
	ring_store(head, (size_t)h, s, n);
	if (capture_store(level, s, n))
		return;
	serial_write(head, (size_t)h);
	serial_write(s, n);
	serial_write("\n", 1);
}

static void console_write(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	bool locked;
	uint64_t flags = console_enter(level, &locked);
	console_write_locked(level, s, n);
	console_leave(flags, locked);
}

struct out kout = { console_write, 0 };

void printk_init(uint64_t hz) { g_tsc_hz = hz; }
uint64_t tsc_hz(void) { return g_tsc_hz; }

void printk_capture_begin(char *buf, size_t size)
{
	bool locked;
	uint64_t flags = console_enter(LOG_INFO, &locked);
	g_capture.buf = buf;
	g_capture.size = size;
	g_capture.len = 0;
	g_capture.armed = buf && size > 1;
	if (g_capture.armed)
		buf[0] = '\0';
	console_leave(flags, locked);
}

size_t printk_capture_end(void)
{
	bool locked;
	uint64_t flags = console_enter(LOG_INFO, &locked);
	g_capture.armed = false;
	size_t len = g_capture.len;
	console_leave(flags, locked);
	return len;
}

status_t printk_ring_resize(uint64_t bytes)
{
	if (bytes < PRINTK_RING_MIN || bytes > PRINTK_RING_MAX)
		return ST_RANGE;
	if (!g_ring_ready)
		ring_store("", 0, "", 0);
	return logring_resize(&g_ring, (size_t)bytes, sizeof g_ring_buf);
}

const struct logring *printk_ring(void) { return g_ring_ready ? &g_ring : 0; }

uint64_t tsc_to_us(uint64_t tsc)
{
	if (!g_tsc_hz)
		return 0;
	/* whole seconds first, so ticks * 10^6 never overflows */
	return tsc / g_tsc_hz * 1000000 + tsc % g_tsc_hz * 1000000 / g_tsc_hz;
}

void printk(int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	console_write(0, level, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(&kout, fmt, ap);
	va_end(ap);
}

/* PIT channel 2 gated through port 0x61 counts 1193182 Hz; wait ~10 ms of it. */
uint64_t tsc_calibrate(void)
{
	const uint16_t ticks = 11932;
	uint8_t gate = inb(0x61);
	outb(0x61, (gate & ~0x02) | 0x01);
	outb(0x43, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, ticks & 0xFF);
	outb(0x42, ticks >> 8);
	uint64_t start = rdtsc();
	uint64_t spins = 0;
	while (!(inb(0x61) & 0x20)) {
		if (++spins > 100000000)
			return 0;
	}
	uint64_t end = rdtsc();
	outb(0x61, gate);
	return (end - start) * 1193182 / ticks;
}
