"""The README documents every environment variable the settings read."""

import re

from django.conf import settings

OIDC_PREFIXES = ["MONPARIS", "FRANCECONNECT"]


def variables_read_by_settings() -> set[str]:
    source = (settings.BASE_DIR / "refectoire" / "settings.py").read_text()
    names = set()
    for name in re.findall(r"env(?:str|bool|int|list|choice)\(\s*f?\"([A-Za-z_{}]+)\"", source):
        if "{prefix}" in name:
            names.update(name.replace("{prefix}", prefix) for prefix in OIDC_PREFIXES)
        else:
            names.add(name)
    return names


def test_every_environment_variable_is_in_the_readme_table():
    readme = (settings.BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, re.M))
    read = variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "SESSION_ENGINE", "REFECTOIRE_MAIL_DELIVERY_BACKEND"} <= read
    assert read - documented == set()


def test_the_readme_starts_with_the_two_commands_and_shows_the_welcome_page():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert readme.index("./dev demo") < readme.index("## Settings")
    assert "./dev test" in readme
    assert "(docs/screenshots/welcome.png)" in readme
    assert (settings.BASE_DIR / "docs" / "screenshots" / "welcome.png").stat().st_size > 10_000
    assert "(docs/deploy.md)" in readme


def test_the_readme_names_files_of_fakes_that_exist():
    readme = (settings.BASE_DIR / "README.md").read_text()
    named = set(re.findall(r"`(tests/[\w/]*fake\w*(?:\.py)?/?)`", readme))
    assert "tests/payments/fake_payfip.py" in named
    assert all((settings.BASE_DIR / path).exists() for path in named)
