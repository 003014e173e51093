/**
 * The embedded default (#3, #4): the local Graph-compatible service, provisioned and seeded with the sample documents
 * through the same client code that talks to a real tenant (provisionSite + GraphFollowUpStore over Graph).
 * Used by `npm start` and by the end-to-end test of `npm start`'s own composition.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Agent } from 'undici';

import type { Division, RoleGroups } from '../core/divisions/division.js';
import type { Guidance } from '../core/guidance/guidance.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { ORGANIZATIONS } from '../core/model/organization.js';
import type { ImportResult, Row } from '../core/model/schema.js';
import { secretariatActor } from '../core/permissions/rules.js';
import type { Clock, FollowUpAdmin, FollowUpStore } from '../core/ports.js';
import { createLocalGraph, DEMO_DIRECTORY, faultsFromEnv, throttleFromEnv, type LocalGraph, type LocalGraphOptions } from '../emulator/index.js';
import { localChannelId } from '../emulator/http/teams.js';
import { createGraphClient, type GraphConnection } from '../graph/create-graph-client.js';
import { openGraphFollowUpAdmin } from '../graph/graph-follow-up-store.js';
import { assignByRule, importDocuments } from '../graph/import-documents.js';
import { provisionSite } from '../graph/provision.js';
import type { ResolvedSite } from '../graph/site.js';
import { seedDivisions, seedGuidance, shareDivisionsList, shareListForReading } from '../graph/site-directory.js';
import { jwtExpiry, renewingTokenProvider } from '../graph/token-provider.js';
import { importBytes, mergeResults } from '../io/import.js';

export const SAMPLES_DIR = join(import.meta.dirname, '..', '..', 'samples');

/** The demo ministry's 府省等 code (総務省 → `soumu`). */
export const DEMO_ORG_CODE = ORGANIZATIONS.find((o) => o.name === DEMO_DIRECTORY.ministry)?.code ?? 'soumu';

/** Writing guidance the demo divisions show beside their rows (kept per division in FollowUpDivisions). */
const DEMO_GUIDANCE =
  '実施状況が「実施未定」の場合は、その理由を必ず記入してください。数値は「令和5年4月1日時点」のように時点を添え、取組内容の各項目には【継続】【新規】【拡充】のいずれかを付けてください。';

/**
 * The demo ministry's divisions, from the local directory's division groups: what `npm start` seeds into the
 * FollowUpDivisions list. The SharePoint group is the group's title (what `currentuser/groups` answers).
 */
export const DEMO_DIVISIONS: readonly Division[] = DEMO_DIRECTORY.groups
  .filter((g) => g.kind === 'division')
  .map((g, i) => ({ orgCode: DEMO_ORG_CODE, code: g.id, name: g.displayName, groupName: g.displayName, channelId: localChannelId(g.id), channelName: g.displayName, guidance: DEMO_GUIDANCE, sortOrder: (i + 1) * 10 }));

const g = (field: Guidance['field'], title: string, parts: Partial<Guidance>): Guidance => ({ title, orgCode: null, layout: null, rowKind: null, field, example: null, instructions: null, maxLength: null, ...parts });

/**
 * Writing guidance (記入例, 記入要領, length limits) the demo's secretariat keeps in FollowUpGuidance (#10): one item per
 * field for every ministry, a layout's own example where its wording differs (令和7年度様式 has no tags), and the
 * 数値 and 調査 rows' own.
 */
