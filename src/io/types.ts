/** Contracts between the import/export dispatcher and the per-layout modules (#2). */
import type { ImportResult, Layout } from '../core/model/schema.js';

/** A decoded source document. `lines[i]` is line i+1 of the file, without its line terminator. */
export interface SourceDoc {
  /** Basename used in every SourceRef and issue. */
  file: string;
  text: string;
  lines: string[];
}

export interface ImportOptions {
  /** 府省等 name to use when the document does not print it (003, 004). */
  org?: string;
  /** Western fiscal year to use when the document's title prints none (a title line missing or cut). */
  year?: number;
}

export interface LayoutImporter {
  /** Short id for messages, e.g. 'r5-tsv'. */
  id: string;
  /** Layouts this importer produces. */
  layouts: readonly Layout[];
  /** Confidence 0..1 that the document is of this importer's kind (looks at titles and header rows only). */
  detect(doc: SourceDoc): number;
  /** Parses the document. Never throws on bad content: problems become issues. */
  parse(doc: SourceDoc, options: ImportOptions): ImportResult;
}

export type { LayoutRenderer, RenderFormat } from '../core/layouts/render/types.js';

/** Round-trip measure for one document: how many non-empty source cells the rendering reproduces exactly. */
export interface RoundTripResult {
  file: string;
  sourceCells: number;
  reproduced: number;
  /** Up to 20 cells that were not reproduced, for diagnosis. */
  misses: { line: number; col: number; expected: string; got: string | null }[];
}
