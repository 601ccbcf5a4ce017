// What the call-control and signal operations need from the Tapi that owns the calls (internal).
import type { Call } from './call';
import type { Line } from './line';
import type { LineProvider } from './provider';
import type { RequestTable } from './requests';
import type { CallInfoSummary, PrivilegeName } from './types';

export interface OperationContext {
  /** The provider in use now (it changes after TAPI re-initialises). */
  provider(): LineProvider;
  readonly requests: RequestTable;
  /** Throws LINEERR_UNINITIALIZED / REINIT / INVALCALLHANDLE when the call cannot be acted on. */
  assertCall(call: Call, operation: string): void;
  /** Maps a handle TAPI gave us (consultation, conference call) to a new Call and replays its early states. */
  adoptCall(line: Line, hCall: number, privilege: PrivilegeName, info: CallInfoSummary): Call;
  /** Emits after the current message batch (the rule that keeps events in order and none lost). */
  post(emit: () => void): void;
  /**
   * The dial policy and dialable-address check every destination passes before it is sent (`dial` does the
   * same through Tapi.checkDialString): one place, so the hardened policy can replace it.
   */
  checkDestination(line: Line, address: string, accumulated: string, operation: string): boolean;
}
