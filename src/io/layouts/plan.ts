/**
 * Action plan importer (001, #2): a ministry's 取組計画 extracted from PDF → Plan (identity, 重点項目, sections, items).
 *
 * 001 puts an empty line after every printed line (§6.6), so empty lines carry no meaning here; paragraphs come from
 * markers (■, ＜…＞, ①, ・, ※) and from the wrap width. Structure (§7.2):
 *  - parts `Ⅰ．`…`Ⅴ．`; in Ⅱ each `■現状の課題` opens the next 重点項目 chapter, whose heading `1.重点項目１ …` the
 *    extractor displaced into running text (lines 107, 582) — it names the chapter and is removed from the text;
 *  - Ⅱ sections `（１）` / sub-sections `（ⅰ）` are headings only when `■分析` follows (else they are prose, line 232);
 *  - Ⅱ items: `■分析`, `■具体的な取組`, three phase groups ＜…＞, numbered items ①… and unnumbered continuation
 *    directives (`②～⑤を継続的に実施する。`);
 *  - Ⅲ–Ⅴ: chapters `１．`, sections `（１）` (headings wrapped over two lines joined), titled items `① 協議ルールの遵守徹底`,
 *    and one item per `・` bullet or `※` note so that a repeated bullet (【再掲】) can be linked to its original.
 */
import { parsePeriod } from '../../core/era/index.js';
import type { FocusItem, ImportIssue, ImportResult, Period, Plan, PlanItem } from '../../core/model/schema.js';
import { findOrganization } from '../../core/model/organization.js';
import { makeIssue } from '../pdf-text/issues.js';
import { displayWidth, isBlank, joinAll, joinWrapped, type PdfLine, toPdfLines } from '../pdf-text/lines.js';
import { bigrams } from '../pdf-text/similarity.js';
import type { LayoutImporter, SourceDoc } from '../types.js';

const PART = /^([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])[．.]\s*(.+)$/;
const CHAPTER = /^([１-９])[．.]\s*(.+)$/;
const SECTION = /^（([１-９])）\s*(.+)$/;
const SUBSECTION = /^（([ⅰ-ⅹ])）\s*(.+)$/;
const DISPLACED_CHAPTER = /^([0-9])[.．]\s*(重点項目[１-９0-9])\s*(.+)$/;
const FOCUS_LINE = /^(重点項目[１-９0-9])\s+(.+)$/;
const PHASE = /^＜(令和.+?までの取組|令和.+?以降の取組|中長期的な取組（.+?）)＞$/;
const ITEM = /^([①-⑳])[\s\u3000]+(.*)$/;
/** `①を…`, `②～⑤を…`, `①及び②の…`, `①の…`: a sentence about earlier items, not a new item. */
const DIRECTIVE = /^([①-⑳])((?:\s*[～~]\s*[①-⑳]|及び[①-⑳]|、[①-⑳])*)(?:を|の)/;
const BULLET = /^[・※]/;
const MARK_ISSUES = '■現状の課題';
const MARK_ANALYSIS = '■分析';
const MARK_ACTIONS = '■具体的な取組';
const REPOST = /【再掲】|（再掲）/;
/** Headings longer than this (full-width units) may continue on the next short line (§6.6). */
const WRAPPED_HEADING_WIDTH = 24;
const CONTINUATION_MAX_WIDTH = 20;
const WRAPPED_ITEM_WIDTH = 30;
/** Minimum bigram Dice similarity for linking a 【再掲】 item to an original that is not textually identical. */
const REPOST_MIN_SIMILARITY = 0.8;

