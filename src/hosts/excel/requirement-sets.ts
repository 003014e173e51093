/**
 * The ExcelApi requirement set the add-in needs (#11): the highest set of any Excel API member src/hosts/excel uses
 * (range.dataValidation, 1.8). manifest/manifest.xml declares the same (`<Set Name="ExcelApi" MinVersion="1.8"/>`),
 * so Office does not offer the add-in where it cannot run; the host checks it again at start for a clear message.
 * test/hosts/excel-requirement-sets.test.ts reads every member the adapter touches from @types/office-js and fails
 * when this, the code and the manifest disagree.
 */
export const EXCEL_API_MIN = '1.8';

/** Sets probed to report the highest supported (HostCapabilities.excelApi), newest first. */
export const EXCEL_API_PROBE = ['1.20', '1.19', '1.18', '1.17', '1.16', '1.15', '1.14', '1.13', '1.12', '1.11', '1.10', '1.9', '1.8'] as const;
