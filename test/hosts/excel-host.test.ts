import { OfficeMockObject } from 'office-addin-mock';
import { describe, expect, it, vi } from 'vitest';

import { DARK_QUERY, FORCED_COLORS_QUERY } from '../../src/hosts/browser/browser-host.js';
import { connectExcelHost, mayBeInOffice, officeThemeKind, supportedExcelApi, type OfficeApi, type OfficeWindowLike } from '../../src/hosts/excel/excel-host.js';
import { ExcelFollowUpWorkbook, type ExcelApi } from '../../src/hosts/excel/excel-workbook.js';
import { fakeOffice, FakeWorkbook } from '../support/fake-excel.js';

/** A window as the task pane sees it: framed (Excel on the web) or not, with a query and media queries. */
function officeWindow(options: { framed?: boolean; search?: string; dark?: boolean; forced?: boolean; webview?: boolean } = {}): OfficeWindowLike {
  const win: OfficeWindowLike = {
    parent: null,
    location: { search: options.search ?? '' },
    navigator: { languages: ['ja-JP'] },
    sessionStorage: { getItem: () => null },
    ...(options.webview ? { chrome: { webview: {} } } : {}),
    matchMedia: (q) => ({ matches: q === DARK_QUERY ? !!options.dark : q === FORCED_COLORS_QUERY ? !!options.forced : false, addEventListener: () => undefined, removeEventListener: () => undefined }),
  };
  (win as { parent: unknown }).parent = options.framed ? {} : win;
  return win;
}

const session = { getToken: async () => 'token', user: () => ({ id: 'u1', displayName: '鈴木 一郎', loginHint: null, tenantId: null }), signIn: () => undefined, signOut: () => undefined, isSignedIn: () => true };

describe('the Excel host', () => {
  it('knows at once that a top-level page without Office’s signs is standalone, and never loads office.js', async () => {
    const loadOffice = vi.fn();
    expect(await connectExcelHost({ loadOffice, window: officeWindow(), tokens: session, account: session })).toBeNull();
    expect(loadOffice).not.toHaveBeenCalled();
    expect(mayBeInOffice(officeWindow({ search: '?_host_Info=Excel$Win32$16.01$ja-JP$$$$0' }))).toBe(true);
    expect(mayBeInOffice(officeWindow({ framed: true }))).toBe(true);
    expect(mayBeInOffice(officeWindow({ webview: true }))).toBe(true);
  });

  it('connects in Excel: locale, theme, the supported API set, and a workbook', async () => {
    const fake = new FakeWorkbook();
    const office = fakeOffice({ language: 'en-US', supported: '1.12', theme: { bodyBackgroundColor: '#1F1F1F' } }) as OfficeApi;
    const c = await connectExcelHost({ loadOffice: async () => ({ office, excel: fake as unknown as ExcelApi }), window: officeWindow({ framed: true }), tokens: session, account: session });
    expect(c?.host.capabilities).toEqual({ kind: 'excel', supportsNaa: false, configuresTabs: false, canSignOut: true, excelApi: '1.12' });
    expect(c?.host.context()).toMatchObject({ locale: 'en-US', theme: 'dark', user: { displayName: '鈴木 一郎' } });
    expect(c?.workbook).toBeInstanceOf(ExcelFollowUpWorkbook);
    expect(await c?.host.getToken({ resource: 'graph' })).toBe('token');
  });

  it('runs standalone when office.js answers without a host or not at all, and says so for another Office app', async () => {
    const plain = fakeOffice({ host: null, platform: null }) as OfficeApi;
    expect(await connectExcelHost({ loadOffice: async () => ({ office: plain, excel: {} as ExcelApi }), window: officeWindow({ framed: true }), tokens: session, account: session })).toBeNull();
    const silent = { ...plain, onReady: () => new Promise<never>(() => undefined) } as OfficeApi;
    const timers = { setTimeout: (fn: () => void) => (queueMicrotask(fn), 0), clearTimeout: () => undefined };
    expect(await connectExcelHost({ loadOffice: async () => ({ office: silent, excel: {} as ExcelApi }), window: officeWindow({ framed: true }), tokens: session, account: session, timers })).toBeNull();
    const failed = vi.fn().mockRejectedValue(new Error('offline'));
    expect(await connectExcelHost({ loadOffice: failed, window: officeWindow({ framed: true }), tokens: session, account: session })).toBeNull();
    const word = fakeOffice({ host: 'Word' }) as OfficeApi;
    await expect(connectExcelHost({ loadOffice: async () => ({ office: word, excel: {} as ExcelApi }), window: officeWindow({ framed: true }), tokens: session, account: session })).rejects.toThrow(/runs in Excel; Office opened it in Word/);
  });

  it('gives no workbook in an Excel below ExcelApi 1.8, so the pane can say why', async () => {
    const office = fakeOffice({ supported: '1.7' }) as OfficeApi;
    expect(supportedExcelApi(office)).toBeNull();
    const c = await connectExcelHost({ loadOffice: async () => ({ office, excel: new FakeWorkbook() as unknown as ExcelApi }), window: officeWindow({ framed: true }), tokens: session, account: session });
    expect(c?.workbook).toBeNull();
    expect(c?.host.capabilities.excelApi).toBeUndefined();
  });

  it('maps Office’s body colour to light or dark, forced colours first', () => {
    expect([officeThemeKind({ bodyBackgroundColor: '#FFFFFF' }), officeThemeKind({ bodyBackgroundColor: '#262626' }), officeThemeKind(undefined)]).toEqual(['light', 'dark', null]);
  });
});

