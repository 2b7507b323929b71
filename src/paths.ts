import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/**
 * The folder holding Hookway's package.json, found from this file whether it runs from `src/` or `dist/src/`.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}
