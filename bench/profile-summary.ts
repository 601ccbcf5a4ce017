// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: the hottest functions by
// self time, and self time per source file. Used by `npm run bench -- --profile` and by hand:
//   node dist/bench/profile-summary.js bench/profiles/<file>.cpuprofile [top]
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const marker = `${path.sep}dist${path.sep}`;
  const i = clean.lastIndexOf(marker);
  if (i >= 0) return clean.slice(i + marker.length);
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm);
  return clean.startsWith('node:') ? clean : path.basename(clean);
}

/** Which part of the stack a frame belongs to. */
export function areaOf(name: string, url: string): string {
  if (name === '(idle)') return 'event loop (idle / poll)';
  if (name === '(garbage collector)') return 'GC';
  if (!url) return 'native / VM';
  const u = url.replace(/\\/g, '/');
  if (u.includes('/lib/tapi/providers/simulator/')) return 'simulator provider';
  if (u.includes('/lib/tapi/providers/win32/')) return 'win32 provider';
  if (u.includes('/dist/lib/tapi/')) return 'lib/tapi model';
  if (u.includes('/dist/nodes/')) return 'package nodes';
  if (u.includes('/dist/bench/')) return 'bench harness';
  if (u.includes('node_modules/@node-red/') || u.includes('node_modules/node-red/')) return 'Node-RED runtime';
  if (u.includes('node_modules/koffi/')) return 'koffi';
  if (u.startsWith('node:')) return 'Node.js internals';
  return 'other';
}

export function summarize(file: string, top = 25): { total: number; functions: ProfileLine[]; files: ProfileLine[]; areas: ProfileLine[] } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  // Self time per node from samples and their time deltas (µs).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  let total = 0;
  const fnTotals = new Map<string, { name: string; where: string; us: number }>();
  const fileTotals = new Map<string, number>();
  const areaTotals = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : shortUrl(url);
    const key = `${name}@${where}`;
    const entry = fnTotals.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fnTotals.set(key, entry);
    const f = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : shortUrl(url);
    fileTotals.set(f, (fileTotals.get(f) ?? 0) + us);
    const a = areaOf(name, url);
    areaTotals.set(a, (areaTotals.get(a) ?? 0) + us);
  }
  const toLine = (name: string, where: string, us: number): ProfileLine => ({
    name,
    where,
    selfMs: us / 1000,
    percent: total ? (100 * us) / total : 0,
  });
  const functions = [...fnTotals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => toLine(e.name, e.where, e.us));
  const files = [...fileTotals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([f, us]) => toLine(f, '', us));
  const areas = [...areaTotals.entries()].sort((a, b) => b[1] - a[1]).map(([a, us]) => toLine(a, '', us));
  return { total: total / 1000, functions, files, areas };
}

export function printSummary(file: string, top = 25, out: (s: string) => void = console.log): void {
  const s = summarize(file, top);
  out(`${path.basename(file)}: ${s.total.toFixed(0)} ms sampled`);
  out('  self time by area:');
  for (const l of s.areas) out(`    ${l.percent.toFixed(1).padStart(5)}%  ${l.selfMs.toFixed(1).padStart(8)} ms  ${l.name}`);
  out('  self time by function:');
  for (const l of s.functions)
    out(`    ${l.percent.toFixed(1).padStart(5)}%  ${l.selfMs.toFixed(1).padStart(8)} ms  ${l.name}  ${l.where}`);
  out('  self time by file:');
  for (const l of s.files.slice(0, 12)) out(`    ${l.percent.toFixed(1).padStart(5)}%  ${l.selfMs.toFixed(1).padStart(8)} ms  ${l.name}`);
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  printSummary(file, top ? Number(top) : 25);
}