/** Plan section → guideline node (domain.md §7.3), as data; the most specific key wins (item id, section, ancestors). */
export const SOUMU_PLAN_CROSSWALK: Readonly<Record<string, string>> = {
  'Ⅱ-1': 'G2024:Ⅱ-3',
  'Ⅱ-1-(2)#③': 'G2024:Ⅱ-3-(1)-②',
  'Ⅱ-2': 'G2024:Ⅱ-1',
  'Ⅲ-1': 'G2024:Ⅱ-1',
  'Ⅲ-1-(1)': 'G2024:Ⅱ-1-(1)-④',
  'Ⅲ-2': 'G2024:Ⅱ-2',
  'Ⅲ-3': 'G2024:Ⅱ-4',
  'Ⅳ-1': 'G2024:Ⅲ-1',
  'Ⅳ-2': 'G2024:Ⅲ-2',
  'Ⅴ-2': 'G2024:Ⅳ-(1)',
  'Ⅴ-3': 'G2024:Ⅳ-(1)',
};

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
const HALF_DIGITS = (s: string): string => s.replace(/[０-９]/g, (c) => String.fromCharCode((c.codePointAt(0) ?? 0) - 0xfee0));

type Section = Plan['sections'][number];

/** Expands `②～⑤` / `①及び②` into the circled numbers it names. */
export function expandCircledRange(text: string): string[] {
  const out: string[] = [];
  const re = /([①-⑳])(?:\s*[～~]\s*([①-⑳]))?/g;
  for (const m of text.matchAll(re)) {
    const from = CIRCLED.indexOf(m[1] ?? '');
    const to = m[2] ? CIRCLED.indexOf(m[2]) : from;
    for (let k = from; k <= to && k >= 0; k++) {
      const c = CIRCLED[k];
      if (c && !out.includes(c)) out.push(c);
    }
  }
  return out;
}

interface Unit {
  label: string;
  kind: PlanItem['kind'];
  sectionPath: string;
  sectionTitle: string;
  number: string | null;
  phase: string | null;
  title: string | null;
  lines: PdfLine[];
  id: string;
  refersToNumbers: string[];
  focusItem: string | null;
}

const fold = (s: string): string => s.replace(REPOST, '').replace(/[\s\u3000]+/g, '');

function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return x.size + y.size > 0 ? (2 * common) / (x.size + y.size) : 0;
}

