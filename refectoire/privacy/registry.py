"""The `personal_data.py` modules of the installed apps (the contract in docs/data-retention.md).

A module has `SECTION` (its key in the export's JSON), `export_household(household)` and
`anonymise_household(household)`, optionally `files_of_household(household)` and `ORDER` (when it
anonymises: lower first; default 50). Discovered once, by app, with `importlib`: privacy imports no
app above it, and a new app plugs in by adding its module.
"""

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from django.apps import apps

DEFAULT_ORDER = 50


@dataclass(frozen=True)
class Section:
    key: str
    app_label: str
    module: ModuleType
    order: int

    def export(self, household):
        return self.module.export_household(household)

    def anonymise(self, household) -> dict[str, int]:
        return self.module.anonymise_household(household)

    def files(self, household) -> list:
        files = getattr(self.module, "files_of_household", None)
        return list(files(household)) if files is not None else []


@cache
def sections() -> tuple[Section, ...]:
    """Every app's section, in the order anonymisation runs them (ORDER, then app order)."""
    found = []
    for position, config in enumerate(apps.get_app_configs()):
        try:
            module = importlib.import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.personal_data":
                raise
            continue
        found.append(
            (
                getattr(module, "ORDER", DEFAULT_ORDER),
                position,
                Section(module.SECTION, config.label, module, 0),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    keys = [section.key for _o, _p, section in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"personal_data sections declared twice: {sorted(duplicates)}")
    return tuple(Section(s.key, s.app_label, s.module, order) for order, _p, s in found)
