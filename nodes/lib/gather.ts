// One digit collection (lineGatherDigits) on a call, ended early when the call ends: the result then has
// termination 'cancel' and the call's end reason. No Node-RED import.
import type { Call, GatherDigitsOptions, GatherTermination } from '../../lib/tapi';

export interface Collected {
  /** What the caller entered, the terminating digit left out. */
  payload: string;
  /** As TAPI gathered them (with the terminator). */
  digits: string;
  termination: GatherTermination;
  /** Why the call ended, when termination is 'cancel' because it did ('normal', 'busy', ...); else null. */
  reason: string | null;
}

function endReason(call: Call): string | null {
  const disconnect = [...call.history].reverse().find((e) => e.state === 'disconnected');
  if (disconnect) return disconnect.mode ?? 'unknown';
  return call.ended ? 'idle' : null;
}

/** Rejects with the library's TapiError when the call cannot gather now; never leaves a listener behind. */
export async function collectDigits(call: Call, options: GatherDigitsOptions): Promise<Collected> {
  const gathering = call.gatherDigits(options);
  let ended = false;
  const onState = () => {
    if (!ended && (call.state === 'disconnected' || call.state === 'idle')) {
      ended = true;
      try {
        call.cancelGather();
      } catch {
        // The handle is already gone: the library settles the gather as cancelled.
      }
    }
  };
  call.on('state', onState);
  try {
    const result = await gathering;
    const terminators = (options.terminators ?? '').toUpperCase();
    let payload = result.digits;
    if (result.termination === 'termdigit' && payload.length > 0 && terminators.includes(payload[payload.length - 1].toUpperCase())) {
      payload = payload.slice(0, -1);
    }
    return {
      payload,
      digits: result.digits,
      termination: result.termination,
      reason: result.termination === 'cancel' ? endReason(call) : null,
    };
  } finally {
    call.off('state', onState);
  }
}
