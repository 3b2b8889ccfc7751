"""``armstrack serve``: the register in a browser and over HTTP, read-only."""

from __future__ import annotations

import os

import click


@click.command()
@click.option(
    "--db",
    "db_path",
    default=None,
    help="SQLite file of the register (default: armstrack's --db, i.e. armstrack.db).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (each reads the database on its own).",
)
@click.pass_context
def serve(ctx: click.Context, db_path: str | None, host: str, port: int, workers: int) -> None:
    """Serve the register (pages and a JSON API) from the database, opened read-only.

    Pages: / (register), /deals/N, /articles/ID, /countries/ISO, /network, /search,
    /status. API: /api/... described by /api/openapi.json. Nothing is loaded from
    the network: scripts, styles and charts are all served from the package.
    """
    import uvicorn

    from armstrack.store import StoreError
    from armstrack.web.app import create_app, wrap

    db = db_path or ctx.obj["db"]
    try:
        app = wrap(create_app(db))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"armstrack: serving {db} read-only at http://{host}:{port}/", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ["ARMSTRACK_SERVE_DB"] = db
    uvicorn.run(
        "armstrack.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
