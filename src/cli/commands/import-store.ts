/**
 * `followup import <file>… --store [--site <site>]`: the checked documents written into the lists of a site (the local
 * demo site of npm start by default), as the secretariat: every report with its rows, resumable and never duplicated
 * (importReports). A document with an error issue is not stored at all: nothing is half-written from a bad file.
 */
import type { ImportResult } from '../../core/model/schema.js';
import { secretariatActor } from '../../core/permissions/rules.js';
import { openGraphFollowUpAdmin } from '../../graph/graph-follow-up-store.js';
import { importDocuments } from '../../graph/import-documents.js';
import { openSiteSession } from '../site-session.js';

/** Stores `result` in the site; returns the exit code (0 stored, 1 a report could not be stored, 2 bad --site). */
export async function storeImport(result: ImportResult, siteArg: string | undefined): Promise<number> {
  let session: Awaited<ReturnType<typeof openSiteSession>>;
  try {
    session = await openSiteSession(siteArg);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    const store = await openGraphFollowUpAdmin({ connection: session.connection, site: session.site, actor: secretariatActor() });
    const outcomes = await importDocuments(store, result);
    let failed = 0;
    for (const o of outcomes) {
      if (o.error) {
        failed++;
        process.stderr.write(`not stored: ${o.reportKey} — ${await session.describe(o.error)}\n`);
      } else if (o.summary) {
        const s = o.summary;
        const missing = s.totalRows - s.alreadyPresent - s.created;
        if (missing > 0) {
          // A completed import is never resumed (FollowUpStore.importReports): a changed file does not change the lists.
          failed++;
          process.stderr.write(`not stored: ${o.reportKey} — imported before; ${missing} of this file's ${s.totalRows} rows are not in the list and were not written (a completed import is not changed by importing again: edit the rows in the tab, the add-in or sync-xlsx)\n`);
        } else if (s.created === 0) process.stderr.write(`already stored: ${o.reportKey} — ${s.totalRows} rows, nothing written (importing again never changes stored rows)\n`);
        else process.stderr.write(`stored: ${o.reportKey} — ${s.totalRows} rows (${s.created} created${s.alreadyPresent > 0 ? `, ${s.alreadyPresent} already in the list: the import resumed` : ''})\n`);
      }
    }
    process.stderr.write(`${outcomes.length - failed} of ${outcomes.length} report(s) stored in ${session.target}\n`);
    return failed > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`error: storing in ${session.target} failed — ${await session.describe(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
}