export const DEMO_GUIDANCE_ITEMS: readonly Guidance[] = [
  g('status', '実施状況', { instructions: '「実施」または「実施未定」を選んでください。「実施未定」を選んだ場合は、右の理由欄に理由を必ず記入してください。' }),
  g('reasonNotPlanned', '実施未定の場合の理由', {
    example: '令和6年度は庁舎改修により研修室が使用できなかったため、管理職向け研修の実施を令和7年度上期に延期した。',
    instructions: '実施できなかった事情と、今後の見通し（いつ、何を実施するか）を具体的に記入してください。',
    maxLength: 400,
  }),
  g('narrative', '取組時期・内容・成果', {
    example: '【継続】令和6年7月～9月を働き方改革の集中取組期間とし、幹部職員から全職員にメッセージを発信した。\n【新規】令和6年10月から本省の2課室でフリーアドレスを試行し、職員アンケートで8割が「働きやすくなった」と回答した。',
    instructions: '取組ごとに【継続】【新規】【拡充】のいずれかを付け、時期（和暦）・内容・成果・課題・次のアクションの順に記入してください。',
    maxLength: 4000,
  }),
  g('narrative', '具体的な取組時期・内容', {
    layout: 'L-R7',
    example: '令和6年11月をテレワーク月間とし、本省職員に週1回以上のテレワークを呼びかけた。',
    instructions: '取組の時期（和暦）と内容を記入してください。この様式では【継続】等のタグは付けません。',
  }),
  g('outcome', '成果・課題・今後の取組', {
    example: '超過勤務時間が前年度比で月平均2.3時間減少した。繁忙期の業務の平準化が課題であり、令和7年度は業務分担の見直しを行う。',
    instructions: '数値で示せる成果はできるだけ数値で、課題と次のアクションを続けて記入してください。',
    maxLength: 2000,
  }),
  g('indicatorValues', '数値', {
    rowKind: 'indicator',
    example: '目標：30%（令和7年度） 現状：66.3%（令和5年度） 目標設定時：49.4%（令和3年度）',
    instructions: '「目標：」「現状：」「目標設定時：」の後に割合（%）と時点（和暦）を記入してください。区分がある場合は1行に1区分（【全体】目標：…）で記入します。',
  }),
  g('surveyAnswers', '調査', {
    rowKind: 'survey',
    example: '【時期・対象者の職位】令和6年10月、本省課室長級以上\n【調査・分析のツール】外部事業者の多面観察システム\n【観察結果の対象者へのフィードバック方法】結果票を本人に送付し、上司との面談で振り返り',
    instructions: '選択肢がある調査は選択肢から選び、本省と地方支分部局等はそれぞれの欄に回答してください。【】の項目ごとに記入します。',
    maxLength: 2000,
  }),
];

/** The demo site's role groups (SharePoint group titles). */
export const DEMO_ROLE_GROUPS: RoleGroups = {
  secretariat: DEMO_DIRECTORY.groups.find((g) => g.kind === 'secretariat')?.displayName ?? 'secretariat',
  reviewers: DEMO_DIRECTORY.groups.find((g) => g.kind === 'reviewers')?.displayName ?? 'reviewers',
};

export interface Embedded {
  graph: LocalGraph;
  connection: GraphConnection;
  /** The demo site as Graph resolved it. */
  site: ResolvedSite;
  /** The secretariat's store (site owner): the surface operations and the secretariat's. */
  store: FollowUpStore & FollowUpAdmin;
  /** The sample documents as imported (the reports the home page lists). */
  samples: ImportResult;
  /** What seeding did on this start: rows created and assigned, divisions written (all 0 when the site was already seeded). */
  seeded: { created: number; assigned: number; divisions: number; provisioned: string[]; warnings: string[] };
  close(): Promise<void>;
}

/** Reads and imports every sample document of the project. */
export function importSamples(dir = SAMPLES_DIR): ImportResult {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  return mergeResults(files.map((f) => importBytes(f, readFileSync(join(dir, f)))));
}

/**
 * Demo ownership of 総務省's rows, so that every division's tab has work of every kind: top-level rows (取組, 重点項目,
 * and the 数値 targets printed under a 大項目) go to the divisions in turn, and a row under another (the 調査 and 数値
 * of an 取組) goes where its parent went — the division running an initiative answers its survey and reports its
 * figures. Headings are nobody's. Rows must come in printed order (assignByRule's order).
 */
