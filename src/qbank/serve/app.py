"""The workbench as an ASGI app (Starlette): pages, the JSON API and the security checks.

Every request needs the server's token, from the URL (``?token=``, as Jupyter does; it is
then kept in a cookie for the page's own requests) or that cookie. Every POST needs the
CSRF token the page carries (header ``X-Qbank-CSRF``) and, when the browser says where it
comes from (``Origin``), this server's own address. Bank content is never run here: the
worker process does it (:mod:`qbank.serve.worker`).
"""

from __future__ import annotations

import contextlib
import hmac
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import limits
from . import files, tasks
from .page import page
from .worker import JobProblems, Worker, WorkerFailed, WorkerTimeout

STATIC = Path(__file__).parent / "static"
COOKIE = "qbank_token"
CSRF_HEADER = "x-qbank-csrf"
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


class Workbench:
    """What the app keeps: the folder, its secrets, the workers, images and jobs."""

    def __init__(self, root: Path, token: str, csrf: str, hosts: list[str] | None) -> None:
        self.root = root.resolve()
        self.token = token
        self.csrf = csrf
        self.hosts = hosts
        self.checker = Worker(self.root)
        self.runner = Worker(self.root)
        self.media: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self.jobs: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._media_lock = threading.Lock()

    def keep_media(self, media: dict[str, dict[str, Any]]) -> None:
        with self._media_lock:
            for image in media.values():
                self.media[image["name"]] = (image["type"], image["data"])
                self.media.move_to_end(image["name"])
            while len(self.media) > limits.SERVE_MEDIA_CACHE:
                self.media.popitem(last=False)

    def stop(self) -> None:
        self.checker.stop()
        self.runner.stop()


class _Guard:
    """Token, host and CSRF checks around the whole app (static files too)."""

    def __init__(self, app: ASGIApp, bench: Workbench) -> None:
        self.app = app
        self.bench = bench

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = self.refuse(request)
        if refused is not None:
            await _secure(JSONResponse({"error": refused}, status_code=403))(scope, receive, send)
            return
        given = request.query_params.get("token")

        async def send_secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.encode() not in names:
                        headers.append((key.encode(), value.encode()))
                if given:  # the token from the URL: kept for the page's own requests
                    headers.append(
                        (
                            b"set-cookie",
                            f"{COOKIE}={self.bench.token}; HttpOnly; SameSite=Strict; "
                            "Path=/".encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_secured)

    def refuse(self, request: Request) -> str | None:
        bench = self.bench
        if bench.hosts is not None and request.url.hostname not in bench.hosts:
            return "this address is not the workbench's (Host header refused)"
        token = request.query_params.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(token.encode(), bench.token.encode()):
            return (
                "this page needs the workbench's token: open the address 'qbank serve' "
                "printed (it ends with ?token=...)"
            )
        if request.method not in ("GET", "HEAD"):
            csrf = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(csrf.encode(), bench.csrf.encode()):
                return "refused: a change must come from the workbench page (CSRF token missing)"
            origin = request.headers.get("origin")
            own = f"{request.url.scheme}://{request.url.netloc}"
            if origin is not None and origin != own:
                return "refused: a change must come from the workbench page (another origin)"
        return None


def _secure(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > limits.MAX_FILE_BYTES * 2:
        raise files.Refused("the request is too large")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise files.Refused("the request is not JSON") from None
    if not isinstance(data, dict):
        raise files.Refused("the request is not a JSON object")
    return data


def _int(data: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise files.Refused(f"{key} must be a whole number") from None
    return max(low, min(high, number))


def create_app(
    root: str | Path,
    token: str,
    csrf: str,
    hosts: list[str] | None = None,
) -> _Guard:
    """The workbench for the banks in ``root``. ``hosts``: the names the server answers to
    (None: any), so a web page on another site cannot reach it through a renamed host."""
    bench = Workbench(Path(root), token, csrf, hosts)

    def bank_path(data: dict[str, Any] | Any) -> tuple[str, Path]:
        relative = str(data.get("path") or "")
        return relative, files.inside(bench.root, relative, banks_only=True)

    async def home(request: Request) -> Response:
        from ..exporters import default_formats, format_names, format_options
        from ..i18n import SHIPPED

        return HTMLResponse(
            page(
                csrf=bench.csrf,
                folder=str(bench.root),
                formats=format_names(),
                default_formats=default_formats(),
                options=format_options(),
                languages=[tag.replace("_", "-") for tag in SHIPPED],
            )
        )

    async def list_files(request: Request) -> Response:
        return JSONResponse(
            {
                "folder": str(bench.root),
                "files": files.bank_files(bench.root),
                "class_lists": files.bank_files(bench.root, files.CLASS_LIST_SUFFIXES),
                "templates": files.bank_files(bench.root, files.TEMPLATE_SUFFIXES),
            }
        )

    async def read_file(request: Request) -> Response:
        relative, path = bank_path(request.query_params)
        if not path.is_file():
            return _error(f"{relative}: no such bank file", 404)
        data = files.read_bank(path)
        return JSONResponse(
            {
                "path": relative,
                "text": data.decode("utf-8", "replace"),
                "digest": files.digest(data),
            }
        )

    async def state(request: Request) -> Response:
        relative, path = bank_path(request.query_params)
        digest = files.digest(path.read_bytes()) if path.is_file() else None
        return JSONResponse({"path": relative, "digest": digest})

    async def look(request: Request) -> Response:
        data = await _json(request)
        relative, _ = bank_path(data)
        count = _int(data, "count", 1, 1, limits.MAX_VARIANTS)
        result = await run_in_threadpool(
            bench.checker.call,
            tasks.look,
            limits.SERVE_PREVIEW_SECONDS,
            _too_slow("showing this question", limits.SERVE_PREVIEW_SECONDS),
            path=relative,
            text=str(data.get("text", "")),
            line=_int(data, "line", 1, 1, 10**9),
            seed=_int(data, "seed", 0, 0, 2**63 - 1),
            number=_int(data, "number", 1, 1, count),
            count=count,
            shown=str(data.get("look") or "sheet"),
        )
        if result.get("preview"):
            bench.keep_media(result["preview"].pop("media"))
        return JSONResponse(result)

    async def check(request: Request) -> Response:
        data = await _json(request)
        relative, path = bank_path(data)
        text = str(data.get("text", ""))
        on_disk = path.is_file() and path.read_bytes() == text.encode("utf-8")
        try:
            # on the worker of long jobs: a full check of a slow bank never holds up the
            # checks and previews while typing
            result = await run_in_threadpool(
                bench.runner.call,
                tasks.check_all,
                limits.SERVE_CHECK_SECONDS,
                _too_slow("checking the bank", limits.SERVE_CHECK_SECONDS),
                path=relative,
                text=text,
                on_disk=on_disk,
            )
        except JobProblems as exc:
            return JSONResponse({"ok": False, "problems": exc.problems})
        return JSONResponse({"ok": True, **result})

    async def save(request: Request) -> Response:
        data = await _json(request)
        relative, path = bank_path(data)
        text = str(data.get("text", ""))
        raw = text.encode("utf-8")
        if len(raw) > limits.MAX_FILE_BYTES:
            return _error("the text is larger than a bank may be", 413)
        expected = None if data.get("force") else data.get("digest")
        try:
            digest = files.save_bank(path, raw, expected)
        except files.Changed as exc:
            return JSONResponse(
                {
                    "error": f"{relative} was changed outside the workbench since you opened "
                    "it; reload it, or save again to replace it",
                    "changed": True,
                    "digest": exc.now,
                },
                status_code=409,
            )
        return JSONResponse({"path": relative, "digest": digest, "backup": relative + ".bak"})

    async def start_generate(request: Request) -> Response:
        import click

        from ..cli import check_language
        from ..exporters import format_names, format_options

        data = await _json(request)
        relative, path = bank_path(data)
        if not path.is_file():
            return _error(f"{relative}: save the bank first", 404)
        formats = [f for f in data.get("formats") or [] if f in format_names()]
        known = {o.name: o for o in format_options()}
        values: dict[str, Any] = {}
        for name, value in (data.get("options") or {}).items():
            option = known.get(name)
            if option is None or value in (None, "", False):
                continue
            if option.is_flag:
                values[name] = bool(value)
            elif option.path:  # a file the teacher names (--docx-template): in the folder
                named = str(value).strip()
                if not files.inside(bench.root, named).is_file():
                    return _error(f"{option.flag}: {named}: no such file in the folder", 404)
                values[name] = named
            elif not option.choices or str(value).lower() in option.choices:
                values[name] = str(value).lower() if option.choices else str(value)
        roster = str(data.get("roster") or "").strip() or None
        if roster is not None:
            files.inside(bench.root, roster)  # a class list inside the folder only
        language = str(data.get("language") or "").strip() or None
        try:
            check_language(language)  # --lang's check
        except click.BadParameter as exc:
            return _error(exc.message)
        count = None if data.get("count") in (None, "") else _int(data, "count", 1, 1, 10**9)
        seed_given = data.get("seed")
        seed = None if seed_given in (None, "") else _int(data, "seed", 0, 0, 2**63 - 1)
        job_id = str(next(bench._ids))
        job: dict[str, Any] = {"id": job_id, "state": "running", "progress": None}
        bench.jobs[job_id] = job

        def work() -> None:
            def progress(value: Any) -> None:
                job["progress"] = value

            try:
                job["result"] = bench.runner.call(
                    tasks.generate,
                    limits.SERVE_GENERATE_SECONDS,
                    _too_slow("generating", limits.SERVE_GENERATE_SECONDS),
                    progress=progress,
                    path=relative,
                    count=None if count is None and roster else (count or 1),
                    seed=seed,
                    formats=formats,
                    values=values,
                    roster=roster,
                    unique=bool(data.get("unique")),
                    replace=bool(data.get("replace")),
                    language=language,
                )
                job["state"] = "done"
            except JobProblems as exc:
                job["problems"] = exc.problems
                job["state"] = "failed"
            except (WorkerTimeout, WorkerFailed) as exc:
                job["problems"] = [{"line": None, "message": exc.message, "file": None}]
                job["state"] = "failed"

        threading.Thread(target=work, daemon=True, name=f"qbank-generate-{job_id}").start()
        return JSONResponse({"job": job_id})

    async def job_state(request: Request) -> Response:
        job = bench.jobs.get(request.path_params["job"])
        if job is None:
            return _error("no such job", 404)
        return JSONResponse(job)

    async def media(request: Request) -> Response:
        found = bench.media.get(request.path_params["name"])
        if found is None:
            return _error("no such image", 404)
        media_type, data = found
        return Response(
            data,
            media_type=media_type,
            headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"},
        )

    async def download(request: Request) -> Response:
        relative = request.query_params.get("path", "")
        path = files.inside(bench.root, relative)
        if not path.is_file():
            return _error(f"{relative}: no such file", 404)
        return FileResponse(path, filename=path.name)

    async def refused(request: Request, exc: Exception) -> Response:
        return _error(str(exc), 403)

    async def worker_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WorkerTimeout | WorkerFailed)
        return JSONResponse(
            {"problems": [{"line": None, "message": exc.message, "file": None}], "preview": None},
            status_code=200,
        )

    async def job_problems(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, JobProblems)
        return JSONResponse({"problems": exc.problems, "preview": None})

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/api/files", list_files),
            Route("/api/file", read_file),
            Route("/api/state", state),
            Route("/api/look", look, methods=["POST"]),
            Route("/api/check", check, methods=["POST"]),
            Route("/api/save", save, methods=["POST"]),
            Route("/api/generate", start_generate, methods=["POST"]),
            Route("/api/job/{job}", job_state),
            Route("/media/{name}", media),
            Route("/download", download),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={
            files.Refused: refused,
            WorkerTimeout: worker_error,
            WorkerFailed: worker_error,
            JobProblems: job_problems,
        },
        lifespan=_lifespan(bench),
    )
    return _Guard(app, bench)


def _lifespan(bench: Workbench) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            bench.stop()

    return lifespan


def _too_slow(what: str, seconds: float) -> str:
    return (
        f"{what} took longer than {seconds:g} seconds and was stopped; the bank's formulas, "
        "texts or figures do too much work"
    )
