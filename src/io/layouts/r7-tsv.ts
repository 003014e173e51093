/** Placeholder until the layout work package lands (#2). */
import type { LayoutImporter } from '../types.js';

export const R7_TSV_IMPORTER: LayoutImporter = {
  id: 'r7-tsv',
  layouts: ['L-R7'],
  detect: () => 0,
  parse: () => {
    throw new Error('not implemented (#2 r7-tsv)');
  },
};
