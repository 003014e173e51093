// The TSV-layout engine moved to core (#12) so the browser's report builder uses it too; importers keep this path.
export * from '../../core/layouts/render/engine.js';
