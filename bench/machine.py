"""The machine a benchmark ran on, and the writing of its section in docs/benchmarks.md."""

import os
import platform
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
INTRO = (
    "# Benchmarks\n\nFigures measured by `./dev bench NAME`; each section is rewritten by its benchmark.\n"
)


def django_setup() -> Path:
    """Django on a fresh SQLite database in a temporary directory (returned), as in the tests."""
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="refectoire-bench-"))
    os.environ.update(
        {
            "REFECTOIRE_TESTING": "1",
            "REFECTOIRE_VAR_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "CACHE_URL": "locmem://",
            "DJANGO_SETTINGS_MODULE": "refectoire.settings",
        }
    )
    import django

    django.setup()
    return workdir


def describe() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} Gio"
                break
    except OSError:
        pass
    return (
        f"nproc {os.cpu_count()}, CPU {cpu}, mémoire {memory or 'inconnue'}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section between the markers of `name` in docs/benchmarks.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = DOC.read_text() if DOC.exists() else INTRO
    section = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = (
        pattern.sub(lambda _match: section, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section + "\n"
    )
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


def load_sentence(load: float) -> str:
    """What the load average `load` (taken just before the measure) says of the machine, for the
    « Machine: » line of a section: idle below 1.5 on these 2 cores, else shared."""
    if load < 1.5:
        return f"load average {load:.1f} before the measure (an idle machine but for the benchmark itself)"
    return (
        f"load average {load:.1f} before the measure (the machine was shared with other work: compare "
        "the ratios, measured in one run, rather than the seconds)"
    )
