// failNext: one-shot injected failures per TAPI function, for testing the model's error paths.
import { LINEERR } from '../../constants';
import { TapiValidationError } from '../../errors';

/** The seam functions, by their TAPI names. */
export const SIMULATED_FUNCTIONS = [
  'lineInitializeEx',
  'lineNegotiateAPIVersion',
  'lineGetDevCaps',
  'lineOpen',
  'lineSetStatusMessages',
  'lineMakeCall',
  'lineDial',
  'lineDrop',
  'lineAnswer',
  'lineDeallocateCall',
  'lineGetCallInfo',
  'lineGetCallStatus',
  'lineClose',
  'lineAccept',
  'lineRedirect',
  'lineBlindTransfer',
  'lineSetupTransfer',
  'lineCompleteTransfer',
  'lineHold',
  'lineUnhold',
  'lineSwapHold',
  'lineGenerateDigits',
  'lineGenerateTone',
  'lineMonitorDigits',
  'lineGatherDigits',
  'lineMonitorTones',
  'lineMonitorMedia',
  'lineSetCallPrivilege',
  'lineSetMediaMode',
  'lineHandoff',
  'lineGetAddressCaps',
  'lineSetAppPriority',
] as const;

export type SimulatedFunction = (typeof SIMULATED_FUNCTIONS)[number];

/** The functions that return a request id and report their result in LINE_REPLY. */
export const ASYNC_FUNCTIONS: ReadonlySet<string> = new Set([
  'lineMakeCall',
  'lineDial',
  'lineDrop',
  'lineAnswer',
  'lineAccept',
  'lineRedirect',
  'lineBlindTransfer',
  'lineSetupTransfer',
  'lineCompleteTransfer',
  'lineHold',
  'lineUnhold',
  'lineSwapHold',
]);

export interface InjectedFailure {
  /** The LINEERR value (unsigned). */
  value: number;
  code: string;
  /** Report it in the LINE_REPLY instead of throwing (async functions only). */
  async: boolean;
}

function normalise(name: string): string {
  // Accept 'lineMakeCallW' / 'lineGetDevCapsW' as well.
  return name.endsWith('W') && !SIMULATED_FUNCTIONS.includes(name as SimulatedFunction) ? name.slice(0, -1) : name;
}

export class Failures {
  private readonly pending = new Map<string, InjectedFailure[]>();

  add(functionName: string, lineErr: string, options: { async?: boolean } = {}): void {
    const fn = normalise(String(functionName));
    if (!SIMULATED_FUNCTIONS.includes(fn as SimulatedFunction)) {
      throw new TapiValidationError(`failNext: unknown function "${functionName}" (one of ${SIMULATED_FUNCTIONS.join(', ')})`);
    }
    const bare = String(lineErr).replace(/^LINEERR_/, '') as keyof typeof LINEERR;
    if (!Object.prototype.hasOwnProperty.call(LINEERR, bare)) {
      throw new TapiValidationError(`failNext: unknown error "${lineErr}" (a LINEERR_* name)`);
    }
    const async = options.async === true;
    if (async && !ASYNC_FUNCTIONS.has(fn)) {
      throw new TapiValidationError(`failNext: ${fn} is synchronous; it cannot fail in a LINE_REPLY`);
    }
    const list = this.pending.get(fn) ?? [];
    list.push({ value: LINEERR[bare], code: `LINEERR_${bare}`, async });
    this.pending.set(fn, list);
  }

  /** The next injected failure for `fn`, consumed. */
  take(fn: SimulatedFunction): InjectedFailure | undefined {
    const list = this.pending.get(fn);
    const failure = list?.shift();
    if (list && list.length === 0) this.pending.delete(fn);
    return failure;
  }

  clear(): void {
    this.pending.clear();
  }
}
