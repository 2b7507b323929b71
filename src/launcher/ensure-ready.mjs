#!/usr/bin/env node
// Runs before every npm script that needs the project built, so a fresh clone needs no separate install
// step: installs node_modules from the lockfile when they are missing or stale, then compiles TypeScript
// when any source is newer than the last build, and builds the portal (src/portal) when any of its files is. Plain JavaScript with no dependencies, because it runs
// before anything is installed. Output goes to stderr so scripts like `npm run temporal` keep a clean stdout.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const quiet = process.argv.includes('--quiet');
const say = (line) => process.stderr.write(`${line}\n`);

// undici 7 needs 20.18.1; compare as numbers, part by part.
const [major, minor, patch] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && (minor < 18 || (minor === 18 && patch < 1)))) {
  say(`Hookway needs Node.js 20.18.1 or later; this is ${process.version}.`);
  process.exit(1);
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const portalSources = path.join(root, 'src', 'portal');

/** The newest modification time of the files under `dir` that `include` accepts; the portal is built apart. */
function newestSource(dir, include = (name) => name.endsWith('.ts')) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== portalSources) newest = Math.max(newest, newestSource(full, include));
    } else if (include(entry.name)) newest = Math.max(newest, mtime(full));
  }
  return newest;
}

function run(command, args, what) {
  if (!quiet) say(`> ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2], env: process.env });
  if (result.status !== 0) {
    say(`Failed: ${what} (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const installed = path.join(root, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(path.join(root, 'package-lock.json'))) {
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], 'npm ci (installing dependencies)');
}

const buildInfo = path.join(root, 'dist', '.tsbuildinfo');
const sources = Math.max(
  ...['src', 'workflows', 'activities', 'test'].map((dir) => newestSource(path.join(root, dir))),
  mtime(path.join(root, 'tsconfig.json')),
  mtime(installed),
);
/**
 * Deletes compiled files whose source is gone. tsc never does, and a leftover `dist/src/config.js` would
 * shadow the `dist/src/config/index.js` that replaced it: an updated checkout would run stale code.
 */
function pruneOrphans(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneOrphans(full);
      continue;
    }
    const stem = /^(.*)\.(?:js|js\.map|d\.ts)$/.exec(entry.name)?.[1];
    if (stem === undefined) continue;
    const source = path.join(root, path.relative(path.join(root, 'dist'), dir), `${stem}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(full);
  }
}

if (mtime(buildInfo) < sources) {
  for (const dir of ['src', 'workflows', 'activities', 'test']) pruneOrphans(path.join(root, 'dist', dir));
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], 'tsc (compiling)');
  // An incremental build with nothing to do leaves the file as it was, so stamp it ourselves: with the
  // newest source time seen before compiling (rounded up to the whole millisecond a stamp can hold), so an edit
  // made during the compile still counts as newer.
  const seen = new Date(Math.ceil(sources));
  fs.utimesSync(buildInfo, seen, seen);
}

// The portal: Vite bundles src/portal into dist/portal (about two seconds), only when a file of it, or the
// installed dependencies, changed since the last build. The stamp is written after the build, because
// Vite empties dist/portal first.
const portalStamp = path.join(root, 'dist', 'portal', '.built');
const portalNewest = Math.max(newestSource(portalSources, () => true), mtime(installed));
if (mtime(portalStamp) < portalNewest) {
  run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(portalSources, 'vite.config.mjs')], 'vite (building the portal)');
  fs.writeFileSync(portalStamp, '');
  const seen = new Date(Math.ceil(portalNewest));
  fs.utimesSync(portalStamp, seen, seen);
}
