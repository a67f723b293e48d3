"""A stored event plan for people: agendas, the organiser's grid, XLSX, CSV, ICS and HTML.

Presentation only: the plan itself is data (`catalog.events`), made by `matcher.events`.

Example usage::

    from service.exports import export_plan

    with EventStore(paths.db) as store:
        export_plan(store.get_plan("ev-20261201-1"), Path("agendas"))
"""

from __future__ import annotations

from service.exports.agenda import AgendaItem, agendas, grid, meeting_rows
from service.exports.formats import (
    ExportFormat,
    export_plan,
    ics_calendar,
    render_html,
    write_csv,
    write_html,
    write_ics,
    write_sheets,
    write_xlsx,
)
from service.exports.series import (
    plot_partner_rate,
    series_rows,
    write_series_report,
    write_series_xlsx,
)

__all__ = [
    "AgendaItem",
    "ExportFormat",
    "agendas",
    "export_plan",
    "grid",
    "ics_calendar",
    "meeting_rows",
    "plot_partner_rate",
    "render_html",
    "series_rows",
    "write_csv",
    "write_html",
    "write_ics",
    "write_series_report",
    "write_series_xlsx",
    "write_sheets",
    "write_xlsx",
]
