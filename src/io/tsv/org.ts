/**
 * 府省等 of a report (#2, domain §0 and §10.5): printed in the title, given as an option, or proposed from content
 * evidence. A proposal is never applied silently: it always comes with an ORG_NOT_PRINTED warning.
 */
import type { ImportIssue, Report } from '../../core/model/schema.js';
import { findOrganization, ORGANIZATIONS } from '../../core/model/organization.js';
import type { ImportOptions, SourceDoc } from '../types.js';
import { makeIssue } from './issue.js';

/**
 * Words that point at one 府省等 although they do not name it: its own bodies and facilities (§0: 税関, 国税庁 → 財務省;
 * 在外公館 → 外務省). Weighted double, because they cannot be a mention of another ministry's course or event.
 */
const AFFILIATE_WORDS: Readonly<Record<string, readonly string[]>> = {
  mof: ['税関', '国税庁', '財務局'],
  mofa: ['在外公館', '在外'],
};

/**
 * Mentions of an organisation that say nothing about who wrote the table: courses run by others
 * (「内閣官房内閣人事局主催」, 「人事院主催」, 「内閣人事局・人事院が実施するもの」).
 */
const FOREIGN_MENTION = /^(?:内閣人事局|主催|が実施|・|等が実施)/;

type OrgFields = Pick<Report, 'organization' | 'organizationCode' | 'organizationSource'>;

/** Scores every known organisation by how often the text speaks of it as its own. */
export function scoreOrganizations(text: string): { code: string; name: string; score: number }[] {
  const scores: { code: string; name: string; score: number }[] = [];
  for (const org of ORGANIZATIONS) {
    let score = 0;
    for (const name of [org.name, ...org.nameVariants]) {
      let at = text.indexOf(name);
      while (at >= 0) {
        if (!FOREIGN_MENTION.test(text.slice(at + name.length, at + name.length + 6))) score += 1;
        at = text.indexOf(name, at + name.length);
      }
    }
    for (const word of AFFILIATE_WORDS[org.code] ?? []) score += 2 * countOf(text, word);
    if (score > 0) scores.push({ code: org.code, name: org.name, score });
  }
  return scores.sort((a, b) => b.score - a.score);
}

function countOf(text: string, word: string): number {
  let n = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) n += 1;
  return n;
}

/** A 府省等 name outside the catalogue: kept as given, without a code (the 002 importer reports the same). */
export function unknownOrganization(file: string, line: number, name: string): ImportIssue {
  return makeIssue({
    severity: 'warning',
    code: 'UNKNOWN_ORGANIZATION',
    file,
    line,
    field: 'organization',
    value: name,
    message: `${file}: 府省等名「${name}」は府省等一覧にありません。名称のまま取り込みました。`,
    messageEn: `${file}: 府省等 name "${name}" is not in the catalogue; imported with its name and no code.`,
  });
}

/**
 * Decides the organisation fields of a report. The printed name wins over --org (ORG_OPTION_CONFLICT when they
 * differ); a name outside the catalogue gives UNKNOWN_ORGANIZATION; ORG_NOT_PRINTED when the document does not
 * print it and no --org is given.
 */
export function resolveOrganization(
  doc: SourceDoc,
  printed: string | null,
  options: ImportOptions,
  line: number,
  issues: ImportIssue[],
): OrgFields {
  const given = options.org?.trim() ?? '';
  if (printed) {
    const code = findOrganization(printed)?.code ?? null;
    if (given !== '' && given !== printed && (code === null || findOrganization(given)?.code !== code)) {
      issues.push(
        makeIssue({
          severity: 'warning',
          code: 'ORG_OPTION_CONFLICT',
          file: doc.file,
          line,
          field: 'organization',
          value: given,
          message: `${doc.file}: 指定された府省等「${given}」は文書に印字された「${printed}」と異なります。印字された「${printed}」で取り込みました。`,
          messageEn: `${doc.file}: the given 府省等 "${given}" differs from the printed "${printed}"; imported as the printed "${printed}".`,
          proposal: { value: printed, confidence: 1 },
        }),
      );
    }
    if (code === null) issues.push(unknownOrganization(doc.file, line, printed));
    return { organization: printed, organizationCode: code, organizationSource: 'printed' };
  }
  if (given !== '') {
    const code = findOrganization(given)?.code ?? null;
    if (code === null) issues.push(unknownOrganization(doc.file, line, given));
    return { organization: given, organizationCode: code, organizationSource: 'option' };
  }
  const [best, second] = scoreOrganizations(doc.text);
  if (!best) {
    issues.push(
      makeIssue({
        severity: 'warning',
        code: 'ORG_NOT_PRINTED',
        file: doc.file,
        line,
        field: 'organization',
        message: `${doc.file}: 府省等名が記載されておらず、内容からも推定できません。府省等を指定してください（--org）。`,
        messageEn: `${doc.file}: the 府省等 is not printed and cannot be inferred from the content; please give it (--org).`,
      }),
    );
    return { organization: null, organizationCode: null, organizationSource: 'unknown' };
  }
  // More evidence → more confidence, capped below certainty; a close runner-up halves the margin of trust.
  const margin = second ? best.score - second.score : best.score;
  const confidence = Math.round(Math.min(0.9, 0.4 + 0.1 * best.score) * (margin >= 2 ? 1 : 0.6) * 100) / 100;
  issues.push(
    makeIssue({
      severity: 'warning',
      code: 'ORG_NOT_PRINTED',
      file: doc.file,
      line,
      field: 'organization',
      value: best.name,
      message: `${doc.file}: 府省等名が記載されていません。内容から「${best.name}」と推定しました（確度 ${confidence}）。正しい府省等を確認してください。`,
      messageEn: `${doc.file}: the 府省等 is not printed; the content suggests ${best.name} (confidence ${confidence}). Please confirm the organisation.`,
      proposal: { value: best.name, confidence },
    }),
  );
  return { organization: best.name, organizationCode: best.code, organizationSource: 'inferred' };
}
