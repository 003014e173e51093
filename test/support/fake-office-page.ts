/**
 * What the e2e tests serve in place of office.js (#11): the fake Excel of fake-excel.ts as the page's `Excel` and
 * `Office` globals, and `window.__fakeExcel` for the test to type, edit as a co-author and read cells. Bundled by
 * esbuild into one script (test/support/fake-office-script.ts), answered for the Office CDN's URL by page.route.
 */
import { fakeOffice, FakeWorkbook } from './fake-excel.js';
import { fakeDialogPageUi, fakeDialogUi } from './fake-office-dialog.js';

const w = window as unknown as { Office: unknown; Excel: unknown; __fakeExcel: FakeWorkbook };
const fake = new FakeWorkbook();
w.__fakeExcel = fake;
w.Excel = { run: <T>(batch: Parameters<FakeWorkbook['run']>[0]) => fake.run(batch) as Promise<T> };
const office = fakeOffice({ host: 'Excel', platform: 'OfficeOnline', language: new URLSearchParams(window.location.search).get('officeLang') ?? 'ja-JP' });
// The task pane opens dialogs; a page opened as one (the sign-in dialog, #13) messages its parent.
const inDialog = window.opener !== null && window.location.pathname.startsWith('/auth/');
w.Office = { ...office, context: { ...office.context, ui: inDialog ? fakeDialogPageUi(window) : fakeDialogUi(window) } };
