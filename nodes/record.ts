// tapi-record: records what the far end of the call in msg.call says (call.record: the line's wave/in device)
// up to a maximum duration, a stop digit, silence, hang-up or a stop message (msg.stop true or topic "stop":
// call.stopRecording). Output: the recording as a WAV Buffer, or the path of the file written into the node's
// folder, with msg.recording { durationMs, reason }. A line without wave devices: LINEERR_INVALDEVICECLASS.
import * as path from 'node:path';
import { TapiError, type Call, type RecordResult } from '../lib/tapi';
import { baseDirectory } from './lib/audio-input';
import { findCall, readCallId } from './lib/call-lookup';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { isNoAudioDevice, recordStatus, seconds } from './lib/media-status';
import { callRef, numberProp } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import { checkedMessageName, DEFAULT_TEMPLATE, fileNameFrom, writeNewFile } from './lib/recording-file';
import { readMessageProperty, safeMessage } from './lib/safe-input';
import { isStopMessage } from './lib/stop-input';
import type { LineStatusEvent } from './lib/shared-line';
import { failMessage, lineStatus, noLineStatus, NS } from './lib/status';
import { isHostile } from './lib/typed-input';
import { leaveLine, reportUnsendable } from './lib/node-glue';

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function Record(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const maxMs = Math.round(numberProp(def.maxDuration, 60) * 1000);
    const silenceMs = Math.round(numberProp(def.silence, 0) * 1000);
    const stopOnDigits = typeof def.stopOnDigits === 'string' ? def.stopOnDigits.trim() : '#';
    const toFile = def.output === 'file';
    const folder = path.resolve(
      baseDirectory(RED.settings),
      typeof def.folder === 'string' && def.folder.trim() ? def.folder.trim() : 'recordings',
    );
    const template = typeof def.filename === 'string' && def.filename.trim() ? def.filename.trim() : DEFAULT_TEMPLATE;
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const usable = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    const recording = new Set<Call>();
    let closing = false;

    node.onLineStatus = (event: LineStatusEvent) => {
      if (recording.size === 0) node.status(lineStatus(_, event));
    };
    if (usable) usable.register(node);
    else node.status(noLineStatus(_));

    async function stop(msg: NodeMessage): Promise<void> {
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'stopRecording', 'no tapi-line configuration selected');
      const id = readCallId(msg);
      if (!id.ok) {
        if (id.hostile) throw Object.assign(id.error, { hostile: true });
        for (const call of recording) call.stopRecording();
        return;
      }
      const line = await usable.shared.getLine();
      findCall(line, id.id, 'stopRecording').stopRecording();
    }

    async function record(msg: NodeMessage): Promise<NodeMessage | null> {
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'record', 'no tapi-line configuration selected');
      const id = readCallId(msg);
      if (!id.ok) throw id.hostile ? Object.assign(id.error, { hostile: true }) : id.error;
      let name: string | undefined;
      if (toFile) {
        const given = readMessageProperty(msg, 'filename');
        if (!given.ok) throw Object.assign(given.error, { hostile: true });
        if (given.value !== undefined && given.value !== null && given.value !== '') name = checkedMessageName(given.value);
      }
      const line = await usable.shared.getLine();
      const call = findCall(line, id.id, 'record');
      const running = call.record({ maxMs, silenceMs, ...(stopOnDigits ? { stopOnDigits } : {}) });
      recording.add(call);
      node.status(recordStatus(_, 'recording'));
      let result: RecordResult;
      try {
        result = await running;
      } finally {
        recording.delete(call);
      }
      if (closing) return null;
      const info: Record<string, unknown> = { durationMs: result.durationMs, reason: result.reason };
      if (result.digit !== undefined) info.digit = result.digit;
      if (toFile) {
        const file = await writeNewFile(
          folder,
          name ?? fileNameFrom(template, { at: call.history[0]?.at ?? new Date(), callerId: call.info.callerId, callId: call.id }),
          result.wav,
        );
        info.file = file;
        msg.payload = file;
      } else msg.payload = result.wav;
      msg.recording = info;
      msg.call = callRef(call);
      if (recording.size === 0) node.status(recordStatus(_, toFile ? 'saved' : 'recorded', { seconds: seconds(result.durationMs) }));
      return msg;
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      (isStopMessage(msg) ? stop(msg).then(() => null) : record(msg))
        .then(
          (out) => {
            if (out) send(out);
            done();
          },
          (err: unknown) => {
            if (isHostile(err)) {
              const error = err as Error;
              node.status({ fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: 'VALIDATION' }) });
              node.error(error, safeMessage(msg, error));
              done();
              return;
            }
            if (isNoAudioDevice(err)) {
              node.status(recordStatus(_, 'noaudio'));
              done(err as Error);
              return;
            }
            failMessage(node, _, err, done);
          },
        )
        .catch(reportUnsendable(node, done));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      for (const call of recording) {
        try {
          call.stopRecording();
        } catch {
          // already gone
        }
      }
      recording.clear();
      leaveLine(usable, node, done);
    });
  }

  RED.nodes.registerType('tapi-record', Record);
};
