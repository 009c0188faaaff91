"""How the statistics answer a grouping: from the partial sums of
crm.case.report.cell when one rollup covers the request, else from the view;
each distinct group value formatted once by the standard code."""

import itertools

from odoo import models
from odoo.osv import expression
from odoo.tools import SQL

from .crm_case_report_cell import (
    COMMON_DIMENSIONS,
    ROLLUPS,
    is_month_rollup_date_leaf,
)

# The aggregates the partial sums of crm.case.report.cell can answer, as
# (sum, count): the sum is the cell column summed; the count, when given, the
# cell column counting the cases the sum is over, for an average, or, for a
# count, the answer itself.
CELL_AGGREGATES = {
    "__count": (None, "case_count"),
    "delay_close:sum": ("delay_close_sum", "delay_close_count"),
    "delay_close:avg": ("delay_close_sum", "delay_close_count"),
    "delay_close:count": (None, "delay_close_count"),
}
for _measure, _cell_sum in [
    ("planned_revenue", "planned_revenue"),
    ("planned_cost", "planned_cost"),
    ("weighted_revenue", "weighted_revenue"),
    ("probability", "probability_sum"),
    ("escalation_count", "escalation_count"),
]:
    CELL_AGGREGATES[f"{_measure}:sum"] = (_cell_sum, None)
    CELL_AGGREGATES[f"{_measure}:avg"] = (_cell_sum, "case_count")
    CELL_AGGREGATES[f"{_measure}:count"] = (None, "case_count")
CELL_GRANULARITIES = {"date": ("month", "quarter", "year")}


def _record_key(records):
    """A cheap hashable key of records (hashing records is slow)."""
    return records._ids


def _same(value):
    return value


def _domain_parts(domain):
    """The domain normalized, as the parts of an AND: none if always true."""
    normalized = expression.normalize_domain(domain)
    if normalized == expression.TRUE_DOMAIN:
        return []
    return [normalized]


