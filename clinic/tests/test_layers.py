"""The layers contract (pyproject.toml, checked by lint-imports in CI) covers the whole core.

The read side lives inside the `clinic` package, so the contract names the core's modules one
by one; a module added to the core without joining that list would escape the check."""

import pkgutil
import tomllib
from pathlib import Path

import clinic

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_core_layer_names_every_module_of_the_core_but_the_read_side():
    contract = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"][0]
    assert contract["type"] == "layers"
    above = ["clinic.overview", "outcomes | appointments", "sessions_app", "screening", "consent"]
    assert contract["layers"][: len(above)] == above
    core = {name.strip() for name in contract["layers"][len(above)].split(":")}
    modules = {f"clinic.{module.name}" for module in pkgutil.iter_modules(clinic.__path__)}
    assert core == modules - {"clinic.overview"}


def test_every_app_with_tests_is_where_pytest_looks():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]
    apps = config["importlinter"]["root_packages"]
    with_tests = {app for app in apps if (PYPROJECT.parent / app / "tests").is_dir()}
    assert with_tests <= set(config["pytest"]["ini_options"]["testpaths"])
