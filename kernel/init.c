/* init.c - subsystem bring-up order. */
#include "kernel/init.h"

void init_subsystems(void)
{
}
