import { useState } from 'react';

import type { AppError } from '../../core/errors.js';
import { useServices } from './ServicesProvider.js';
import type { SiteInfo } from './services.js';
import { useAsync, type AsyncState } from './use-async.js';

/** The signed-in user's view of the site (membership, divisions), reloaded when the site or ministry changes. */
export function useSite(siteUrl: string | null, orgCode: string | null): { site: AsyncState<SiteInfo>; retry: () => void } {
  const { data } = useServices();
  const [attempt, setAttempt] = useState(0);
  const site = useAsync(siteUrl && orgCode ? () => data.loadSite(siteUrl, orgCode) : null, [data, siteUrl, orgCode, attempt]);
  return { site, retry: () => setAttempt((n) => n + 1) };
}

/** Whether an error means "sign in (again)". */
export const needsSignIn = (error: unknown): boolean => (error as Partial<AppError> | null)?.code === 'permission';