// office-addin-mock (the Office-provided mock) where it fits: a seed object tree without collections, whose
// properties throw when read before `load` and `sync`, as office.js does.
describe('settings and selection with office-addin-mock', () => {
  type Mocked = ExcelApi & { context: { workbook: { settings: { added: Record<string, unknown> }; tables: { table: { worksheet: { activated: boolean }; body: { at: number[]; cell: { selected: boolean } } } } } } };

  function mocked(stored: unknown): Mocked {
    const data = {
      context: {
        workbook: {
          settings: {
            item: { value: stored ?? '', isNullObject: stored === undefined },
            added: {},
            getItemOrNullObject(this: { item: unknown }, _key: string) {
              return this.item;
            },
            add(this: { added: Record<string, unknown> }, key: string, value: unknown) {
              this.added[key] = value;
            },
          },
          tables: {
            table: {
              worksheet: {
                activated: false,
                activate(this: { activated: boolean }) {
                  this.activated = true;
                },
              },
              body: {
                at: [-1, -1],
                cell: {
                  selected: false,
                  select(this: { selected: boolean }) {
                    this.selected = true;
                  },
                },
                getCell(this: { at: number[]; cell: unknown }, row: number, column: number) {
                  this.at = [row, column];
                  return this.cell;
                },
              },
              getDataBodyRange(this: { body: unknown }) {
                return this.body;
              },
            },
            getItem(this: { table: unknown }, _name: string) {
              return this.table;
            },
          },
        },
      },
      run: async function (this: { context: unknown }, callback: (context: unknown) => Promise<unknown>) {
        return callback(this.context);
      },
    };
    return new OfficeMockObject(data) as unknown as Mocked;
  }

  it('writes the remembered scope under the add-in’s prefix, and reads it back (null objects: the fake Excel)', async () => {
    // office-addin-mock does not model null objects (getItemOrNullObject), so the read side runs on the fake workbook.
    const fake = new FakeWorkbook();
    fake.settings.set('followup.scope', { fiscalYear: 2023, divisionCode: 'div-somu' });
    const onFake = new ExcelFollowUpWorkbook({ excel: fake as unknown as ExcelApi });
    expect([await onFake.getSetting('scope'), await onFake.getSetting('missing')]).toEqual([{ fiscalYear: 2023, divisionCode: 'div-somu' }, null]);
    const mock = mocked(undefined);
    await new ExcelFollowUpWorkbook({ excel: mock }).setSetting('scope', { fiscalYear: 2024, divisionCode: 'div-kikaku' });
    expect(mock.context.workbook.settings.added['followup.scope']).toEqual({ fiscalYear: 2024, divisionCode: 'div-kikaku' });
  });

  it('selects a cell of a table on its sheet for "go to the cell"', async () => {
    const mock = mocked(undefined);
    await new ExcelFollowUpWorkbook({ excel: mock }).select('FollowUp2', 3, 4);
    const t = mock.context.workbook.tables.table;
    expect([t.worksheet.activated, t.body.at, t.body.cell.selected]).toEqual([true, [3, 4], true]);
  });
});
