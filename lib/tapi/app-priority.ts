// lineSetAppPriorityW as an explicit admin action. Never called by this package on its own: the setting is
// PERSISTENT (survives reboots), MACHINE-WIDE and keyed by the executable's file name — and every Node program
// (Node-RED, test runners, scripts) is `node.exe`, so one call covers all of them and outlives this process.
import { LINEMEDIAMODE, LINEREQUESTMODE } from './constants';
import { TapiError } from './errors';
import type { Tapi } from './tapi';

export interface AppPriorityOptions {
  /** Executable file name without directory (default 'node.exe'). */
  appFilename?: string;
  /** LINEMEDIAMODE name or bit the priority is for (default 'interactivevoice'); 0 with requestMode 'makecall' = Assisted Telephony. */
  mediaMode?: string | number;
  /** Only for mediaMode 0: 'makecall' (LINEREQUESTMODE_MAKECALL). */
  requestMode?: 'makecall';
  /** true = first for that media mode (1), false = removed from the list (0). */
  first: boolean;
}

export function setAppPriority(tapi: Tapi, options: AppPriorityOptions): void {
  const op = 'lineSetAppPriority';
  const appFilename = options.appFilename ?? 'node.exe';
  if (typeof appFilename !== 'string' || appFilename === '' || /[\\/:]/.test(appFilename)) {
    throw TapiError.of('INVALAPPNAME', op, 'give the executable file name without a directory');
  }
  const mode = options.mediaMode ?? 'interactivevoice';
  const mediaMode = typeof mode === 'number' ? mode : (LINEMEDIAMODE as Record<string, number>)[String(mode).toUpperCase()];
  if (mediaMode === undefined) throw TapiError.of('INVALMEDIAMODE', op, `unknown media mode "${String(mode)}"`);
  const requestMode = options.requestMode === 'makecall' ? LINEREQUESTMODE.MAKECALL : 0;
  if (typeof options.first !== 'boolean') throw TapiError.of('INVALPARAM', op, 'first must be true or false');
  tapi.lineProvider.setAppPriority(appFilename, mediaMode, requestMode, options.first ? 1 : 0);
}
