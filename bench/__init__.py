"""Benchmarks of crm_case, each run from the repository root as
``python3 -m bench.<name>`` (see README.rst, *Benchmarks*)."""
