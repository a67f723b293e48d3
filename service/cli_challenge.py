"""`chainmatch challenge …`: technical challenges (揭榜挂帅) — open, move through review,
award, signing and acceptance, apply, score, show, list, rank, solvers, stats, export.

Thin adapters over `catalog.challenge` (storage, rules, rubric, figures) and
`matcher.challenge` (solvers); what they share with the HTTP routes is in
`service.challenge`. Who acts is ``--by`` (default: the login name) with ``--as`` staff or
company; a company acts for the organisation the command is about (the owner, or the
applicant of ``apply``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from catalog.actors import Actor, Role
from catalog.challenge import ChallengeMove, ChallengeState, ChallengeStore, IpDeclaration
from catalog.errors import InvalidInputError
from service.challenge import (
    application_of,
    challenge_doc,
    list_doc,
    ranking_doc,
    solvers_doc,
    spec_of,
    stats_doc,
)
from service.cli_context import As, AsJson, By, CliContext, cli_actor, cli_context

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["challenge_app"]

challenge_app = typer.Typer(
    help="Technical challenges (揭榜挂帅): post a problem, review it, take applications, "
    "score them, award, sign, accept; solvers ranked from evidence.",
    no_args_is_help=True,
)

ChallengeId = Annotated[str, typer.Argument(help="Challenge id, e.g. ch-20260907-1.")]
Note = Annotated[str | None, typer.Option(help="A note for the log (reason, conclusion).")]


def _emit(cli: CliContext, doc: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        cli.out.print(escape(line))


def _show(cli: CliContext, doc: dict[str, Any], as_json: bool) -> None:
    money = f"{doc['amount_wan']:g} 万元 {doc['award_kind']}"
    _emit(
        cli,
        doc,
        as_json,
        f"{doc['id']} {doc['state']} — {doc['title']} ({doc['org_id']}, {money}, deadline "
        f"{doc['deadline']}); {doc['applications']} application(s)",
    )


def _staff_view(store: ChallengeStore, challenge_id: str) -> dict[str, Any]:
    return challenge_doc(store, challenge_id, Actor.staff("cli"))


@challenge_app.command("open")
def open_cmd(
    ctx: typer.Context,
    spec: Annotated[
        Path,
        typer.Argument(help="JSON file: the challenge (fields in README, 'Challenges')."),
    ],
    from_request: Annotated[
        str | None,
        typer.Option(help="A desk request id: its organisation and text fill org_id/problem."),
    ] = None,
    submit: Annotated[bool, typer.Option(help="Send it to review at once.")] = False,
    by: By = None,
    role: As = Role.STAFF,
    as_json: AsJson = False,
) -> None:
    """Open a challenge as a draft (from a JSON file, optionally from a desk request)."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        try:
            doc = json.loads(spec.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidInputError(f"{spec}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{spec}: not valid JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise InvalidInputError(f"{spec}: expected one JSON object (the challenge)")
        with ChallengeStore(ws.paths.db) as store:
            new = spec_of({**doc, "from_request": from_request}, store)
            actor = cli_actor(by, role, new.org_id)
            ch = store.open(new, actor=actor)
            if submit:
                store.move(ch.id, ChallengeMove(ChallengeState.IN_REVIEW), actor=actor)
            return _staff_view(store, ch.id)

    _show(cli, cli.in_workspace(go), as_json)


@challenge_app.command("move")
def move_cmd(
    ctx: typer.Context,
    challenge_id: ChallengeId,
    state: Annotated[ChallengeState, typer.Argument(help="The state to move to.")],
    note: Note = None,
    shortlist: Annotated[
        list[str] | None,
        typer.Option("--shortlist", help="For shortlisted: an applicant's id (repeatable)."),
    ] = None,
    winner: Annotated[
        list[str] | None,
        typer.Option("--winner", help="For awarded: a winner's id (repeatable: a consortium)."),
    ] = None,
    amount: Annotated[
        float | None, typer.Option(min=0.01, help="For signed: the contract amount in 万元.")
    ] = None,
    by: By = None,
    role: As = Role.STAFF,
    as_json: AsJson = False,
) -> None:
    """Move a challenge (an illegal move exits 4, naming the state and the allowed moves)."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            owner = store.get(challenge_id).org_id
            move = ChallengeMove(state, note, tuple(shortlist or ()), tuple(winner or ()), amount)
            store.move(challenge_id, move, actor=cli_actor(by, role, owner))
            return _staff_view(store, challenge_id)

    _show(cli, cli.in_workspace(go), as_json)


@challenge_app.command("apply")
def apply_cmd(
    ctx: typer.Context,
    challenge_id: ChallengeId,
    org: Annotated[str, typer.Argument(help="The applying organisation's id.")],
    proposal: Annotated[str, typer.Option(help="The proposal: approach, evidence, plan.")],
    ip: Annotated[IpDeclaration, typer.Option("--ip", help="The IP declaration.")],
    budget: Annotated[float, typer.Option(min=0.01, help="Budget asked, in 万元.")],
    ip_text: Annotated[str, typer.Option(help="More on the IP declaration.")] = "",
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A team member (repeatable).")
    ] = None,
    by: By = None,
    role: As = Role.STAFF,
    as_json: AsJson = False,
) -> None:
    """Apply to a published challenge (揭榜), once per organisation."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        new = application_of(
            {
                "org_id": org,
                "proposal": proposal,
                "ip_declaration": ip,
                "ip_text": ip_text,
                "budget_wan": budget,
                "team": tuple(member or ()),
            }
        )
        with ChallengeStore(ws.paths.db) as store:
            return store.apply(challenge_id, new, actor=cli_actor(by, role, org)).to_json()

    doc = cli.in_workspace(go)
    _emit(cli, doc, as_json, f"{org} applied to {challenge_id} ({doc['budget_wan']:g} 万元)")


def _scores(pairs: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InvalidInputError(f"score: expected criterion=0..5, got {pair!r}")
    return out


@challenge_app.command("score")
def score_cmd(
    ctx: typer.Context,
    challenge_id: ChallengeId,
    org: Annotated[str, typer.Argument(help="The applicant whose application is scored.")],
    score: Annotated[
        list[str], typer.Option("--score", help="criterion=0..5, once per rubric criterion.")
    ],
    note: Note = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """A staff reviewer scores one application 0–5 on every rubric criterion, once."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            actor = cli_actor(by, Role.STAFF, org)
            store.review(challenge_id, org, _scores(score), actor=actor, note=note)
            return ranking_doc(store, challenge_id, actor)

    doc = cli.in_workspace(go)
    top = doc["ranking"][0]
    _emit(cli, doc, as_json, f"scored; first now {top['org_id']} ({top['total_100']:g}/100)")


@challenge_app.command("show")
def show_cmd(ctx: typer.Context, challenge_id: ChallengeId, as_json: AsJson = False) -> None:
    """One challenge: its spec, log, applications, rubric ranking and allowed moves."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            return _staff_view(store, challenge_id)

    _show(cli, cli.in_workspace(go), as_json)


@challenge_app.command("list")
def list_cmd(
    ctx: typer.Context,
    state: Annotated[
        ChallengeState | None, typer.Option(help="Only challenges in this state.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Every challenge, newest first."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            return list_doc(store, Actor.staff("cli"), state=None if state is None else state.value)

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    cli.out.print(f"{doc['count']} challenge(s)")
    for c in doc["challenges"]:
        cli.out.print(
            f"  {c['id']} {c['state']:<11} {c['amount_wan']:>6g} 万元 {c['deadline']} "
            f"{escape(c['title'])} ({c['org_id']}, {c['applications']} applied)"
        )


@challenge_app.command("ranking")
def ranking_cmd(ctx: typer.Context, challenge_id: ChallengeId, as_json: AsJson = False) -> None:
    """The applications best first by the weighted rubric (mean over reviewers)."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            return ranking_doc(store, challenge_id, Actor.staff("cli"))

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    for r in doc["ranking"]:
        cli.out.print(
            f"  {r['rank']}. {r['org_id']} {r['total_100']:g}/100 ({r['reviews']} review(s), "
            f"{r['budget_wan']:g} 万元, IP {r['ip_declaration']})"
        )


@challenge_app.command("solvers")
def solvers_cmd(
    ctx: typer.Context,
    challenge_id: ChallengeId,
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=100, help="How many.")] = 10,
    as_json: AsJson = False,
) -> None:
    """Who could solve it, from evidence, institutes first; a consortium for several parts."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        engine = cli.engine(ws)
        with ChallengeStore(ws.paths.db) as store:
            return solvers_doc(engine, store, challenge_id, Actor.staff("cli"), k=k)

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    for i, s in enumerate(doc["solvers"], 1):
        cli.out.print(f"  {i}. {escape(s['name'])} ({s['org_id']}, {s['kind']}) {s['score']}")
        for reason in s["reasons"]:
            cli.out.print(f"     {escape(reason)}", style="dim")
    team = doc["consortium"]
    if team:
        cli.out.print("consortium:")
        for m in team["members"]:
            cli.out.print(
                f"  {escape(m['name'])} ({m['org_id']}): {escape('；'.join(m['covers']))}"
            )


@challenge_app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    since: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Opened from.")
    ] = None,
    until: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Opened until.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Challenges opened, published, matched, signed, the amount signed — total and by chain."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with ChallengeStore(ws.paths.db) as store:
            return stats_doc(
                store,
                ws.store,
                since=None if since is None else since.date(),
                until=None if until is None else until.date(),
            )

    doc = cli.in_workspace(go)
    _emit(
        cli,
        doc,
        as_json,
        f"{doc['opened']} opened, {doc['published']} published, {doc['matched']} matched, "
        f"{doc['signed']} signed ({doc['amount_signed_wan']:g} 万元), {doc['accepted']} accepted",
    )


@challenge_app.command("export")
def export_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The XLSX workbook to write.")],
) -> None:
    """Challenges, applications with rubric scores, the log and the stats as one workbook."""
    from service.exports.challenge import write_challenges_xlsx  # openpyxl: only when writing

    cli = cli_context(ctx)

    def go(ws: Workspace) -> Path:
        with ChallengeStore(ws.paths.db) as store:
            return write_challenges_xlsx(out, store, stats_doc(store, ws.store))

    cli.out.print(f"wrote {escape(str(cli.in_workspace(go)))}")
