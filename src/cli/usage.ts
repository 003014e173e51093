/**
 * Every command's help text (#7), in one light module: `followup --help` and `followup <command> --help` print these
 * without loading the command (provision and dev-token load the Graph client, SQLite and undici only when they run).
 */
import { LAYOUTS } from '../core/model/schema.js';
import { DEMO_DIRECTORY } from '../emulator/directory.js';

export const IMPORT_USAGE = `usage: followup import <file>… [--org 府省等] [--year 年度] [--json] [--store [--site <site>]]
  Imports follow-up documents (TSV with HTML cells, or PDF text) and checks every row.
  stdout: the ImportResult JSON with --json, else nothing; stderr: one line per report, totals per severity, then
  every error and warning (first 50) as [severity] file:line:col field (rowKey) CODE: 日本語 / English.
  --org 名称  the 府省等 when the document does not print it (e.g. --org 財務省)
  --year 年度 the fiscal year when the title prints none (e.g. --year 2023, --year 令和5年度, --year R5)
  --json     print the ImportResult JSON (src/core/model/schema.ts) on stdout
  --store    also write the reports and their rows into the lists, as the secretariat (resumable, never duplicated);
             only when no file has an error: otherwise nothing is written
  --site     where --store writes (default: the local demo site of npm start on PORT; GRAPH_BASE_URL/GRAPH_TOKEN for a tenant)
  e.g. followup import samples/000_af6c26688b7c18a9.txt --json > model.json
       followup import ministry.txt --org 国土交通省 --store
exit: 0 no error (warnings allowed; stored with --store), 3 an error issue in some report, plan or file (nothing
      stored), 1 nothing imported or a report could not be stored, 2 usage error
`;

export const RENDER_USAGE = `usage: followup render <file> --layout <${LAYOUTS.join('|')}> [--format tsv|html] [--org 名称]
  Imports one document and writes its reports in the given official layout on stdout (default --format tsv).
  e.g. followup render samples/004_62afef42a3180ecf.txt --layout L-R7 --format html
exit: 0 rendered, 1 the file has no report in that layout, 2 usage error
`;

export const REPORT_USAGE = `usage: followup report --year <year> --layout <${LAYOUTS.join('|')}> [--org <府省等>] [--format tsv|html|xlsx|pdf] [--out <file>] [--label <区分>] [--site <site>]
  Writes an official layout from the lists (the stored rows with their latest edits, never a source file).
  --org takes a name (総務省) or a code (soumu); without it, every 府省等 of the year in that layout, and with
  --layout L-R6-COMPILATION the cross-ministry 重点項目 compilation of every 府省等 of the year.
  --year takes 2024, 令和6年度 or R6. Default format from --out's extension (.tsv .html .xlsx .pdf), else tsv.
  html is a printable A4 page, xlsx a workbook (A4 print setup, 数値グラフ sheet), pdf Chromium's print of the html.
  --label prints a classification (機密性2) in every page header and on each sheet.
usage: followup report history --year <year> [--org <府省等>] --out <file.xlsx|file.csv> [--site <site>]
  The cycle's change history: each row's edits (who, when, which column, before → after, from its versions) and
  review transitions (提出済/差戻し/承認済 and comments). CSV is UTF-8 with BOM for Excel, formula-like text quoted.
  Without --site: the demo site of the local service npm start runs on https://localhost:$PORT (default 3000).
  e.g. followup report --org 総務省 --year 令和6年度 --layout L-R7 --label 機密性2 --out soumu-r6.xlsx
environment: as followup provision (GRAPH_BASE_URL, GRAPH_TOKEN, GRAPH_CA_FILE, PORT)
exit: 0 written, 1 no report in that layout or the read failed, 2 usage error
`;