function parsePlan(doc: SourceDoc): ImportResult {
  const file = doc.file;
  const issues: ImportIssue[] = [];
  const all = toPdfLines(doc.lines).filter((l) => !isBlank(l.text));
  const sections: Section[] = [];
  const units: Unit[] = [];
  const focusItems: FocusItem[] = [];

  // The displaced 重点項目 chapter headings name the chapters opened by ■現状の課題 (they appear inside the text).
  const displaced = new Map<string, { title: string; line: number }>();
  for (const l of all) {
    const m = DISPLACED_CHAPTER.exec(l.text);
    if (m?.[1]) displaced.set(m[1], { title: `${m[2] ?? ''} ${m[3] ?? ''}`.trim(), line: l.no });
  }

  let part: { marker: string; path: string; title: string } | null = null;
  let chapter: { path: string; title: string; focus: string | null } | null = null;
  let section: { path: string; title: string } | null = null;
  let sub: { path: string; title: string } | null = null;
  let titledItem: { number: string; title: string } | null = null;
  let phase: string | null = null;
  let inActions = false;
  let chapterCount = 0;
  let current: Unit | null = null;
  const counters = new Map<string, number>();

  const here = (): { path: string; title: string } => sub ?? section ?? chapter ?? part ?? { path: '', title: '' };
  const nextId = (path: string, label: string): string => {
    const key = `${path}#${label}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n === 1 ? key : `${key}-${String(n)}`;
  };
  const close = (): void => {
    // Ids are given when a unit is kept, so an empty placeholder (a heading followed by bullets) uses no number.
    const u = current as Unit | null;
    if (u && u.lines.length > 0) units.push({ ...u, id: nextId(u.sectionPath, u.label) });
    current = null;
  };
  const open = (kind: PlanItem['kind'], number: string | null, label: string, title: string | null = null): Unit => {
    close();
    const at = here();
    current = {
      kind,
      sectionPath: at.path,
      sectionTitle: at.title,
      number,
      phase,
      title,
      lines: [],
      id: '',
      label,
      refersToNumbers: [],
      focusItem: chapter?.focus ?? null,
    };
    return current;
  };
  const addSection = (path: string, marker: string, title: string, line: number): void => {
    sections.push({ path, marker, title, source: { file, line } });
  };
  /** A heading wrapped over two lines: long first line, short second line without a marker (§6.6). */
  const headingWithContinuation = (k: number, title: string, isItem = false): { title: string; skip: number } => {
    const line = all[k];
    const next = all[k + 1];
    // An item title (`② 女性職員の職域拡大…計画的育` / `成及び…育成`) wraps only when it fills the line; its
    // continuation may itself be long, but never ends a sentence.
    const wrapped = isItem
      ? displayWidth(line?.text ?? '') >= WRAPPED_ITEM_WIDTH
      : displayWidth(line?.text ?? '') >= WRAPPED_HEADING_WIDTH && displayWidth(next?.text ?? '') < CONTINUATION_MAX_WIDTH;
    if (
      line &&
      next &&
      wrapped &&
      !/^[■＜・※①-⑳（]/.test(next.text) &&
      !/。$/.test(next.text) &&
      !PART.test(next.text) &&
      !CHAPTER.test(next.text)
    ) {
      return { title: title + next.text, skip: 1 };
    }
    return { title, skip: 0 };
  };

  for (let k = 0; k < all.length; k++) {
    const line = all[k];
    if (!line) continue;
    const t = line.text;
    const nextText = all[k + 1]?.text ?? '';
    const inPartTwo = part?.marker === 'Ⅱ';

    const partM = PART.exec(t);
    if (partM && (partM[2] ?? '').length < 40) {
      close();
      part = { marker: partM[1] ?? '', path: partM[1] ?? '', title: (partM[2] ?? '').trim() };
      chapter = section = sub = titledItem = null;
      phase = null;
      inActions = false;
      addSection(part.path, `${part.marker}．`, part.title, line.no);
      continue;
    }
    if (!part) continue; // The stamp line ` 改定 ` precedes Ⅰ; it is read separately.

    if (DISPLACED_CHAPTER.test(t)) {
      issues.push(
        makeIssue('info', 'DISPLACED_HEADING', file, line.no, `見出し「${t}」が本文中に印字されています。章の見出しとして扱い、本文からは除きました。`, `The heading "${t}" is printed inside running text; used as the chapter heading and removed from the text.`, { field: 'sections', value: t }),
      );
      continue;
    }

    if (part.marker === 'Ⅰ') {
      const f = FOCUS_LINE.exec(t);
      if (f?.[1] && f[2]) focusItems.push({ name: f[2].trim(), number: f[1], printedOrder: focusItems.length });
      continue;
    }

    if (inPartTwo && t === MARK_ISSUES) {
      close();
      chapterCount++;
      const n = String(chapterCount);
      const heading = displaced.get(n);
      const focus = heading ? (FOCUS_LINE.exec(heading.title)?.[2] ?? null) : (focusItems[chapterCount - 1]?.name ?? null);
      chapter = { path: `Ⅱ-${n}`, title: heading?.title ?? '', focus };
      section = sub = null;
      phase = null;
      inActions = false;
      addSection(chapter.path, `${n}.`, chapter.title, heading?.line ?? line.no);
      open('issues', null, 'issues');
      continue;
    }

    const secM = SECTION.exec(t);
    const subM = SUBSECTION.exec(t);
    const isHeadingHere = inPartTwo ? nextText.startsWith('■') : true;
    if (secM && isHeadingHere && chapter) {
      close();
      const h = headingWithContinuation(k, (secM[2] ?? '').trim());
      k += h.skip;
      section = { path: `${chapter.path}-(${HALF_DIGITS(secM[1] ?? '')})`, title: h.title };
      sub = titledItem = null;
      phase = null;
      inActions = false;
      addSection(section.path, `（${secM[1] ?? ''}）`, section.title, line.no);
      if (!inPartTwo) open('item', null, 'text', section.title);
      continue;
    }
    if (subM && inPartTwo && isHeadingHere && section) {
      close();
      sub = { path: `${section.path}-(${subM[1] ?? ''})`, title: (subM[2] ?? '').trim() };
      phase = null;
      inActions = false;
      addSection(sub.path, `（${subM[1] ?? ''}）`, sub.title, line.no);
      continue;
    }
    const chapM = CHAPTER.exec(t);
    if (chapM && !inPartTwo) {
      close();
      const h = headingWithContinuation(k, (chapM[2] ?? '').trim());
      k += h.skip;
      chapter = { path: `${part.path}-${HALF_DIGITS(chapM[1] ?? '')}`, title: h.title, focus: null };
      section = sub = titledItem = null;
      addSection(chapter.path, `${chapM[1] ?? ''}．`, chapter.title, line.no);
      open('item', null, 'text', chapter.title);
      continue;
    }

    if (inPartTwo) {
      if (t === MARK_ANALYSIS) {
        open('analysis', null, 'analysis');
        continue;
      }
      if (t === MARK_ACTIONS) {
        close();
        inActions = true;
        continue;
      }
      const ph = PHASE.exec(t);
      if (ph && inActions) {
        close();
        phase = ph[1] ?? null;
        continue;
      }
      const dir = DIRECTIVE.exec(t);
      if (dir && inActions) {
        const u = open('directive', null, 'directive');
        u.refersToNumbers = expandCircledRange(`${dir[1] ?? ''}${dir[2] ?? ''}`);
        u.lines.push(line);
        continue;
      }
      const item = ITEM.exec(t);
      if (item && inActions) {
        const rest = (item[2] ?? '').trim();
        // ③ タレントマネジメント推進に向けた情報の整備と活用: a title line followed by ・ bullets.
        const titled = !/。$/.test(rest) && nextText.startsWith('・');
        const u = open('item', item[1] ?? null, item[1] ?? '', titled ? rest : null);
        u.lines.push(titled ? { ...line, text: '' } : { ...line, text: rest });
        continue;
      }
      if (!current) open(inActions ? 'item' : 'analysis', null, inActions ? 'text' : 'analysis');
      (current as Unit | null)?.lines.push(line);
      continue;
    }

    // Parts Ⅲ–Ⅴ.
    const item = ITEM.exec(t);
    if (item && section) {
      const h = headingWithContinuation(k, (item[2] ?? '').trim(), true);
      k += h.skip;
      titledItem = { number: item[1] ?? '', title: h.title };
      open('item', titledItem.number, titledItem.number, titledItem.title);
      continue;
    }
    if (BULLET.test(t) || !current) {
      const underPartOnly = !chapter;
      const kind: PlanItem['kind'] = underPartOnly && !BULLET.test(t) ? 'heading' : 'item';
      const label = titledItem ? titledItem.number : 'text';
      open(kind, titledItem?.number ?? null, label, titledItem?.title ?? section?.title ?? chapter?.title ?? null);
    }
    (current as Unit | null)?.lines.push(line);
  }
  close();
  checkPlanEnd(file, sections, all[all.length - 1], issues);

  const planItems = toPlanItems(units, file, issues);
  const identity = readIdentity(doc, file, issues);
  const orgName = identity.organization;
  const plan: Plan = {
    key: `PLAN/${(orgName && findOrganization(orgName)?.code) ?? orgName ?? 'unknown'}/${identity.periodEnd ?? 'unknown'}`,
    organization: orgName,
    title: identity.title,
    decidedOn: identity.decidedOn,
    revisedOn: null,
    revisionStamp: identity.stamp,
    periodEnd: identity.periodEnd,
    focusItems,
    sections,
    items: planItems,
    issues,
    source: { file, line: 1, endLine: doc.lines.length },
  };
  return { reports: [], plans: [plan], issues: [] };
}

function crosswalk(id: string, sectionPath: string): string | null {
  if (SOUMU_PLAN_CROSSWALK[id]) return SOUMU_PLAN_CROSSWALK[id] ?? null;
  const parts = sectionPath.split('-');
  for (let n = parts.length; n > 0; n--) {
    const hit = SOUMU_PLAN_CROSSWALK[parts.slice(0, n).join('-')];
    if (hit) return hit;
  }
  return null;
}

function toPlanItems(units: Unit[], file: string, issues: ImportIssue[]): PlanItem[] {
  const items: PlanItem[] = units.map((u) => {
    const first = u.lines[0];
    const last = u.lines[u.lines.length - 1];
    const body = joinWrapped(u.lines.map((l) => l.text).filter((t) => t !== ''));
    return {
      id: u.id,
      sectionPath: u.sectionPath,
      sectionTitle: u.sectionTitle,
      number: u.number,
      kind: u.kind,
      phase: u.phase,
      title: u.title,
      body,
      isRepost: REPOST.test(body),
      repostOf: null,
      refersTo: [],
      focusItem: u.focusItem,
      guidelineNodeId: null,
      source: { file, line: first?.no ?? 0, endLine: last?.no ?? 0 },
    };
  });
  items.forEach((item, i) => {
    const u = units[i];
    item.guidelineNodeId = crosswalk(item.id, item.sectionPath);
    if (u && u.refersToNumbers.length > 0) {
      item.refersTo = u.refersToNumbers.flatMap((n) => items.find((x) => x.kind === 'item' && x.sectionPath === item.sectionPath && x.number === n)?.id ?? []);
      if (item.refersTo.length !== u.refersToNumbers.length) {
        issues.push(
          makeIssue('warning', 'DIRECTIVE_TARGET_MISSING', file, item.source.line, `「${item.body.slice(0, 20)}…」が指す番号の取組が同じ節にありません。`, `The directive "${item.body.slice(0, 20)}…" names an item number missing from its section.`, { field: 'refersTo' }),
        );
      }
    }
    if (!item.isRepost) return;
    const me = fold(item.body);
    const candidates = items.filter((x) => !x.isRepost && x.kind === 'item' && x.body !== '');
    const exact = candidates.find((x) => fold(x.body) === me);
    const scored = exact ? { x: exact, s: 1 } : candidates.map((x) => ({ x, s: dice(fold(x.body), me) })).sort((a, b) => b.s - a.s)[0];
    if (scored && scored.s >= REPOST_MIN_SIMILARITY) {
      item.repostOf = scored.x.id;
      if (scored.s < 1) {
        issues.push(
          makeIssue('info', 'REPOST_LINK', file, item.source.line, `【再掲】の元を内容から「${scored.x.id}」と判断しました。`, `The original of this 【再掲】 item was found by content: ${scored.x.id}.`, { field: 'repostOf', proposal: { value: scored.x.id, confidence: Math.round(scored.s * 100) / 100 } }),
        );
      }
    } else {
      issues.push(
        makeIssue('warning', 'REPOST_ORIGINAL_NOT_FOUND', file, item.source.line, '【再掲】の元の取組が見つかりません。', 'The original of this 【再掲】 item was not found.', { field: 'repostOf' }),
      );
    }
  });
  return items;
}

/**
 * A plan under the guideline ends with its part on 推進体制 (001: Ⅴ 推進体制等) and with a full sentence. A file cut
 * short lacks one or both; the plan is then reported as incomplete instead of passing as a whole plan.
 */
function checkPlanEnd(file: string, sections: readonly Section[], last: { no: number; text: string } | undefined, issues: ImportIssue[]): void {
  if (!last) return;
  const parts = sections.filter((x) => !x.path.includes('-'));
  const end = last.text.trim();
  // Positive evidence of a cut (#9): the text stops mid-sentence. Without it a missing part is only a warning.
  const midSentence = !/[。．.）)」』】]$/u.test(end);
  if (parts.length > 0 && !parts.some((x) => x.title.includes('推進体制'))) {
    const lastPart = `${parts[parts.length - 1]?.marker ?? ''} ${parts[parts.length - 1]?.title ?? ''}`;
    issues.push(
      midSentence
        ? makeIssue('error', 'TRUNCATED_DOCUMENT', file, last.no, `計画の最後の部（推進体制等）がなく（最後の部は「${lastPart}」）、文も途中で終わっています。ファイルが途中で切れており、計画は不完全です。`, `The plan's last part (推進体制等) is missing (the last part is "${lastPart}") and the text stops mid-sentence; the file was cut short and the plan is incomplete.`, { field: 'sections' })
        : makeIssue('warning', 'LAYOUT_PART_MISSING', file, last.no, `計画の最後の部（推進体制等）がありません（最後の部は「${lastPart}」）。ファイルが途中で切れていないか原本で確認してください。`, `The plan's last part (推進体制等) is missing (the last part is "${lastPart}"); check the original that the file is not cut short.`, { field: 'sections' }),
    );
  }
  if (midSentence) {
    issues.push(
      makeIssue('warning', 'POSSIBLY_TRUNCATED', file, last.no, `文書が文の途中で終わっている可能性があります（末尾「${end.slice(-10)}」）。原本で確認してください。`, `The document may end in the middle of a sentence (ends with "${end.slice(-10)}"); check the original.`, { field: 'body', value: end.slice(-40) }),
    );
  }
}

