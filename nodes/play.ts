// tapi-play: plays audio into the call in msg.call (call.play: the line's wave/out device), prompts of one call in
// turn; one output message when a prompt has ended (played out, a barge-in digit, stopped or hung up). A message
// with msg.stop true or topic "stop" stops the prompts (call.stopPlaying). A line without wave devices is named
// plainly: LINEERR_INVALDEVICECLASS, in status and error (or passed on, when configured so).
import * as path from 'node:path';
import { TapiError, TapiValidationError, type Call, type PlayResult } from '../lib/tapi';
import { audioSource, baseDirectory, readAudioPayload, type AudioRead } from './lib/audio-input';
import { findCall, readCallId } from './lib/call-lookup';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { isNoAudioDevice, playStatus, seconds } from './lib/media-status';
import { callRef } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import { safeMessage } from './lib/safe-input';
import { isStopMessage } from './lib/stop-input';
import type { LineStatusEvent } from './lib/shared-line';
import { failMessage, lineStatus, noLineStatus, NS } from './lib/status';
import { isHostile } from './lib/typed-input';
import { leaveLine, reportUnsendable } from './lib/node-glue';

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function Play(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const file = typeof def.file === 'string' ? def.file.trim() : '';
    const stopOnDigits = typeof def.stopOnDigits === 'string' ? def.stopOnDigits.trim() : '';
    const skipWithoutAudio = def.noAudio === 'skip';
    const base = baseDirectory(RED.settings);
    const folder = typeof def.folder === 'string' && def.folder.trim() ? path.resolve(base, def.folder.trim()) : undefined;
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const usable = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    /** Calls this node is playing into, with how many of its prompts are running or queued on each. */
    const playing = new Map<Call, number>();
    let closing = false;

    node.onLineStatus = (event: LineStatusEvent) => {
      if (playing.size === 0) node.status(lineStatus(_, event));
    };
    if (usable) usable.register(node);
    else node.status(noLineStatus(_));

    function track(call: Call, delta: number): void {
      const n = (playing.get(call) ?? 0) + delta;
      if (n > 0) playing.set(call, n);
      else playing.delete(call);
    }

    function endedStatus(result: PlayResult): void {
      if (playing.size > 0) return;
      if (result.completed) node.status(playStatus(_, 'played', { seconds: seconds(result.playedMs) }));
      else if (result.reason === 'digit') node.status(playStatus(_, 'digit', { digit: result.digit }));
      else node.status(playStatus(_, result.reason === 'hangup' ? 'hangup' : 'stopped'));
    }

    async function stop(msg: NodeMessage): Promise<void> {
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'stopPlaying', 'no tapi-line configuration selected');
      const id = readCallId(msg);
      if (!id.ok) {
        if (id.hostile) throw Object.assign(id.error, { hostile: true });
        // No call named: every prompt this node plays stops.
        for (const call of playing.keys()) call.stopPlaying();
        return;
      }
      const line = await usable.shared.getLine();
      findCall(line, id.id, 'stopPlaying').stopPlaying();
    }

    async function play(msg: NodeMessage): Promise<NodeMessage | null> {
      const audio: AudioRead = file ? { ok: true, kind: 'path', path: file } : readAudioPayload(msg);
      if (!audio.ok) throw audio.hostile ? Object.assign(audio.error, { hostile: true }) : audio.error;
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'play', 'no tapi-line configuration selected');
      const id = readCallId(msg);
      if (!id.ok) throw id.hostile ? Object.assign(id.error, { hostile: true }) : id.error;
      if (audio.kind === 'none') {
        throw new TapiValidationError(
          'nothing to play: give msg.payload (a WAV Buffer, a WAV file path or { pcm, sampleRate }) or set a file',
        );
      }
      const line = await usable.shared.getLine();
      const call = findCall(line, id.id, 'play');
      const source = await audioSource(audio, base, folder);
      track(call, 1);
      node.status(playStatus(_, 'playing'));
      let result: PlayResult;
      try {
        result = await call.play(source, stopOnDigits ? { stopOnDigits } : {});
      } finally {
        track(call, -1);
      }
      if (closing) return null;
      endedStatus(result);
      msg.payload = { ...result };
      msg.call = callRef(call);
      return msg;
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      const stopping = isStopMessage(msg);
      (stopping ? stop(msg).then(() => null) : play(msg))
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
              node.status(playStatus(_, 'noaudio'));
              if (skipWithoutAudio && !closing) {
                // Passed on as a prompt that could not be played, so a flow runs on lines with and without audio.
                msg.payload = { completed: false, playedMs: 0, reason: 'noaudio' };
                send(msg);
                done();
                return;
              }
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
      for (const call of playing.keys()) {
        try {
          call.stopPlaying();
        } catch {
          // already gone
        }
      }
      playing.clear();
      leaveLine(usable, node, done);
    });
  }

  RED.nodes.registerType('tapi-play', Play);
};
