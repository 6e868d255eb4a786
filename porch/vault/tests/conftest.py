"""Every vault test gets its own key directory and backup directory."""

import pytest

from porch.vault import context_processors, keys


@pytest.fixture(autouse=True)
def vault_dirs(tmp_path, settings):
    settings.PORCH_VAULT_KEY_DIR = tmp_path / "keys"
    settings.PORCH_BACKUP_DIR = tmp_path / "backups"
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()
    yield tmp_path
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()
