"""Series stats for people: an XLSX workbook, the partner-found rate by month as a PNG
(with the park's 274 / 5,478 ≈ 5 % as the reference line) and a Markdown report.

Example usage::

    write_series_report(stats, Path("series-report"))  # series.xlsx, .png, report.md
"""

from __future__ import annotations

from pathlib import Path

from catalog.events.series import REFERENCE_COMPANIES, REFERENCE_PARTNERED, SeriesStats
from service.exports.formats import Cell, write_sheets, xlsx_cell

__all__ = ["plot_partner_rate", "series_rows", "write_series_report", "write_series_xlsx"]

XLSX, PNG, MARKDOWN = "series.xlsx", "partner-found-by-month.png", "report.md"
_SUMMARY = (
    ("events", "events"),
    ("meetings", "meetings scheduled"),
    ("held", "meetings held"),
    ("park", "organisations in the park"),
    ("companies", "participating companies"),
    ("served_once", "served once"),
    ("served_several", "served several times"),
    ("never_served", "never served"),
    ("repeat_pairs", "repeat pairs (outside follow-ups)"),
    ("follow_up_repeats", "follow-up repeats"),
    ("repeat_pair_rate", "repeat-pair rate"),
    ("partner_found", "companies that found partners"),
    ("partner_found_rate", "partner-found rate"),
    ("reference_rate", "reference: 274 / 5,478 (the park's year)"),
)


def series_rows(stats: SeriesStats) -> dict[str, list[list[Cell]]]:
    """The three tables: summary (figure, value), months, chains."""
    doc = stats.model_dump()
    summary: list[list[Cell]] = [["figure", "value"]]
    summary += [[label, xlsx_cell(doc[key])] for key, label in _SUMMARY]
    summary += [["since", xlsx_cell(stats.since)], ["chain", xlsx_cell(stats.chain)]]
    months: list[list[Cell]] = [["month", "events", "companies", "partner_found", "rate"]]
    months += [
        [m.month, m.events, m.companies, m.partner_found, xlsx_cell(m.partner_found_rate)]
        for m in stats.months
    ]
    head = ["chain", "name", "events", "park", "companies", "served", "never_served"]
    chains: list[list[Cell]] = [[*head, "partner_found", "rate"]]
    chains += [
        [
            c.chain,
            c.name,
            c.events,
            c.park,
            c.companies,
            c.served,
            c.never_served,
            c.partner_found,
            xlsx_cell(c.partner_found_rate),
        ]
        for c in stats.chains
    ]
    return {"Summary": summary, "Months": months, "Chains": chains}


def write_series_xlsx(stats: SeriesStats, path: Path) -> Path:
    return write_sheets(list(series_rows(stats).items()), path)


def plot_partner_rate(stats: SeriesStats, path: Path) -> Path:
    """Partner-found rate by month, bars, with the reference line."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a server
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    months = [m.month for m in stats.months]
    ax.bar(months, [m.partner_found_rate or 0.0 for m in stats.months], label="partner-found rate")
    ax.axhline(
        stats.reference_rate,
        color="tab:red",
        linestyle="--",
        label=f"reference {REFERENCE_PARTNERED} / {REFERENCE_COMPANIES:,} = "
        f"{100 * stats.reference_rate:.1f} %",
    )
    ax.set_ylabel("companies with a signed cooperation ÷ participants")
    ax.set_title("Partner-found rate by month")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _markdown(stats: SeriesStats) -> str:
    def table(rows: list[list[Cell]]) -> list[str]:
        head, *body = rows
        lines = ["| " + " | ".join(str(c) for c in head) + " |", "|" + "---|" * len(head)]
        return lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in body]

    parts = series_rows(stats)
    scope = f"chain {stats.chain}" if stats.chain else "all chains"
    since = f" since {stats.since}" if stats.since else ""
    lines = [f"# Event series: {scope}{since}", "", *table(parts["Summary"]), ""]
    lines += ["## Partner-found rate by month", "", f"![partner-found rate by month]({PNG})", ""]
    lines += [*table(parts["Months"]), "", "## Per chain", "", *table(parts["Chains"]), ""]
    return "\n".join(lines)


def write_series_report(stats: SeriesStats, folder: Path) -> list[Path]:
    """series.xlsx, partner-found-by-month.png and report.md in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / MARKDOWN
    md.write_text(_markdown(stats), encoding="utf-8")
    return [
        write_series_xlsx(stats, folder / XLSX),
        plot_partner_rate(stats, folder / PNG),
        md,
    ]
