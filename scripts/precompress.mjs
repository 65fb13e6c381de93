// Compresses the built bundles once, at the highest levels (brotli quality 11, gzip 9),
// next to each hashed asset: `web-<hash>_bg.wasm.br`, `….gz`. `banji serve` sends these
// as they are to a browser that accepts them (api/src/http/spa.rs) instead of
// compressing on the fly at a fast level. Node's zlib has both codings: no extra tool.
//
//   node scripts/precompress.mjs web/dist
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const HASHED = /-[0-9a-f]{12,16}(_bg)?\.(wasm|js|css)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (HASHED.test(entry.name)) yield path;
  }
}

const dist = process.argv[2] ?? 'web/dist';
for (const path of files(dist)) {
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
  if (statSync(path).size > 50_000) {
    console.log(`precompress: ${path} ${raw.length} B → br ${br.length} B`);
  }
}
