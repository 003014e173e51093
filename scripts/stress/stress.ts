/**
 * Concurrency stress (#7 item 5): editors of several divisions, the reviewers and the secretariat, each with its own
 * store, connection and token, save overlapping fields of every column kind (text, choice, the JSON columns) with
 * refreshes between, against the in-process local service under injected 429/503, latency, dropped connections and
 * answers lost after the service applied the write. Division editors also try, with raw Graph and their own token,
 * to write and delete rows of other divisions. At the end every item and all its versions are read through raw Graph
 * and checked (./checker.ts).
 *
 * Time is scaled so that thousands of saves fit in a benchmark: the service answers throttling with Retry-After: 0
 * and the policy's back-off starts at 10 ms instead of 1 s; attempts (6) and the 2-minute budget are the default's.
 * `unsafe: true` replaces the store by a deliberately unsafe writer (last write wins: no If-Match, errors ignored, a
 * failed request re-sent blindly once) so the checker can be shown to catch what it must.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { pickOwnedFields, toRowFields, withoutPrintedForms, type FieldValue, type Fields } from '../../src/core/lists/row-fields.js';
import { ROWS_LIST } from '../../src/core/lists/schema.js';
import { createRow } from '../../src/core/model/create-row.js';
import type { Report, Row, RowKind } from '../../src/core/model/schema.js';
import { AppError } from '../../src/core/errors.js';
import { secretariatActor, type Actor } from '../../src/core/permissions/rules.js';
import type { RefreshCursor, SaveResult, StoredRow } from '../../src/core/ports.js';
import { diffFields } from '../../src/core/sync/merge.js';
import { createLocalGraph, DEMO_DIRECTORY } from '../../src/emulator/index.js';
import { runBatched } from '../../src/graph/batch.js';
import { createGraphClient, staticTokenProvider, type FetchLike, type GraphConnection } from '../../src/graph/create-graph-client.js';
import { openGraphFollowUpAdmin, openGraphFollowUpStore, type GraphFollowUpStore } from '../../src/graph/graph-follow-up-store.js';
import { collectPages, getAll, toPage, withQuery } from '../../src/graph/paging.js';
import { provisionSite } from '../../src/graph/provision.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/graph/retry.js';
import { isTransient } from '../../src/graph/to-app-error.js';
import { checkHistories, type CheckResult, type EditLogEntry, type ItemHistory } from './checker.js';

export interface StressFaults {
  rate429: number;
  rate503: number;
  latencyMs: number;
  /** Connections dropped before the service handled the request (nothing written). */
  dropRate: number;
  /** Answers lost after the service applied the request (the client sees a reset connection). */
  lostAnswerRate: number;
}

export interface StressOptions {
  name: string;
  /** Division editors (spread over the divisions, several per division). */
  editors: number;
  /** Saves per editor (reviewers and the secretariat make as many). */
  saves: number;
  divisions: number;
  /** Rows per division: few rows, many editors = overlapping edits. */
  rowsPerDivision: number;
  reviewers: number;
  secretariat: boolean;
  faults: StressFaults;
  /** Chance of a refresh (delta) after a save. */
  refreshRate: number;
  /** Chance that a division editor also tries to write or delete another division's row with raw Graph. */
  crossDivisionRate: number;
  seed: number;
  /** The checker's self-test: last-write-wins writers instead of the store. */
  unsafe?: boolean;
}

export interface StressRow {
  scenario: string;
  editors: number;
  saves: number;
  editsAcknowledged: number;
  lost: number;
  appliedTwice: number;
  clashesNotSurfaced: number;
  crossDivisionSuccesses: number;
  exceptions: number;
  requests: number;
  /** Informational. */
  conflictsSurfaced: number;
  crossDivisionAttempts: number;
  failedSaves: number;
  /** Why saves failed (error code and status), informational. */
  failedReasons: Record<string, number>;
  /**
   * Reads (open, refresh) that exhausted their retries and surfaced as a retryable error (throttled or network), the
   * way the tab shows them (error.throttled / error.network with a retry button); the editor opens again next time.
   * Anything else thrown is an exception.
   */
  failedReads: number;
  unattributed: number;
  ms: number;
  examples: string[];
}

export const STRESS_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 10, maxDelayMs: 300 };

export const NO_FAULTS: StressFaults = { rate429: 0, rate503: 0, latencyMs: 0, dropRate: 0, lostAnswerRate: 0 };

