/**
 * `followup` command line (#2 import/render; later issues add commands).
 * stdout carries data (JSON, rendered documents); stderr carries the human summary and errors.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { LAYOUTS, type ImportResult, type Layout } from '../core/model/schema.js';
import { importBytes, mergeResults } from '../io/import.js';
import { renderReports } from '../io/render/index.js';
import type { Command } from './command.js';
import { devTokenCommand } from './commands/dev-token.js';
import { provisionCommand } from './commands/provision.js';
import { summarize } from './summary.js';

const USAGE = `usage:
  followup import <file>… [--org 総務省] [--json]
  followup render <file> --layout <${LAYOUTS.join('|')}> [--format tsv|html] [--org 名称]
  followup dev-token [user]
  followup provision --site <site URL or host:/path>
`;

/** A file-level error issue for a path that cannot be read as a document (the importer never sees it). */
function readIssue(path: string, code: string, message: string, messageEn: string): ImportResult {
  return { reports: [], plans: [], issues: [{ severity: 'error', code, file: basename(path) || path, line: 0, field: 'file', value: path, message, messageEn }] };
}

function readOne(path: string, org: string | undefined): ImportResult {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) {
      return readIssue(path, 'NOT_A_FILE', `${path}: ディレクトリです。取り込む文書ファイルを指定してください。`, `${path}: is a directory; give the document files to import.`);
    }
    bytes = readFileSync(path);
  } catch (error) {
    // Reported as an issue for this path so the other files of the batch are still imported.
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') {
      return readIssue(path, 'FILE_NOT_FOUND', `${path}: ファイルが見つかりません。`, `${path}: no such file.`);
    }
    const why = error instanceof Error ? error.message : String(error);
    return readIssue(path, 'READ_FAILED', `${path}: ファイルを読めません（${why}）。`, `${path}: cannot read the file (${why}).`);
  }
  return importBytes(basename(path), bytes, org ? { org } : {});
}

function readImport(files: string[], org: string | undefined): ImportResult {
  return mergeResults(files.map((f) => readOne(f, org)));
}

const importCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { org: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = readImport(positionals, values.org);
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(summarize(result));
  const hasErrors = [...result.issues, ...result.reports.flatMap((r) => r.issues), ...result.plans.flatMap((p) => p.issues)].some((i) => i.severity === 'error');
  const nothing = result.reports.length === 0 && result.plans.length === 0;
  return nothing ? 1 : hasErrors ? 3 : 0;
};

/** What is wrong with the render arguments (Japanese, then English), or null. */
function renderArgsProblem(positionals: readonly string[], layout: string | undefined, format: string | undefined): string | null {
  const layouts = LAYOUTS.join(', ');
  if (positionals.length === 0) return '描画する文書ファイルを指定してください。 / give the document file to render.';
  if (positionals.length > 1) return `文書ファイルは1つだけ指定できます（${positionals.length}個）。 / give exactly one file (got ${positionals.length}).`;
  if (layout === undefined) return `--layout を指定してください（${layouts}）。 / --layout is required (${layouts}).`;
  if (!(LAYOUTS as readonly string[]).includes(layout)) return `--layout ${layout} は不明です（${layouts}）。 / unknown --layout ${layout} (${layouts}).`;
  if (format !== 'tsv' && format !== 'html') return `--format ${format ?? ''} には対応していません（tsv, html）。 / unsupported --format ${format ?? ''} (tsv, html).`;
  return null;
}

const renderCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { layout: { type: 'string' }, format: { type: 'string', default: 'tsv' }, org: { type: 'string' } },
  });
  const layout = values.layout as Layout | undefined;
  const format = values.format;
  const problem = renderArgsProblem(positionals, layout, format);
  if (problem !== null || !layout || (format !== 'tsv' && format !== 'html')) {
    process.stderr.write(`error: ${problem ?? 'invalid arguments'}\n${USAGE}`);
    return 2;
  }
  const result = readImport(positionals, values.org);
  const reports = result.reports.filter((r) => r.layout === layout);
  if (reports.length === 0) {
    process.stderr.write(summarize(result));
    process.stderr.write(`error: ${positionals[0]} has no report in layout ${layout}\n`);
    return 1;
  }
  process.stdout.write(renderReports(result.reports, layout, format));
  return 0;
};

const COMMANDS: Record<string, Command> = {
  import: importCommand,
  render: renderCommand,
  'dev-token': devTokenCommand,
  provision: provisionCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    // node:util parseArgs throws TypeError with code ERR_PARSE_ARGS_* on unknown or malformed options: a usage error.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
