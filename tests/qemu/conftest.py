# SPDX-License-Identifier: BSD-2-Clause
"""pytest configuration for the QEMU scenarios: the harness lives in spmk_qemu.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
