/* cmd_hotplug.c - `dax reconfigure`: hand-off of a dax device to the page allocator and back. */
#include "kernel/commands.h"

#include "kernel/printk.h"
#include "kernel/shell.h"

int cmd_dax_reconfigure(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("dax reconfigure: not available in this build\n");
	return 1;
}