/** The scenarios `npm run stress` runs (sizes come from the caller). */
export const SCENARIOS: { name: string; faults: StressFaults }[] = [
  { name: 'no faults', faults: NO_FAULTS },
  { name: '429/503 + 5 ms latency', faults: { ...NO_FAULTS, rate429: 0.08, rate503: 0.04, latencyMs: 5 } },
  { name: 'dropped connections + lost answers', faults: { ...NO_FAULTS, dropRate: 0.03, lostAnswerRate: 0.03 } },
  { name: 'everything at once', faults: { rate429: 0.05, rate503: 0.02, latencyMs: 2, dropRate: 0.02, lostAnswerRate: 0.02 } },
];

/** mulberry32: deterministic choices per editor. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIVISIONS = DEMO_DIRECTORY.groups.filter((g) => g.kind === 'division').map((g) => g.id);
const usersOf = (group: string): string[] => DEMO_DIRECTORY.users.filter((u) => u.groups.includes(group)).map((u) => u.id);
const KINDS: RowKind[] = ['initiative', 'initiative', 'indicator', 'survey'];

function stressReport(o: StressOptions): Report {
  const rows: Row[] = [];
  let i = 0;
  for (const division of DIVISIONS.slice(0, o.divisions)) {
    for (let k = 0; k < o.rowsPerDivision; k++, i++) {
      const kind = KINDS[k % KINDS.length] as RowKind;
      rows.push(
        createRow({
          key: `stress/${division}/${k + 1}`,
          kind,
          sortOrder: i,
          title: `行 ${i + 1}`,
          status: kind === 'initiative' ? 'implemented' : null,
          narrative: `init narrative ${i}`,
          narrativeRaw: `<p>init narrative ${i}</p>`,
          outcome: `init outcome ${i}`,
          division,
          indicatorValues: kind === 'indicator' ? [indicatorValue(`init ${i}`)] : [],
          surveyAnswers: kind === 'survey' ? [{ scope: null, scopeRaw: null, subField: null, subFieldRaw: null, choice: null, text: `init ${i}`, source: { file: 'stress', line: i } }] : [],
          source: { file: 'stress', line: i + 1 },
        }),
      );
    }
  }
  return {
    key: 'soumu/2024/stress',
    organization: '総務省',
    organizationCode: 'soumu',
    organizationSource: 'option',
    fiscalYear: 2024,
    cycleLabel: '令和6年度',
    implementationYear: null,
    layout: 'L-R7',
    title: 'ストレス',
    titleRaw: ['ストレス'],
    coverNote: null,
    noRowsReason: null,
    focusItems: [],
    rows,
    issues: [],
    reviewState: 'unreviewed',
    source: { file: 'stress', line: 1 },
  };
}

function indicatorValue(text: string): Row['indicatorValues'][number] {
  return { category: null, categoryRaw: null, valueKind: 'current', seq: 0, valuePercent: null, valueText: text, qualifier: null, notApplicable: false, asOfRaw: null, asOfPrecision: null, asOfStart: null, asOfEnd: null, note: null };
}

interface Editor {
  id: string;
  user: string;
  role: 'division' | 'reviewer' | 'secretariat';
  division: string | null;
  actor: Actor;
  connection: GraphConnection;
  store: GraphFollowUpStore | undefined;
  rows: Map<string, StoredRow>;
  cursor: RefreshCursor | undefined;
  random: () => number;
}

/** A fetch that loses the answer of some requests after the service handled them. */
function losingFetch(rate: number, random: () => number, dispatcher: Agent): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, { ...init, dispatcher } as RequestInit);
    if (rate > 0 && random() < rate) {
      await res.arrayBuffer();
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up (answer lost after the write)'), { code: 'ECONNRESET' }) });
    }
    return res;
  };
}

