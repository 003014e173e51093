/** Placeholder until the layout work package lands (#2). */
import type { LayoutImporter } from '../types.js';

export const R2_TSV_IMPORTER: LayoutImporter = {
  id: 'r2-tsv',
  layouts: ['L-R2'],
  detect: () => 0,
  parse: () => {
    throw new Error('not implemented (#2 r2-tsv)');
  },
};
