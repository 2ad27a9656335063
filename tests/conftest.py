"""One real SeaweedFS per test session (tests.storage.seaweed) for every test that needs S3
(tests/storage, tests/deploy, ...), started on first use, stopped at the end."""
from __future__ import annotations

import uuid

import pytest

from tests.storage.seaweed import SeaweedS3


@pytest.fixture(scope="session")
def seaweed():
    server = SeaweedS3()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def bucket(seaweed):
    """A fresh bucket per test."""
    return seaweed.make_bucket("t-%s" % uuid.uuid4().hex[:12])
