// The stop input of the play and record nodes: msg.stop true, or msg.topic "stop". Read defensively (a throwing
// getter is not a stop: the message then fails where it is read again, as a hostile message). No Node-RED import.
import type { NodeMessage } from './node-red';

export function isStopMessage(msg: NodeMessage): boolean {
  try {
    return msg.stop === true || msg.topic === 'stop';
  } catch {
    return false;
  }
}
