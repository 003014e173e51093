// The Chromium resolver moved to src/cli/chromium.ts (#12): `followup report --out x.pdf` prints with the same browser
// the tests use. Tests and scripts keep importing it from here.
export * from '../../src/cli/chromium.js';
