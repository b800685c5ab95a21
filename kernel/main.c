/* main.c - kmain: the boot sequence from the loader's hand-off to the shell.
 *
 * Order: console and timestamps, CPU tables, boot_info checks, command line, then the memory
 * and ACPI subsystems (kernel/init_*.c), then the boot script (spmk.run=) and the shell. */
#include "kernel/kernel.h"

#include "kernel/boot_info_check.h"
#include "kernel/cpu.h"
#include "kernel/init.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/shell.h"
#include "kernel/trap.h"

struct kernel K;

static const char *const known_options[] = {
	"spmk.run", "efi", "efi_fake_mem", "spmk.nohmat", "spmk.", "console", "quiet", 0,
};

static void report_boot(const struct boot_info *bi)
{
	static const char *const sources[] = { "none", "fw_cfg opt/spmk/cmdline", "\\spmk\\cmdline.txt" };
	printk(LOG_INFO, "spmk: kernel at phys 0x%lx virt 0x%lx (%lu KiB), entry 0x%lx",
	       bi->kernel_phys, bi->kernel_virt, bi->kernel_size >> 10, bi->kernel_entry);
	printk(LOG_INFO, "spmk: command line (%s): %s",
	       bi->cmdline_source < 3 ? sources[bi->cmdline_source] : "?", bi->cmdline);
	if (tsc_hz())
		printk(LOG_INFO, "spmk: TSC %lu MHz; loader took %lu ms to ExitBootServices (%u stale map keys)",
		       tsc_hz() / 1000000, tsc_to_us(bi->tsc_exit_boot - bi->tsc_loader_start) / 1000,
		       bi->exit_retries);
}

void kmain(const struct boot_info *bi)
{
	K.tsc_entry = rdtsc();
	serial_init();
	trap_init();
	printk_init(tsc_calibrate());
	kprintf("\nspmk: specific-purpose memory kernel\n");
	if (boot_info_check(bi, &kout) != ST_OK) {
		printk(LOG_EMERG, "spmk: cannot trust boot_info; powering off");
		power_off();
	}
	K.bi = bi;
	report_boot(bi);
	cmdline_parse(bi->cmdline, &K.cmdline, &kout);
	cmdline_report_unknown(&K.cmdline, known_options, &kout);

	init_subsystems();

	const char *script = cmdline_get(&K.cmdline, "spmk.run");
	if (script) {
		int failed = shell_run_script(script);
		printk(LOG_INFO, "spmk.run: done, %d command(s) failed", failed);
	}
	shell_loop();
}

void taint_set(uint32_t flag, const char *why)
{
	if (!(K.taint & flag))
		printk(LOG_WARN, "taint: %s", why);
	K.taint |= flag;
}