export const CYCLE_USAGE = `usage: followup cycle open|deadline|close --org <府省等> --year <year> [--deadline <date>] [--site <site>]
  The secretariat's cycle operations (docs/lists.md, "Review cycle"):
    open      opens --year from the year before: its reports carried forward (structure, divisions, targets kept;
              answers empty, 未確認), imported and assigned with item permissions; --deadline sets the deadline too
    deadline  sets the submission deadline of the year's reports (2025-06-30 or 令和7年6月30日)
    close     closes the year: every assigned row read-only for its division, the reports marked closed
  Acts as the site owner of the local service, or as GRAPH_TOKEN's user (must be the secretariat).
  e.g. followup cycle open --org 総務省 --year 令和7年度 --deadline 令和7年6月30日
environment: as followup provision (GRAPH_BASE_URL, GRAPH_TOKEN, GRAPH_CA_FILE, PORT)
exit: 0 done, 1 the operation failed, 2 usage error
`;

export const REMIND_USAGE = `usage: followup remind [--org <府省等>] [--year <year>] [--before-deadline|--returned] [--dry-run] [--team <team id>] [--site <site>]
  Reminds divisions (docs/deploy.md "Reminders"), once per division, kind and day (a second run the same day sends nothing):
    --before-deadline  (default) divisions with rows not submitted (未確認 or 差戻し), with the deadline
    --returned         divisions with rows returned by a reviewer (差戻し)
    --dry-run          print who would be reminded; send and record nothing
  Each reminder is recorded in FollowUpReminders (the Teams tab shows it to the division) and posted to the division's
  Teams channel (FollowUpDivisions.ChannelId) in --team (or FOLLOWUP_TEAM_ID; the local service's own team by default)
  where the token carries ChannelMessage.Send; without it, recorded only.
  Without --org: every 府省等 with reports of the year; without --year: the latest year with reports.
  e.g. followup remind --org 総務省 --year 令和7年度 --returned
environment: as followup provision (GRAPH_BASE_URL, GRAPH_TOKEN, GRAPH_CA_FILE, PORT), FOLLOWUP_TEAM_ID
exit: 0 done, 1 failed or no report, 2 usage error
`;

export const REVIEW_USAGE = `usage: followup review status|submit|process|return|approve --org <府省等> --year <year> [--as <user>] [<RowKey>…]
  The review cycle (docs/lists.md, "Review cycle"), as the acting user (roles from their SharePoint groups):
    status    every division at a glance: rows done / total, per state, awaiting a reviewer, edited after
              submission, overdue (--division <code> for one; --json for every row with its RowKey)
    submit    a division member submits rows (each must validate: 実施未定 needs its reason)
    process   a reviewer accepts pending submissions (locks the rows) or records why not
    return    a reviewer returns rows: --comment <text> [--field <column>]; the division may edit again
    approve   a reviewer approves rows that still hold what was submitted [--comment <text>]
  --as <user>: a demo user of the local service (suzuki, takahashi, sato …); else GRAPH_TOKEN's user.
  e.g. followup review status --org 総務省 --year 令和6年度
       followup review return "soumu/2023/L-R5-OVERVIEW/…" --org 総務省 --year 2023 --as takahashi --comment "時期を記入" --field Narrative
environment: as followup provision; FOLLOWUP_SECRETARIAT_GROUP, FOLLOWUP_REVIEWERS_GROUP (group titles; default: the demo's)
exit: 0 done, 3 some rows refused (listed on stderr), 1 failed, 2 usage error
`;