/** What one save changes: the edited row and, for choices, the text written with them. */
function nextEdit(e: Editor, base: StoredRow, token: string): { mine: StoredRow; companions: Record<string, string> } {
  const r = base.row;
  const pick = e.random();
  if (e.role === 'reviewer') {
    const states = ['submitted', 'returned', 'approved'] as const;
    const reviewState = states[Math.floor(e.random() * states.length)] ?? 'approved';
    return { mine: { ...base, row: { ...r, reviewState }, reviewComment: `comment ${token}` }, companions: { ReviewState: 'ReviewComment' } };
  }
  if (e.role === 'secretariat') {
    return pick < 0.5 ? { mine: { ...base, row: { ...r, title: `title ${token}` } }, companions: {} } : { mine: { ...base, row: { ...r, outcome: `secretariat outcome ${token}` } }, companions: {} };
  }
  if (r.kind === 'indicator' && pick < 0.7) return { mine: { ...base, row: { ...r, indicatorValues: [indicatorValue(`value ${token}`)] } }, companions: {} };
  if (r.kind === 'survey' && pick < 0.7) return { mine: { ...base, row: { ...r, surveyAnswers: [{ ...(r.surveyAnswers[0] ?? { scope: null, scopeRaw: null, subField: null, subFieldRaw: null, choice: null, source: { file: 'stress', line: 0 } }), text: `answer ${token}` }] } }, companions: {} };
  if (pick < 0.3) return { mine: { ...base, row: { ...r, narrative: `narrative ${token}` } }, companions: {} };
  if (pick < 0.55) return { mine: { ...base, row: { ...r, outcome: `outcome ${token}` } }, companions: {} };
  if (pick < 0.8) {
    const status = r.status === 'implemented' ? 'undecided' : 'implemented';
    return { mine: { ...base, row: { ...r, status, reasonNotPlanned: `reason ${token}` } }, companions: { Status: 'ReasonNotPlanned' } };
  }
  return { mine: { ...base, row: { ...r, tags: ['継続'], entries: [{ tag: '継続', text: `entry ${token}` }] } }, companions: {} };
}

/** The log entries of one save: every field it changed, with what the store said about it. */
function logSave(save: number, e: Editor, base: StoredRow, mine: StoredRow, companions: Record<string, string>, result: SaveResult | undefined): EditLogEntry[] {
  const b = toRowFields(base);
  const m = toRowFields(mine);
  const changed = Object.keys(diffFields(withoutPrintedForms(b), withoutPrintedForms(m)));
  const conflicted = new Set(result?.outcome === 'conflict' ? result.conflicts.map((c) => c.field) : []);
  const written = result && (result.outcome === 'saved' || result.outcome === 'merged' || result.outcome === 'conflict');
  return changed.map((field) => ({
    save,
    editor: e.id,
    itemId: base.itemId,
    field,
    base: b[field] ?? null,
    value: m[field] ?? null,
    status: conflicted.has(field) ? 'conflict' : written ? 'ack' : 'failed',
    ...(companions[field] ? { companion: companions[field] } : {}),
  }));
}

