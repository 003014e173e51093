/**
 * Limits on what a request may carry (#8). Far above anything the product or a Graph client sends, low enough that
 * no input reaches a stack overflow, SQLite's expression-depth limit or unbounded memory. Documented in
 * docs/local-graph.md (Limits).
 */

/** Largest request body; a list item is at most a few hundred kB (63,999-character notes). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** After answering 413 or 401, at most this much more of a body is read and discarded before the connection closes. */
export const MAX_DISCARD_BYTES = 64 * 1024 * 1024;
/** Deepest nesting of arrays and objects in a JSON body (a `$batch` of item writes is 5 levels deep). */
export const MAX_JSON_DEPTH = 64;
/** Longest value of one query option (`$filter`, `$orderby`, `$select`, `$expand`, tokens). */
export const MAX_QUERY_OPTION_LENGTH = 4096;
// `$filter` and `$orderby` have their own limits (length, nesting, comparisons, keys): FILTER_LIMITS in odata/filter.ts.
