// Finding the call a message names: msg.call.id (every message of our nodes carries msg.call) or msg.call
// as a bare id string, looked up among the calls the line's handle holds. No Node-RED import.
import { TapiError, TapiValidationError, type Call, type Line } from '../../lib/tapi';
import type { NodeMessage } from './node-red';
import { readMessageProperty } from './safe-input';

export type CallIdRead = { ok: true; id: string } | { ok: false; error: TapiValidationError; hostile: boolean };

/** The call id of a message, read defensively (a throwing getter is a hostile message, not a crash). */
export function readCallId(msg: NodeMessage): CallIdRead {
  const read = readMessageProperty(msg, 'call');
  if (!read.ok) return { ok: false, error: read.error, hostile: true };
  const value = read.value;
  const id = typeof value === 'string' ? value : value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id.trim() === '') {
    return {
      ok: false,
      error: new TapiValidationError('msg.call must be { id } (a message of a tapi node) or a call id string'),
      hostile: false,
    };
  }
  return { ok: true, id: id.trim() };
}

/** The call `id` on `line`, or LINEERR_INVALCALLHANDLE naming why it is not there. */
export function findCall(line: Line, id: string, operation: string): Call {
  const call = line.calls.find((c) => c.id === id);
  if (!call || call.deallocated) {
    throw TapiError.of(
      'INVALCALLHANDLE',
      operation,
      `line "${line.device.name}" holds no call ${id.slice(0, 40)} (it ended, never existed or is on another line)`,
    );
  }
  if (call.state === 'idle') throw TapiError.of('INVALCALLHANDLE', operation, `call ${id} has ended`);
  return call;
}
