import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../../src/paths';

const root = projectRoot();

/** Text of a file of the checkout, by its path from the project root. */
function read(relativePath: string): string {
  return fs.readFileSync(path.join(root, relativePath), 'utf8');
}

/** The config code: one file per concern in `src/config/`, by file name. */
function configSources(): Map<string, string> {
  const folder = path.join(root, 'src/config');
  const files = fs.readdirSync(folder).filter((name) => name.endsWith('.ts'));
  return new Map(files.map((name) => [name, read(`src/config/${name}`)]));
}

/** The `## ` sections of a markdown page, by heading, with their text. */
function sections(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    found.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return found;
}

/**
 * Environment variables the config code reads: `env.NAME`, `env['NAME']`, or a reader called as `readX(env, 'NAME', ...)`.
 * A variable read another way would escape this test, so config.ts keeps to these three forms.
 */
export function envNamesRead(source: string): Set<string> {
  const names = new Set<string>();
  const patterns = [/\benv\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g, /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) names.add(match[1]);
  return names;
}

/** Variables named in the first cell of the settings table(s): rows whose first cell holds backticked names. */
export function documentedSettings(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const cell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const match of cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(match[1]);
  }
  return names;
}

/** Markdown without fenced code blocks and inline code, where brackets are not links. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered -1, -2, ... */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const plain = match[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Relative link targets of a Markdown text, `[text](target)`, outside code. */
export function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of withoutCode(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    targets.push(target);
  }
  return targets;
}

/** Every link of one page that points at no file, or at a heading its Markdown target does not have. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const target of relativeLinks(read(page))) {
    const [file, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = file === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(file));
    if (!fs.existsSync(resolved)) {
      broken.push(`${page}: ${target} (no such file)`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${page}: ${target} (no such heading)`);
    }
  }
  return broken;
}

/** README.md files under `src/` (the receiver library's, the example receiver's), which link into the docs too. */
function sourceReadmes(dir = 'src'): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') found.push(...sourceReadmes(relative));
    else if (entry.name === 'README.md') found.push(relative);
  }
  return found;
}

function docPages(): string[] {
  const pages = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', 'CHANGELOG.md', ...pages, ...sourceReadmes()];
}

describe('docs', () => {
  test('docs/configuration.md has a section per config file, whose table lists exactly the variables that file reads', () => {
    const page = sections(read('docs/configuration.md'));
    const sources = configSources();
    let total = 0;
    for (const [file, source] of sources) {
      const readNames = [...envNamesRead(source)].sort();
      if (readNames.length === 0) continue;
      total += readNames.length;
      const section = [...page].find(([, text]) => text.includes(`Read by \`src/config/${file}\``));
      assert.ok(section, `no section of docs/configuration.md says "Read by \`src/config/${file}\`"`);
      assert.deepEqual([...documentedSettings(section[1])].sort(), readNames, `section "${section[0]}" against src/config/${file}`);
    }
    assert.ok(total >= 40, `expected the config code to read at least 40 variables, found ${total}: is the parser still right?`);
    assert.ok(sources.has('index.ts') && envNamesRead(sources.get('env.ts') ?? '').size === 0, 'readers read no variable of their own');
  });

  test('the config parser finds each form of read and the table parser each form of row', () => {
    assert.deepEqual(
      [...envNamesRead("const a = env.PORT; const b = env['HOST']; readInt(env, 'HOOKWAY_X', 1, 0, 2); readBool(\n  env,\n  'HOOKWAY_Y', false)")].sort(),
      ['HOOKWAY_X', 'HOOKWAY_Y', 'HOST', 'PORT'],
    );
    assert.deepEqual(
      [...documentedSettings('| Variable | Default |\n|---|---|\n| `PORT` | `3000` uses `HOST` |\n| `TEMPORAL_TLS_CERT`, `TEMPORAL_TLS_KEY` | unset |')].sort(),
      ['PORT', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'],
    );
  });

  test('headings get the anchors GitHub gives them', () => {
    const anchors = headingAnchors('# Hookway\n## Production (docker-compose.yml)\n### Headline figures from PostgreSQL: `GET /v1/stats`\n## Notes\n## Notes\n```sh\n# not a heading\n```');
    assert.deepEqual([...anchors], ['hookway', 'production-docker-composeyml', 'headline-figures-from-postgresql-get-v1stats', 'notes', 'notes-1']);
  });

  test('every relative link in README.md, CHANGELOG.md, docs/*.md and the READMEs under src/ points at an existing file and heading', () => {
    const pages = docPages();
    assert.ok(pages.length >= 8, `expected README, CHANGELOG and the docs pages, found ${pages.join(', ')}`);
    const links = pages.flatMap((page) => relativeLinks(read(page)));
    assert.ok(links.length >= 50, `expected the pages to link to each other, found ${links.length} relative links`);
    assert.deepEqual(pages.flatMap(brokenLinks), []);
  });

  test('the README stays a newcomer\'s page whose architecture sketch names every workflow the worker registers', () => {
    const readme = read('README.md');
    const lines = readme.split('\n').length;
    assert.ok(lines <= 300, `README.md has ${lines} lines; move reference material into docs/`);
    const workflows = [...read('workflows/index.ts').matchAll(/export\s*\{\s*(\w+)\s*\}/g)].map((match) => match[1]);
    assert.ok(workflows.length >= 4, `expected workflows/index.ts to export the workflows, found ${workflows.join(', ')}`);
    const sketch = /## Architecture\n+```\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
    assert.deepEqual(
      workflows.filter((name) => !sketch.includes(name)),
      [],
      'workflows missing from the README architecture sketch',
    );
  });

  test('every test file the docs name exists', () => {
    const named = docPages().flatMap((page) => [...read(page).matchAll(/\btest\/[\w/-]+\.test\.ts\b/g)].map((match) => `${page}: ${match[0]}`));
    assert.ok(named.length >= 10, `expected the docs to name the tests behind their claims, found ${named.length}`);
    assert.deepEqual(
      named.filter((entry) => !fs.existsSync(path.join(root, entry.slice(entry.indexOf(': ') + 2)))),
      [],
    );
  });

  test('a link to a missing file or heading is reported', () => {
    assert.deepEqual(relativeLinks('see [a](docs/a.md#x), [b](https://example.com), `[c](d.md)`, [e](#f)'), ['docs/a.md#x', '#f']);
    assert.ok(!headingAnchors(read('README.md')).has('no-such-heading'));
  });
});