/** Runs one scenario and checks it. Never throws for what the editors meet; throws if the setup fails. */
export async function runStressScenario(o: StressOptions): Promise<StressRow> {
  const dir = mkdtempSync(join(tmpdir(), 'stress-'));
  const graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs') });
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const connect = (user: string, fetchImpl?: FetchLike): GraphConnection =>
    createGraphClient({
      baseUrl: graph.graphUrl,
      tokenProvider: staticTokenProvider(graph.tokenFor(user)),
      fetchOptions: { dispatcher } as unknown as FetchOptions,
      retry: { policy: STRESS_POLICY },
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  const site = `${graph.url}/sites/followup`;
  try {
    // Setup without faults: provision, import, assign every division's rows.
    const admin = connect('sato');
    await provisionSite(admin, site);
    const secretariat = await openGraphFollowUpAdmin({ connection: admin, site, actor: secretariatActor('佐藤 花子') });
    await secretariat.importReport(stressReport(o));
    const all = (await secretariat.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
    for (const division of DIVISIONS.slice(0, o.divisions)) await secretariat.assignRows(all.filter((r) => r.row.division === division).map((r) => r.rowKey), division);
    const rowsPath = `/sites/${secretariat.site.id}/lists/${secretariat.rowsListId}/items`;

    const seed = prng(o.seed);
    const editors: Editor[] = [];
    const make = (id: string, user: string, role: Editor['role'], division: string | null, actor: Actor): void => {
      const random = prng(Math.floor(seed() * 2 ** 32));
      editors.push({ id, user, role, division, actor, connection: connect(user, losingFetch(o.faults.lostAnswerRate, prng(Math.floor(seed() * 2 ** 32)), dispatcher)), store: undefined, rows: new Map(), cursor: undefined, random });
    };
    for (let i = 0; i < o.editors; i++) {
      const division = DIVISIONS[i % o.divisions] as string;
      const users = usersOf(division);
      const user = users[Math.floor(i / o.divisions) % users.length] as string;
      const name = DEMO_DIRECTORY.users.find((u) => u.id === user)?.displayName ?? user;
      make(`e${i}`, user, 'division', division, { displayName: name, isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: division }] });
    }
    for (const [k, user] of usersOf('reviewers').slice(0, o.reviewers).entries()) make(`r${k}`, user, 'reviewer', null, { displayName: user, isSecretariat: false, reviewerOf: ['soumu'], divisions: [] });
    if (o.secretariat) make('s0', 'sato', 'secretariat', null, secretariatActor('佐藤 花子'));

    graph.setFaults({ rate429: o.faults.rate429, rate503: o.faults.rate503, latencyMs: o.faults.latencyMs, dropRate: o.faults.dropRate, retryAfterSeconds: 0, seed: o.seed });
    const log: EditLogEntry[] = [];
    let saveCounter = 0;
    let exceptions = 0;
    let failedSaves = 0;
    let failedReads = 0;
    const failedReasons: Record<string, number> = {};
    let crossAttempts = 0;
    let crossSuccesses = 0;
    const examples: string[] = [];
    const started = performance.now();

    const open = async (e: Editor): Promise<void> => {
      e.store ??= await openGraphFollowUpStore({ connection: e.connection, site, actor: e.actor });
      const set = await e.store.open({ fiscalYear: 2024, orgCode: 'soumu', ...(e.division ? { divisionCode: e.division } : {}) });
      e.rows = new Map(set.rows.map((r) => [r.itemId, r]));
      e.cursor = set.cursor;
    };
    const run = async (e: Editor): Promise<void> => {
      for (let n = 0; n < o.saves; n++) {
        try {
          if (!e.store || e.rows.size === 0) await open(e);
          const rows = [...e.rows.values()];
          const base = rows[Math.floor(e.random() * rows.length)] as StoredRow;
          const save = saveCounter++;
          const { mine, companions } = nextEdit(e, base, `${e.id}-${n}`);
          if (o.unsafe) {
            log.push(...(await unsafeWrite(e, rowsPath, save, base, mine, companions)));
          } else {
            const [result] = await (e.store as GraphFollowUpStore).saveChanges([{ base, mine }]);
            log.push(...logSave(save, e, base, mine, companions, result));
            if (result?.stored) e.rows.set(base.itemId, result.stored);
            if (result?.outcome === 'failed' || result?.outcome === 'denied') {
              failedSaves++;
              const reason = `${result.outcome} ${result.error.code}${result.error.status !== undefined ? ` ${result.error.status}` : ''}: ${result.error.message.slice(0, 60)}`;
              failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
            }
          }
          if (e.random() < o.refreshRate && e.cursor && e.store) {
            const r = await e.store.refresh(e.cursor);
            for (const row of r.changed) e.rows.set(row.itemId, row);
            e.cursor = r.cursor;
          }
          if (e.role === 'division' && e.random() < o.crossDivisionRate) {
            crossAttempts++;
            if (await tryOtherDivision(e, all, rowsPath)) {
              crossSuccesses++;
              if (examples.length < 5) examples.push(`cross-division: ${e.id} (${e.division ?? ''}) wrote or deleted another division's row`);
            }
          }
        } catch (error) {
          if (error instanceof AppError && isTransient(error)) {
            failedReads++;
            const reason = `read ${error.code}${error.status !== undefined ? ` ${error.status}` : ''}`;
            failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
          } else {
            exceptions++;
            if (examples.length < 5) examples.push(`exception in ${e.id}: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
          }
          e.store = undefined;
        }
      }
    };
    await Promise.all(editors.map(run));
    const ms = Math.round(performance.now() - started);
    graph.setFaults({ rate429: 0, rate503: 0, latencyMs: 0, dropRate: 0 });
    const requests = editors.reduce((n, e) => n + e.connection.counters.attempts + e.connection.counters.sharePointRest, 0);

    const histories = await readHistories(connect('sato'), rowsPath);
    const checked: CheckResult = checkHistories(log, histories);
    return {
      scenario: o.name,
      editors: editors.length,
      saves: saveCounter,
      editsAcknowledged: checked.editsAcknowledged,
      lost: checked.lost,
      appliedTwice: checked.appliedTwice,
      clashesNotSurfaced: checked.clashesNotSurfaced,
      crossDivisionSuccesses: crossSuccesses,
      exceptions,
      requests,
      conflictsSurfaced: checked.conflictsSurfaced,
      crossDivisionAttempts: crossAttempts,
      failedSaves,
      failedReasons,
      failedReads,
      unattributed: checked.unattributed,
      ms,
      examples: [...examples, ...checked.examples],
    };
  } finally {
    await graph.close();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A division editor's raw Graph PATCH (or DELETE) of another division's row with its own token: must be refused. */
async function tryOtherDivision(e: Editor, all: readonly StoredRow[], rowsPath: string): Promise<boolean> {
  const others = all.filter((r) => r.row.division !== e.division);
  const target = others[Math.floor(e.random() * others.length)];
  if (!target) return false;
  const request = e.connection.client.api(e.random() < 0.8 ? `${rowsPath}/${target.itemId}/fields` : `${rowsPath}/${target.itemId}`);
  try {
    if (e.random() < 0.8) await request.patch({ Outcome: `cross ${e.id}` });
    else await request.delete();
    return true;
  } catch {
    // Refused (403/404), or no answer at all: either way nothing of another division was changed by this request.
    return false;
  }
}

/**
 * The deliberately unsafe writer: PATCH without If-Match (last write wins), any error ignored and reported as saved,
 * a failed request re-sent once without looking. Its row view is never refreshed from what it wrote.
 */
async function unsafeWrite(e: Editor, rowsPath: string, save: number, base: StoredRow, mine: StoredRow, companions: Record<string, string>): Promise<EditLogEntry[]> {
  const b = toRowFields(base);
  const m = toRowFields(mine);
  const patch: Fields = diffFields(withoutPrintedForms(b), withoutPrintedForms(m)) as Fields;
  const send = (): Promise<unknown> => e.connection.client.api(`${rowsPath}/${base.itemId}/fields`).patch(patch);
  try {
    await send();
  } catch {
    // Unsafe on purpose: try once more without checking whether the first one landed.
    await send().catch(() => undefined);
  }
  return Object.keys(patch).map((field) => ({ save, editor: e.id, itemId: base.itemId, field, base: b[field] ?? null, value: m[field] ?? null, status: 'ack' as const, ...(companions[field] ? { companion: companions[field] } : {}) }));
}

/** Every item and all its versions (oldest first, owned fields), through raw Graph. */
async function readHistories(admin: GraphConnection, rowsPath: string): Promise<Map<string, ItemHistory>> {
  const { items } = await getAll<{ id: string }>(admin.client, withQuery(rowsPath, { $select: 'id', $top: 5000 }), 'list items');
  const responses = await runBatched(
    admin.client,
    items.map((i) => [{ id: i.id, method: 'GET' as const, url: withQuery(`${rowsPath}/${i.id}/versions`, { $expand: 'fields' }) }]),
    { policy: STRESS_POLICY },
  );
  const out = new Map<string, ItemHistory>();
  for (const i of items) {
    const r = responses.get(i.id);
    if (r?.status !== 200) throw new Error(`versions of item ${i.id}: ${r?.status ?? 'no answer'}`);
    const { items: versions } = await collectPages<{ id: string; fields?: Record<string, unknown> }>(admin.client, toPage(r.body), `versions of ${i.id}`);
    const sorted = [...versions].sort((a, b) => Number.parseFloat(a.id) - Number.parseFloat(b.id));
    out.set(
      i.id,
      sorted.map((v) => pickOwnedFields(ROWS_LIST, v.fields ?? {}) as Record<string, FieldValue>),
    );
  }
  return out;
}

/** The checker's verdict on a row of the table: everything but requests must be 0. */
export const stressFailures = (row: StressRow): string[] =>
  (['lost', 'appliedTwice', 'clashesNotSurfaced', 'crossDivisionSuccesses', 'exceptions'] as const).filter((k) => row[k] > 0).map((k) => `${row.scenario}: ${k} = ${row[k]}`);

/** The table `npm run stress` and the benchmark print. */
export function formatStressTable(rows: readonly StressRow[]): string {
  const head = ['scenario', 'editors', 'saves', 'acknowledged', 'lost', 'twice', 'clashes not surfaced', 'cross-division', 'exceptions', 'requests', 'conflicts surfaced', 'failed saves', 'failed reads', 's'];
  const body = rows.map((r) => [r.scenario, r.editors, r.saves, r.editsAcknowledged, r.lost, r.appliedTwice, r.clashesNotSurfaced, `${r.crossDivisionSuccesses}/${r.crossDivisionAttempts}`, r.exceptions, r.requests, r.conflictsSurfaced, r.failedSaves, r.failedReads, (r.ms / 1000).toFixed(1)].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return `${[line(head), ...body.map(line)].join('\n')}\n`;
}
