/** Placeholder until the layout work package lands (#2). */
import type { LayoutImporter } from '../types.js';

export const PLAN_IMPORTER: LayoutImporter = {
  id: 'plan',
  layouts: [],
  detect: () => 0,
  parse: () => {
    throw new Error('not implemented (#2 plan)');
  },
};
