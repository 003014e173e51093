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

/** Known 府省等 (the compilation's order for the first 14, then the others seen in the seeds or the guideline). */
export const ORGANIZATIONS: readonly Organization[] = [
  org('cas', '内閣官房', '内閣官房等'),
  org('clb', '内閣法制局', '内閣官房等'),
  org('cao', '内閣府', '府省'),
  org('kunaicho', '宮内庁', '庁'),
  org('jftc', '公正取引委員会', '委員会'),
  org('npa', '警察庁', '庁'),
  org('ppc', '個人情報保護委員会', '委員会'),
  org('fsa', '金融庁', '庁'),
  org('caa', '消費者庁', '庁'),
  org('jcrc', 'カジノ管理委員会', '委員会'),
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
  org('nra', '原子力規制委員会', '委員会'),
  org('jpo', '人事院', '委員会'),
  org('jbaudit', '会計検査院', '委員会'),
];

/** Finds a known organisation by printed name (exact after trimming, or a listed variant). */
export function findOrganization(name: string): Organization | undefined {
  const n = name.replace(/[\s\u3000]/g, '');
  return ORGANIZATIONS.find((o) => o.name === n || o.nameVariants.includes(n));
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
