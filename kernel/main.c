/* SPDX-License-Identifier: BSD-2-Clause */
/* main.c - kmain: the boot sequence from the loader's hand-off to the shell.
 *
 * Order: the boot CPU's per-CPU area, console and timestamps, CPU tables, boot_info checks,
 * command line, then the memory and ACPI subsystems (kernel/init_*.c), the other CPUs
 * (kernel/smp.c), then the boot script (spmk.run=) and the shell. */
#include "kernel/app.h"
#include "kernel/kernel.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/trap.h"
#include "kernel/boot_info_validate.h"
#include "kernel/cmdline_names.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/smp.h"
#include "lib/parse.h"

struct kernel K;

/* console= (Linux: repeatable, one console each): spmk's only console is ttyS0 (COM1, 115200
 * 8N1), so ttyS0 with any settings is what it already does; every other value is reported.
 * quiet: spmk always prints its boot log, which the tests read; reported, not dropped. */
static void check_console_options(void)
{
	const char *v;
	for (unsigned pos = 0; (v = cmdline_next(&K.cmdline, "console", &pos));) {
		const char *item = 0;
		size_t len = 0;
		cmdline_list_next(&v, &item,
				  &len); /* ttyS0[,115200n8]: the device is the first item */
		if (!cmdline_item_is(item, len, "ttyS0"))
			printk(LOG_WARN,
			       "cmdline: console=%.*s not understood (spmk's console is always "
			       "ttyS0); ignored",
			       (int)len, item);
	}
	if (cmdline_has(&K.cmdline, "quiet"))
		printk(LOG_NOTICE, "cmdline: quiet not supported: spmk always prints its boot log");
}

/* Runs every spmk.run= script in command-line order (each occurrence applies). */
static void run_boot_scripts(void)
{
	const char *script;
	int failed = 0;
	bool any = false;
	for (unsigned pos = 0; (script = cmdline_next(&K.cmdline, "spmk.run", &pos)); any = true)
		failed += shell_run_script(script);
	if (any)
		printk(LOG_INFO, "spmk.run: done, %d command(s) failed", failed);
}

static void report_boot(const struct boot_info *bi)
{
	static const char *const sources[] = { "none", "fw_cfg opt/spmk/cmdline",
					       "\\spmk\\cmdline.txt" };
	printk(LOG_INFO, "spmk: kernel at phys 0x%lx virt 0x%lx (%lu KiB), entry 0x%lx",
	       bi->kernel_phys, bi->kernel_virt, bi->kernel_size >> 10, bi->kernel_entry);
	printk(LOG_INFO, "spmk: command line (%s): %s",
	       bi->cmdline_source < 3 ? sources[bi->cmdline_source] : "?", bi->cmdline);
	if (tsc_hz())
		printk(LOG_INFO,
		       "spmk: TSC %lu MHz; loader took %lu ms to ExitBootServices (%u stale map "
		       "keys)",
		       tsc_hz() / 1000000,
		       tsc_to_us(bi->tsc_exit_boot - bi->tsc_loader_start) / 1000,
		       bi->exit_retries);
}

/* log_buf_len=SIZE (Linux's name): the size of the log ring dmesg prints. */
static void set_log_buf_len(void)
{
	const char *v = cmdline_get(&K.cmdline, "log_buf_len");
	uint64_t bytes;
	if (!v)
		return;
	if (parse_size(v, &bytes) != ST_OK || printk_ring_resize(bytes) != ST_OK)
		printk(LOG_WARN, "cmdline: log_buf_len=%s ignored: a size from %uK to %uK", v,
		       PRINTK_RING_MIN >> 10, PRINTK_RING_MAX >> 10);
}

void kmain(const struct boot_info *bi)
{
	K.tsc_entry = rdtsc();
	percpu_set_base(0); /* spin_arch_cpu() reads it: before any lock */
	serial_init();
	trap_init();
	printk_init(tsc_calibrate());
	kprintf("\nspmk: specific-purpose memory kernel\n");
	if (boot_info_validate(bi, &kout) != ST_OK) {
		printk(LOG_EMERG, "spmk: cannot trust boot_info; powering off");
		power_off();
	}
	K.bi = bi;
	report_boot(bi);
	cmdline_parse(bi->cmdline, &K.cmdline, &kout);
	cmdline_check_names(&K.cmdline, spmk_options, spmk_options_count, &kout);
	set_log_buf_len();
	check_console_options();

	init_subsystems();
	app_init(bi);
	smp_init();

	run_boot_scripts();
	shell_loop();
}

void taint_set(uint32_t flag, const char *why)
{
	if (!(K.taint & flag))
		printk(LOG_WARN, "taint: %s", why);
	K.taint |= flag;
}
