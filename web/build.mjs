// Builds the dashboard's assets into the folder given as the only argument: index.html, and
// assets/app.js (our modules and uPlot, bundled and minified) and assets/app.css (ours and
// uPlot's). cli/dashboard/embed_assets.cmake compiles that folder into `deploy`.
import { build } from 'esbuild';
import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUTPUT_DIR');
  process.exit(2);
}
mkdirSync(join(out, 'assets'), { recursive: true });
await build({
  entryPoints: [join(here, 'src/app.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'eof',
  outfile: join(out, 'assets/app.js'),
  logLevel: 'warning',
});
writeFileSync(join(out, 'assets/app.css'),
  readFileSync(join(here, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8') + '\n' +
  readFileSync(join(here, 'src/app.css'), 'utf8'));
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
