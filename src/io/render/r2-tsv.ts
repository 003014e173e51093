/** Placeholder until the layout work package lands (#2). */
import type { LayoutRenderer } from '../types.js';

export const R2_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R2'],
  render: () => {
    throw new Error('not implemented (#2 render r2-tsv)');
  },
};
