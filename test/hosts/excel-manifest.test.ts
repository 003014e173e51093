// The add-in's manifest checked offline (#11): `office-addin-manifest validate` posts XML manifests to a Microsoft
// service, so here it is read with that package's own reader, its URLs and icons are checked, and its requirement set
// is compared with what the code calls — every Excel API member src/hosts/excel touches, with its set read from the
// @types/office-js annotations. (That every URL is served by npm start is in test/e2e/taskpane.e2e.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OfficeAddinManifest } from 'office-addin-manifest';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { EXCEL_API_MIN } from '../../src/hosts/excel/requirement-sets.js';
import { DEFAULT_ORIGIN, MANIFEST, manifestFor, manifestUrls } from '../../scripts/addin-manifest.js';
import { pngSize } from '../../scripts/package-teams-app.js';

const ROOT = join(import.meta.dirname, '..', '..');
const xml = readFileSync(MANIFEST, 'utf8');

/**
 * Each annotation that names several sets, with the one this code needs and why (a multi-row `rows.add` is 1.4;
 * setting a sheet's visibility is 1.2). A new member with such an annotation fails the test until it is decided here.
 */
const PARTIAL_SETS: Readonly<Record<string, string>> = {
  'TableRowCollection.add': '1.4',
  'Worksheet.visibility': '1.2',
};

const cmp = (a: string, b: string): number => {
  const [a1, a2] = a.split('.').map(Number) as [number, number];
  const [b1, b2] = b.split('.').map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
};

/** Every office-js member the Excel host's files use, with its ExcelApi set. */
function excelApiUses(): Map<string, string> {
  const files = ['src/hosts/excel/excel-workbook.ts', 'src/hosts/excel/excel-host.ts'].map((f) => join(ROOT, f));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const uses = new Map<string, string>();
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node)) {
        const decl = checker.getSymbolAtLocation(node.name)?.declarations?.[0];
        if (decl && decl.getSourceFile().fileName.includes(`${'@types'}/office-js`)) {
          const annotation = /\[Api set: ExcelApi ([^\]]*)\]/.exec(decl.getFullText().slice(0, decl.getLeadingTriviaWidth()))?.[1];
          const owner = (decl.parent as ts.ClassDeclaration | ts.InterfaceDeclaration).name?.text ?? '?';
          const member = `${owner}.${node.name.text}`;
          if (annotation) uses.set(member, /^[\d.]+$/.test(annotation) ? annotation : (PARTIAL_SETS[member] ?? `undecided: ${annotation}`));
        }
      }
      ts.forEachChild(node, visit);
    };
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`${file} is not in the program`);
    visit(sf);
  }
  return uses;
}

describe('manifest/manifest.xml', () => {
  it('parses with office-addin-manifest’s reader as an Excel task pane add-in', async () => {
    const info = await OfficeAddinManifest.readManifestFile(MANIFEST);
    expect(info).toMatchObject({
      id: '6f1c2a4e-9b7d-4c1e-8a3f-2d5e7b9c0a14',
      officeAppType: 'TaskPaneApp',
      hosts: ['Workbook'],
      defaultLocale: 'ja-JP',
      displayName: 'フォローアップ同期',
      permissions: 'ReadWriteDocument',
      defaultSettings: { sourceLocation: 'https://localhost:3000/taskpane.html' },
    });
  });

  it('names only https URLs of one origin, and every icon exists at its declared size', () => {
    const { urls, images } = manifestUrls(xml);
    const external = urls.filter((u) => !u.startsWith(DEFAULT_ORIGIN) && !u.startsWith('http://schemas.microsoft.com/') && !u.startsWith('http://www.w3.org/'));
    expect(external).toEqual([]);
    expect(urls.filter((u) => u.startsWith(DEFAULT_ORIGIN)).sort()).toEqual(
      ['https://localhost:3000/icons/icon-16.png', 'https://localhost:3000/icons/icon-32.png', 'https://localhost:3000/icons/icon-64.png', 'https://localhost:3000/icons/icon-80.png', 'https://localhost:3000/taskpane.html'].sort(),
    );
    for (const { url, size } of images) {
      const file = join(ROOT, 'manifest', 'icons', url.split('/').pop() ?? '');
      expect({ url, ...pngSize(readFileSync(file)) }).toMatchObject({ url, width: size, height: size });
    }
  });

  it('declares the ExcelApi set the code needs: the highest of every member src/hosts/excel uses', { timeout: 60_000 }, () => {
    const uses = excelApiUses();
    expect([...uses.values()].filter((v) => v.startsWith('undecided'))).toEqual([]);
    const highest = [...uses.values()].sort(cmp).at(-1);
    expect(highest).toBe(EXCEL_API_MIN);
    expect([...uses].filter(([, v]) => v === highest).map(([k]) => k).sort()).toEqual(['DataValidation.clear', 'DataValidation.errorAlert', 'DataValidation.rule', 'Range.dataValidation']);
    // The events, freezing panes and getRangeByIndexes need 1.7; settings and null objects 1.4.
    expect(uses.get('TableCollection.onChanged')).toBe('1.7');
    expect(uses.get('SettingCollection.add')).toBe('1.4');
    expect(/<Set Name="ExcelApi" MinVersion="([\d.]+)"\/>/.exec(xml)?.[1]).toBe(EXCEL_API_MIN);
  });

  it('moves every URL to another origin for sideloading against another port or a web server', () => {
    const moved = manifestFor('https://localhost:3160');
    expect(moved).not.toContain('localhost:3000');
    expect(manifestUrls(moved).urls.filter((u) => u.includes('localhost')).every((u) => u.startsWith('https://localhost:3160/'))).toBe(true);
    expect(() => manifestFor('http://example.go.jp')).toThrow(/https/);
  });
});
