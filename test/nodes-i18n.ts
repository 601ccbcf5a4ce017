// The test helper hands node modules an RED._ that returns the key itself (and our status texts cut keys to 19
// characters). withEnglish gives a node module the en-US texts of nodes/locales instead, substituted the way
// Node-RED does (__name__), so a node test reads the status a user sees.
import * as fs from 'node:fs';
import * as path from 'node:path';

const localesDir = path.resolve(__dirname, '..', '..', 'nodes', 'locales', 'en-US');
const catalogs = new Map<string, Record<string, unknown>>();

/** 'node-red-contrib-tapi/play:play.status.played' -> the en-US text, or the key when there is none. */
export function english(key: string, subs: Record<string, unknown> = {}): string {
  const m = /^node-red-contrib-tapi\/([a-z-]+):(.+)$/.exec(key);
  if (!m) return key;
  let catalog = catalogs.get(m[1]);
  if (!catalog) {
    catalog = JSON.parse(fs.readFileSync(path.join(localesDir, `${m[1]}.json`), 'utf8')) as Record<string, unknown>;
    catalogs.set(m[1], catalog);
  }
  let value: unknown = catalog;
  for (const part of m[2].split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (typeof value !== 'string') return key;
  return value.replace(/__(\w+)__/g, (all, name: string) => (name in subs ? String(subs[name]) : all));
}

type NodeModule = (RED: any) => void;

/** The node module with RED._ answering in English; everything else of RED as the helper gives it. */
export function withEnglish(module: NodeModule): NodeModule {
  return (RED: unknown) => module(Object.assign(Object.create(RED as object) as object, { _: english }));
}