interface Identity {
  title: string;
  organization: string | null;
  decidedOn: Period | null;
  periodEnd: string | null;
  stamp: string | null;
}

/** Title, 府省等, decision date, period end and revision stamp from the prose of Ⅰ (001 prints no title line). */
function readIdentity(doc: SourceDoc, file: string, issues: ImportIssue[]): Identity {
  const lines = doc.lines.filter((l) => !isBlank(l));
  const firstLine = lines[0]?.trim() ?? '';
  const stamp = /^(改定|改正|一部改正)$/.test(firstLine) ? firstLine : null;
  const text = joinAll(lines.map((l) => l.trim()));
  const titleM = /「((\S+?)における[^「」]*?取組計画)」（([^）]*?)決定）/.exec(text);
  const title = titleM?.[1] ?? '';
  const organization = titleM?.[2] ?? null;
  let decidedOn: Period | null = null;
  const dateRaw = titleM?.[3] ? /^(.+?日)/.exec(titleM[3])?.[1] : undefined;
  if (dateRaw) {
    // 001 prints spaces inside dates (`平成 27年１月 20日`); the period keeps the text as printed in `raw`.
    const parsed = parsePeriod(dateRaw.replace(/[\s\u3000]+/g, ''));
    if (parsed.ok) decidedOn = { ...parsed.value, raw: dateRaw };
    else issues.push(makeIssue('warning', 'DATE_UNREADABLE', file, 1, `決定日「${dateRaw}」を読めません: ${parsed.error.message}`, `Cannot read the decision date "${dateRaw}": ${parsed.error.messageEn}`, { field: 'decidedOn', value: dateRaw }));
  }
  if (!title) issues.push(makeIssue('warning', 'PLAN_TITLE_MISSING', file, 1, '計画の名称（「…取組計画」（…決定））が見つかりません。', 'The plan title (「…取組計画」（…決定）) was not found.', { field: 'title' }));
  let periodEnd: string | null = null;
  const endRaw = /計画期間は、(.+?)まで/.exec(text)?.[1];
  if (endRaw) {
    const parsed = parsePeriod(endRaw.replace(/[\s\u3000]+/g, ''));
    if (parsed.ok) periodEnd = parsed.value.end;
  }
  if (!periodEnd) issues.push(makeIssue('warning', 'PERIOD_END_MISSING', file, 1, '計画期間（「計画期間は、…までとする」）が読めません。', 'The plan period (「計画期間は、…までとする」) could not be read.', { field: 'periodEnd' }));
  return { title, organization, decidedOn, periodEnd, stamp };
}

export const PLAN_IMPORTER: LayoutImporter = {
  id: 'plan',
  layouts: [],
  detect: (doc) => {
    const text = doc.lines.slice(0, 120).join('\n');
    const hasParts = /^\s*Ⅰ[．.]/m.test(text);
    const mentionsPlan = /取組計画/.test(text);
    const hasFocus = /重点項目[１-９0-9]/.test(text);
    const hasTabs = text.includes('\t');
    return hasTabs ? 0 : (hasParts ? 0.4 : 0) + (mentionsPlan ? 0.3 : 0) + (hasFocus ? 0.2 : 0);
  },
  parse: (doc) => parsePlan(doc),
};
