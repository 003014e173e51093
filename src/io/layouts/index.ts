import type { LayoutImporter } from '../types.js';
import { PLAN_IMPORTER } from './plan.js';
import { R2_TSV_IMPORTER } from './r2-tsv.js';
import { R5_TSV_IMPORTER } from './r5-tsv.js';
import { R6_COMPILATION_IMPORTER } from './r6-compilation.js';
import { R7_TSV_IMPORTER } from './r7-tsv.js';

/** Every importer; the dispatcher picks the one whose `detect` is most confident. */
export const IMPORTERS: readonly LayoutImporter[] = [
  R5_TSV_IMPORTER,
  R2_TSV_IMPORTER,
  R7_TSV_IMPORTER,
  R6_COMPILATION_IMPORTER,
  PLAN_IMPORTER,
];
