"""Extractors for the cluster tests, importable by Dask workers (``tests/`` is on the
workers' ``sys.path``: LocalCluster spawns them from the test process).

Both wrap the real ``armstrack.pipeline.Extractor`` and change only *when* it
answers, so the register they lead to must be the one a local ingest writes.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from armstrack.pipeline import Extractor


class KillOnce:
    """Kills its own worker process on the first batch it gets (once: the flag file says it
    happened), as a machine lost in the middle of extraction would."""

    def __init__(self, flag: str, batch_size: int) -> None:
        self.flag, self.inner = Path(flag), Extractor(batch_size)

    def process_safe(self, articles: list[Any]) -> Any:
        if not self.flag.exists():
            self.flag.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return self.inner.process_safe(articles)


class Slow:
    """Takes ``seconds`` per batch, so that a test can kill the client mid-run."""

    def __init__(self, seconds: float, batch_size: int) -> None:
        self.seconds, self.inner = seconds, Extractor(batch_size)

    def process_safe(self, articles: list[Any]) -> Any:
        time.sleep(self.seconds)
        return self.inner.process_safe(articles)
