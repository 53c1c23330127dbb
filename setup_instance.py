#!/usr/bin/env python3
"""Create or update a Suanpan instance in one idempotent step.

    python setup_instance.py --serve            # full demo instance on ./instance/demo.db, then serve
    python setup_instance.py --db postgresql://erp@db/acme --addons sales_order,stock,accounting \\
        --company "Acme 有限公司" --currency CNY --lang zh_CN --admin-password '…'

Running it again installs only what is missing and otherwise prints "nothing to do".
The work is done by :mod:`kernel.cli_setup` (also available as ``suanpan setup``).
"""

from kernel.cli_setup import setup

if __name__ == "__main__":
    setup(prog_name="setup_instance.py")
