from pathlib import Path

import pytest

from porch.routing.tests.osrm_fake import FakeOsrm

DATA = Path(__file__).parent / "data"


@pytest.fixture
def osrm():
    with FakeOsrm(max_table_size=100) as server:
        yield server


@pytest.fixture
def data_dir() -> Path:
    return DATA
