// Editor i18n: every user-visible string of nodes/*.html comes from the locale files, every locale key is
// used (by the editor or by the runtime's status texts), and the German locale is complete.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  actionStatus,
  autoAnswerStatus,
  callEndedStatus,
  callProgressStatus,
  callsStatus,
  digitsStatus,
  queuedStatus,
  lineStatus,
  noLineStatus,
  placingStatus,
  runningStatus,
  simulateStatus,
} from '../nodes/lib/status';
import { playStatus, recordStatus } from '../nodes/lib/media-status';
import type { LineState } from '../nodes/lib/shared-line';

const repoRoot = path.resolve(__dirname, '..', '..');
const nodesDir = path.join(repoRoot, 'nodes');
const LOCALES = ['en-US', 'de'];
const FILES = fs
  .readdirSync(nodesDir)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.replace(/\.html$/, ''));

type Catalog = Record<string, unknown>;

function flatten(obj: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Catalog, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

function catalog(locale: string, file: string): Map<string, string> {
  return flatten(JSON.parse(fs.readFileSync(path.join(nodesDir, 'locales', locale, `${file}.json`), 'utf8')));
}

interface EditorParts {
  script: string;
  templates: string[];
}

function editorParts(html: string): EditorParts {
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const templates = [...html.matchAll(/<script type="text\/html" data-template-name="[^"]+">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  return { script: scripts.join('\n'), templates };
}

/** The script without comments (string literals kept as they are). */
function stripComments(js: string): string {
  return js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

function stringLiterals(js: string): string[] {
  return [...js.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)].map((m) => m[1] ?? m[2]);
}

/** Hard-coded user-visible text in an editor's HTML (template and script); empty when there is none. */
export function hardCodedStrings(html: string): string[] {
  const found: string[] = [];
  const { script, templates } = editorParts(html);
  for (const template of templates) {
    for (const m of template.matchAll(/<[^>]*\s(placeholder|title)="([^"]*)"/g)) found.push(`${m[1]}="${m[2]}"`);
    const text = template.replace(/<[^>]*>/g, ' ');
    for (const word of text.match(/[^\s]*[A-Za-z]{2,}[^\s]*/g) ?? []) found.push(`template text "${word}"`);
  }
  const js = stripComments(script);
  for (const m of js.matchAll(/\b(paletteLabel|inputLabels|outputLabels)\s*:\s*(['"[])/g)) found.push(`${m[1]}: literal`);
  for (const m of js.matchAll(/\breturn\s+(?:[^;{}]*?[?:+|]\s*)?(['"])((?:(?!\1).)*[A-Za-z]{2,}(?:(?!\1).)*)\1/g)) {
    if (!/^[\w-]*_[\w-]*$/.test(m[2])) found.push(`return '${m[2]}'`); // node_label_italic: a CSS class
  }
  for (const m of js.matchAll(/\.(?:text|html)\(\s*(['"])((?:(?!\1).)*[A-Za-z]{2,}(?:(?!\1).)*)\1/g)) found.push(`.text('${m[2]}')`);
  for (const m of js.matchAll(/\.attr\(\s*'(?:title|placeholder)'\s*,\s*(['"])((?:(?!\1).)*[A-Za-z]{2,}(?:(?!\1).)*)\1/g)) {
    found.push(`.attr('${m[2]}')`);
  }
  for (const literal of stringLiterals(js)) {
    if (/^[<#.]/.test(literal)) continue; // markup and selectors
    if (/[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(literal)) found.push(`'${literal}'`);
  }
  return [...new Set(found)];
}

/** Locale keys an editor HTML refers to: data-i18n attributes, node._('key') and the file's t('key') helper. */
function editorKeys(html: string, file: string, known: Set<string>): Set<string> {
  const keys = new Set<string>();
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) {
    for (const part of m[1].split(';')) keys.add(part.replace(/^\[[^\]]+\]/, ''));
  }
  const js = stripComments(editorParts(html).script);
  const literals = new Set(stringLiterals(js));
  const full = (k: string) => (k.startsWith(`${file}.`) ? k : `${file}.${k}`);
  for (const m of js.matchAll(/\b(?:node\._|this\._|\bt)\(\s*'([^']+)'(\s*\+)?/g)) {
    if (!m[2]) {
      keys.add(full(m[1]));
      continue;
    }
    // t('state.' + s): the keys under that prefix whose last part is a string literal of the script.
    const prefix = full(m[1]);
    for (const key of known) if (key.startsWith(prefix) && literals.has(key.slice(prefix.length))) keys.add(key);
  }
  return keys;
}

/** Keys the runtime's status texts use: status.ts called with a translator that records them. */
function runtimeKeys(enUS: Map<string, Map<string, string>>): Set<string> {
  const keys = new Set<string>();
  const record = (key: string) => {
    keys.add(key.replace(/^node-red-contrib-tapi\/[^:]+:/, ''));
    return key;
  };
  const states: LineState[] = ['idle', 'connecting', 'open', 'error', 'unavailable', 'closed'];
  for (const state of states) lineStatus(record, { state, error: Object.assign(new Error('x'), { code: 'LINEERR_X' }) });
  noLineStatus(record);
  placingStatus(record);
  runningStatus(record, 'x');
  actionStatus(record, 'x', null);
  actionStatus(record, 'x', new Error('x'));
  for (const kind of ['collecting', 'got', 'timeout', 'cancelled', 'listening', 'digit'] as const) digitsStatus(record, kind);
  simulateStatus(record, 'done');
  queuedStatus(record, 3);
  autoAnswerStatus(record, 'answered');
  autoAnswerStatus(record, 'notowner');
  callsStatus(record, ['ringback', 'connected']);
  simulateStatus(record, 'notsimulator');
  for (const kind of ['playing', 'played', 'digit', 'stopped', 'hangup', 'noaudio'] as const) playStatus(record, kind);
  for (const kind of ['recording', 'recorded', 'saved', 'noaudio'] as const) recordStatus(record, kind);
  for (const key of enUS.get('make-call')!.keys()) {
    const m = /^make-call\.(state|outcome)\.(.+)$/.exec(key);
    if (m?.[1] === 'state') callProgressStatus(record, m[2]);
    if (m?.[1] === 'outcome') callEndedStatus(record, m[2]);
  }
  return keys;
}

describe('editor i18n (nodes/*.html and nodes/locales)', function () {
  const enUS = new Map(FILES.map((f) => [f, catalog('en-US', f)]));

  it('finds every node file', function () {
    assert.deepEqual(
      FILES.sort(),
      ['call-control', 'call-state', 'digits', 'make-call', 'play', 'record', 'simulate', 'tapi-line'].filter((f) =>
        fs.existsSync(path.join(nodesDir, `${f}.html`)),
      ),
    );
  });

  for (const file of FILES) {
    it(`${file}.html has no hard-coded user-visible string`, function () {
      const html = fs.readFileSync(path.join(nodesDir, `${file}.html`), 'utf8');
      assert.deepEqual(hardCodedStrings(html), []);
    });
  }

  for (const file of FILES) {
    it(`${file}.html: every validator declares (v, opt), so Node-RED shows the message it returns`, function () {
      // Node-RED >= 3.1 treats a returned string as a message only from a validator with two parameters;
      // from a one-parameter validator the string is coerced to true, i.e. "valid".
      const js = stripComments(editorParts(fs.readFileSync(path.join(nodesDir, `${file}.html`), 'utf8')).script);
      const validators = [...js.matchAll(/validate:\s*(function\s*\(([^)]*)\)|(\w+)\()/g)];
      assert.ok(validators.length > 0);
      const params = (list: string) =>
        list
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean).length;
      for (const m of validators) {
        if (m[2] !== undefined) assert.equal(params(m[2]), 2, `validate: ${m[1]}`);
        else {
          const factory = new RegExp(`function ${m[3]}\\([^)]*\\)\\s*\\{\\s*return function\\s*\\(([^)]*)\\)`).exec(js);
          assert.ok(factory, `validator factory ${m[3]} returns a function`);
          assert.equal(params(factory[1]), 2, `${m[3]}'s validator`);
        }
      }
    });
  }

  it('the hard-coded string check catches labels, placeholders, template text and returned strings', function () {
    const html = `<script type="text/javascript">
      RED.nodes.registerType('x', { paletteLabel: 'make call', inputLabels: 'number',
        label: function () { return this.name || 'call state'; },
        oneditprepare: function () { $('#a').text('Looking up'); $('#b').attr('title', 'Pick one'); } });
    </script>
    <script type="text/html" data-template-name="x">
      <label for="a">Name</label><input id="a" placeholder="first line"><span data-i18n="x.ok"></span>
    </script>`;
    const found = hardCodedStrings(html);
    for (const expected of [
      'paletteLabel: literal',
      'inputLabels: literal',
      "return 'call state'",
      ".text('Looking up')",
      ".attr('Pick one')",
      'placeholder="first line"',
      'template text "Name"',
    ]) {
      assert.ok(found.includes(expected), `${expected} in ${JSON.stringify(found)}`);
    }
  });

  it('every key the editor or the runtime uses exists in every locale, and every key is used', function () {
    const allKnown = new Set<string>();
    for (const c of enUS.values()) for (const k of c.keys()) allKnown.add(k);
    const used = runtimeKeys(enUS);
    for (const file of FILES) {
      const html = fs.readFileSync(path.join(nodesDir, `${file}.html`), 'utf8');
      for (const k of editorKeys(html, file, allKnown)) used.add(k);
    }
    const missing: string[] = [];
    for (const locale of LOCALES) {
      const keys = new Set(FILES.flatMap((f) => [...catalog(locale, f).keys()]));
      for (const k of used) if (!keys.has(k)) missing.push(`${locale}: ${k}`);
    }
    assert.deepEqual(missing, [], 'keys used but not in the locale files');
    assert.deepEqual(
      [...allKnown].filter((k) => !used.has(k)),
      [],
      'keys in en-US that nothing uses',
    );
  });

  for (const file of FILES) {
    it(`de/${file}: the same keys and substitutions as en-US, every text translated, and a help page`, function () {
      const en = enUS.get(file)!;
      const de = catalog('de', file);
      assert.deepEqual([...de.keys()].sort(), [...en.keys()].sort());
      const subs = (s: string) => (s.match(/__\w+__/g) ?? []).sort();
      for (const [k, v] of en) assert.deepEqual(subs(de.get(k)!), subs(v), `substitutions of ${k}`);
      const untranslated = [...en].filter(([k, v]) => /[a-z]{3,}\s[a-z]{3,}/i.test(v) && de.get(k) === v).map(([k]) => k);
      assert.deepEqual(untranslated, [], 'German texts equal to the English ones');
      const enHelp = fs.readFileSync(path.join(nodesDir, 'locales', 'en-US', `${file}.html`), 'utf8');
      const deHelp = fs.readFileSync(path.join(nodesDir, 'locales', 'de', `${file}.html`), 'utf8');
      const helpName = (h: string) => /data-help-name="([^"]+)"/.exec(h)?.[1];
      assert.equal(helpName(deHelp), helpName(enHelp));
      assert.notEqual(deHelp.replace(/<[^>]+>/g, ''), enHelp.replace(/<[^>]+>/g, ''));
      assert.match(deHelp, /<h3>Eigenschaften<\/h3>/);
    });
  }

  it('node status texts stay under 20 characters in every locale (a 16-character code substituted)', function () {
    for (const locale of LOCALES) {
      for (const file of ['tapi-line', 'make-call', 'play', 'record']) {
        for (const [k, v] of catalog(locale, file)) {
          if (!/\.(status|state|outcome)\./.test(k)) continue;
          const text = v
            .replace(/__code__/g, 'X'.repeat(16))
            .replace(/__seconds__/g, '600.0')
            .replace(/__digit__/g, '#');
          assert.ok(text.length < 20, `${locale} ${k} = "${text}" (${text.length})`);
        }
      }
    }
  });
});
