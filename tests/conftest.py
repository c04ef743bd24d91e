import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def db():
    from crawler.storage import open_db

    database = open_db(":memory:")
    yield database
    database.conn.close()
