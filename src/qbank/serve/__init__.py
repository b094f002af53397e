"""``qbank serve``: a teacher's workbench in the browser (:mod:`qbank.serve.app`).

It serves one folder's banks on this computer only (127.0.0.1 unless ``--host``), behind a
random token printed with the address, with bank content run in a worker process under a
hard time limit (:mod:`qbank.serve.worker`).
"""

from __future__ import annotations

import secrets
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    first_file: str | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Run the workbench until Ctrl+C."""
    import uvicorn

    from .app import create_app

    token = secrets.token_urlsafe(24)
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"] if host in LOOPBACK else None
    app = create_app(folder, token, secrets.token_urlsafe(24), hosts=hosts)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/?token={token}" + (f"#{first_file}" if first_file else "")
    say(f"qbank workbench for {folder}")
    say(f"Open {url}")
    say("Press Ctrl+C to stop.")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
