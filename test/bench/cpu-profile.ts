import fs from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface V8Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds of one process's profile spent in one place. */
export interface ProfileRow {
  name: string;
  ms: number;
  /** Share of the profile's busy time after startup, percent. */
  percent: number;
}

/** Where one process spent its CPU time while profiled. */
export interface ProfileSummary {
  file: string;
  /** Sampled time that was not idle, ms, startup included. */
  busyMs: number;
  /** Of that, loading modules and bundling the workflows at startup, ms: left out of the lists below. */
  startupMs: number;
  /** Self time by package (percent of the time after startup) (`node_modules/<name>`), Node's internals, our folders (`src/api`, `activities`...) or V8 (`(garbage collector)`). */
  byPlace: ProfileRow[];
  /** Self time by function, the largest first. */
  bySelf: ProfileRow[];
  /** Time with the function anywhere on the stack (each sample counted once per function), the largest first. */
  byTotal: ProfileRow[];
}

/** The place a script belongs to: its package, Node's internals, or the folder of ours it was built from. */
function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return 'node';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return path.dirname(url.slice(dist + '/dist/'.length)).split('/').slice(0, 2).join('/');
  return url;
}

// Frames that only run while a process starts: module loading, and the worker bundling its workflow code.
const STARTUP_PLACES = new Set(['webpack', 'webpack-sources', 'enhanced-resolve', 'tapable', 'memfs', 'terser', 'source-map']);
const STARTUP_FUNCTIONS = new Set(['Module._load', 'Module._compile']);

function rows(times: Map<string, number>, busyMs: number, limit: number): ProfileRow[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: busyMs > 0 ? Math.round((us / 1000 / busyMs) * 1000) / 10 : 0 }));
}

/** Summarises one `.cpuprofile`: where the process's busy time went, by place and by function. */
export function summariseProfile(file: string, limit = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as V8Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (id: number): string => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} ${placeOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const places = new Map<string, number>();
  let busyUs = 0;
  let startupUs = 0;
  const startup = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      if (STARTUP_FUNCTIONS.has(functionName) || STARTUP_PLACES.has(placeOf(url, functionName))) return true;
    }
    return false;
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    busyUs += us;
    if (startup(id)) {
      startupUs += us;
      return;
    }
    const name = label(id);
    self.set(name, (self.get(name) ?? 0) + us);
    const place = placeOf(url, functionName);
    places.set(place, (places.get(place) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = label(at);
      if (seen.has(frame) || frame.startsWith('(root)')) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + us);
    }
  });
  const busyMs = busyUs / 1000;
  const steadyMs = (busyUs - startupUs) / 1000;
  return { file, busyMs: Math.round(busyMs), startupMs: Math.round(startupUs / 1000), byPlace: rows(places, steadyMs, limit), bySelf: rows(self, steadyMs, limit), byTotal: rows(total, steadyMs, limit) };
}

/** The summary as text: three ranked lists. */
export function renderProfile(summary: ProfileSummary, title: string): string {
  const list = (heading: string, items: ProfileRow[]): string =>
    [heading, ...items.map((row) => `  ${String(row.ms).padStart(7)} ms ${row.percent.toFixed(1).padStart(5)} %  ${row.name}`)].join('\n');
  return [
    `${title}: ${summary.busyMs} ms busy, ${summary.startupMs} ms of it starting up (left out below; ${path.basename(summary.file)})`,
    list('self time by place', summary.byPlace),
    list('self time by function', summary.bySelf),
    list('total time by function', summary.byTotal),
  ].join('\n');
}
