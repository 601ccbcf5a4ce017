// tapi-digits: collect what a caller keys in (lineGatherDigits: up to N digits, terminators, timeouts) on the
// call in msg.call, or send one message per digit (lineMonitorDigits) for msg.call or every call on the line.
import { TapiError, type Call, type DigitEvent } from '../lib/tapi';
import { findCall, readCallId } from './lib/call-lookup';
import { collectDigits } from './lib/gather';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import { safeMessage } from './lib/safe-input';
import type { LineStatusEvent } from './lib/shared-line';
import { digitsStatus, failMessage, lineStatus, noLineStatus, NS } from './lib/status';
import { evaluateTyped, isHostile } from './lib/typed-input';
import { leaveLine, reportUnsendable } from './lib/node-glue';

const TYPES = ['msg', 'flow', 'global', 'str', 'env', 'num', 'jsonata'];

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function Digits(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const str = (v: unknown, fallback: string) => (v === undefined || v === null ? fallback : String(v));
    const type = (v: unknown, fallback: string) => (TYPES.includes(String(v)) ? String(v) : fallback);
    const mode = def.mode === 'every' ? 'every' : 'collect';
    const scope = def.scope === 'line' ? 'line' : 'call';
    const separateTimeouts = def.timeoutOutput !== 'same';
    const digitMode: 'dtmf' | 'pulse' = def.digitMode === 'pulse' ? 'pulse' : 'dtmf';
    const props = {
      maxDigits: [str(def.maxDigits, '4'), type(def.maxDigitsType, 'num')],
      terminators: [str(def.terminators, '#'), type(def.terminatorsType, 'str')],
      firstTimeout: [str(def.firstTimeout, '5'), type(def.firstTimeoutType, 'num')],
      interTimeout: [str(def.interTimeout, '3'), type(def.interTimeoutType, 'num')],
    } as const;
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const usable = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    /** Calls whose digits this node reports (mode every digit). */
    const watched = new Set<string>();
    const collecting = new Set<Call>();
    let closing = false;

    node.onLineStatus = (event: LineStatusEvent) => {
      if (collecting.size === 0)
        node.status(event.state === 'open' && mode === 'every' && scope === 'line' ? digitsStatus(_, 'listening') : lineStatus(_, event));
    };

    const onDigit = (call: Call, event: DigitEvent) => {
      if (closing || mode !== 'every') return;
      if (scope === 'call' && !watched.has(call.id)) return;
      node.status(digitsStatus(_, 'digit', { digit: event.digit }));
      node.send({ topic: 'digit', payload: event.digit, mode: event.mode, at: event.at.toISOString(), call: callRef(call) });
    };
    const onCallState = (call: Call) => {
      if (closing || call.ended || call.state === 'disconnected' || watched.has(call.id)) return;
      // Every call on the line: monitor it once it can report digits (connected).
      if (call.state !== 'connected') return;
      try {
        call.monitorDigits([digitMode]);
        watched.add(call.id);
        call.once('deallocated', () => watched.delete(call.id));
      } catch (err) {
        node.warn((err as Error).message);
      }
    };

    if (usable) {
      usable.shared.on('digit', onDigit);
      if (mode === 'every' && scope === 'line') usable.shared.on('callstate', onCallState);
      usable.register(node);
    } else node.status(noLineStatus(_));

    async function number(name: keyof typeof props, msg: NodeMessage, scale: number): Promise<number> {
      const value = Number(await evaluateTyped(RED, node, props[name][0], props[name][1], msg));
      if (!Number.isFinite(value) || value < 0) throw TapiError.of('INVALPARAM', 'lineGatherDigits', `${name} must be a number >= 0`);
      return Math.round(value * scale);
    }

    async function handle(msg: NodeMessage, send: SendFn): Promise<void> {
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'lineGatherDigits', 'no tapi-line configuration selected');
      if (mode === 'every' && scope === 'line') return; // every call is followed already; input is not needed
      const id = readCallId(msg);
      if (!id.ok) throw id.hostile ? Object.assign(id.error, { hostile: true }) : id.error;
      const line = await usable.shared.getLine();
      if (mode === 'every') {
        const call = findCall(line, id.id, 'lineMonitorDigits');
        call.monitorDigits([digitMode]);
        watched.add(call.id);
        call.once('deallocated', () => watched.delete(call.id));
        node.status(digitsStatus(_, 'listening'));
        return;
      }
      const maxDigits = await number('maxDigits', msg, 1);
      const terminators = String((await evaluateTyped(RED, node, props.terminators[0], props.terminators[1], msg)) ?? '');
      const firstTimeoutMs = await number('firstTimeout', msg, 1000);
      const interTimeoutMs = await number('interTimeout', msg, 1000);
      const call = findCall(line, id.id, 'lineGatherDigits');
      collecting.add(call);
      node.status(digitsStatus(_, 'collecting'));
      try {
        const got = await collectDigits(call, { maxDigits, terminators, firstTimeoutMs, interTimeoutMs, modes: [digitMode] });
        if (closing) return;
        msg.payload = got.payload;
        msg.digits = got.digits;
        msg.termination = got.termination;
        if (got.reason !== null) msg.reason = got.reason;
        msg.call = callRef(call);
        const timedOut = got.termination === 'firsttimeout' || got.termination === 'intertimeout' || got.termination === 'cancel';
        node.status(
          timedOut
            ? digitsStatus(_, got.termination === 'cancel' ? 'cancelled' : 'timeout')
            : digitsStatus(_, 'got', { digits: got.payload }),
        );
        if (separateTimeouts) send(timedOut ? [null, msg] : [msg, null]);
        else send(msg);
      } finally {
        collecting.delete(call);
      }
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      handle(msg, send)
        .then(
          () => done(),
          (err: unknown) => {
            if (isHostile(err)) {
              const error = err as Error;
              node.status({ fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: 'VALIDATION' }) });
              node.error(error, safeMessage(msg, error));
              done();
              return;
            }
            failMessage(node, _, err, done);
          },
        )
        .catch(reportUnsendable(node, done));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      for (const call of collecting) {
        try {
          call.cancelGather();
        } catch {
          // already gone
        }
      }
      usable?.shared.off('digit', onDigit);
      usable?.shared.off('callstate', onCallState);
      leaveLine(usable, node, done);
    });
  }

  RED.nodes.registerType('tapi-digits', Digits);
};
