// tapi-call-control: one action (answer, hold, transfer, consult, send digits, ...) on the call named by
// msg.call; one output message when it has completed, a refusal or failure to done(err) with its LINEERR.
import { TapiError, type StandardTone, type TransferMode } from '../lib/tapi';
import { ACTIONS, ACTION_NEEDS, actionName, runAction, type ActionInput, type ActionName } from './lib/call-actions';
import { findCall, readCallId } from './lib/call-lookup';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef, numberProp } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import { safeMessage } from './lib/safe-input';
import type { LineStatusEvent } from './lib/shared-line';
import { actionStatus, lineStatus, noLineStatus, NS, runningStatus } from './lib/status';
import { evaluateTyped, isHostile } from './lib/typed-input';
import { leaveLine, reportUnsendable } from './lib/node-glue';

const TONES: readonly StandardTone[] = ['beep', 'busy', 'ringback', 'billing'];
const TYPES = ['msg', 'flow', 'global', 'str', 'env', 'num', 'jsonata'];

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function CallControl(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const str = (v: unknown, fallback: string) => (v === undefined || v === null ? fallback : String(v));
    const type = (v: unknown, fallback: string) => (TYPES.includes(String(v)) || v === 'tapi-action' ? String(v) : fallback);
    const action = str(def.action, 'answer');
    const actionType = type(def.actionType, 'tapi-action');
    const destination = str(def.destination, '');
    const destinationType = type(def.destinationType, 'str');
    const digits = str(def.digits, '');
    const digitsType = type(def.digitsType, 'str');
    const tone: StandardTone = TONES.includes(def.tone as StandardTone) ? (def.tone as StandardTone) : 'beep';
    const toneDurationMs = Math.round(numberProp(def.toneDuration, 1) * 1000);
    const completeMode: TransferMode = def.completeMode === 'conference' ? 'conference' : 'transfer';
    const consultTimeoutMs = Math.round(numberProp(def.consultTimeout, 30) * 1000);
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const usable = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    let running = 0;
    let closing = false;

    node.onLineStatus = (event: LineStatusEvent) => {
      if (running === 0) node.status(lineStatus(_, event));
    };
    if (usable) usable.register(node);
    else node.status(noLineStatus(_));

    async function act(
      msg: NodeMessage,
      seen: { name?: ActionName },
    ): Promise<{ name: ActionName; payload: Record<string, unknown>; msg: NodeMessage }> {
      const chosen = actionType === 'tapi-action' ? action : await evaluateTyped(RED, node, action, actionType, msg);
      const name = actionName(chosen);
      if (!name) {
        throw TapiError.of(
          'INVALPARAM',
          'call control',
          `unknown action ${JSON.stringify(String(chosen)).slice(0, 40)}: one of ${ACTIONS.join(', ')}`,
        );
      }
      seen.name = name;
      const op = ACTION_NEEDS[name].operation;
      if (!usable) throw TapiError.of('INVALLINEHANDLE', op, 'no tapi-line configuration selected');
      const id = readCallId(msg);
      if (!id.ok) throw id.hostile ? Object.assign(id.error, { hostile: true }) : id.error;
      const input: ActionInput = { tone, toneDurationMs, completeMode, consultTimeoutMs };
      if (['transfer', 'consult', 'redirect', 'dial'].includes(name)) {
        const value = await evaluateTyped(RED, node, destination, destinationType, msg);
        input.destination =
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
            ? String(value)
            : typeof value === 'string'
              ? value
              : undefined;
      }
      if (name === 'senddigits') {
        const value = await evaluateTyped(RED, node, digits, digitsType, msg);
        input.digits =
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
            ? String(value)
            : typeof value === 'string'
              ? value
              : undefined;
      }
      const line = await usable.shared.getLine();
      const call = findCall(line, id.id, op);
      node.status(runningStatus(_, _(NS.callControl + 'action.' + name)));
      const result = await runAction(name, call, input);
      const payload: Record<string, unknown> = { action: name, callId: call.id, state: call.deallocated ? 'idle' : call.state, ok: true };
      if (result.other) {
        payload.otherCallId = result.other.id;
        msg.otherCall = callRef(result.other);
      }
      return { name, payload, msg };
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      running++;
      const seen: { name?: ActionName } = {};
      act(msg, seen)
        .then(
          ({ name, payload }) => {
            running--;
            msg.payload = payload;
            node.status(actionStatus(_, _(NS.callControl + 'action.' + name), null));
            send(msg);
            done();
          },
          (err: unknown) => {
            running--;
            const error = err instanceof Error ? err : new Error(String(err));
            if (isHostile(err)) {
              // The message itself cannot be read: never hand it back to Node-RED (done(err) would clone it).
              node.status({ fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: 'VALIDATION' }) });
              node.error(error, safeMessage(msg, error));
              done();
              return;
            }
            node.status(actionStatus(_, seen.name ? _(NS.callControl + 'action.' + seen.name) : '?', error));
            done(error);
          },
        )
        .catch(reportUnsendable(node, done));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      leaveLine(usable, node, done);
    });
  }

  RED.nodes.registerType('tapi-call-control', CallControl);
};
