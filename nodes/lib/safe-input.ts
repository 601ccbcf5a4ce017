// Reading a flow message defensively. A message may carry a payload with a throwing getter or a throwing
// Proxy; Node-RED clones messages (for a Catch node, for a second wire) outside any handler of ours, so
// such a message must be stopped where it is read first: here. No Node-RED import.
import { TapiValidationError } from '../../lib/tapi';
import type { NodeMessage } from './node-red';

const MAX_DEPTH = 8;
const MAX_KEYS = 256;

/** A plain copy of `value` (strings, numbers, booleans, null, plain objects and arrays); throws what reading throws. */
function copyPlain(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
    return value;
  }
  if (depth >= MAX_DEPTH) throw new TapiValidationError('msg.payload is nested too deeply');
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value as Uint8Array);
  if (Array.isArray(value)) {
    if (value.length > MAX_KEYS) throw new TapiValidationError('msg.payload has too many items');
    return value.map((v) => copyPlain(v, depth + 1));
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) throw new TapiValidationError('msg.payload has too many properties');
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = copyPlain((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

export type PayloadRead = { ok: true; value: unknown } | { ok: false; error: TapiValidationError };

/** msg[property] read once and copied; a throwing getter or Proxy gives a TapiValidationError instead. */
export function readMessageProperty(msg: NodeMessage, property: string): PayloadRead {
  try {
    let value: unknown = msg;
    for (const part of property.split('.')) {
      if (value === null || typeof value !== 'object') {
        value = undefined;
        break;
      }
      value = (value as Record<string, unknown>)[part];
    }
    return { ok: true, value: copyPlain(value, 0) };
  } catch (err) {
    if (err instanceof TapiValidationError) return { ok: false, error: err };
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, error: new TapiValidationError(`msg.${property} could not be read: ${why.slice(0, 200)}`) };
  }
}

/** What may be handed to node.error for a hostile message: its id and topic (when they read cleanly) and the error. */
export function safeMessage(msg: NodeMessage, error: Error): NodeMessage {
  const safe: NodeMessage = {};
  try {
    if (typeof msg._msgid === 'string') safe._msgid = msg._msgid;
  } catch {
    // a throwing _msgid is left out
  }
  try {
    if (typeof msg.topic === 'string') safe.topic = msg.topic;
  } catch {
    // a throwing topic is left out
  }
  safe.error = { name: error.name, message: error.message, code: (error as { code?: string }).code };
  return safe;
}
