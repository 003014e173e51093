import { useMemo, useState } from 'react';

import { latestCycle, type Cycle, type Division } from '../../core/divisions/division.js';
import type { ScopeParams } from '../app/scope-url.js';
import { useServices } from '../app/ServicesProvider.js';
import type { SiteInfo } from '../app/services.js';
import { useAsync, type AsyncState } from '../app/use-async.js';
import { chooseDivision, type DivisionChoice } from './scope-defaults.js';

export interface ScopeState {
  choice: DivisionChoice | null;
  /** The division shown: the user's pick, else the default choice; null = all divisions. */
  division: string | null;
  divisionInfo: Division | null;
  setDivision(code: string | null): void;
  cycles: AsyncState<Cycle[]>;
  cycleList: Cycle[] | null;
  /** The user's pick when the division has rows that year, else the latest cycle with rows. */
  fiscalYear: number | null;
  setFiscalYear(year: number): void;
}

/** The division and fiscal year a page shows, with their defaults (#10): shared by the tab and its configuration page. */
export function useScope(initial: ScopeParams, siteInfo: SiteInfo | null): ScopeState {
  const { host, data } = useServices();
  const channel = host.context().channel;
  const choice = useMemo(() => (siteInfo ? chooseDivision(initial.divisionCode, siteInfo.membership, siteInfo.divisions, channel) : null), [siteInfo, initial.divisionCode, channel]);
  const [picked, setPicked] = useState<string | null | undefined>(undefined);
  const division = picked === undefined ? (choice?.divisionCode ?? null) : picked;
  const cycles = useAsync(siteInfo && choice ? () => data.listCycles(siteInfo, division) : null, [data, siteInfo, choice, division]);
  const [pickedYear, setPickedYear] = useState<number | null>(initial.fiscalYear);
  const cycleList = cycles.status === 'done' ? cycles.value : null;
  // A year the URL or the user named is opened at once, while the cycles load (they only fill the year picker); once
  // they are known, a year without rows for this division gives way to the latest cycle with rows.
  const fiscalYear =
    cycleList === null ? (cycles.status === 'loading' ? pickedYear : null) : pickedYear !== null && cycleList.some((c) => c.fiscalYear === pickedYear) ? pickedYear : latestCycle(cycleList);
  return {
    choice,
    division,
    divisionInfo: siteInfo?.divisions.find((d) => d.code === division) ?? null,
    setDivision: setPicked,
    cycles,
    cycleList,
    fiscalYear,
    setFiscalYear: setPickedYear,
  };
}
