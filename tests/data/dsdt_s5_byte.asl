/* SPDX-License-Identifier: BSD-2-Clause */
/* DSDT whose _S5 package uses BytePrefix and OneOp elements after a decoy string "_S5_" */
DefinitionBlock ("", "DSDT", 2, "SPMK", "S5BYTE", 1)
{
    Name (DCOY, "_S5_")
    Scope (\_SB)
    {
        Name (TEST, 0x05)
    }
    Name (_S5, Package (0x02) { 0x07, One })
}
