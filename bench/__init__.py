"""Benchmarks of crm_case, each run from the repository root as
``python3 -m bench.<name>`` (see README.rst, *Benchmarks*)."""

import argparse


def database_bench_parser(doc, database, cases):
    """The options of the benches that fill a database of their own: how many
    cases in how many sections, the database's name, and whether to keep it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--cases", type=int, default=cases)
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--db", default=database)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser
