"""The FastAPI app factory: settings in, app out; the engine loads in ``lifespan``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from service.api.errors import install_error_handlers
from service.api.routes import (
    audit,
    chains,
    challenges,
    desk,
    events,
    health,
    match,
    orgs,
    session,
    toolkit,
)
from service.api.state import EngineHolder
from service.settings import Settings
from service.tokens import TokenFile
from service.workspace import Workspace

__all__ = ["WEB_DIR", "create_app"]

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
ECHARTS = WEB_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js"
CONSOLE_DIR = WEB_DIR / "console"
# The console is plain ES modules from this origin: nothing else may run or load.
CONSOLE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

DESCRIPTION = """
ChainMatch 产业链供需匹配引擎: find partners (找合作) and substitutes (找替代) among a park's
organisations, ask free questions (一问即答), and draw the cooperation opportunity map
(合作机会图谱). Reads are open; writes and contact data need a bearer token: a named token
from the `CHAINMATCH_TOKENS` file (role `staff`: every write, the audit log, contacts; role
`company`: its own organisation only) or the single staff token `CHAINMATCH_TOKEN`
(without any, the service is read-only). Every error has the body
`{"detail": "...", "errors": [{"field": "...", "message": "...", "row": null}]}`.
"""


def _limit_threads(n: int) -> int:
    """One OpenMP thread per worker: requests run in parallel, not each op on all cores.

    Returns the previous setting so that shutting the app down restores it (tests run the
    app inside a process that goes on encoding).
    """
    import torch

    from matcher.index import set_faiss_threads

    before = torch.get_num_threads()
    set_faiss_threads(n)
    torch.set_num_threads(n)
    return int(before)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ws = Workspace(
            settings.paths(),
            encoder_kind=settings.encoder,
            index_kind=settings.index,
            milvus_uri=settings.milvus_uri,
            progress=False,
        )
        threads = None
        try:
            if settings.load_demo:
                with ws.lock:  # workers starting together fill an empty catalog once
                    ws.load_demo()
                    ws.load_demo_extras()
            app.state.holder = await run_in_threadpool(EngineHolder, ws)
            threads = _limit_threads(settings.omp_threads)
            log.info("engine ready: %d organisations", len(app.state.holder.engine.orgs))
            yield
        finally:
            if threads is not None:
                _limit_threads(threads)
            if getattr(app.state, "holder", None) is not None:
                app.state.holder.close()  # the background refit thread
            ws.close()

    app = FastAPI(
        title="ChainMatch",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    secret = settings.token.get_secret_value() if settings.token is not None else None
    app.state.tokens = TokenFile(settings.token_file_in_use(), secret)  # a bad file: no start
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    for module in (health, orgs, match, chains, events, desk, challenges, toolkit, audit, session):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/vendor/echarts.min.js", include_in_schema=False)
    def echarts() -> FileResponse:
        if not ECHARTS.exists():
            from fastapi import HTTPException

            raise HTTPException(
                404, f"ECharts is not installed: run 'npm --prefix {WEB_DIR} install'"
            )
        return FileResponse(ECHARTS, media_type="text/javascript")

    @app.get("/console", include_in_schema=False)
    def console_root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    @app.get("/console/", include_in_schema=False)
    def console() -> FileResponse:
        """The web console (工作台): one HTML shell, pages are ES modules behind a hash router."""
        return FileResponse(
            CONSOLE_DIR / "index.html",
            media_type="text/html",
            headers={"Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-cache"},
        )

    app.mount("/console/assets", StaticFiles(directory=CONSOLE_DIR / "assets"), name="console")
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    return app