export function demoAssignment(): (row: Row) => string | null {
  let n = 0;
  const byKey = new Map<string, string>();
  return (row) => {
    if (row.kind === 'heading') return null;
    const parent = row.parentKey === null ? undefined : byKey.get(row.parentKey);
    const division = parent ?? DEMO_DIVISIONS[n++ % DEMO_DIVISIONS.length]?.code ?? null;
    if (division !== null) byKey.set(row.key, division);
    return division;
  };
}

/**
 * Starts the local service, provisions the demo site (idempotent) and loads the samples (resumable: a restart
 * after an interrupted seed completes it; a report whose import completed is skipped, so rows deleted since stay
 * deleted; an already seeded site costs the look-ups only, 2 per report packed 20 per `$batch`).
 */
export async function startEmbedded(options: Partial<LocalGraphOptions> & { dbPath: string; env?: NodeJS.ProcessEnv; clock?: Clock; onTokenMinted?: () => void }): Promise<Embedded> {
  const env = options.env ?? {};
  const graph = await createLocalGraph({
    faults: faultsFromEnv(env),
    throttle: throttleFromEnv(env),
    ...options,
  });
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  try {
    // The local service's tokens last 8 hours and `npm start` runs for days: re-minted before they expire (#7).
    const tokenProvider = renewingTokenProvider({
      ...(options.clock ? { clock: options.clock } : {}),
      mint: () => {
        options.onTokenMinted?.();
        const token = graph.tokenFor();
        return { token, expiresAt: jwtExpiry(token) ?? Date.now() + 60 * 60_000 };
      },
    });
    const connection = createGraphClient({
      baseUrl: graph.graphUrl,
      tokenProvider,
      // undici's `dispatcher` extends RequestInit; graph-client copies fetchOptions into every fetch.
      fetchOptions: { dispatcher } as RequestInit,
    });
    const site = `${graph.url}${graph.site.path}`;
    const provision = await provisionSite(connection, site);
    // Divisions are data (#10): every surface reads their names from the list; every division group reads it.
    const seededDivisions = await seedDivisions(connection, provision.site, DEMO_DIVISIONS);
    await shareDivisionsList(connection, provision.site, DEMO_DIVISIONS.map((d) => d.groupName ?? d.code));
    // Writing guidance (記入例) beside each field: read by every division, kept by the secretariat.
    await seedGuidance(connection, provision.site, DEMO_GUIDANCE_ITEMS);
    await shareListForReading(connection, provision.site, LIST_NAMES.Guidance, DEMO_DIVISIONS.map((d) => d.groupName ?? d.code));
    const store = await openGraphFollowUpAdmin({ connection, site, actor: secretariatActor('大臣官房秘書課') });
    const samples = importSamples();
    const outcomes = await importDocuments(store, samples);
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) {
      throw new Error(`Seeding the demo site failed for ${failed.map((o) => `${o.reportKey}: ${o.error?.message}`).join('; ')}`);
    }
    const created = outcomes.reduce((n, o) => n + (o.summary?.created ?? 0), 0);
    let assigned = 0;
    const warnings = [...provision.warnings];
    const soumu = samples.reports.find((r) => r.organizationCode === DEMO_ORG_CODE && r.fiscalYear !== null && r.layout !== 'L-R6-COMPILATION');
    if (soumu?.fiscalYear) {
      const pick = demoAssignment();
      const results = await assignByRule(store, soumu.fiscalYear, DEMO_ORG_CODE, (row) => pick(row));
      assigned = results.reduce((n, r) => n + r.assigned.length, 0);
      warnings.push(...new Set(results.flatMap((r) => r.warnings ?? [])));
    }
    return {
      graph,
      connection,
      site: provision.site,
      store,
      samples,
      seeded: { created, assigned, divisions: seededDivisions.created + seededDivisions.updated, provisioned: provision.applied, warnings },
      close: async () => {
        await graph.close();
        await dispatcher.close();
      },
    };
  } catch (error) {
    await graph.close();
    await dispatcher.close();
    throw error;
  }
}
