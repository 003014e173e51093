// Bundles the browser entries (Teams tab, Excel task pane, standalone page) from src/entries.
// Transpile only (esbuild-loader); type checking is `npm run test:types`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const here = import.meta.dirname;
const candidates = { standalone: './src/entries/standalone.tsx', tab: './src/entries/tab.tsx', taskpane: './src/entries/taskpane.tsx' };
const entry = Object.fromEntries(Object.entries(candidates).filter(([, p]) => existsSync(resolve(here, p))));

export default {
  entry,
  output: { path: resolve(here, 'dist/web'), filename: '[name].js', clean: true },
  resolve: { extensions: ['.tsx', '.ts', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
  module: { rules: [{ test: /\.tsx?$/, loader: 'esbuild-loader', options: { target: 'es2022' } }] },
  devtool: 'source-map',
};
