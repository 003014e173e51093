/**
 * `followup` command line (#2 import/render, #4 provision, #3 dev-token; `--help` everywhere, #7).
 * stdout carries data (JSON, rendered documents, tokens, help asked for); stderr carries the summary and errors.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { parseFiscalYear } from '../core/era/index.js';
import { LAYOUTS, type ImportResult, type Layout } from '../core/model/schema.js';
import { decodeSource, importDecoded, mergeResults } from '../io/import.js';
import { writeJson } from '../io/json-stream.js';
import { writeStdoutSync } from './stdout-sync.js';
import { readDocumentFile } from '../io/read-file.js';
import type { ImportOptions } from '../io/types.js';
import { renderReports } from '../io/render/index.js';
import { UsageError, type Command, type CommandSpec } from './command.js';
import { summarize } from './summary.js';
import { AUDIT_USAGE, CYCLE_USAGE, REMIND_USAGE, DEV_TOKEN_USAGE, DOCTOR_USAGE, EXPORT_TEMPLATE_USAGE, IMPORT_USAGE, PROVISION_USAGE, RENDER_USAGE, REPORT_USAGE, REVIEW_USAGE, SYNC_XLSX_USAGE } from './usage.js';

function readOne(path: string, options: ImportOptions): ImportResult {
  // Devices, FIFOs, sockets and files over the size limit are refused before anything is read (#8 item 5).
  let read: ReturnType<typeof readDocumentFile> | null = readDocumentFile(path);
  if ('issue' in read) return { reports: [], plans: [], issues: [read.issue] };
  const decoded = decodeSource(basename(path), read.bytes);
  // The bytes are not needed once decoded: let them go before the import builds its model (#8 item 5, peak memory).
  read = null;
  return importDecoded(decoded, options);
}

function readImport(files: string[], org: string | undefined, year?: number): ImportResult {
  const options: ImportOptions = { ...(org ? { org } : {}), ...(year !== undefined ? { year } : {}) };
  return mergeResults(files.map((f) => readOne(f, options)));
}

const importCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { org: { type: 'string' }, year: { type: 'string' }, json: { type: 'boolean' }, store: { type: 'boolean' }, site: { type: 'string' } } });
  if (values.site !== undefined && !values.store) {
    process.stderr.write(`error: --site names where --store writes: add --store (or leave --site out to only check the files).\n${IMPORT_USAGE}`);
    return 2;
  }
  if (positionals.length === 0) {
    process.stderr.write(`error: give the document files to import.\n${IMPORT_USAGE}`);
    return 2;
  }
  const year = values.year === undefined ? undefined : parseFiscalYear(values.year);
  if (year === null) {
    process.stderr.write(`error: --year ${values.year ?? ''} は年度として読めません（例: 2023, 令和5年度, R5）。 / --year ${values.year ?? ''} is not a fiscal year (e.g. 2023, 令和5年度, R5).\n${IMPORT_USAGE}`);
    return 2;
  }
  const result = readImport(positionals, values.org, year);
  // Streamed: the JSON of a large document is several times its size and never needs to exist as one string.
  if (values.json) {
    writeJson(result, writeStdoutSync);
    writeStdoutSync('\n');
  }
  process.stderr.write(summarize(result));
  const hasErrors = [...result.issues, ...result.reports.flatMap((r) => r.issues), ...result.plans.flatMap((p) => p.issues)].some((i) => i.severity === 'error');
  const nothing = result.reports.length === 0 && result.plans.length === 0;
  if (values.store && !nothing && !hasErrors) return (await import('./commands/import-store.js')).storeImport(result, values.site);
  if (values.store) process.stderr.write(`not stored: ${nothing ? 'nothing to store' : 'the errors above must be fixed first'}; nothing was written to the lists.\n`);
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
    process.stderr.write(`error: ${problem ?? 'invalid arguments'}\n${RENDER_USAGE}`);
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

/** Every command. `followup <name> --help` prints its usage; test/cli/help.test.ts checks each one. */
const COMMANDS: Record<string, CommandSpec> = {
  import: { run: importCommand, summary: 'import and check follow-up documents (JSON on stdout with --json)', usage: IMPORT_USAGE },
  render: { run: renderCommand, summary: 'write a document back in an official layout (TSV or HTML)', usage: RENDER_USAGE },
  // Loaded when run: they bring the Graph client, SQLite and undici, which import, render and --help do not need.
  provision: {
    run: async (argv) => (await import('./commands/provision.js')).provisionCommand(argv),
    summary: 'create or upgrade the follow-up lists on a site (default: the local demo site)',
    usage: PROVISION_USAGE,
  },
  'dev-token': {
    run: async (argv) => (await import('./commands/dev-token.js')).devTokenCommand(argv),
    summary: 'print a bearer token for a demo user of the local service',
    usage: DEV_TOKEN_USAGE,
  },
  report: {
    run: async (argv) => (await import('./commands/report.js')).reportCommand(argv),
    summary: 'write an official layout from the lists (stored rows, latest edits)',
    usage: REPORT_USAGE,
  },
  review: {
    run: async (argv) => (await import('./commands/review.js')).reviewCommand(argv),
    summary: 'the review cycle: status of every division, submit, accept, return, approve',
    usage: REVIEW_USAGE,
  },
  cycle: {
    run: async (argv) => (await import('./commands/cycle.js')).cycleCommand(argv),
    summary: "the secretariat's cycle: open a year from the last, set the deadline, close",
    usage: CYCLE_USAGE,
  },
  remind: {
    run: async (argv) => (await import('./commands/remind.js')).remindCommand(argv),
    summary: 'remind divisions before the deadline or on return (Teams channel message where granted, recorded)',
    usage: REMIND_USAGE,
  },
  doctor: {
    run: async (argv) => (await import('./commands/doctor.js')).doctorCommand(argv),
    summary: 'check a site, its lists, permissions and the token against what the product needs (ok/warn/fail/unknown)',
    usage: DOCTOR_USAGE,
  },
  audit: {
    run: async (argv) => (await import('./commands/audit.js')).auditCommand(argv),
    summary: "list rows whose key, report, division or printed source changed behind the secretariat's back",
    usage: AUDIT_USAGE,
  },
  'export-template': {
    run: async (argv) => (await import('./commands/workbook.js')).exportTemplateCommand(argv),
    summary: "write a division's rows as the Excel template the add-in syncs (offline filling)",
    usage: EXPORT_TEMPLATE_USAGE,
  },
  'sync-xlsx': {
    run: async (argv) => (await import('./commands/workbook.js')).syncXlsxCommand(argv),
    summary: 'sync a filled-in template with the list, both ways (conflicts printed, never written)',
    usage: SYNC_XLSX_USAGE,
  },
};

