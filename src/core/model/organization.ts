/**
 * 府省等 (organisations), 部局・課室 (divisions), 年度 cycles and review actions.
 * The catalogue lists the 府省等 we know by name; an importer meeting an unknown name keeps it with a null code.
 */
import { z } from 'zod';

export const ORG_KINDS = ['府省', '庁', '委員会', '内閣官房等'] as const;
export const Organization = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string(),
  kind: z.enum(ORG_KINDS),
  nameVariants: z.array(z.string()),
});
export type Organization = z.infer<typeof Organization>;

const org = (code: string, name: string, kind: Organization['kind'], nameVariants: string[] = []): Organization => ({
  code,
  name,
  kind,
  nameVariants,
});

/**
 * Known 府省等 (the compilation's order for the first 14, then the others of the government-wide compilation). The
 * variants are names the documents print for the same 府省等: a commission together with its secretariat
 * (原子力規制委員会原子力規制庁), the secretariat alone (公正取引委員会事務総局), the 府 proper (内閣府本府).
 */
export const ORGANIZATIONS: readonly Organization[] = [
  org('cas', '内閣官房', '内閣官房等'),
  org('clb', '内閣法制局', '内閣官房等'),
  org('cao', '内閣府', '府省', ['内閣府本府']),
  org('kunaicho', '宮内庁', '庁'),
  org('jftc', '公正取引委員会', '委員会', ['公正取引委員会事務総局', '公取委']),
  org('npa', '警察庁', '庁'),
  org('ppc', '個人情報保護委員会', '委員会', ['個人情報保護委員会事務局']),
  org('fsa', '金融庁', '庁'),
  org('caa', '消費者庁', '庁'),
  org('jcrc', 'カジノ管理委員会', '委員会', ['カジノ管理委員会事務局']),
  org('cfa', 'こども家庭庁', '庁'),
  org('digital', 'デジタル庁', '庁'),
  org('reconstruction', '復興庁', '庁'),
  org('soumu', '総務省', '府省'),
  org('moj', '法務省', '府省'),
  org('mofa', '外務省', '府省'),
  org('mof', '財務省', '府省'),
  org('mext', '文部科学省', '府省'),
  org('mhlw', '厚生労働省', '府省'),
  org('maff', '農林水産省', '府省'),
  org('meti', '経済産業省', '府省'),
  org('mlit', '国土交通省', '府省'),
  org('env', '環境省', '府省'),
  org('mod', '防衛省', '府省'),
  org('nra', '原子力規制委員会', '委員会', ['原子力規制庁', '原子力規制委員会原子力規制庁']),
  org('jpo', '人事院', '委員会', ['人事院事務総局']),
  org('jbaudit', '会計検査院', '委員会', ['会計検査院事務総局']),
];

/**
 * A printed name reduced for comparison: NFKC (full-/half-width, ﾃﾞｼﾞﾀﾙ → デジタル), no spaces of any width, no
 * enclosing brackets.
 */
export function normalizeOrganizationName(name: string): string {
  const n = name.normalize('NFKC').replace(/[\s\u3000]+/g, '');
  return /^[【「『(].*[】」』)]$/.test(n) ? n.slice(1, -1) : n;
}

/** Units a 府省等 prints after its name for itself (its secretariat, the 府/省 proper). */
const OWN_UNIT_SUFFIX = /^(?:事務総局|事務局|本府|本省|本庁|本院)$|^\((?:事務総局|事務局|本府|本省|本庁|本院)\)$/;

/** How a printed name was matched: as listed, or as a name followed by one of its own units. */
export interface OrganizationMatch {
  organization: Organization;
  how: 'exact' | 'variant' | 'unit';
}

/**
 * Finds a known organisation by a printed name: exact after normalisation, a listed variant, or a known name followed
 * by one of its own units (`…事務総局`, `…本省`, `…（本省）`) or by another name of the same 府省等. Undefined for a name
 * outside the catalogue (importers keep it, with an issue).
 */
export function matchOrganization(name: string): OrganizationMatch | undefined {
  const n = normalizeOrganizationName(name);
  if (n === '') return undefined;
  for (const o of ORGANIZATIONS) {
    if (normalizeOrganizationName(o.name) === n) return { organization: o, how: 'exact' };
  }
  for (const o of ORGANIZATIONS) {
    if (o.nameVariants.some((v) => normalizeOrganizationName(v) === n)) return { organization: o, how: 'variant' };
  }
  // The longest known name the printed one starts with (内閣府 before 内閣, never 内閣府 for 内閣府本府's neighbours).
  const prefixed = [...ORGANIZATIONS]
    .flatMap((o) => [o.name, ...o.nameVariants].map((v) => ({ o, v: normalizeOrganizationName(v) })))
    .filter(({ v }) => n.startsWith(v) && n.length > v.length)
    .sort((a, b) => b.v.length - a.v.length)[0];
  if (prefixed) {
    const rest = n.slice(prefixed.v.length);
    const sameOrg = [prefixed.o.name, ...prefixed.o.nameVariants].some((v) => normalizeOrganizationName(v) === rest);
    if (sameOrg || OWN_UNIT_SUFFIX.test(rest)) return { organization: prefixed.o, how: 'unit' };
  }
  return undefined;
}

/** Finds a known organisation by printed name (see matchOrganization). */
export function findOrganization(name: string): Organization | undefined {
  return matchOrganization(name)?.organization;
}

/** A 部局 or 課室 of an organisation: the unit that owns and edits rows. */
export const Division = z.object({
  org: z.string(),
  code: z.string(),
  name: z.string(),
  level: z.enum(['部局', '課室']),
  parent: z.string().nullable(),
});
export type Division = z.infer<typeof Division>;

/** A fiscal-year follow-up cycle. */
export const CYCLE_STATES = ['preparing', 'open', 'compiling', 'closed'] as const;
export const Cycle = z.object({
  fiscalYear: z.number().int().min(1989).max(2100),
  label: z.string(),
  labelConvention: z.enum(['implementationYear', 'followUpYear']),
  layouts: z.array(z.string()),
  state: z.enum(CYCLE_STATES),
});
export type Cycle = z.infer<typeof Cycle>;

/** One review action by a manager / the secretariat. */
export const ReviewAction = z.object({
  target: z.string(),
  action: z.enum(['comment', 'submit', 'return', 'approve']),
  comment: z.string().nullable(),
  by: z.string(),
  at: z.string(),
});
export type ReviewAction = z.infer<typeof ReviewAction>;
