/* SPDX-License-Identifier: BSD-2-Clause */
/* DSDT whose \_S5 package uses ZeroOp elements, like QEMU q35: Package (4) { Zero, Zero, Zero, Zero } */
DefinitionBlock ("", "DSDT", 2, "SPMK", "S5ZERO", 1)
{
    Name (_S4, Package (0x04) { One, One, Zero, Zero })
    Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero })
}
