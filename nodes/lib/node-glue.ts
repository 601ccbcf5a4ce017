// Two pieces of runtime glue every node that acts on calls needs, written once.
import type { LineUser, TapiLineNode } from './line-node';
import type { Node } from './node-red';

/**
 * The last `.catch` of an input handler. Writing to or sending a message whose properties throw (a hostile
 * setter) must not become an unhandled rejection: Node-RED would exit.
 */
export function reportUnsendable(node: Node, done: () => void): (err: unknown) => void {
  return (err: unknown) => {
    try {
      node.error(err);
    } catch {
      // nothing more can be reported
    }
    done();
  };
}

/** The close handler's end: leave the line (if there is one), then tell Node-RED, whatever happened. */
export function leaveLine(lineNode: TapiLineNode | undefined, user: LineUser, done: () => void): void {
  if (!lineNode) {
    done();
    return;
  }
  lineNode.deregister(user).then(
    () => done(),
    () => done(),
  );
}
