"""Run one benchmarked server in this process: ``python -m benchmarks.server KIND CONFIG PORT``.

KIND is ``service`` (CONFIG: JSON keyword arguments for ``service.settings.Settings``) or
``naive`` (CONFIG: JSON keyword arguments for ``benchmarks.naive.create_naive_app``). It
always binds 127.0.0.1.
"""

from __future__ import annotations

import json
import sys

import uvicorn

HOST = "127.0.0.1"


def main(argv: list[str]) -> None:
    """Build the app named by ``argv`` and serve it until terminated."""
    kind, config_json, port = argv
    config = json.loads(config_json)
    if kind == "service":
        from service.main import create_app
        from service.settings import Settings

        app = create_app(Settings(**config))
    elif kind == "naive":
        from benchmarks.naive import create_naive_app

        model_dir = config.pop("model_dir")
        app = create_naive_app(model_dir, **config)
    else:
        raise SystemExit(f"unknown server kind {kind!r}")
    uvicorn.run(app, host=HOST, port=int(port), log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
