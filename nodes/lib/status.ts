// Node status from line and call states, with text from i18n keys; and the one error path
// (typed error -> red status + done(err), so a Catch node gets err.code).
import type { DoneFn, Node, NodeStatus } from './node-red';
import type { LineStatusEvent } from './shared-line';

export type Translate = (key: string, substitutions?: Record<string, unknown>) => string;

/** The i18n namespace of each node file: `node-red-contrib-tapi/<file>:`. */
export const NS = {
  line: 'node-red-contrib-tapi/tapi-line:tapi-line.',
  makeCall: 'node-red-contrib-tapi/make-call:make-call.',
  callState: 'node-red-contrib-tapi/call-state:call-state.',
  callControl: 'node-red-contrib-tapi/call-control:call-control.',
  digits: 'node-red-contrib-tapi/digits:digits.',
  simulate: 'node-red-contrib-tapi/simulate:simulate.',
} as const;

/** Status text kept under 20 characters (the label of an action may be long in some locales). */
function short(text: string): string {
  return text.length > 19 ? text.slice(0, 18) + '…' : text;
}

/** While an action runs (yellow ring). */
export function runningStatus(_: Translate, action: string): NodeStatus {
  return { fill: 'yellow', shape: 'ring', text: short(_(NS.callControl + 'status.running', { action })) };
}

/** The status of a node that acts on calls: the last action and its result (ok, or the error's code). */
export function actionStatus(_: Translate, action: string, err: unknown): NodeStatus {
  if (!err) return { fill: 'green', shape: 'dot', text: short(_(NS.callControl + 'status.ok', { action })) };
  return { fill: 'red', shape: 'ring', text: short(_(NS.callControl + 'status.failed', { action, code: shortCode(err) })) };
}

/** 'LINEERR_ADDRESSBLOCKED' -> 'ADDRESSBLOCKED', 'ERR_TAPI_VALIDATION' -> 'VALIDATION'; at most 16 characters. */
export function shortCode(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' && code ? code.replace(/^LINEERR_|^ERR_TAPI_/, '') : 'ERROR';
  return text.length > 16 ? text.slice(0, 15) + '…' : text;
}

/** The status every user of a line shows for the line's state. */
export function lineStatus(_: Translate, event: LineStatusEvent): NodeStatus {
  switch (event.state) {
    case 'open':
      return { fill: 'green', shape: 'dot', text: _(NS.line + 'status.open') };
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: _(NS.line + 'status.connecting') };
    case 'unavailable':
      return { fill: 'grey', shape: 'ring', text: _(NS.line + 'status.unavailable', { code: shortCode(event.error) }) };
    case 'error':
      return { fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: shortCode(event.error) }) };
    case 'closed':
      return { fill: 'grey', shape: 'ring', text: _(NS.line + 'status.closed') };
    case 'idle':
    default:
      return { fill: 'grey', shape: 'ring', text: _(NS.line + 'status.idle') };
  }
}

export function noLineStatus(_: Translate): NodeStatus {
  return { fill: 'red', shape: 'ring', text: _(NS.line + 'status.no-config') };
}

const KNOWN_STATES = new Set([
  'idle',
  'offering',
  'accepted',
  'dialtone',
  'dialing',
  'ringback',
  'busy',
  'specialinfo',
  'connected',
  'proceeding',
  'onhold',
  'conferenced',
  'onholdpendconf',
  'onholdpendtransfer',
  'disconnected',
  'unknown',
]);

/** make-call's status while TAPI has the request (before LINE_REPLY). */
export function placingStatus(_: Translate): NodeStatus {
  return { fill: 'yellow', shape: 'ring', text: _(NS.makeCall + 'status.placing') };
}

/** make-call's status while a call progresses: yellow ring, green dot once connected. */
export function callProgressStatus(_: Translate, state: string): NodeStatus {
  const text = KNOWN_STATES.has(state) ? _(NS.makeCall + 'state.' + state) : state.slice(0, 19);
  return state === 'connected' ? { fill: 'green', shape: 'dot', text } : { fill: 'yellow', shape: 'ring', text };
}

/** make-call with calls waiting for a call appearance: `queued (3)`. */
export function queuedStatus(_: Translate, count: number): NodeStatus {
  return { fill: 'yellow', shape: 'ring', text: _(NS.makeCall + 'status.queued', { count }) };
}

/** make-call with several calls at once: `2 calls: ringback, connected` (each call's state, oldest first). */
export function callsStatus(_: Translate, states: string[]): NodeStatus {
  const words = states.map((s) => (KNOWN_STATES.has(s) ? _(NS.makeCall + 'state.' + s) : s.slice(0, 19)));
  const text = _(NS.makeCall + 'progress.calls', { count: states.length, states: words.join(', ') });
  return states.includes('connected') ? { fill: 'green', shape: 'dot', text } : { fill: 'yellow', shape: 'ring', text };
}

const KNOWN_OUTCOMES = new Set([
  'connected',
  'busy',
  'noanswer',
  'reject',
  'unreachable',
  'badaddress',
  'congestion',
  'dropped',
  'unknown',
]);

/** make-call's status once a call is over: green dot (the line is fine) with what happened. */
export function callEndedStatus(_: Translate, outcome: string | null): NodeStatus {
  const o = outcome ?? 'unknown';
  const text = KNOWN_OUTCOMES.has(o) ? _(NS.makeCall + 'outcome.' + o) : o.slice(0, 19);
  return { fill: 'green', shape: 'dot', text };
}

/** The one error path: red ring naming the code, then done(err) (err.code reaches Catch nodes). */
export function failMessage(node: Node, _: Translate, err: unknown, done: DoneFn): void {
  const error = err instanceof Error ? err : new Error(String(err));
  node.status({ fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: shortCode(error) }) });
  done(error);
}

export type DigitsStatusKind = 'collecting' | 'got' | 'timeout' | 'cancelled' | 'listening' | 'digit';

/** The digits node: yellow while collecting, green with what came, yellow ring on a timeout or a call that ended. */
export function digitsStatus(_: Translate, kind: DigitsStatusKind, subs?: Record<string, unknown>): NodeStatus {
  const text = short(_(NS.digits + 'status.' + kind, subs));
  if (kind === 'collecting') return { fill: 'yellow', shape: 'ring', text };
  if (kind === 'timeout' || kind === 'cancelled') return { fill: 'yellow', shape: 'ring', text };
  return { fill: 'green', shape: 'dot', text };
}

/** The simulate node: grey ring on a line that is not the simulator, green dot after each action. */
export function simulateStatus(_: Translate, kind: 'done' | 'notsimulator', subs?: Record<string, unknown>): NodeStatus {
  if (kind === 'notsimulator') return { fill: 'grey', shape: 'ring', text: short(_(NS.simulate + 'status.notsimulator')) };
  return { fill: 'green', shape: 'dot', text: short(_(NS.simulate + 'status.done', subs)) };
}

/** call state answering calls itself: green once it answered one, red when the line lacks the owner privilege. */
export function autoAnswerStatus(_: Translate, kind: 'answered' | 'notowner'): NodeStatus {
  if (kind === 'notowner') return { fill: 'red', shape: 'ring', text: short(_(NS.callState + 'status.notowner')) };
  return { fill: 'green', shape: 'dot', text: short(_(NS.callState + 'status.answered')) };
}
