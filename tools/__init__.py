"""The scripts behind the Makefile, run from the repository root as
``python3 -m tools.<name>``; ``odoo_setup`` is shared with the benchmarks."""
