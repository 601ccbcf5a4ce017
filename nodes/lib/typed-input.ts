// Evaluating a typedInput property of a node for a message. msg properties are read inside a guard
// (readMessageProperty): a throwing getter becomes a validation error flagged `hostile`, never a crash.
import type { Node, NodeAPI, NodeMessage } from './node-red';
import { readMessageProperty } from './safe-input';

export function evaluateTyped(RED: NodeAPI, node: Node, value: string, type: string, msg: NodeMessage): Promise<unknown> {
  if (type === 'msg') {
    const read = readMessageProperty(msg, value);
    return read.ok ? Promise.resolve(read.value) : Promise.reject(Object.assign(read.error, { hostile: true }));
  }
  if (type === 'str' || type === 'num' || type === 'bool' || !['flow', 'global', 'env', 'jsonata'].includes(type)) {
    // Fixed values (and our own list types, whose value is the choice itself).
    if (type === 'num') return Promise.resolve(Number(value));
    if (type === 'bool') return Promise.resolve(value === 'true');
    return Promise.resolve(value);
  }
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(value, type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    } catch (err) {
      reject(err);
    }
  });
}

/** Whether an error came from reading the message itself (it must not be handed back to Node-RED). */
export function isHostile(err: unknown): boolean {
  return !!(err as { hostile?: boolean } | null)?.hostile;
}
