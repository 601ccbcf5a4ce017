// tapi-make-call: msg -> lineMakeCall on the configured line; one output message per call, when the call
// reaches the chosen state (placed / connected / ended) or ends before it. Errors go to done(err).
import { TapiError, type CallParamsOptions } from '../lib/tapi';
import { CallTracker, type SendWhen } from './lib/call-tracker';
import { CallQueue } from './lib/call-queue';
import type { Call } from '../lib/tapi';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef, numberProp, parseDestination, type Destination } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import type { LineStatusEvent } from './lib/shared-line';
import { withTimeout } from './lib/shared-line';
import { readMessageProperty, safeMessage } from './lib/safe-input';
import {
  callEndedStatus,
  callProgressStatus,
  callsStatus,
  failMessage,
  lineStatus,
  noLineStatus,
  placingStatus,
  queuedStatus,
} from './lib/status';

/** Editor defaults; the runtime uses exactly these for properties a flow leaves out. */
const MAKE_CALL_DEFAULTS = {
  destination: 'payload',
  destinationType: 'msg',
  countryCode: '',
  bearerMode: '',
  mediaMode: '',
  origAddress: '',
  blockCallerId: false,
  sendWhen: 'connected' as SendWhen,
  noAnswerTimeout: 0,
  maxDuration: 0,
  queue: true,
  queueLimit: 20,
  queueWait: 60,
  partialDial: false,
};

const SEND_WHEN: readonly SendWhen[] = ['placed', 'connected', 'ended'];
const DESTINATION_TYPES = ['msg', 'flow', 'global', 'str', 'env', 'num', 'jsonata'];
const CLOSE_WAIT_MS = 8000;