class CrmCaseReport(models.Model):
    _inherit = "crm.case.report"

    # ------------------------------------------------------------
    # Partial sums
    # ------------------------------------------------------------

    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Answer from the partial sums of crm.case.report.cell when they can.

        Grouping a million cases takes seconds; their partial sums are a few
        rows per group. The answer is the same: the rollup keeps what every
        case adds to each measure, and a request it cannot answer (another
        dimension, a date filter other than by month, quarter or year, a
        measure such as the rule firings) goes to the view. The context key
        ``crm_case_report_cells`` set to False forces the view, for comparison.
        """
        rollup = self._read_group_rollup(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if not rollup:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        return self._read_group_cells(
            rollup, domain, list(groupby), list(aggregates), order
        )

    def _read_group_rollup(
        self, domain, groupby, aggregates, having, offset, limit, order
    ):
        """The name of the rollup that answers this request, or None."""
        if having or offset or limit or not (groupby or aggregates):
            return None
        if not self.env.context.get("crm_case_report_cells", True):
            return None
        if any(spec not in CELL_AGGREGATES for spec in aggregates):
            return None
        grouped = set()
        for spec in groupby:
            fname, __, granularity = spec.partition(":")
            if granularity and granularity not in CELL_GRANULARITIES.get(fname, ()):
                return None
            grouped.add(fname)
        for term in (order or "").split(","):
            spec, __, direction = term.strip().partition(" ")
            if term.strip() and (
                spec not in groupby
                or direction.strip().lower() not in ("", "asc", "desc")
            ):
                return None
        filtered = self._read_group_domain_fields(domain)
        if filtered is None:
            return None
        dimensions = grouped | filtered
        for name, rollup_dimensions in ROLLUPS.items():
            if dimensions <= set(rollup_dimensions + COMMON_DIMENSIONS):
                return name
        return None

    def _read_group_domain_fields(self, domain):
        """The fields the domain and the record rules filter on, or None when
        the rollups cannot answer a filter on the date (see
        ``is_month_rollup_date_leaf``)."""
        rule_domain = self._read_group_rule_domain()
        names = set()
        for leaf in list(domain) + list(rule_domain):
            if not expression.is_leaf(leaf) or leaf in (
                expression.TRUE_LEAF,
                expression.FALSE_LEAF,
            ):
                continue
            name = str(leaf[0])
            if name.split(".")[0] == "date" and (
                name != "date" or not is_month_rollup_date_leaf(leaf)
            ):
                return None
            names.add(name.split(".")[0])
        return names

    def _read_group_rule_domain(self):
        if self.env.su:
            return []
        return self.env["ir.rule"]._compute_domain(self._name, "read") or []

    def _read_group_cells(self, rollup, domain, groupby, aggregates, order):
        """``_read_group`` computed from the partial sums of ``rollup``.

        The partial sums are grouped on their raw values, which PostgreSQL
        hashes, and the groups are sorted here as the ORM sorts them (by the
        order of the records for many2one fields), column by column.
        """
        self.browse().check_access("read")
        if expression.is_false(self, domain):
            return super()._read_group(domain, groupby, aggregates, order=order)
        cell_columns = list(
            dict.fromkeys(
                column
                for spec in aggregates
                for column in CELL_AGGREGATES[spec]
                if column
            )
        )
        if "case_count" not in cell_columns:
            cell_columns.append("case_count")
        rows = self._read_group_cells_query(rollup, domain, groupby, cell_columns)
        self._read_group_cells_sort(rows, groupby, order)
        columns = list(zip(*rows, strict=True)) or [()] * (
            len(groupby) + len(cell_columns)
        )
        group_columns = [
            self._read_group_cells_values(spec, column)
            for spec, column in zip(groupby, columns, strict=False)
        ]
        sums = dict(zip(cell_columns, columns[len(groupby) :], strict=True))
        aggregate_columns = [
            self._read_group_cells_aggregate(spec, sums) for spec in aggregates
        ]
        return list(zip(*group_columns, *aggregate_columns, strict=True))

    def _read_group_cells_query(self, rollup, domain, groupby, cell_columns):
        cells = self.env["crm.case.report.cell"].sudo()
        query = cells._search(
            expression.AND(
                [[("rollup", "=", rollup)], domain, self._read_group_rule_domain()]
            )
        )
        group_terms = [cells._read_group_groupby(spec, query) for spec in groupby]
        # Sums in float8: psycopg2 makes numeric values Decimal, then Odoo float.
        sums = [
            SQL(
                "SUM(%s)::float8"
                if cells._fields[column].type == "float"
                else "SUM(%s)",
                cells._field_to_sql(cells._table, column, query),
            )
            for column in cell_columns
        ]
        parts = [
            SQL("SELECT %s", SQL(", ").join(group_terms + sums)),
            SQL("FROM %s", query.from_clause),
        ]
        if query.where_clause:
            parts.append(SQL("WHERE %s", query.where_clause))
        if group_terms:
            parts.append(SQL("GROUP BY %s", SQL(", ").join(group_terms)))
            # Groups whose cases all moved elsewhere keep rows summing to zero.
            parts.append(
                SQL("HAVING %s > 0", cells._read_group_select("case_count:sum", query))
            )
        # Room to hash tens of thousands of groups without spilling to disk.
        # (A failed query aborts the transaction, which forgets the setting.)
        work_mem = self.env.execute_query(SQL("SHOW work_mem"))[0][0]
        self.env.cr.execute(SQL("SET LOCAL work_mem = %s", "64MB"))
        rows = self.env.execute_query(SQL("\n").join(parts))
        self.env.cr.execute(SQL("SET LOCAL work_mem = %s", work_mem))
        return rows

    def _read_group_cells_values(self, spec, values):
        """The ``_read_group`` values of a grouping column: one shared record
        per many2one value, with them all to prefetch."""
        field = self._fields[spec.split(":")[0]]
        if field.type != "many2one":
            return list(
                self.env["crm.case.report.cell"]._read_group_postprocess_groupby(
                    spec, values
                )
            )
        Model = self.pool[field.comodel_name]
        prefetch_ids = tuple(dict.fromkeys(value for value in values if value))
        records = {
            record_id: Model(self.env, (record_id,), prefetch_ids)
            for record_id in prefetch_ids
        }
        empty = self.env[field.comodel_name]
        return [records[value] if value else empty for value in values]

    def _read_group_cells_aggregate(self, spec, sums):
        """The column of aggregate ``spec`` from the columns of summed cells."""
        sum_column, count_column = CELL_AGGREGATES[spec]
        counts = [count or 0 for count in sums[count_column or "case_count"]]
        if not sum_column:
            return counts
        # No sum and no average over no value, as from SQL.
        empty = self._read_group_empty_value(spec)
        if spec.endswith(":avg"):
            return [
                total / count if count else empty
                for total, count in zip(sums[sum_column], counts, strict=True)
            ]
        return [
            total if count else empty
            for total, count in zip(sums[sum_column], counts, strict=True)
        ]

    def _read_group_cells_sort(self, rows, groupby, order):
        """Sort raw rows as the ORM: by ``order`` (many2one values by their
        model's order), or by the raw values when there is none; empty values
        last in ascending order, first in descending order."""
        by_records = bool(order)
        terms = [term.split() for term in (order or ",".join(groupby)).split(",")]
        # One stable pass per term, the last term first.
        for spec, *direction in reversed(list(filter(None, terms))):
            index = groupby.index(spec)
            keys = self._read_group_cells_sort_keys(
                spec, by_records, [row[index] for row in rows]
            )
            ranking = sorted(
                range(len(rows)),
                key=keys.__getitem__,
                reverse=bool(direction) and direction[0].lower() == "desc",
            )
            rows[:] = [rows[position] for position in ranking]

    def _read_group_cells_sort_keys(self, spec, by_records, values):
        """The sort keys of the raw values of grouping ``spec``."""
        field = self._fields[spec.split(":")[0]]
        if field.type == "boolean":
            return [bool(value) for value in values]
        if field.type != "many2one":
            return [(value is None, value) for value in values]
        ids = list(set(filter(None, values)))
        if by_records:
            ids = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "in", ids)])
                .ids
            )
        else:
            ids.sort()
        ranks = {record_id: rank for rank, record_id in enumerate(ids)}
        # Empty values after every record.
        return [ranks.get(value, len(ranks)) for value in values]

    # ------------------------------------------------------------
    # Grouping
    # ------------------------------------------------------------

    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Format each distinct value of a grouping once, and share it.

        A pivot by month x section x user has tens of thousands of cells but a
        few dozen months, sections and users. Odoo formats every cell on its
        own: a Babel label and a time-zone range per month, a name per record,
        and one domain combination per grouping. Here each distinct value is
        formatted once by the standard code, and each cell combines its parts
        in one step. The result is the standard one.
        """
        shared = [
            spec
            for spec in lazy_groupby
            if self._fields[spec.split(":")[0].split(".")[0]].type
            not in ("many2many", "properties")
        ]
        formatted = {
            spec: self._read_group_format_values(rows_dict, spec) for spec in shared
        }
        key_of = {
            spec: _record_key if self._fields[spec.split(":")[0]].relational else _same
            for spec in shared
        }
        # The rows share their domain: normalize it once, and AND the parts
        # as expression.AND does, without normalizing them again on each row.
        # Groups never have an always true or false domain: their parts can
        # simply be put one after the other.
        plain = not any(
            domain in (expression.TRUE_DOMAIN, expression.FALSE_DOMAIN)
            for values in formatted.values()
            for __, __, domain in values.values()
        )
        bases = {}
        for row in rows_dict:
            domain = row["__domain"]
            if id(domain) not in bases:
                bases[id(domain)] = (domain, _domain_parts(domain))
            parts = list(bases[id(domain)][1])
            for spec in shared:
                value, group_range, group_domain = formatted[spec][
                    key_of[spec](row[spec])
                ]
                row[spec] = value
                if group_range:
                    row.setdefault("__range", {}).update(group_range)
                parts.append(group_domain)
            if plain and parts and expression.FALSE_DOMAIN not in parts:
                row["__domain"] = [
                    *[expression.AND_OPERATOR] * (len(parts) - 1),
                    *itertools.chain.from_iterable(parts),
                ]
            else:
                row["__domain"] = expression.AND(parts)
        # Many2many and properties groups depend on the other rows: as usual.
        return super()._read_group_format_result(
            rows_dict, [spec for spec in lazy_groupby if spec not in shared]
        )

    def _read_group_format_values(self, rows_dict, spec):
        """The standard formatting of each distinct value of ``spec``.

        :return: {raw value: formatted group with its label, range and domain}
        """
        key = _record_key if self._fields[spec.split(":")[0]].relational else _same
        values = list({key(row[spec]): row[spec] for row in rows_dict}.items())
        samples = [{spec: value, "__domain": []} for __, value in values]
        super()._read_group_format_result(samples, [spec])
        return {
            key: (
                sample[spec],
                sample.get("__range"),
                expression.normalize_domain(sample["__domain"]),
            )
            for (key, __), sample in zip(values, samples, strict=True)
        }
