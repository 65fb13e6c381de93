// The bundles' sizes against their committed budget (web/budget.json): fails the build
// when a bundle grows past it, so pages on phones stay fast (issue: pages that open fast
// on a phone inside WeChat; docs/benchmarks.md). Counted per shell: every file the shell
// loads before the page can start (its CSS, the glue script, the wasm), as sent to a
// browser that accepts brotli (the precompressed `.br` twins), plus the shell itself.
//
//   node scripts/bundle-budget.mjs web/dist
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(process.argv[2] ?? join(root, 'web/dist'));
const budget = JSON.parse(readFileSync(join(root, 'web/budget.json'), 'utf8'));

/** The assets a shell loads, as paths under dist. */
export function assetsOf(html) {
  const refs = new Set();
  for (const m of html.matchAll(/(?:href|src|data-banji-js|data-banji-wasm)="([^"]+)"/g)) {
    const ref = m[1];
    if (ref.startsWith('/') && !ref.startsWith('//')) refs.add(ref);
  }
  return [...refs];
}

let failed = false;
const rows = [];
for (const [bundle, limits] of Object.entries(budget.bundles)) {
  const shell = join(dist, limits.shell);
  if (!existsSync(shell)) {
    console.error(`bundle-budget: ${limits.shell} is not built`);
    process.exit(1);
  }
  const html = readFileSync(shell);
  let sent = brotliCompressSync(html).length;
  let wasm = 0;
  for (const ref of assetsOf(html.toString('utf8'))) {
    const file = join(dist, ref);
    if (!existsSync(file)) continue;
    sent += existsSync(`${file}.br`) ? statSync(`${file}.br`).size : statSync(file).size;
    if (ref.endsWith('.wasm')) wasm += statSync(file).size;
  }
  const kb = (n) => Math.round(n / 1024);
  const ok = sent <= limits.sent_kb * 1024 && wasm <= limits.wasm_kb * 1024;
  failed ||= !ok;
  rows.push(`| ${bundle} | ${kb(wasm)} KB (limit ${limits.wasm_kb}) | ${kb(sent)} KB (limit ${limits.sent_kb}) | ${ok ? 'ok' : '**over**'} |`);
}
console.log('| bundle | wasm | first load, brotli | |\n|---|---|---|---|');
console.log(rows.join('\n'));
if (failed) {
  console.error('bundle-budget: a bundle is over its budget (web/budget.json); find what grew before raising it');
  process.exit(1);
}
