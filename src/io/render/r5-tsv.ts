/** Placeholder until the layout work package lands (#2). */
import type { LayoutRenderer } from '../types.js';

export const R5_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R5-FOCUS', 'L-R5-OVERVIEW'],
  render: () => {
    throw new Error('not implemented (#2 render r5-tsv)');
  },
};
