/** Webpack entry of the Teams tab and the browser app (`tab.html`, and `/` under `npm start`) (#10). */
import { lazy, Suspense } from 'react';

import { parseScopeParams, toScopeSearch } from '../ui/app/scope-url.js';
import { TabView } from '../ui/views/TabView.js';
import { boot } from './browser/boot.js';

/** Keeps the address in step with the scope shown, so a reload or a shared link shows the same rows. */
function replaceScope(scope: { site: string; orgCode: string; fiscalYear: number | null; divisionCode: string | null }): void {
  const search = new URLSearchParams(toScopeSearch(scope));
  const lang = new URLSearchParams(window.location.search).get('lang');
  if (lang) search.set('lang', lang);
  const next = `?${search.toString()}`;
  if (next !== window.location.search) window.history.replaceState(null, '', next);
}

// `?view=manager`: the manager view (#12), its own personal tab in the Teams manifest, loaded only there (its code
// stays out of the division tab's initial JavaScript); else the division's tab.
const isManager = new URLSearchParams(window.location.search).get('view') === 'manager';
const ManagerPage = lazy(() =>
  Promise.all([import(/* webpackChunkName: "manager" */ '../ui/views/ManagerView.js'), import(/* webpackChunkName: "manager" */ '../ui/views/manager/ManagerReportActions.js')]).then(([{ ManagerView }, { ManagerReportActions }]) => ({
    default: () => <ManagerView initial={parseScopeParams(window.location.search)} reportActions={(c) => <ManagerReportActions {...c} />} />,
  })),
);
void boot('content', () =>
  isManager ? (
    <Suspense fallback={null}>
      <ManagerPage />
    </Suspense>
  ) : (
    <TabView initial={parseScopeParams(window.location.search)} onScopeChange={replaceScope} />
  ),
);
