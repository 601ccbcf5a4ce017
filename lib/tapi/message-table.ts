// Which object owns each LINE_* message: the request table (LINE_REPLY), the call (states, info, digits,
// tones, media, generate and gather completions), the line and the app (device states, close, create,
// remove). Tapi only looks the message up here; messages not listed are ignored.
import { LINE_MESSAGE } from './constants';
import type { Call } from './call';
import type { CallSignals } from './call-signals';
import type { LineMessage } from './provider';
import type { RequestTable } from './requests';

export type MessageRoute = (message: LineMessage) => void;

export interface MessageOwners {
  requests: RequestTable;
  callOf(hCall: number): Call | undefined;
  signals: CallSignals;

  callState: MessageRoute;
  callInfo: MessageRoute;
  appNewCall: MessageRoute;
  lineDevState: MessageRoute;
  lineClose: MessageRoute;
  lineCreate: MessageRoute;
  lineRemove: MessageRoute;
}

export function messageTable(o: MessageOwners): ReadonlyMap<number, MessageRoute> {
  // The call's features are read again (lazily) after its states and info; a state can also change what the
  // line's other calls can do (complete a transfer, swap hold), so theirs are read again too.
  const withFeatures =
    (route: MessageRoute): MessageRoute =>
    (m) => {
      route(m);
      const call = o.callOf(m.hDevice);
      if (!call) return;
      if (m.messageId !== LINE_MESSAGE.LINE_CALLSTATE) call.invalidateFeatures();
      else for (const c of call.line.callsByHandle.values()) c.invalidateFeatures();
    };
  const toCall: MessageRoute = (m) => {
    const call = o.callOf(m.hDevice);
    if (call) o.signals.onMessage(call, m);
  };
  return new Map<number, MessageRoute>([
    [LINE_MESSAGE.LINE_REPLY, (m) => o.requests.reply(m)],
    [LINE_MESSAGE.LINE_CALLSTATE, withFeatures(o.callState)],
    [LINE_MESSAGE.LINE_CALLINFO, withFeatures(o.callInfo)],
    [LINE_MESSAGE.LINE_APPNEWCALL, o.appNewCall],
    [LINE_MESSAGE.LINE_MONITORDIGITS, toCall],
    [LINE_MESSAGE.LINE_GENERATE, toCall],
    [LINE_MESSAGE.LINE_GATHERDIGITS, toCall],
    [LINE_MESSAGE.LINE_MONITORTONE, toCall],
    [LINE_MESSAGE.LINE_MONITORMEDIA, toCall],
    [LINE_MESSAGE.LINE_LINEDEVSTATE, o.lineDevState],
    [LINE_MESSAGE.LINE_CLOSE, o.lineClose],
    [LINE_MESSAGE.LINE_CREATE, o.lineCreate],
    [LINE_MESSAGE.LINE_REMOVE, o.lineRemove],
  ]);
}
