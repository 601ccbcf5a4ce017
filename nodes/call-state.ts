// tapi-call-state: one message per LINE_CALLSTATE transition of every call on the line (placed here,
// incoming or monitored), in order, none lost; filtered by state and by origin.
import type { Call, CallStateEvent } from '../lib/tapi';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef, callStatePayload, numberProp, parseLines } from './lib/messages';
import { CallerFilter } from './lib/caller-filter';
import type { NodeAPI, NodeDef, NodeMessage } from './lib/node-red';
import type { LineStatusEvent } from './lib/shared-line';
import { autoAnswerStatus, lineStatus, noLineStatus } from './lib/status';
import { leaveLine } from './lib/node-glue';

type OriginFilter = 'all' | 'outbound' | 'inbound';
const ORIGINS: readonly OriginFilter[] = ['all', 'outbound', 'inbound'];

/** `states` as saved by the editor (array) or written by hand ("busy, idle"); empty = every state. */
function parseStates(value: unknown): Set<string> {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return new Set(list.map((s) => String(s).trim().toLowerCase()).filter(Boolean));
}

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function CallState(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const states = parseStates(def.states);
    const origin: OriginFilter = ORIGINS.includes(def.origin as OriginFilter) ? (def.origin as OriginFilter) : 'all';
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const autoAnswer = def.autoAnswer === true || def.autoAnswer === 'true';
    const autoAnswerRings = Math.floor(numberProp(def.autoAnswerRings, 2));
    let filter: CallerFilter | undefined;
    try {
      filter = new CallerFilter(parseLines(def.callerAllow), parseLines(def.callerDeny));
    } catch (err) {
      // A bad pattern: the node says so and passes nothing rather than everything.
      node.error(err);
      node.status({
        fill: 'red',
        shape: 'ring',
        text: _('node-red-contrib-tapi/tapi-line:tapi-line.status.error', { code: 'VALIDATION' }),
      });
    }
    const passes = (call: Call) => filter !== undefined && filter.passes(call.info.callerId);
    /** Rings heard per offering call waiting to be answered automatically. */
    const rings = new WeakMap<Call, number>();
    const answering = new WeakSet<Call>();

    function answerNow(call: Call): void {
      if (answering.has(call)) return;
      answering.add(call);
      if (call.privilege !== 'owner') {
        node.warn('auto-answer needs the owner privilege: open the line with the owner privilege');
        node.status(autoAnswerStatus(_, 'notowner'));
        return;
      }
      call.answer().then(
        () => node.status(autoAnswerStatus(_, 'answered')),
        (err: unknown) => node.error(err, { call: callRef(call), payload: { callId: call.id } }),
      );
    }

    function wantsAnswer(call: Call): boolean {
      return autoAnswer && call.state === 'offering' && call.info.origin === 'inbound' && passes(call) && !answering.has(call);
    }

    const onRinging = () => {
      const line = lineNode?.shared.line;
      if (!line) return;
      for (const call of line.calls) {
        if (!wantsAnswer(call)) continue;
        const heard = (rings.get(call) ?? 0) + 1;
        rings.set(call, heard);
        if (heard >= autoAnswerRings) answerNow(call);
      }
    };

    const onCallState = (call: Call, event: CallStateEvent) => {
      try {
        if (event.state === 'offering' && autoAnswerRings === 0 && wantsAnswer(call)) answerNow(call);
        if (states.size > 0 && !states.has(event.state)) return;
        const callOrigin = call.info.origin;
        if (origin !== 'all' && callOrigin !== origin) return;
        if (!passes(call)) return;
        const msg: NodeMessage = {
          topic: event.state,
          payload: callStatePayload(call, event),
          call: callRef(call),
        };
        node.send(msg);
      } catch (err) {
        node.error(err);
      }
    };

    node.onLineStatus = (event: LineStatusEvent) => node.status(lineStatus(_, event));

    if (lineNode && typeof lineNode.register === 'function') {
      lineNode.shared.on('callstate', onCallState);
      if (autoAnswer) lineNode.shared.on('ringing', onRinging);
      lineNode.register(node);
    } else {
      node.status(noLineStatus(_));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      if (!lineNode || typeof lineNode.register !== 'function') {
        done();
        return;
      }
      lineNode.shared.off('callstate', onCallState);
      lineNode.shared.off('ringing', onRinging);
      leaveLine(lineNode, node, done);
    });
  }

  RED.nodes.registerType('tapi-call-state', CallState);
};