export const PROVISION_USAGE = `usage: followup provision [--site <site URL or host:/path>] [--dry-run]
  Creates or upgrades the follow-up lists (FollowUpReports, FollowUpRows, FollowUpMeta) on a SharePoint site,
  through Microsoft Graph. Idempotent: a second run prints "up to date". --dry-run prints what it would do.
  Without --site: the demo site of the local service npm start runs on https://localhost:$PORT (default 3000).
  e.g. followup provision
       PORT=3100 followup provision
       followup provision --site https://localhost:3000/sites/followup
       followup provision --site localhost:/sites/followup            (port from PORT)
       GRAPH_BASE_URL=https://graph.microsoft.com/v1.0 GRAPH_TOKEN=… followup provision --site https://contoso.sharepoint.com/sites/wlb
environment:
  GRAPH_BASE_URL  Graph root with version (default: the local site's origin + /v1.0; https://graph.microsoft.com/v1.0
                  for any other host)
  GRAPH_TOKEN     bearer token; for the local service one is made for the site owner, as by followup dev-token
  GRAPH_CA_FILE   PEM to trust (default for localhost: ./data/certs/localhost-cert.pem, the local service's)
  PORT            the local service's port when the site does not say it (default 3000)
exit: 0 provisioned or up to date, 1 failed (the message names the site and Graph URL tried), 2 usage error
`;

export const DEV_TOKEN_USAGE = `usage: followup dev-token [user]
  Prints a bearer token (one line on stdout) for a demo user of the local service, for curl and scripts:
    TOKEN=$(npx followup dev-token suzuki)
  user: short id or UPN (default ${DEMO_DIRECTORY.defaultUser}, the site owner): ${DEMO_DIRECTORY.users.map((u) => u.id).join(', ')}
  Asks the service npm start runs on https://localhost:$PORT (default 3000), trusting its certificate
  ./data/certs/localhost-cert.pem (or GRAPH_CA_FILE); when none answers, signs the token with the secret of its
  database ./data/followup.db (or FOLLOWUP_DB), valid once npm start serves it. Paths are relative to the current
  folder: run it in the project folder, where npm start keeps ./data. It never creates anything.
exit: 0 token printed, 1 no service and no database (the message lists where it looked), 2 usage error
`;


export const AUDIT_USAGE = `usage: followup audit [--site <site URL or host:/path>] [--json]
  Lists rows whose RowKey, ReportKey, DivisionCode or printed source (SourceRaw) no longer match the secretariat's
  ledger — changes SharePoint cannot forbid to a division that may edit its rows (docs/lists.md) — with who made
  them and when, and recorded rows that are gone. Reads only; prints the Graph requests it cost.
  Without --site: the demo site of the local service npm start runs on https://localhost:$PORT (default 3000).
  e.g. followup audit
       followup audit --json
       GRAPH_BASE_URL=https://graph.microsoft.com/v1.0 GRAPH_TOKEN=… followup audit --site https://contoso.sharepoint.com/sites/wlb
environment: as followup provision (GRAPH_BASE_URL, GRAPH_TOKEN: the secretariat's, GRAPH_CA_FILE, PORT)
exit: 0 nothing found, 3 changed or missing rows listed, 1 the audit failed, 2 usage error
`;

export const DOCTOR_USAGE = `usage: followup doctor [--site <site URL>]
  Checks what the product needs on a SharePoint site, through Microsoft Graph and SharePoint REST, and prints one
  verdict per line (ok / warn / fail / unknown) with a fix under anything not ok: the token's audience and scopes,
  the site reachable, lists, columns and indexes as provisioned (schema version), delta available, permission levels
  and item permissions callable, throttling headroom. Reads only.
  Without --site: the demo site of the local service npm start runs on https://localhost:$PORT (default 3000).
  e.g. followup doctor
       GRAPH_TOKEN=… SHAREPOINT_TOKEN=… followup doctor --site https://contoso.sharepoint.com/sites/wlb
environment:
  GRAPH_BASE_URL    Graph root with version (default: the local site's origin + /v1.0; https://graph.microsoft.com/v1.0
                    for any other host)
  GRAPH_TOKEN       Graph access token (for the local service one is made for the site owner)
  SHAREPOINT_TOKEN  token for the site's SharePoint origin (permission checks; without it they are "unknown")
  GRAPH_CA_FILE     CA certificate to trust (default for localhost: ./data/certs/localhost-cert.pem)
  PORT              port of the local service (default 3000)
exit: 0 nothing failed, 1 something failed (or the service could not be reached), 2 usage error
`;

