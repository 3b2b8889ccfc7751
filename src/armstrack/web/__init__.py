"""The register on the web: ``armstrack serve``.

:mod:`armstrack.web.queries` reads the store (read-only) into what pages and
the JSON API show; :mod:`armstrack.web.charts` lays out the server-side SVG
charts; :mod:`armstrack.web.app` is the FastAPI application that serves both
faces of each query. docs/web.md says why it is built this way.
"""

from armstrack.web.app import create_app

__all__ = ["create_app"]
