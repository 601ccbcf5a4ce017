// Message shaping and call outcomes, from a call's state history. No Node-RED import.
import { TapiError, type Call, type CallStateEvent } from '../../lib/tapi';

/** Why this app ended a call itself (none when the network or the far end ended it). */
export type LocalEnd = 'noanswertimeout' | 'maxduration' | 'dropped' | 'lineclosed' | 'dialtonetimeout';

export interface CallSummary {
  outcome: string | null;
  connected: boolean;
  reason: string | null;
}

/** What a special information tone announces, as an outcome. */
const SPECIALINFO_OUTCOME: Record<string, string> = {
  custirreg: 'badaddress',
  nocircuit: 'congestion',
  reorder: 'congestion',
};

/**
 * The outcome of a call from its history. `connected` if it ever connected; otherwise what ended it:
 * the disconnect mode ('busy', 'noanswer', 'reject', 'unreachable', 'badaddress', 'congestion', ...),
 * 'busy' / 'badaddress' for a busy or special-information state nobody followed with a disconnect, or,
 * when this app hung up first, 'noanswer' (its no-answer timeout) or 'dropped'.
 * Events after `localEndIndex` (the history length when this app hung up) are its own doing and ignored.
 * `ended` false: the call is still going; outcome is 'connected' once connected, else null.
 */
export function summarize(history: readonly CallStateEvent[], ended: boolean, localEnd?: LocalEnd, localEndIndex?: number): CallSummary {
  const cut = localEnd !== undefined && localEndIndex !== undefined ? localEndIndex : history.length;
  const before = history.slice(0, cut);
  const connected = history.some((e) => e.state === 'connected');
  const disconnect = [...before].reverse().find((e) => e.state === 'disconnected');
  const remoteReason = disconnect ? (disconnect.mode ?? 'unknown') : null;
  const reason = remoteReason ?? localEnd ?? null;
  if (connected) return { outcome: 'connected', connected, reason: ended || remoteReason ? reason : null };
  if (!ended && !disconnect) return { outcome: null, connected, reason: null };
  if (remoteReason) return { outcome: remoteReason, connected, reason };
  const busy = [...before].reverse().find((e) => e.state === 'busy' || e.state === 'specialinfo');
  if (busy) {
    const outcome = busy.state === 'busy' ? 'busy' : (SPECIALINFO_OUTCOME[busy.mode ?? ''] ?? 'specialinfo');
    return { outcome, connected, reason: localEnd ?? outcome };
  }
  if (localEnd === 'noanswertimeout') return { outcome: 'noanswer', connected, reason: localEnd };
  if (localEnd) return { outcome: 'dropped', connected, reason: localEnd };
  return { outcome: 'unknown', connected, reason: null };
}

export interface MakeCallPayload extends CallSummary {
  callId: string;
  address: string;
  state: string | null;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  durationMs: number;
}

export interface CallRef {
  id: string;
  handle: number;
  line: string;
  deviceId: number;
}

export function callRef(call: Call): CallRef {
  return { id: call.id, handle: call.handle, line: call.line.device.name, deviceId: call.line.device.deviceId };
}

/** msg.payload of make-call. `startedAt` is when the node asked for the call. */
export function makeCallPayload(
  call: Call,
  address: string,
  startedAt: Date,
  ended: boolean,
  localEnd?: LocalEnd,
  localEndIndex?: number,
  endedAtFallback?: Date,
  asOf?: CallStateEvent,
): MakeCallPayload {
  // Sent at a state (sendWhen connected): report the call as it was then, not later states of the same batch.
  const upTo = asOf ? call.history.indexOf(asOf) : -1;
  const history = upTo >= 0 ? call.history.slice(0, upTo + 1) : call.history;
  const summary = summarize(history, ended, localEnd, localEndIndex);
  const connectedEvent = history.find((e) => e.state === 'connected');
  const endEvent = connectedEvent
    ? history.find((e, i) => i > history.indexOf(connectedEvent) && (e.state === 'disconnected' || e.state === 'idle'))
    : history.find((e) => e.state === 'disconnected' || e.state === 'idle');
  const endedAt = endEvent ? endEvent.at : ended ? (endedAtFallback ?? new Date()) : null;
  const durationMs = connectedEvent && endedAt ? Math.max(0, endedAt.getTime() - connectedEvent.at.getTime()) : 0;
  return {
    callId: call.id,
    address,
    state: upTo >= 0 ? history[upTo].state : call.state,
    outcome: summary.outcome,
    connected: summary.connected,
    reason: summary.reason,
    startedAt: startedAt.toISOString(),
    connectedAt: connectedEvent ? connectedEvent.at.toISOString() : null,
    endedAt: endedAt ? endedAt.toISOString() : null,
    durationMs,
  };
}

export interface CallStatePayload {
  state: string;
  mode: string | null;
  previous: string | null;
  callId: string;
  handle: number;
  origin: string;
  address: string | null;
  callerId: string | null;
  callerIdName: string | null;
  calledId: string | null;
  calledIdName: string | null;
  at: string;
}

/** msg.payload of call-state for one LINE_CALLSTATE transition. */
export function callStatePayload(call: Call, event: CallStateEvent): CallStatePayload {
  const info = call.info;
  return {
    state: event.state,
    mode: event.mode,
    previous: event.previous,
    callId: call.id,
    handle: call.handle,
    origin: info.origin,
    address: info.address ?? null,
    callerId: info.callerId ?? null,
    callerIdName: info.callerIdName ?? null,
    calledId: info.calledId ?? null,
    calledIdName: info.calledIdName ?? null,
    at: event.at.toISOString(),
  };
}

/** make-call input: msg.payload (or the configured destination) as a string, a number, or { address, countryCode, params }. */
export interface Destination {
  address: string | null;
  countryCode?: number;
  params?: Record<string, unknown>;
}

/**
 * A JS number as a dialled number: only a non-negative safe integer says which digits to dial. -5550100,
 * 5550101.9, 1e21 or 2^53 + 1 would dial other digits than the ones written: LINEERR_INVALADDRESS.
 */
export function numberAddress(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || Object.is(value, -0)) {
    throw TapiError.of(
      'INVALADDRESS',
      'lineMakeCall',
      `the number ${String(value)} is not a whole number from 0 to 2^53-1: give it as a string`,
    );
  }
  return String(value);
}

/** Throws TapiError LINEERR_INVALADDRESS for a number that is not a non-negative safe integer. */
export function parseDestination(value: unknown): Destination | undefined {
  if (typeof value === 'string') return { address: value.trim() };
  if (typeof value === 'number') return { address: numberAddress(value) };
  if (value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) {
    const o = value as Record<string, unknown>;
    const raw = o.address ?? o.number ?? o.destination;
    let address: string | null;
    if (typeof raw === 'string') address = raw.trim();
    else if (typeof raw === 'number') address = numberAddress(raw);
    else if (raw === null) address = null;
    else return undefined;
    const dest: Destination = { address };
    if (o.countryCode !== undefined && o.countryCode !== null && o.countryCode !== '') dest.countryCode = Number(o.countryCode);
    if (o.params && typeof o.params === 'object') dest.params = o.params as Record<string, unknown>;
    return dest;
  }
  return undefined;
}

/** Patterns entered one per line (blank lines and # comments ignored). */
export function parseLines(text: unknown): string[] {
  if (Array.isArray(text))
    return text
      .map(String)
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('#'));
  if (typeof text !== 'string') return [];
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

/** A non-negative number from a node property; `fallback` when empty or invalid. */
export function numberProp(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
