#!/usr/bin/env node
// berthctl's entry: the one-file bundle `npm run build` makes of main.js
// (scripts/bundle-cli.mjs), compiled with V8's code cache kept beside it.
// Starting this way skips resolving and reading ~200 module files and
// compiling them again on every run; without the bundle, main.js runs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

const BUNDLE = join(__dirname, 'berthctl-bundle.cjs');
// V8 rejects a cache made under other flags (the `#!` line's, --cpu-prof):
// each set of flags keeps its own, so that runs with and without do not
// keep rewriting one file.
const FLAGS = process.execArgv.join(' ').replace(/[^\w.=-]+/g, '_');
const CACHE = `${BUNDLE}.v8-${process.version}-${process.arch}${FLAGS ? `-${FLAGS}` : ''}`;

function readOrUndefined(file: string, encoding?: BufferEncoding): string | Buffer | undefined {
  try {
    return encoding ? readFileSync(file, encoding) : readFileSync(file);
  } catch {
    return undefined;
  }
}

const source = readOrUndefined(BUNDLE, 'utf8') as string | undefined;
if (source === undefined) {
  void import('./main.js');
} else {
  const cachedData = readOrUndefined(CACHE) as Buffer | undefined;
  const script = new Script(Module.wrap(source.replace(/^#!.*/, '')), { filename: BUNDLE, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit, so that it holds the functions this run compiled; a
    // dir berthctl cannot write (not root) only costs the speed-up.
    process.once('exit', () => {
      try {
        const tmp = `${CACHE}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, CACHE);
      } catch {
        /* read-only install */
      }
    });
  }
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(bundle.exports, bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
}
