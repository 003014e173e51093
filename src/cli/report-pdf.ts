/**
 * PDF of the printable report (#12) through Chromium's print to PDF: the same page `--out x.html` writes, printed on
 * A4 with the CSS page sizes (landscape sheets stay landscape), the label and title in every page's header, 作成日 and
 * the page number in the footer. Chromium is the one the tests use (system Chromium, else @sparticuz/chromium).
 */
import type { ReportBook } from '../core/report/book.js';
import { escapeHtml } from '../core/layouts/render/html.js';
import { launchChromium } from './chromium.js';

const TEMPLATE_STYLE = 'font-family:"Noto Sans CJK JP","Yu Gothic",sans-serif;font-size:8px;width:100%;margin:0 10mm;display:flex;justify-content:space-between;';

/** Prints `html` (reportHtml(book)) to PDF bytes. @throws Error naming what is missing when no Chromium can start. */
export async function printPdf(html: string, book: ReportBook): Promise<Uint8Array> {
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  try {
    launched = await launchChromium();
  } catch (error) {
    throw new Error(
      `PDF にはChromiumが必要です。/usr/bin/chromium を入れるか CHROMIUM_PATH を指定してください。 / PDF needs Chromium: install it (apt-get install chromium), set CHROMIUM_PATH, or install the npm package @sparticuz/chromium — ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    const page = await launched.browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    // The page's own label row is for the browser's print; the PDF prints the label in its page header instead.
    await page.addStyleTag({ content: '.label-row{display:none}' });
    const pdf = await page.pdf({
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style='${TEMPLATE_STYLE}'><span>${escapeHtml(book.title)}</span><b>${escapeHtml(book.label ?? '')}</b></div>`,
      footerTemplate: `<div style='${TEMPLATE_STYLE}'><span>作成日：${escapeHtml(book.createdOn)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
    return new Uint8Array(pdf);
  } finally {
    await launched.browser.close();
  }
}
