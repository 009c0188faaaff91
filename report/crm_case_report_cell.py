from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.crm_case import CASE_STATES

# The groupings kept pre-aggregated, by name: the dimensions of each, besides
# the company and the archived flag that every rollup keeps. The first rollup
# holding every dimension of a request answers it (see crm.case.report).
ROLLUPS = {
    # The default statistics: user x section x state, category x section x state.
    "state": ("section_id", "user_id", "state", "categ_id"),
    # The trend over time: month x section x user.
    "month": ("date", "section_id", "user_id"),
}
COMMON_DIMENSIONS = ("company_id", "active")

# A case within this distance of the start of a month in UTC may fall in the
# other month in some time zone (tzdata offsets stay within 16 hours): such
# cases keep their own date. Any other case falls in the same month in every
# time zone, so its month is stored as the middle of the month.
MONTH_EDGE_HOURS = 16
MONTH_EDGE = f"{MONTH_EDGE_HOURS} hours"
MONTH_MIDDLE = "14 days 12 hours"

# What a case contributes to each measure, from its row ``c``; the
# crm_case_report view shares the delay and the weighted revenue.
CASE_DELAY_CLOSE = """CASE WHEN c.state = 'done' AND c.date_closed IS NOT NULL
    THEN EXTRACT(EPOCH FROM c.date_closed - c.date)::float8 / 86400 END"""
CASE_WEIGHTED_REVENUE = (
    "COALESCE(c.planned_revenue, 0) * COALESCE(c.probability, 0) / 100.0"
)
MEASURES = {
    "case_count": "1",
    "delay_close_sum": f"COALESCE({CASE_DELAY_CLOSE}, 0)",
    "delay_close_count": f"CASE WHEN {CASE_DELAY_CLOSE} IS NULL THEN 0 ELSE 1 END",
    "planned_revenue": "COALESCE(c.planned_revenue, 0)",
    "planned_cost": "COALESCE(c.planned_cost, 0)",
    "weighted_revenue": CASE_WEIGHTED_REVENUE,
    "probability_sum": "COALESCE(c.probability, 0)",
    "escalation_count": "COALESCE(c.escalation_count, 0)",
}

# Dimensions whose value is not the case's own column.
DIMENSION_EXPRESSIONS = {
    "date": f"""CASE
        WHEN c.date IS NULL OR c.date < TIMESTAMP '1900-01-01'
          OR c.date - date_trunc('month', c.date) < INTERVAL '{MONTH_EDGE}'
          OR date_trunc('month', c.date) + INTERVAL '1 month' - c.date
             <= INTERVAL '{MONTH_EDGE}'
        THEN c.date
        ELSE date_trunc('month', c.date) + INTERVAL '{MONTH_MIDDLE}'
    END""",
}

# Stand-ins for NULL when comparing dimensions, so that the folding can join
# on plain equality.
NULL_STAND_INS = {"date": "'-infinity'::timestamp", "state": "''", "active": "false"}
FOLD_LOCK = "crm_case_report_cell_fold"

TRIGGER_FUNCTION = "crm_case_report_cell_track"