const WHO = `  --user <id>     act as this demo user of the local service (${DEMO_DIRECTORY.users.map((u) => u.id).join(', ')});
                  on a tenant set GRAPH_TOKEN to the user's token instead. One of the two is required: the rows are
                  read and written with that user's rights (a division edits its own rows), never as the site owner.
  --secretariat-group, --reviewers-group <SharePoint group>   the groups that carry those roles (default: the demo
                  site's 大臣官房秘書課 and 働き方改革推進委員会; or FOLLOWUP_SECRETARIAT_GROUP, FOLLOWUP_REVIEWERS_GROUP)`;

const GRAPH_ENV = `environment:
  PORT            the local service's port (default 3000), as npm start uses it
  GRAPH_TOKEN     bearer token of the user on a tenant (with GRAPH_BASE_URL=https://graph.microsoft.com/v1.0)
  GRAPH_BASE_URL  Graph root with version (default: the local site's origin + /v1.0)
  GRAPH_CA_FILE   PEM to trust (default for localhost: ./data/certs/localhost-cert.pem)`;

export const EXPORT_TEMPLATE_USAGE = `usage: followup export-template --org <府省等> --division <code> --year <year> --out <file.xlsx> (--user <id> | GRAPH_TOKEN)
  Writes a division's rows of a fiscal year as the follow-up workbook the Excel add-in uses: one sheet and table
  per report in its printed layout (Japanese headers, 実施状況 list, grey cells not filled in), hidden key columns
  and the base of the sync kept inside. Fill it in Excel, LibreOffice or anywhere, offline too; then sync it with
  the add-in or with followup sync-xlsx.
  --org <府省等>    name or code: 総務省 or soumu
  --division <code> the division's code in the FollowUpDivisions list (e.g. div-somu)
  --year <year>     2023 or 令和5年度
  --out <file>      the .xlsx to write (an existing file is kept unless --force: it may hold edits not yet synced)
  --site <url>      the site (default: the local demo site, https://localhost:$PORT/sites/followup)
${WHO}
  e.g. followup export-template --org 総務省 --division div-somu --year 令和5年度 --out somu.xlsx --user suzuki
${GRAPH_ENV}
exit: 0 written, 1 failed (the message says why; nothing is written), 2 usage error
`;

export const SYNC_XLSX_USAGE = `usage: followup sync-xlsx <file.xlsx> (--user <id> | GRAPH_TOKEN) [--take mine|theirs] [--apply-structure] [--out <file>] [--json]
  Syncs a follow-up workbook (made by export-template or the Excel add-in, edited anywhere) with the list, both
  ways, with the add-in's rules: a three-way merge per field against the base kept in the file; the sheet's
  changes go to the list (batched, If-Match), the list's come into the cells; a field changed on both sides is a
  conflict, printed (cell, column, mine, theirs, base) and not written. Rows deleted in the sheet are restored,
  rows added there are listed as proposals for the secretariat, bad cells (a formula, #N/A, a date, an edited or
  pasted-twice key) are named and not written. The file is updated in place (or --out) when the sync completes.
  --take mine|theirs  decide every conflict of this run: mine sends the sheet's values, theirs takes the list's
  --apply-structure   the secretariat only, its confirmation: rows added in the sheet are created in the list (an
                      initiative of the table's report, after its last row) and rows deleted there are deleted from
                      it (refused for a closed cycle; a row changed in the list since the last sync is kept)
  --out <file>        write the synced workbook there instead of over <file.xlsx>
  --json              print the sync report as JSON on stdout
  --site <url>        the site, when it is not the one in the file (e.g. the local service on another PORT)
${WHO}
  e.g. followup sync-xlsx somu.xlsx --user suzuki
${GRAPH_ENV}
exit: 0 synced, 3 synced but conflicts or problems remain (listed), 1 nothing synced (the file is not a follow-up
      workbook, its columns were changed, or the service failed; the file is not changed), 2 usage error
`;
