/** Placeholder until the layout work package lands (#2). */
import type { LayoutRenderer } from '../types.js';

export const R6_COMPILATION_RENDERER: LayoutRenderer = {
  layouts: ['L-R6-COMPILATION'],
  render: () => {
    throw new Error('not implemented (#2 render r6-compilation)');
  },
};