const HELP_FLAGS = new Set(['--help', '-h']);

/** The command called `name`; own keys only (`followup constructor` is not Object's). */
const commandNamed = (name: string | undefined): CommandSpec | undefined => (name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

/** `followup --help`: every command with its summary, and where to read more. */
function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'usage: followup <command> [options]     (npx followup …, or npm run followup -- …)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'followup <command> --help shows a command\'s options, environment and exit codes.',
    'stdout carries data only (JSON, documents, tokens, the help asked for); messages go to stderr.',
    '',
  ].join('\n');
}

/** True when `argv` asks for help: --help or -h before any `--` (after it, arguments are file names). */
const asksHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => HELP_FLAGS.has(a));
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== undefined && (HELP_FLAGS.has(name) || name === 'help')) {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = commandNamed(topic);
    if (topic !== undefined && !command) {
      process.stderr.write(`error: unknown command '${topic}'\n${overview()}`);
      return 2;
    }
    process.stdout.write(command ? command.usage : overview());
    return 0;
  }
  const command = commandNamed(name);
  if (!command) {
    process.stderr.write(`${name ? `error: unknown command '${name}'\n` : ''}${overview()}`);
    return 2;
  }
  if (asksHelp(rest)) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // node:util parseArgs throws TypeError with code ERR_PARSE_ARGS_* on unknown or malformed options: a usage error.
    const parseArgsError = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    if (parseArgsError || error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
