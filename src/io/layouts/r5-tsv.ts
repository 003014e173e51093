/** Placeholder until the layout work package lands (#2). */
import type { LayoutImporter } from '../types.js';

export const R5_TSV_IMPORTER: LayoutImporter = {
  id: 'r5-tsv',
  layouts: ['L-R5-FOCUS', 'L-R5-OVERVIEW'],
  detect: () => 0,
  parse: () => {
    throw new Error('not implemented (#2 r5-tsv)');
  },
};
