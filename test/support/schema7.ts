import { COLUMN_FORMATTERS, LIST_VIEWS } from '../../src/core/lists/views.js';

/** The lines provisioning prints when it creates the views and column formatting of schema 7 (#12). */
export const SCHEMA_7_STEPS: readonly string[] = [...LIST_VIEWS.map((v) => `create view ${v.list}/${v.title}`), ...COLUMN_FORMATTERS.map((f) => `format column ${f.list}.${f.field}`)];
