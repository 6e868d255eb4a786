"""The deployment files in deploy/ match the code: every command they run is a
real `porch` command, every PORCH_* variable they set is one Porch reads, and
the compose file keeps the epoch keys on tmpfs (R13)."""

import configparser
import re
from pathlib import Path

import yaml

from porch import cli

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def known_variables() -> set[str]:
    """Every PORCH_* name the code reads (settings, CLI, vault)."""
    names = set()
    for path in (ROOT / "porch").rglob("*.py"):
        if "tests" in path.parts:
            continue
        names |= set(re.findall(r"PORCH_[A-Z0-9_]*[A-Z0-9]", path.read_text()))
    return names


def management_commands() -> set[str]:
    return {p.stem for p in (ROOT / "porch").glob("*/management/commands/*.py")} - {"__init__"}


def assert_porch_command(argv: list[str]) -> None:
    assert argv[0].endswith("porch"), argv
    name = argv[1]
    assert name in cli.COMMANDS or name in management_commands(), f"no porch command {name!r}"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_runs_web_worker_and_migrate_with_real_commands():
    services = compose()["services"]
    assert {"web", "worker", "migrate", "db", "caddy"} <= set(services)
    assert services["web"]["command"] == ["porch", "serve"]
    assert services["worker"]["command"] == ["porch", "worker"]
    for name in ("web", "worker", "migrate"):
        assert_porch_command(services[name]["command"])


def test_every_porch_variable_in_the_compose_file_is_one_porch_reads():
    known = known_variables()
    services = compose()["services"]
    for name in ("web", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["PORCH_ENV"] == "production"
        unknown = {k for k in env if k.startswith("PORCH_")} - known
        assert unknown == set(), f"{name}: {unknown}"
    assert "PORCH_NOT_A_SETTING" not in known  # the check can fail


def test_the_compose_file_keeps_the_epoch_keys_on_tmpfs():
    doc = compose()
    web = doc["services"]["web"]
    key_dir = web["environment"]["PORCH_VAULT_KEY_DIR"]
    (volume,) = [v.split(":")[0] for v in web["volumes"] if v.split(":")[1] == key_dir]
    assert doc["volumes"][volume]["driver_opts"]["type"] == "tmpfs"
    # Nothing else is mounted over the key directory, in any Porch service.
    for name in ("worker", "migrate"):
        assert f"{volume}:{key_dir}" in doc["services"][name]["volumes"]
    assert "8000" not in str(web.get("ports", "")), "only Caddy faces the network"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / name).read_text())
    return parser


def test_the_systemd_units_start_real_porch_commands_with_real_variables():
    known = known_variables()
    units = ["porch-web.service", "porch-worker.service", "porch-backup.service"]
    expected = {"porch-web.service": "serve", "porch-worker.service": "worker"}
    for name in units:
        service = unit(name)["Service"]
        argv = service["ExecStart"].split()
        assert_porch_command(argv)
        if name in expected:
            assert argv[1] == expected[name]
        # configparser keeps the last Environment= line only: read them all.
        lines = (DEPLOY / name).read_text().splitlines()
        variables = [ln.split("=", 2)[1] for ln in lines if ln.startswith("Environment=")]
        assert variables and set(variables) <= known, (name, set(variables) - known)
        assert "porch-vault-seal" in service["LoadCredentialEncrypted"]
        assert service["User"] == "porch"
    timer = unit("porch-backup.timer")["Timer"]
    assert timer["OnCalendar"]


def test_the_key_directory_of_the_units_is_on_tmpfs():
    text = (DEPLOY / "porch-web.service").read_text()
    key_dir = re.search(r"PORCH_VAULT_KEY_DIR=(\S+)", text).group(1)
    assert key_dir.startswith("/run/")  # /run is tmpfs on every systemd host
    assert f"d {key_dir} 0700" in (DEPLOY / "porch-tmpfs.conf").read_text()


def test_the_caddyfile_proxies_to_the_units_bind_address_without_an_access_log():
    bind = re.search(r"PORCH_BIND=(\S+)", (DEPLOY / "porch-web.service").read_text()).group(1)
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert f"reverse_proxy {bind}" in caddy
    assert "output discard" in caddy
    assert "reverse_proxy web:8000" in (DEPLOY / "Caddyfile.compose").read_text()


def test_the_deploy_guide_names_only_real_commands_and_variables():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    known = known_variables()
    unknown = set(re.findall(r"PORCH_[A-Z0-9_]*[A-Z0-9]", guide)) - known
    assert unknown == set()
    for name in re.findall(r"`porch ([a-z][a-z-]*)", guide):
        assert name in cli.COMMANDS or name in management_commands(), name
