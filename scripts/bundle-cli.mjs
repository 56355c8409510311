#!/usr/bin/env node
// Bundles berthctl (dist/src/cli/main.js and what it imports) into one
// CommonJS file beside it, which dist/src/cli/berthctl.cjs runs with a V8
// code cache: see README "berthctl starts fast". Run by `npm run build`
// after tsc; then one run of berthctl writes the code cache.
import { spawnSync } from 'node:child_process';
import { rmSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cli = fileURLToPath(new URL('../dist/src/cli/', import.meta.url));
const bundle = cli + 'berthctl-bundle.cjs';
for (const f of readdirSync(cli)) if (f.startsWith('berthctl-bundle.cjs.v8-')) rmSync(cli + f, { force: true });
await build({
  entryPoints: [cli + 'main.js'],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The bundle sits where main.js is, so paths made from import.meta.url stay right.
  define: { 'import.meta.url': '__berthctl_url' },
  banner: { js: "const __berthctl_url = require('node:url').pathToFileURL(__filename).href;" },
  // Native addons load from node_modules at run time.
  external: ['better-sqlite3', 'node-pty'],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
// One run that goes through the gRPC client (no daemon answers at this
// socket) writes the code cache with those functions compiled.
spawnSync(process.execPath, [cli + 'berthctl.cjs', '-r', cli + 'no-such.sock', '--timeout', '1', 'version'], { stdio: 'ignore' });
