/** Placeholder until the layout work package lands (#2). */
import type { LayoutRenderer } from '../types.js';

export const R7_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R7'],
  render: () => {
    throw new Error('not implemented (#2 render r7-tsv)');
  },
};
