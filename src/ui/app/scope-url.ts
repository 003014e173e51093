/**
 * The scope a tab shows, in its URL (#10): `tab.html?site=…&org=…&fy=2023&division=div-somu`. The configuration page
 * writes it into the tab's contentUrl; a personal tab or a browser opens `tab.html` without it and picks.
 * `division=` (empty) means every division of the ministry.
 */
export interface ScopeParams {
  site: string | null;
  orgCode: string | null;
  fiscalYear: number | null;
  /** undefined: not given (pick a default); null: all divisions; else a division code. */
  divisionCode: string | null | undefined;
}

export function parseScopeParams(search: string): ScopeParams {
  const q = new URLSearchParams(search);
  const fy = Number(q.get('fy'));
  const site = q.get('site');
  return {
    site: site && /^https:\/\//i.test(site) ? site : null,
    orgCode: q.get('org') || null,
    fiscalYear: Number.isInteger(fy) && fy >= 1989 && fy <= 2100 ? fy : null,
    divisionCode: q.has('division') ? q.get('division') || null : undefined,
  };
}

/** The query string for a scope (keys in a fixed order; other parameters such as `lang` are kept by the caller). */
export function toScopeSearch(scope: { site: string; orgCode: string; fiscalYear: number | null; divisionCode: string | null }): string {
  const q = new URLSearchParams();
  q.set('site', scope.site);
  q.set('org', scope.orgCode);
  if (scope.fiscalYear !== null) q.set('fy', String(scope.fiscalYear));
  q.set('division', scope.divisionCode ?? '');
  return `?${q.toString()}`;
}
