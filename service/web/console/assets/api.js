/**
 * The HTTP API as the console uses it: one function per endpoint, written once, typed with
 * JSDoc (the shapes are the OpenAPI schema's at /openapi.json). Requests send the session
 * cookie (same origin); errors throw ApiError with the service's `detail` and `errors`.
 */

/**
 * @typedef {{field: string, message: string, row: number | null}} ErrorItem
 * @typedef {{region?: string, kind?: string, chain?: string, segment?: string,
 *            qualification?: string}} Filters
 * @typedef {{query: string, candidate: string, score: number, direction: string,
 *            margin?: number | null}} Evidence
 * @typedef {{org_id: string, name: string, score: number, parts: Record<string, number>,
 *            relation: string, evidence: Evidence[], explanation: string,
 *            exploratory: boolean, rests_on: string[]}} Match
 * @typedef {{query: object, results: Match[]}} MatchList
 * @typedef {{province: string, city: string, park: string | null}} Region
 * @typedef {{name: string, issuer?: string | null, valid_until?: string | null}} Qualification
 * @typedef {{id: string, name: string, aliases: string[], kind: string, region: Region,
 *            chains: {chain: string, segment: string}[], offers: string[], needs: string[],
 *            products: {name: string, share: number}[], qualifications: Qualification[],
 *            size: string | null, contacts: {name: string, role?: string, phone?: string,
 *            email?: string}[], contacts_hidden: boolean, updated_at: string | null}} Org
 * @typedef {{name: string, role: "staff" | "company", org: string | null}} Session
 * @typedef {{id: string, org_id: string, text: string, kind: string, urgency: string,
 *            state: string, handler: string | null, filed_at: string, clock: string | null,
 *            due_at: string | null, overdue: boolean}} QueueItem
 * @typedef {{id: string, org_id: string, text: string, kind: string, urgency: string,
 *            state: string, handler: string | null, filed_at: string,
 *            log: Record<string, any>[], clocks: Record<string, Record<string, any>>,
 *            allowed_moves: {staff: string[], company: string[]}}} DeskRequest
 * @typedef {{imported: number, created: number, updated: number, skipped: number,
 *            skipped_rows: number[], errors: ErrorItem[], warnings: ErrorItem[],
 *            dry_run: boolean, preview: {row: number, id: string, name: string,
 *            action: string}[]}} ImportResult
 */

export class ApiError extends Error {
  /**
   * @param {string} detail
   * @param {number} status
   * @param {ErrorItem[]} errors
   */
  constructor(detail, status, errors) {
    super(detail);
    this.status = status;
    this.errors = errors;
  }
}

/**
 * @param {string} path
 * @param {{method?: string, json?: unknown, form?: FormData}} [opts]
 */
async function call(path, opts = {}) {
  /** @type {RequestInit} */
  const init = { method: opts.method || "GET", headers: { Accept: "application/json" } };
  init.credentials = "same-origin";
  if (opts.json !== undefined) {
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(opts.json);
  } else if (opts.form) {
    init.body = opts.form;
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const detail = data && typeof data.detail === "string" ? data.detail : `HTTP ${res.status}`;
    throw new ApiError(detail, res.status, (data && data.errors) || []);
  }
  return data;
}

/** @param {Record<string, string | number | boolean | undefined | null>} params */
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** @param {Filters} filters */
function cleanFilters(filters) {
  /** @type {Filters} */
  const out = {};
  for (const [k, v] of Object.entries(filters || {})) if (v) out[/** @type {keyof Filters} */ (k)] = v;
  return out;
}

