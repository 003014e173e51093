/**
 * Loads office.js from Microsoft's CDN (#11; platform facts E: the numbered ExcelApi sets need the CDN copy, there is
 * no npm runtime). Only called when the page may be inside Office (src/hosts/excel/excel-host.ts decides), so a
 * plain browser and the tests without a fake never reach the network. The task pane's CSP allows this origin.
 */
import type { ExcelApi } from '../../hosts/excel/excel-workbook.js';
import type { OfficeApi } from '../../hosts/excel/excel-host.js';

export const OFFICE_JS_URL = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

/** Adds the script once and resolves with the `Office` and `Excel` globals it defines. */
export function loadOfficeJs(win: Window): Promise<{ office: OfficeApi; excel: ExcelApi }> {
  const globals = win as unknown as { Office?: OfficeApi; Excel?: ExcelApi };
  if (globals.Office && globals.Excel) return Promise.resolve({ office: globals.Office, excel: globals.Excel });
  return new Promise((resolve, reject) => {
    const script = win.document.createElement('script');
    script.src = OFFICE_JS_URL;
    script.async = true;
    script.onload = () => {
      if (globals.Office && globals.Excel) resolve({ office: globals.Office, excel: globals.Excel });
      else reject(new Error(`${OFFICE_JS_URL} loaded but defined no Office/Excel`));
    };
    script.onerror = () => reject(new Error(`${OFFICE_JS_URL} could not be loaded (offline, or blocked by the network)`));
    win.document.head.append(script);
  });
}
