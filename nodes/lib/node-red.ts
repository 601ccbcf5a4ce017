// The small part of Node-RED's runtime API these nodes use, typed by hand (no @types/node-red needed).
import type { EventEmitter } from 'node:events';

export type NodeMessage = Record<string, unknown> & { _msgid?: string; payload?: unknown; topic?: string };

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export type SendFn = (msg: NodeMessage | (NodeMessage | null)[] | null) => void;
export type DoneFn = (err?: Error) => void;

export interface Node extends EventEmitter {
  id: string;
  type: string;
  name?: string;
  z?: string;
  status(status: NodeStatus | string): void;
  send(msg: NodeMessage | (NodeMessage | null)[] | null): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
  debug(message: unknown): void;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): this;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own signature
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export interface ExpressLikeRequest {
  query: Record<string, unknown>;
}
export interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  json(body: unknown): void;
}
type Handler = (req: ExpressLikeRequest, res: ExpressLikeResponse, next?: () => void) => void;

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    getNode(id: string): unknown;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each node type has its own this and config
    registerType(type: string, ctor: (this: any, def: any) => void, opts?: object): void;
  };
  util: {
    evaluateNodeProperty(
      value: unknown,
      type: string,
      node: Node,
      msg: NodeMessage,
      cb?: (err: Error | null, result: unknown) => void,
    ): unknown;
    cloneMessage<T>(msg: T): T;
  };
  log: { info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void; debug(m: unknown): void; trace(m: unknown): void };
  httpAdmin?: { get(path: string, ...handlers: Handler[]): void };
  auth?: { needsPermission(permission: string): Handler };
  _(key: string, substitutions?: Record<string, unknown>): string;
  settings?: Record<string, unknown>;
}
