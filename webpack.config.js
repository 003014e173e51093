// Bundles the browser pages (#10): the Teams tab and browser app (tab.html), its configuration page (config.html);
// later the Excel task pane. Transpile only (esbuild-loader); type checking is `npm run test:types`.
// Output: dist/*.html (no inline script: a CSP without 'unsafe-inline' for scripts holds) and content-hashed,
// code-split assets under dist/assets/. dist/build-info.json records the inputs (for `npm start`'s staleness check)
// and each page's initial JavaScript with its gzip size (`npm run bench -- bundle`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

import { EsbuildPlugin } from 'esbuild-loader';
import HtmlWebpackPlugin from 'html-webpack-plugin';

const here = import.meta.dirname;
const PAGES = {
  tab: { entry: './src/entries/tab.tsx', title: '取組計画等のフォローアップ' },
  config: { entry: './src/entries/config.tsx', title: 'タブの設定 — 取組計画等のフォローアップ' },
  // The Excel add-in's task pane (#11); manifest/manifest.xml points at it.
  taskpane: { entry: './src/entries/taskpane.tsx', title: 'Excel と同期 — 取組計画等のフォローアップ' },
  // Sign-in (#13): the page the task pane opens in an Office dialog, and MSAL's redirect bridge for popups.
  'auth-dialog': { entry: './src/entries/auth/dialog.ts', title: 'サインイン — 取組計画等のフォローアップ', html: 'auth/dialog.html' },
  'auth-redirect': { entry: './src/entries/auth/redirect.ts', title: 'サインイン — 取組計画等のフォローアップ', html: 'auth/redirect.html' },
};
/** The add-in's icons (manifest/icons/*.png, sizes as manifest.xml declares them), served at /icons/. */
const ADDIN_ICONS = ['icon-16.png', 'icon-32.png', 'icon-64.png', 'icon-80.png'];
/** Budget for the tab's initial JavaScript, gzipped (#10: at most 300 KB; the aim is 200). */
export const INITIAL_JS_BUDGET_GZIP = 300 * 1024;
/** Files outside the bundle's module graph that change what it contains. */
const EXTRA_INPUTS = ['webpack.config.js', 'package-lock.json', 'src/entries/browser/page.html', 'appPackage/color.png', ...ADDIN_ICONS.map((f) => `manifest/icons/${f}`)];

const sha1 = (buf) => createHash('sha1').update(buf).digest('hex');

/** Writes dist/build-info.json; fails the build when the tab's initial JavaScript is over budget. */
class BuildInfoPlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('BuildInfoPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'BuildInfoPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT }, () => {
        const inputs = {};
        // The project's package.json is read for module resolution only (its scripts change often): not an input.
        const files = [...compilation.fileDependencies].filter((f) => f.startsWith(here + sep) && !f.includes(`${sep}node_modules${sep}`) && f !== resolve(here, 'package.json'));
        for (const f of [...files, ...EXTRA_INPUTS.map((p) => resolve(here, p))].sort()) {
          try {
            inputs[relative(here, f).split(sep).join('/')] = sha1(readFileSync(f));
          } catch {
            // A dependency webpack probed that does not exist (a resolver candidate): not an input.
          }
        }
        const pages = {};
        for (const [name, entrypoint] of compilation.entrypoints) {
          const js = entrypoint.getFiles().filter((f) => f.endsWith('.js'));
          const sizes = js.map((f) => {
            const source = compilation.getAsset(f).source.buffer();
            return { file: f, bytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length };
          });
          pages[name] = { initialJs: sizes, bytes: sizes.reduce((n, s) => n + s.bytes, 0), gzipBytes: sizes.reduce((n, s) => n + s.gzipBytes, 0) };
        }
        const lazy = [...compilation.chunks].filter((c) => !c.canBeInitial()).flatMap((c) => [...c.files].filter((f) => f.endsWith('.js')));
        const info = { builtAt: new Date().toISOString(), mode: compiler.options.mode, inputs, pages, lazyJs: lazy.sort() };
        // The Teams color icon doubles as the pages' icon.
        compilation.emitAsset('favicon.png', new compiler.webpack.sources.RawSource(readFileSync(resolve(here, 'appPackage/color.png'))));
        for (const icon of ADDIN_ICONS) compilation.emitAsset(`icons/${icon}`, new compiler.webpack.sources.RawSource(readFileSync(resolve(here, 'manifest/icons', icon))));
        compilation.emitAsset('build-info.json', new compiler.webpack.sources.RawSource(`${JSON.stringify(info, null, 2)}\n`));
        if (pages.tab && pages.tab.gzipBytes > INITIAL_JS_BUDGET_GZIP) {
          compilation.errors.push(new compiler.webpack.WebpackError(`tab.html's initial JavaScript is ${(pages.tab.gzipBytes / 1024).toFixed(1)} KB gzipped, over the ${INITIAL_JS_BUDGET_GZIP / 1024} KB budget (#10): code-split it.`));
        }
      });
    });
  }
}

export default (_env, argv) => {
  const production = (argv?.mode ?? 'production') === 'production';
  return {
    mode: production ? 'production' : 'development',
    target: ['web', 'es2022'],
    entry: Object.fromEntries(Object.entries(PAGES).map(([name, p]) => [name, p.entry])),
    output: {
      path: resolve(here, 'dist'),
      filename: 'assets/[name].[contenthash:12].js',
      chunkFilename: 'assets/[name].[contenthash:12].js',
      // Chunks load relative to the script that asks for them, wherever dist/ is hosted.
      publicPath: 'auto',
      clean: true,
    },
    resolve: { extensions: ['.tsx', '.ts', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
    module: {
      rules: [
        { test: /\.tsx?$/, loader: 'esbuild-loader', options: { target: 'es2022', jsx: 'automatic' } },
        // Some packages import without extensions from ES modules.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
      ],
    },
    optimization: {
      minimizer: [new EsbuildPlugin({ target: 'es2022', legalComments: 'none' })],
      runtimeChunk: 'single',
      splitChunks: { chunks: 'all' },
    },
    plugins: [
      ...Object.entries(PAGES).map(
        ([name, p]) =>
          new HtmlWebpackPlugin({
            filename: p.html ?? `${name}.html`,
            chunks: [name],
            title: p.title,
            template: resolve(here, 'src/entries/browser/page.html'),
            // Pages in a folder (auth/) reach the icon one level up.
            iconHref: `${'../'.repeat((p.html ?? name).split('/').length - 1)}favicon.png`,
            scriptLoading: 'defer',
            inject: 'head',
          }),
      ),
      new BuildInfoPlugin(),
    ],
    devtool: production ? 'source-map' : 'eval-cheap-module-source-map',
    performance: { hints: false },
    stats: 'errors-warnings',
  };
};