// -- session ------------------------------------------------------------------------------
/** @returns {Promise<Session | null>} signed-in session, null when signed out */
export async function getSession() {
  try {
    return await call("/session");
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}
/** @param {string} token @returns {Promise<Session>} */
export const signIn = (token) => call("/session", { method: "POST", json: { token } });
export const signOut = () => call("/session", { method: "DELETE" });

// -- catalog and matching ------------------------------------------------------------------
/** @returns {Promise<{chains: {id: string, name: string, name_en: string,
 *   segments: {id: string, name: string, name_en: string, stage: string}[]}[]}>} */
export const chains = () => call("/chains");
/** @returns {Promise<{province: string, city: string, park: string | null,
 *   organisations: number}[]>} */
export const regions = () => call("/orgs/regions");
/** @param {{q?: string, limit?: number, offset?: number, kind?: string, chain?: string}} p
 *  @returns {Promise<{total: number, items: Org[]}>} */
export const listOrgs = (p) => call(`/orgs${query(p)}`);
/** @param {string} id @returns {Promise<Org>} */
export const getOrg = (id) => call(`/orgs/${encodeURIComponent(id)}`);
/** @param {string} text @param {number} k @param {Filters} filters
 *  @returns {Promise<MatchList>} */
export const ask = (text, k, filters) =>
  call("/ask", { method: "POST", json: { text, k, filters: cleanFilters(filters) } });
/** @param {string} orgId @param {string} direction @param {number} k
 *  @returns {Promise<MatchList>} */
export const partners = (orgId, direction, k) =>
  call("/match/partners", { method: "POST", json: { org_id: orgId, direction, k } });
/** @param {string} orgId @param {number} k @returns {Promise<MatchList>} */
export const substitutes = (orgId, k) =>
  call("/match/substitutes", { method: "POST", json: { org_id: orgId, k } });
/** @returns {Promise<{events: {event_id: string, name: string, date: string,
 *   participants: number, meetings: number, status: string}[],
 *   totals: Record<string, number>}>} */
export const events = () => call("/events");
/** @param {string} eventId @param {string} orgId
 *  @returns {Promise<{event_id: string, event_name: string, date: string, org_id: string,
 *   name: string, meetings: {slot: number, start: string, end: string, table: number,
 *   counterpart: string, counterpart_name: string, score: number, why: string,
 *   exploratory: boolean}[]}>} */
export const agenda = (eventId, orgId) =>
  call(`/events/${encodeURIComponent(eventId)}/agenda/${encodeURIComponent(orgId)}`);

// -- matchmaking events ---------------------------------------------------------------------
/**
 * @typedef {{slot: number, start: string, end: string, table: number, a: string,
 *            a_name: string, b: string, b_name: string, score: number, why: string,
 *            relation: string, requested: string | null, exploratory: boolean}} EventMeeting
 * @typedef {{org_id: string, name: string, strength: number, reason: string,
 *            wave: number | null}} ShortlistEntry
 * @typedef {{event_id: string | null, name: string, date: string, status: string,
 *            saved: boolean, meetings: EventMeeting[], objective: number, bound: number,
 *            gap: number, solve_seconds: number, shortlist: ShortlistEntry[],
 *            event: Record<string, any>, evidence_note: string, history_note: string,
 *            empty_table_slots: number, exploratory_meetings: number}} EventPlan
 * @typedef {{job_id: string, state: "queued" | "running" | "done" | "failed",
 *            phase: string | null, progress: number, best_objective: number | null,
 *            bound: number | null, gap: number | null, solutions: number,
 *            result: EventPlan | null, error: {detail: string, errors: ErrorItem[]} | null,
 *            error_status: number | null}} PlanJob
 * @typedef {{event_id: string, valid: boolean, applied: boolean, checked: string[],
 *            moves: {a: string, b: string, from_slot: number, from_table: number,
 *            to_slot: number, to_table: number}[],
 *            violations: {rule: string, participants: string[], message: string}[]}} MoveVerdict
 */
/** @param {string} id @returns {Promise<EventPlan>} */
export const getEvent = (id) => call(`/events/${encodeURIComponent(id)}`);
/** @param {Record<string, any>} body a PlanRequest @returns {Promise<{job_id: string}>} */
export const startPlan = (body) => call("/events/plan/jobs", { method: "POST", json: body });
/** @param {string} id @returns {Promise<PlanJob>} */
export const planJob = (id) => call(`/events/jobs/${encodeURIComponent(id)}`);
/** @param {string} id @param {{slot: number, table: number}} from
 *  @param {{slot: number, table: number}} to @returns {Promise<MoveVerdict>} */
export const moveMeeting = (id, from, to) =>
  call(`/events/${encodeURIComponent(id)}/moves`, { method: "POST", json: { from, to } });
/** @param {string} id @returns {Promise<{a: string, b: string, status: string,
 *   supplier: string | null, note: string | null}[]>} */
export const outcomes = (id) => call(`/events/${encodeURIComponent(id)}/outcomes`);
/** @param {string} id @param {{a: string, b: string, status: string}[]} rows */
export const recordOutcomes = (id, rows) =>
  call(`/events/${encodeURIComponent(id)}/outcomes`, { method: "POST", json: rows });
/** @param {string} id @returns {Promise<Record<string, any>>} */
export const eventStats = (id) => call(`/events/${encodeURIComponent(id)}/stats`);
/** @returns {Promise<Record<string, any>>} */
export const seriesStats = () => call("/events/stats");
/** @param {string} orgId @returns {Promise<{org_id: string, events: {event_id: string,
 *   name: string, date: string, meetings: {slot: number, start: string, table: number,
 *   counterpart: string, counterpart_name: string, why: string,
 *   outcome: string | null}[]}[]}>} */
export const orgEvents = (orgId) => call(`/orgs/${encodeURIComponent(orgId)}/events`);

// -- import ---------------------------------------------------------------------------------
/**
 * @param {File} file
 * @param {{onConflict: string, skipInvalid: boolean, dryRun: boolean}} opts
 * @returns {Promise<ImportResult>}
 */
export function importOrgs(file, opts) {
  const form = new FormData();
  form.append("file", file, file.name);
  const q = query({
    on_conflict: opts.onConflict,
    skip_invalid: opts.skipInvalid,
    dry_run: opts.dryRun,
  });
  return call(`/orgs/import${q}`, { method: "POST", form });
}

// -- demand desk ----------------------------------------------------------------------------
/** @param {{state?: string, handler?: string, overdue?: boolean, all?: boolean}} p
 *  @returns {Promise<{as_of: string, overdue: number, requests: QueueItem[]}>} */
export const deskQueue = (p) => call(`/desk/requests${query(p)}`);
/** @param {string} id @returns {Promise<DeskRequest>} */
export const deskRequest = (id) => call(`/desk/requests/${encodeURIComponent(id)}`);
/** @param {{org_id: string, text: string, kind: string, urgency: string}} body
 *  @returns {Promise<DeskRequest>} */
export const fileRequest = (body) => call("/desk/requests", { method: "POST", json: body });
/** @param {string} id @param {Record<string, unknown>} move @returns {Promise<DeskRequest>} */
export const moveRequest = (id, move) =>
  call(`/desk/requests/${encodeURIComponent(id)}/moves`, { method: "POST", json: move });
/** @param {string} id @param {{rating: number, note?: string}} body
 *  @returns {Promise<DeskRequest>} */
export const confirmRequest = (id, body) =>
  call(`/desk/requests/${encodeURIComponent(id)}/confirm`, { method: "POST", json: body });
/** @param {string} id @param {number} k
 *  @returns {Promise<{results: (Match & {sources: object})[],
 *   handlers: {handler: string, score: number, explanation: string}[]}>} */
export const suggestions = (id, k) =>
  call(`/desk/requests/${encodeURIComponent(id)}/suggestions${query({ k })}`);
/** @returns {Promise<Record<string, any>>} */
export const deskStats = () => call("/desk/stats");

// -- toolkit (政策工具箱) ---------------------------------------------------------------------
/**
 * @typedef {{kind: "condition", field: string, op: string, value: any, clause: string,
 *            label: string | null} | {kind: "all" | "any", items: ToolkitNode[]}} ToolkitNode
 * @typedef {{id: string, name: string, kind: string, source: string,
 *            department: string | null, summary: string, benefit: string,
 *            effective_from: string | null, effective_to: string | null,
 *            request_kinds: string[], conditions: ToolkitNode, fictional: boolean}} ToolkitItem
 * @typedef {{path: string, field: string, field_label: string, op: string, value: any,
 *            clause: string, label: string | null, status: string, actual: any,
 *            distance?: number | null}} TraceLeaf
 * @typedef {{id: string, name: string, kind: string, outcome: string, benefit: string,
 *            source: string, department: string | null, in_effect: boolean,
 *            effective_from: string | null, effective_to: string | null,
 *            distance: number | null, fictional: boolean,
 *            trace: {met: TraceLeaf[], missed: TraceLeaf[], unknown: TraceLeaf[]},
 *            gaps?: Record<string, any>[], providers?: {org_id: string, name: string,
 *            org_kind: string, score: number, explanation: string, closes: string[],
 *            why: string, if_missing: boolean}[]}} ItemResult
 * @typedef {{org_id: string, name: string, as_of: string, eligible: ItemResult[],
 *            nearly: ItemResult[], not_eligible: ItemResult[],
 *            unknown: ItemResult[]}} ToolkitMatch
 * @typedef {{org_id: string, facts: Record<string, {value: number | string,
 *            as_of: string | null, source: string}>}} OrgFactsDoc
 */
/** @returns {Promise<{items: ToolkitItem[]}>} open: policies are public */
export const toolkitItems = () => call("/toolkit/items");
/** @param {string} orgId @returns {Promise<ToolkitMatch>} a company its own, staff any */
export const toolkitMatch = (orgId) => call(`/toolkit/match/${encodeURIComponent(orgId)}`);
/** @param {string} orgId @returns {Promise<OrgFactsDoc>} */
export const orgFacts = (orgId) => call(`/toolkit/facts/${encodeURIComponent(orgId)}`);
/** @param {string} orgId
 *  @param {{values: Record<string, number | string | null>, as_of?: string}} body
 *  @returns {Promise<OrgFactsDoc>} */
export const putOrgFacts = (orgId, body) =>
  call(`/toolkit/facts/${encodeURIComponent(orgId)}`, { method: "PUT", json: body });

// -- challenges (揭榜挂帅) --------------------------------------------------------------------
/**
 * What a reader sees of a challenge depends on who reads (staff, the owner and applicants
 * everything; others by its confidentiality, `redacted` saying what was left out).
 * @typedef {{id: string, state: string, redacted: string | null, applications: number,
 *            org_id?: string, title?: string, problem?: string, summary?: string,
 *            indicators?: {name: string, target: string, unit: string}[],
 *            deliverable_level: string, award_kind: string, amount_wan: number,
 *            deadline: string, apply_by: string | null, phases?: {name: string,
 *            due: string}[], confidentiality: string, ip_terms?: string, ip_text?: string,
 *            parts?: string[], qualifications?: string[], source_request_id?: string | null,
 *            shortlist?: string[], winners?: string[], signed_amount_wan?: number | null,
 *            log?: Record<string, any>[], application_list?: Record<string, any>[],
 *            allowed_moves?: {staff: string[], company: string[]}}} Challenge
 * @typedef {{rank: number, org_id: string, reviews: number, total: number,
 *            total_100: number, by_criterion: Record<string, number>, budget_wan: number,
 *            ip_declaration: string, applied_at: string}} RankedApplication
 */
/** @param {{state?: string}} p @returns {Promise<{challenges: Challenge[], count: number}>} */
export const challenges = (p) => call(`/challenges${query(p)}`);
/** @returns {Promise<Record<string, any>>} staff: opened, published, matched, signed … */
export const challengeStats = () => call("/challenges/stats");
/** @param {string} id @returns {Promise<Challenge>} */
export const challenge = (id) => call(`/challenges/${encodeURIComponent(id)}`);
/** @param {string} id @param {{to: string, note?: string, shortlist?: string[],
 *   winners?: string[], amount_wan?: number}} move @returns {Promise<Challenge>} */
export const moveChallenge = (id, move) =>
  call(`/challenges/${encodeURIComponent(id)}/moves`, { method: "POST", json: move });
/** @param {string} id @param {{org_id: string, proposal: string, ip_declaration: string,
 *   ip_text?: string, budget_wan: number, team: string[]}} body
 *  @returns {Promise<Record<string, any>>} */
export const applyToChallenge = (id, body) =>
  call(`/challenges/${encodeURIComponent(id)}/applications`, { method: "POST", json: body });
/** @param {string} id @returns {Promise<{challenge_id: string, rubric: {name: string,
 *   weight: number}[], ranking: RankedApplication[], reviews: Record<string, any>[]}>} */
export const challengeRanking = (id) => call(`/challenges/${encodeURIComponent(id)}/ranking`);
/** @param {string} id @param {number} k @returns {Promise<{challenge_id: string,
 *   query: string, solvers: {org_id: string, name: string, kind: string, score: number,
 *   parts: Record<string, number>, reasons: string[], exploratory: boolean}[],
 *   consortium: {parts: Record<string, any>[], members: {org_id: string, name: string,
 *   kind: string, covers: string[], reasons: string[]}[], uncovered: string[]} | null}>} */
export const challengeSolvers = (id, k) =>
  call(`/challenges/${encodeURIComponent(id)}/solvers${query({ k })}`);
