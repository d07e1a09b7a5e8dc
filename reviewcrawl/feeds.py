"""Feed URI parameters: the run's data directory and id, for FEEDS templates in settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    data_dir = Path(spider.settings.get("REVIEWCRAWL_DATA_DIR") or "data").resolve()
    return {**params, "data_dir": str(data_dir), "run_id": getattr(spider, "run_id", params["time"])}
