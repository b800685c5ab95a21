/* printk.c - kernel log lines and the console struct out (see printk.h). */
#include "kernel/printk.h"

#include <stdarg.h>

#include "kernel/cpu.h"
#include "kernel/serial.h"
#include "lib/fmt.h"

static uint64_t g_tsc_hz;

static const char *level_prefix(int level)
{
	switch (level) {
	case LOG_EMERG: return "EMERGENCY: ";
	case 1: case 2: case LOG_ERR: return "error: ";
	case LOG_WARN: return "warning: ";
	default: return "";
	}
}

static void console_write(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	if (level == LOG_PLAIN) {
		serial_write(s, n);
		return;
	}
	char head[48];
	uint64_t us = tsc_to_us(rdtsc());
	int h = fmt_snprintf(head, sizeof head, "[%5lu.%06lu] %s", (unsigned long)(us / 1000000),
			     (unsigned long)(us % 1000000), level_prefix(level));
	serial_write(head, (size_t)h);
	serial_write(s, n);
	serial_write("\n", 1);
}

struct out kout = { console_write, 0 };

void printk_init(uint64_t hz) { g_tsc_hz = hz; }
uint64_t tsc_hz(void) { return g_tsc_hz; }

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
