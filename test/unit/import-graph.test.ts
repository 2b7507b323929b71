import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../../src/paths';

const root = projectRoot();

/** Every TypeScript source of the service (tests, build output and dependencies excluded). */
function sources(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') walk(relative);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(relative);
    }
  };
  for (const dir of ['src', 'workflows', 'activities']) walk(dir);
  return found;
}

/** The relative imports (type-only ones included) of each source, resolved to source paths. */
export function importGraph(files: string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of read(file).matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]));
      const resolved = [`${target}.ts`, `${target}/index.ts`].find((candidate) => known.has(candidate));
      if (resolved) targets.push(resolved);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Groups of files that import each other, directly or round a circle (Tarjan's strongly connected components). */
export function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        group.push(member);
        if (member === file) break;
      }
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('imports flow one way', () => {
  const files = sources();
  const graph = importGraph(files, (file) => fs.readFileSync(path.join(root, file), 'utf8'));

  test('the parsers find a circle when there is one, and follow index files', () => {
    const sample: Record<string, string> = {
      'src/a.ts': "import { b } from './b';",
      'src/b.ts': "import type { C } from './c';\nexport { d } from './d';",
      'src/c.ts': "import { a } from './a';",
      'src/d/index.ts': "import x from 'node:fs';",
    };
    const sampleGraph = importGraph(Object.keys(sample), (file) => sample[file]);
    assert.deepEqual(sampleGraph.get('src/b.ts'), ['src/c.ts', 'src/d/index.ts']);
    assert.deepEqual(circles(sampleGraph), [['src/a.ts', 'src/b.ts', 'src/c.ts']]);
    assert.ok(files.length > 100 && [...graph.values()].flat().length > 300, 'the real tree was read');
  });

  test('no source imports itself round a circle, type-only imports included', () => {
    assert.deepEqual(circles(graph), []);
  });

  test('workflows import nothing of ours outside workflows/', () => {
    const outside = files.filter((f) => f.startsWith('workflows/')).flatMap((f) => (graph.get(f) ?? []).filter((t) => !t.startsWith('workflows/')).map((t) => `${f} -> ${t}`));
    assert.deepEqual(outside, []);
  });

  test('the receiver library imports nothing of the service', () => {
    const outside = files.filter((f) => f.startsWith('src/receiver/')).flatMap((f) => (graph.get(f) ?? []).filter((t) => !t.startsWith('src/receiver/')).map((t) => `${f} -> ${t}`));
    assert.deepEqual(outside, []);
  });

  test('production code imports no development tooling (dev services, the cluster launcher, CLI helpers)', () => {
    const tooling = ['src/dev/', 'src/cluster/', 'src/cli/', 'src/launcher/', 'src/stack.ts', 'src/cluster-stack.ts', 'src/examples/'];
    const isTooling = (file: string): boolean => tooling.some((prefix) => file.startsWith(prefix));
    const production = files.filter((f) => !isTooling(f));
    const leaks = production.flatMap((f) => (graph.get(f) ?? []).filter(isTooling).map((t) => `${f} -> ${t}`));
    assert.deepEqual(leaks, []);
  });
});