interface MakeCallNode extends LineUser {
  lineNode?: TapiLineNode;
}

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function MakeCall(this: MakeCallNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const str = (v: unknown, fallback: string) => (v === undefined || v === null ? fallback : String(v));
    const destination = str(def.destination, MAKE_CALL_DEFAULTS.destination);
    const destinationType = DESTINATION_TYPES.includes(String(def.destinationType))
      ? String(def.destinationType)
      : MAKE_CALL_DEFAULTS.destinationType;
    const countryCodeProp = str(def.countryCode, MAKE_CALL_DEFAULTS.countryCode).trim();
    const sendWhen = SEND_WHEN.includes(def.sendWhen as SendWhen) ? (def.sendWhen as SendWhen) : MAKE_CALL_DEFAULTS.sendWhen;
    const noAnswerTimeout = numberProp(def.noAnswerTimeout, MAKE_CALL_DEFAULTS.noAnswerTimeout);
    const maxDuration = numberProp(def.maxDuration, MAKE_CALL_DEFAULTS.maxDuration);
    const baseParams: CallParamsOptions = {};
    const bearerMode = str(def.bearerMode, '').trim();
    const mediaMode = str(def.mediaMode, '').trim();
    const origAddress = str(def.origAddress, '').trim();
    if (bearerMode) baseParams.bearerMode = bearerMode;
    if (mediaMode) baseParams.mediaMode = mediaMode;
    if (origAddress) baseParams.origAddress = origAddress;
    if (def.blockCallerId === true || def.blockCallerId === 'true') baseParams.blockId = true;
    const flag = (v: unknown, fallback: boolean) => (v === undefined || v === null || v === '' ? fallback : v === true || v === 'true');
    const queueing = flag(def.queue, MAKE_CALL_DEFAULTS.queue);
    const partialDial = flag(def.partialDial, MAKE_CALL_DEFAULTS.partialDial);
    const queueLimit = Math.floor(numberProp(def.queueLimit, MAKE_CALL_DEFAULTS.queueLimit));
    const queueWaitMs = numberProp(def.queueWait, MAKE_CALL_DEFAULTS.queueWait) * 1000;

    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    node.lineNode = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    const trackers = new Set<CallTracker>();
    /** The last state of each call in progress, in the order they were placed (for the status). */
    const states = new Map<CallTracker, string>();
    let closing = false;
    const queue = new CallQueue<Call>({ limit: queueLimit, waitMs: queueWaitMs }, () => showProgress());

    /** One call: its state; several: `2 calls: ringback, connected`; calls waiting: `queued (3)`. */
    function showProgress(): void {
      if (closing) return;
      if (queue.size > 0) {
        node.status(queuedStatus(_, queue.size));
        return;
      }
      const list = [...states.values()];
      if (list.length === 1) node.status(callProgressStatus(_, list[0]));
      else if (list.length > 1) node.status(callsStatus(_, list));
    }

    node.onLineStatus = (event: LineStatusEvent) => {
      // While calls are in progress their state is more telling than "line open".
      if ((trackers.size > 0 || queue.size > 0) && event.state === 'open') return;
      node.status(lineStatus(_, event));
    };

    // A call ending anywhere on the line may free the call appearance a queued call waits for.
    const onLineCallState = (_call: Call, event: { state: string }) => {
      if (event.state === 'idle') setImmediate(() => queue.kick());
    };
    if (node.lineNode) {
      node.lineNode.register(node);
      node.lineNode.shared.on('callstate', onLineCallState);
    } else node.status(noLineStatus(_));

    /** The destination, read once; msg properties are copied inside a guard (a throwing getter is a validation error). */
    function resolveDestination(msg: NodeMessage): Promise<unknown> {
      if (destinationType === 'msg') {
        const read = readMessageProperty(msg, destination);
        return read.ok ? Promise.resolve(read.value) : Promise.reject(Object.assign(read.error, { hostile: true }));
      }
      return new Promise((resolve, reject) => {
        try {
          RED.util.evaluateNodeProperty(destination, destinationType, node, msg, (err, value) => (err ? reject(err) : resolve(value)));
        } catch (err) {
          reject(err);
        }
      });
    }

    async function place(msg: NodeMessage, send: SendFn, done: DoneFn): Promise<void> {
      if (!node.lineNode) throw TapiError.of('INVALLINEHANDLE', 'lineMakeCall', 'no tapi-line configuration selected');
      const value = await resolveDestination(msg);
      const dest: Destination | undefined = parseDestination(value);
      if (!dest) throw TapiError.of('INVALADDRESS', 'lineMakeCall', 'give the number as a string or as { address }');
      if (dest.address === '') throw TapiError.of('INVALADDRESS', 'lineMakeCall', 'the number is empty');
      const partial = dest.address !== null && dest.address.endsWith(';');
      if (partial && !partialDial) {
        // Partial dialling needs someone to continue the call with lineDial; until a node does, refuse it
        // rather than leave a call in dial tone holding a call appearance.
        throw TapiError.of(
          'INVALADDRESS',
          'lineMakeCall',
          "the number ends in ';' (incomplete): make-call dials complete numbers only unless its partial dialling mode is on (then continue with call control: dial); or dial in parts from a program with call.dial()",
        );
      }
      const params: CallParamsOptions = { ...baseParams, ...(dest.params as CallParamsOptions | undefined) };
      let countryCode = dest.countryCode;
      if (countryCode === undefined && countryCodeProp !== '') countryCode = Number(countryCodeProp);
      const options: { countryCode?: number; params?: CallParamsOptions } = {};
      if (countryCode !== undefined) options.countryCode = countryCode;
      if (Object.keys(params).length > 0) options.params = params;

      const startedAt = new Date();
      node.status(placingStatus(_));
      const shared = node.lineNode.shared;
      const address0 = dest.address;
      let call: Call;
      if (queueing) {
        // A number the policy refuses must not wait for a call appearance first.
        (await shared.getLine()).policy.check(address0);
        call = await queue.run(() => shared.makeCall(address0, options));
      } else {
        call = await shared.makeCall(address0, options);
      }
      const address = dest.address ?? '';
      if (closing) {
        await call.release();
        done();
        return;
      }
      let sent = false;
      // Partial dialling: the call is handed on in dial tone for call control to continue (dial).
      const when: SendWhen = partial ? 'placed' : sendWhen;
      const tracker: CallTracker = new CallTracker(
        call,
        address,
        startedAt,
        { sendWhen: when, noAnswerTimeout, maxDuration },
        {
          send(payload) {
            sent = true;
            msg.call = callRef(call);
            msg.payload = payload;
            send(msg);
            done();
          },
          progress(event) {
            states.set(tracker, event.state);
            showProgress();
          },
          finished(payload) {
            trackers.delete(tracker);
            states.delete(tracker);
            if (!sent) done();
            if (!closing && trackers.size === 0 && queue.size === 0) node.status(callEndedStatus(_, payload.outcome));
            else showProgress();
            queue.kick();
          },
        },
      );
      trackers.add(tracker);
      states.set(tracker, call.state ?? 'dialtone');
      tracker.start();
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      place(msg, send, done).catch((err: unknown) => {
        if ((err as { closing?: boolean } | null)?.closing) {
          done();
          return;
        }
        if ((err as { hostile?: boolean } | null)?.hostile) {
          // The message itself cannot be read: never hand it back to Node-RED (done(err) would clone it).
          const error = err as Error;
          node.status({ fill: 'red', shape: 'ring', text: _('tapi-line.status.error', { code: 'VALIDATION' }) });
          node.error(error, safeMessage(msg, error));
          done();
          return;
        }
        failMessage(node, _, err, done);
      });
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      queue.close(Object.assign(TapiError.of('CALLUNAVAIL', 'lineMakeCall', 'the node closed while the call waited'), { closing: true }));
      node.lineNode?.shared.off('callstate', onLineCallState);
      const aborting = Promise.all([...trackers].map((t) => t.abort('dropped')));
      withTimeout(aborting, CLOSE_WAIT_MS)
        .catch(() => undefined)
        .then(() => (node.lineNode ? node.lineNode.deregister(node) : undefined))
        .catch(() => undefined)
        .then(() => done());
    });
  }

  RED.nodes.registerType('tapi-make-call', MakeCall);
};
