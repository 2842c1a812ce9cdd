"""`field__any=ids`: a column among many integer ids, as one parameter whatever their number.

PostgreSQL: `col = ANY(%s::bigint[])` (one array parameter: the plan does not grow with the list,
unlike an `IN (…)` of 5,000 placeholders); SQLite: `col IN (SELECT value FROM json_each(%s))` (one
JSON parameter: no limit on the number of variables). Registered on every field by CoreConfig.ready.
"""

import json

from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(self.rhs)]
