// Bounded retries for the functions that give something back to TAPI (lineDeallocateCall, lineClose,
// lineShutdown). A failure there must not be swallowed: the handle would stay held in TAPI while the model
// says it is gone. Retried a few times (the causes are transient: RESOURCEUNAVAIL, NOMEM), then reported.
import { TapiError } from './errors';

/** Attempts in all, and the pause before each retry (ms). */
export const CLEANUP_RETRY_DELAYS_MS = [10, 50, 200];

/** A handle that is already gone: nothing is held any more, so there is nothing to retry. */
export const GONE_CODES: ReadonlySet<string> = new Set([
  'LINEERR_INVALCALLHANDLE',
  'LINEERR_INVALLINEHANDLE',
  'LINEERR_INVALAPPHANDLE',
  'LINEERR_UNINITIALIZED',
]);

export function isGone(error: unknown): boolean {
  return error instanceof TapiError && GONE_CODES.has(error.code);
}

/** The error a failed cleanup is reported with ('cleanuperror' on the Tapi). */
export interface CleanupFailure {
  /** 'lineDeallocateCall', 'lineClose' or 'lineShutdown'. */
  operation: string;
  error: Error;
  /** How many times it was tried. */
  attempts: number;
}

/**
 * Runs `give` until it succeeds or says the handle is gone (resolves 'done' / 'gone'), at most
 * 1 + CLEANUP_RETRY_DELAYS_MS.length times; then rejects with the last error, its `attempts` attached.
 */
export async function retryCleanup(give: () => void, delays: readonly number[] = CLEANUP_RETRY_DELAYS_MS): Promise<'done' | 'gone'> {
  for (let attempt = 0; ; attempt++) {
    try {
      give();
      return 'done';
    } catch (error) {
      if (isGone(error)) return 'gone';
      if (attempt >= delays.length) {
        Object.defineProperty(error, 'attempts', { value: attempt + 1, enumerable: false, configurable: true });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

export function attemptsOf(error: unknown): number {
  const n = (error as { attempts?: unknown } | null)?.attempts;
  return typeof n === 'number' ? n : 1;
}
