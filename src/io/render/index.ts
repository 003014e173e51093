import type { Layout, Report } from '../../core/model/schema.js';
import type { LayoutRenderer, RenderFormat } from '../types.js';
import { R2_TSV_RENDERER } from '../../core/layouts/render/r2.js';
import { R5_TSV_RENDERER } from '../../core/layouts/render/r5.js';
import { R6_COMPILATION_RENDERER } from './r6-compilation.js';
import { R7_TSV_RENDERER } from '../../core/layouts/render/r7.js';

export const RENDERERS: readonly LayoutRenderer[] = [R5_TSV_RENDERER, R2_TSV_RENDERER, R7_TSV_RENDERER, R6_COMPILATION_RENDERER];

/** Finds the renderer for a layout. */
export function rendererFor(layout: Layout): LayoutRenderer {
  const r = RENDERERS.find((x) => x.layouts.includes(layout));
  if (!r) throw new Error(`No renderer for layout ${layout}`);
  return r;
}

/** Renders the reports of one document that are in `layout`'s family (e.g. L-R5-FOCUS renders with L-R5-OVERVIEW). */
export function renderReports(reports: Report[], layout: Layout, format: RenderFormat): string {
  const renderer = rendererFor(layout);
  const mine = reports.filter((r) => renderer.layouts.includes(r.layout));
  return renderer.render(mine, format);
}
