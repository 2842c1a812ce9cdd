"""The import does not query per row: rows are written in batches (their size set by the database)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.households import generate
from refectoire.households.importer import import_families
from refectoire.households.models import Child

pytestmark = pytest.mark.django_db


def queries_to_import(caisse, tmp_path, rows):
    path = tmp_path / f"familles-{rows}.csv"
    generate(path, rows=rows, seed=rows)
    with CaptureQueriesContext(connection) as context:
        import_families(caisse=caisse, content=path.read_bytes())
    return len(context.captured_queries)


def test_the_benchmark_file_imports_in_batches_not_row_by_row(cde11, cde19, tmp_path):
    small = queries_to_import(cde11, tmp_path, 40)
    large = queries_to_import(cde19, tmp_path, 400)
    assert Child.objects.filter(household__caisse=cde19).count() == 400
    assert small < 20
    assert large < 400 / 8  # ten times the rows, a handful of batches more
