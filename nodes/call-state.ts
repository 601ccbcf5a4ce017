// tapi-call-state: one message per LINE_CALLSTATE transition of every call on the line (placed here,
// incoming or monitored), in order, none lost; filtered by state and by origin.
import type { Call, CallStateEvent } from '../lib/tapi';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef, callStatePayload } from './lib/messages';
import type { NodeAPI, NodeDef, NodeMessage } from './lib/node-red';
import type { LineStatusEvent } from './lib/shared-line';
import { lineStatus, noLineStatus } from './lib/status';

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

    const onCallState = (call: Call, event: CallStateEvent) => {
      try {
        if (states.size > 0 && !states.has(event.state)) return;
        const callOrigin = call.info.origin;
        if (origin !== 'all' && callOrigin !== origin) return;
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
      lineNode.deregister(node).then(
        () => done(),
        () => done(),
      );
    });
  }

  RED.nodes.registerType('tapi-call-state', CallState);
};
