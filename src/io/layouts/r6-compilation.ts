/** Placeholder until the layout work package lands (#2). */
import type { LayoutImporter } from '../types.js';

export const R6_COMPILATION_IMPORTER: LayoutImporter = {
  id: 'r6-compilation',
  layouts: ['L-R6-COMPILATION'],
  detect: () => 0,
  parse: () => {
    throw new Error('not implemented (#2 r6-compilation)');
  },
};