# The comparisons of a date filter the month rollup answers exactly.
DATE_BOUND_OPERATORS = ("<", "<=", ">", ">=")
TRIGGERS = {
    "crm_case_report_cell_insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "crm_case_report_cell_update": (
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    "crm_case_report_cell_delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}


def is_month_rollup_date_leaf(leaf):
    """Whether the month rollup answers the domain leaf on the date exactly.

    It does for a date set or not, and for a comparison with a moment less
    than MONTH_EDGE from a month start in UTC, as the web client's month,
    quarter and year filters are in any time zone: the cases dated mid-month
    in the rollup are farther from it, so they compare as their middle does.
    """
    __, operator, value = leaf
    if operator in ("=", "!=") and value is False:
        return True
    if operator not in DATE_BOUND_OPERATORS:
        return False
    try:
        moment = fields.Datetime.to_datetime(value)
    except (TypeError, ValueError):
        return False
    if not moment:
        return False
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    edge = timedelta(hours=MONTH_EDGE_HOURS)
    return moment - start < edge or start + relativedelta(months=1) - moment < edge


class CrmCaseReportCell(models.Model):
    """Partial sums of the case statistics, kept up to date by PostgreSQL.

    Each row holds the counts and sums of some cases sharing the dimensions of
    one rollup (the other dimensions are empty). Triggers on crm_case add one
    row per changed group and statement: plus the new values, minus the old
    ones. Nothing is ever updated in place, so concurrent transactions never
    wait for each other here. A cron folds the new rows of each group into
    one. The sum of the rows of a group is always exact, folded or not.
    """

    _name = "crm.case.report.cell"
    _description = "Cases Analysis: Partial Sums"
    # The table is made by init(), without foreign keys: the triggers must
    # still subtract the cases of a user or section being deleted.
    _auto = False
    _log_access = False
    _order = "id"

    rollup = fields.Selection(
        [
            ("state", "Sections, users, states and categories"),
            ("month", "Months, sections and users"),
        ],
        required=True,
    )
    folded = fields.Boolean(
        help="Set once the cron has merged the rows of this group into this one."
    )
    date = fields.Datetime(
        help="The case date near the start of a month, the middle of the month "
        "otherwise."
    )
    section_id = fields.Many2one("crm.case.section", string="Section")
    user_id = fields.Many2one("res.users", string="User Responsible")
    state = fields.Selection(CASE_STATES, string="Status")
    categ_id = fields.Many2one("crm.case.categ", string="Category")
    company_id = fields.Many2one("res.company", string="Company")
    active = fields.Boolean()
    case_count = fields.Integer(string="Cases")
    delay_close_sum = fields.Float(string="Days to Close (Sum)")
    delay_close_count = fields.Integer(string="Closed Cases")
    planned_revenue = fields.Float(string="Estimated Revenue", digits=(16, 2))
    planned_cost = fields.Float(string="Estimated Cost", digits=(16, 2))
    weighted_revenue = fields.Float(string="Weighted Revenue")
    probability_sum = fields.Float(string="Probability (Sum)")
    escalation_count = fields.Integer(string="Escalations")

    def init(self):
        self._create_table()
        self._create_trigger_function()
        self._create_triggers()
        self._rebuild()

    def _create_table(self):
        """(Re)create the table: its rows are rebuilt from the cases anyway."""
        columns = [
            SQL("%s %s", SQL.identifier(name), SQL(field.column_type[1]))
            for name, field in self._fields.items()
            if field.store and field.column_type and name != "id"
        ]
        table = SQL.identifier(self._table)
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        self.env.cr.execute(
            SQL(
                "CREATE TABLE %s (id serial PRIMARY KEY, %s)",
                table,
                SQL(", ").join(columns),
            )
        )
        # Finds the rows of a group: the folding looks each changed group up.
        group_columns = ", ".join(self._group_keys().values())
        self.env.cr.execute(
            SQL(
                "CREATE INDEX %s ON %s (rollup, %s)",
                SQL.identifier(f"{self._table}_group_index"),
                table,
                SQL(group_columns),
            )
        )

    @api.model
    def _group_keys(self, alias=None):
        """The SQL of each dimension with a stand-in for NULL, so that rows of
        the same group compare equal (and the index above serves)."""
        prefix = f"{alias}." if alias else ""
        return {
            name: f"COALESCE({prefix}{name}, {NULL_STAND_INS.get(name, '0')})"
            for name in self._dimension_names()
        }

    # ------------------------------------------------------------
    # SQL generation
    # ------------------------------------------------------------

    @api.model
    def _columns_of(self, rollup):
        dimensions = ROLLUPS[rollup] + COMMON_DIMENSIONS
        return dimensions, list(MEASURES)

    @api.model
    def _aggregate_changes_sql(self, changes, folded=False):
        """SELECT the cell rows of every rollup from ``changes``, a FROM item
        giving crm_case rows aliased ``c`` with a ``sign`` of 1 or -1."""
        dimension_names = self._dimension_names()
        selects = []
        for rollup in ROLLUPS:
            dimensions, measures = self._columns_of(rollup)
            keys = [DIMENSION_EXPRESSIONS.get(name, f"c.{name}") for name in dimensions]
            values = [
                f"{keys[dimensions.index(name)]} AS {name}"
                if name in dimensions
                else f"NULL AS {name}"
                for name in dimension_names
            ]
            sums = [f"sum(c.sign * ({MEASURES[name]})) AS {name}" for name in measures]
            nonzero = " OR ".join(
                f"sum(c.sign * ({MEASURES[name]})) <> 0" for name in measures
            )
            selects.append(
                f"""SELECT '{rollup}' AS rollup, {bool(folded)} AS folded,
                           {", ".join(values)}, {", ".join(sums)}
                      FROM {changes}
                     GROUP BY {", ".join(keys)}
                    HAVING {nonzero}"""
            )
        return "\nUNION ALL\n".join(selects)

    @api.model
    def _dimension_names(self):
        names = []
        for dimensions in ROLLUPS.values():
            names += [name for name in dimensions if name not in names]
        return names + list(COMMON_DIMENSIONS)

    @api.model
    def _insert_sql(self, select):
        columns = ["rollup", "folded"] + self._dimension_names() + list(MEASURES)
        return f"INSERT INTO {self._table} ({', '.join(columns)})\n{select}"

    def _create_trigger_function(self):
        signed = {
            "INSERT": "(SELECT 1 AS sign, * FROM new_rows) c",
            "DELETE": "(SELECT -1 AS sign, * FROM old_rows) c",
            "UPDATE": "(SELECT -1 AS sign, * FROM old_rows"
            " UNION ALL SELECT 1 AS sign, * FROM new_rows) c",
        }
        branches = [
            f"""IF TG_OP = '{operation}' THEN
                {self._insert_sql(self._aggregate_changes_sql(changes))};
            END IF;"""
            for operation, changes in signed.items()
        ]
        # Static SQL built from the constants above: no value is interpolated.
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                {"".join(branches)}
                RETURN NULL;
            END
            $$
            """
        )

    def _create_triggers(self):
        for name, (operation, referencing) in TRIGGERS.items():
            self.env.cr.execute(
                SQL("DROP TRIGGER IF EXISTS %s ON crm_case", SQL.identifier(name))
            )
            self.env.cr.execute(
                SQL(
                    "CREATE TRIGGER %s AFTER %s ON crm_case %s"
                    " FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                    SQL.identifier(name),
                    SQL(operation),
                    SQL(referencing),
                    SQL.identifier(TRIGGER_FUNCTION),
                )
            )

    @api.model
    def _read_group_groupby(self, groupby_spec, query):
        """Group by month, quarter or year in the time zone: only the cases
        near a month start need converting to it, the middle of a month is in
        that month everywhere (and converting takes time)."""
        sql_expr = super()._read_group_groupby(groupby_spec, query)
        if not groupby_spec.startswith("date:") or not self.env.context.get("tz"):
            return sql_expr
        date = self._field_to_sql(self._table, "date", query)
        return SQL(
            "CASE WHEN %s = date_trunc('month', %s) + INTERVAL %s THEN %s ELSE %s END",
            date,
            date,
            MONTH_MIDDLE,
            self.with_context(tz=False)._read_group_groupby(groupby_spec, query),
            sql_expr,
        )

    @api.model
    def _drop_triggers(self):
        for name in TRIGGERS:
            self.env.cr.execute(
                SQL("DROP TRIGGER IF EXISTS %s ON crm_case", SQL.identifier(name))
            )
        self.env.cr.execute(
            SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(TRIGGER_FUNCTION))
        )

    # ------------------------------------------------------------
    # Maintenance
    # ------------------------------------------------------------

    @api.model
    def _rebuild(self):
        """Recompute every row from the cases (at installation and update)."""
        self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        select = self._aggregate_changes_sql(
            "(SELECT 1 AS sign, * FROM crm_case) c", folded=True
        )
        self.env.cr.execute(self._insert_sql(select))
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))
        self.env.invalidate_all()

    @api.model
    def _fold(self):
        """Merge the rows of every group changed since the last folding.

        Rows added by transactions that are still running are invisible here
        and left for the next run; a concurrent folding is left to finish.
        """
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%s))", [FOLD_LOCK]
        )
        if not self.env.cr.fetchone()[0]:
            return
        dimensions = self._dimension_names()
        # Matching a few more rows than needed would be harmless: every
        # deleted row is summed back into its own group.
        fresh_keys = ", ".join(
            f"{key} AS {name}" for name, key in self._group_keys(self._table).items()
        )
        same_group = " AND ".join(
            f"{key} = fresh.{name}" for name, key in self._group_keys("cell").items()
        )
        sums = ", ".join(f"sum({name})" for name in MEASURES)
        nonzero = " OR ".join(f"sum({name}) <> 0" for name in MEASURES)
        dimension_list = ", ".join(dimensions)
        merged = f"""SELECT rollup, true, {dimension_list}, {sums}
                       FROM gone
                      GROUP BY rollup, {dimension_list}
                     HAVING {nonzero}"""
        self.env.cr.execute(
            f"""
            WITH fresh AS (
                SELECT DISTINCT rollup, {fresh_keys}
                  FROM {self._table} WHERE NOT folded
            ), gone AS (
                DELETE FROM {self._table} cell USING fresh
                 WHERE cell.rollup = fresh.rollup AND {same_group}
                RETURNING cell.*
            )
            {self._insert_sql(merged)}
            """
        )
        self.env.invalidate_all()
