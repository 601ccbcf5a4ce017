// Two bench-only node types, registered in the same Node-RED runtime as the package's nodes:
//  * bench-source: the baseline node. It computes nothing: the bench makes it send messages shaped like
//    tapi-call-state's (topic, payload with the same twelve fields, call reference) to the same
//    downstream node.
//  * bench-sink: the downstream node both paths are wired to; it hands every input to the bench.
// The bench and Node-RED share this module (same resolved file), hence `state`.
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../nodes/lib/node-red';

interface BenchNodesState {
  source?: Node;
  onInput: (msg: NodeMessage) => void;
}

const state: BenchNodesState = { onInput: () => undefined };

/** The HTML file Node-RED requires beside a node module (the editor is not used by the bench). */
const HTML = `<script type="text/javascript">
RED.nodes.registerType('bench-source', { category: 'function', defaults: {}, inputs: 0, outputs: 1, label: 'bench source' });
RED.nodes.registerType('bench-sink', { category: 'function', defaults: {}, inputs: 1, outputs: 0, label: 'bench sink' });
</script>
`;

function register(RED: NodeAPI): void {
  function BenchSource(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    state.source = this;
  }
  RED.nodes.registerType('bench-source', BenchSource);

  function BenchSink(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    this.on('input', (msg: NodeMessage, _send: unknown, done: () => void) => {
      state.onInput(msg);
      done();
    });
  }
  RED.nodes.registerType('bench-sink', BenchSink);
}

register.state = state;
register.HTML = HTML;
export = register;
