// tapi-simulate: drives the simulated exchange from a flow, to rehearse a flow before a real line exists:
// an incoming call (with the keys its caller presses), the far end pressing keys, hanging up, playing a
// tone, speaking (audio into the recording of a record node) or being a fax. Works on a tapi-line whose provider is the simulator only.
import { TapiError, TapiValidationError, toneSequence, type Call, type Line, type OpenedTapi, type SimulatorControls } from '../lib/tapi';
import { findCall, readCallId } from './lib/call-lookup';
import type { LineUser, TapiLineNode } from './lib/line-node';
import { callRef, numberProp } from './lib/messages';
import type { DoneFn, NodeAPI, NodeDef, NodeMessage, SendFn } from './lib/node-red';
import { readMessageProperty, safeMessage } from './lib/safe-input';
import type { LineStatusEvent } from './lib/shared-line';
import { failMessage, lineStatus, noLineStatus, NS, simulateStatus } from './lib/status';
import { leaveLine, reportUnsendable } from './lib/node-glue';

const ACTIONS = ['incoming', 'digits', 'hangup', 'tone', 'speak', 'fax'] as const;
type SimAction = (typeof ACTIONS)[number];
const SEE_CALL_MS = 5000;

/** The incoming call the line sees for the simulator's call id (needs the owner or monitor privilege). */
function seeCall(line: Line, providerCallId: number): Promise<Call> {
  const find = () => line.calls.find((c) => c.info.callId === providerCallId);
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onCall = () => {
      const call = find();
      if (!call) return;
      clearTimeout(timer);
      line.off('callstate', onCall);
      resolve(call);
    };
    const timer = setTimeout(() => {
      line.off('callstate', onCall);
      reject(
        TapiError.of(
          'OPERATIONFAILED',
          'simulate',
          `line "${line.device.name}" did not see the incoming call: open it with the owner or monitor privilege`,
        ),
      );
    }, SEE_CALL_MS);
    line.on('callstate', onCall);
  });
}

/** A stand-in for a voice: 200 ms tones of changing pitch with short pauses, for `seconds` (8 kHz). */
function voice(seconds: number): Int16Array {
  if (!(seconds > 0 && seconds <= 600)) throw new TapiValidationError('payload.seconds must be from 0 to 600');
  const pitches = [320, 410, 360, 450, 300, 390];
  const tones: Array<{ frequency: number; ms: number }> = [];
  for (let ms = 0, i = 0; ms < seconds * 1000; ms += 250, i++)
    tones.push({ frequency: pitches[i % pitches.length], ms: 200 }, { frequency: 0, ms: 50 });
  return toneSequence(tones).subarray(0, Math.round(seconds * 8000));
}

function text(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value !== 'string') throw new TapiValidationError(`${what} must be a string`);
  return value;
}

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function Simulate(this: LineUser, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configured: SimAction = ACTIONS.includes(def.action as SimAction) ? (def.action as SimAction) : 'incoming';
    const lineNode = typeof def.line === 'string' ? (RED.nodes.getNode(def.line) as TapiLineNode | null) : null;
    const usable = lineNode && typeof lineNode.register === 'function' ? lineNode : undefined;
    let closing = false;

    const notSimulator = () => {
      if (usable?.shared.config.provider === 'win32') return 'win32';
      const tapi = usable?.shared.tapi;
      return tapi && tapi.provider !== 'simulator' ? tapi.provider : undefined;
    };
    node.onLineStatus = (event: LineStatusEvent) => {
      if (notSimulator()) node.status(simulateStatus(_, 'notsimulator'));
      else node.status(lineStatus(_, event));
    };
    if (usable) usable.register(node);
    else node.status(noLineStatus(_));

    async function run(msg: NodeMessage): Promise<SimAction> {
      const read = readMessageProperty(msg, 'action');
      if (!read.ok) throw Object.assign(read.error, { hostile: true });
      const asked = read.value === undefined || read.value === null || read.value === '' ? configured : read.value;
      if (!ACTIONS.includes(asked as SimAction)) throw new TapiValidationError(`msg.action must be one of ${ACTIONS.join(', ')}`);
      const action = asked as SimAction;
      if (!usable) throw TapiError.of('INVALLINEHANDLE', 'simulate', 'no tapi-line configuration selected');
      const other = notSimulator();
      if (other) {
        node.status(simulateStatus(_, 'notsimulator'));
        throw TapiError.of('OPERATIONUNAVAIL', 'simulate', `the line's provider is ${other}: simulate works on the simulator only`);
      }
      const line = await usable.shared.getLine();
      const tapi = usable.shared.tapi as OpenedTapi | undefined;
      const sim: SimulatorControls | undefined = tapi?.provider === 'simulator' ? tapi.simulator : undefined;
      if (!sim) {
        node.status(simulateStatus(_, 'notsimulator'));
        throw TapiError.of(
          'OPERATIONUNAVAIL',
          'simulate',
          `the line's provider is ${tapi?.provider ?? 'unknown'}: simulate works on the simulator only`,
        );
      }
      const payloadRead = readMessageProperty(msg, 'payload');
      if (!payloadRead.ok) throw Object.assign(payloadRead.error, { hostile: true });
      const payload = payloadRead.value;
      const fields = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
      if (action === 'incoming') {
        const options: Parameters<SimulatorControls['presentIncomingCall']>[0] = { deviceId: line.deviceId };
        const callerId = text(fields.callerId, 'payload.callerId');
        const callerIdName = text(fields.callerIdName, 'payload.callerIdName');
        const calledId = text(fields.calledId, 'payload.calledId');
        const digits = text(fields.digits, 'payload.digits');
        if (callerId !== undefined) options.callerId = callerId;
        if (callerIdName !== undefined) options.callerIdName = callerIdName;
        if (calledId !== undefined) options.calledId = calledId;
        if (digits !== undefined) options.digits = digits;
        if (fields.ringSeconds !== undefined) options.ringSeconds = numberProp(fields.ringSeconds, 30);
        const providerCallId = sim.presentIncomingCall(options);
        const call = await seeCall(line, providerCallId);
        msg.call = callRef(call);
        return action;
      }
      const id = readCallId(msg);
      if (!id.ok) throw id.hostile ? Object.assign(id.error, { hostile: true }) : id.error;
      const call = findCall(line, id.id, 'simulate');
      const keys =
        typeof payload === 'string' || typeof payload === 'number' ? text(payload, 'msg.payload') : text(fields.digits, 'payload.digits');
      switch (action) {
        case 'digits':
          if (!keys) throw new TapiValidationError('give the keys to press in msg.payload (e.g. "1#")');
          if (!/^[0-9A-Da-d*#]+$/.test(keys)) throw new TapiValidationError('keys are 0-9 A-D * #');
          sim.remoteDigits(call.handle, keys);
          break;
        case 'hangup':
          sim.remoteHangup(call.handle, typeof fields.mode === 'string' ? fields.mode : 'NORMAL');
          break;
        case 'tone': {
          const list = Array.isArray(fields.frequencies) ? fields.frequencies : Array.isArray(payload) ? payload : [1000];
          sim.remoteTone(call.handle, list.map(Number));
          break;
        }
        case 'speak':
          // A WAV Buffer, or { seconds } of a stand-in voice (default 3).
          sim.remoteAudio(
            call.handle,
            Buffer.isBuffer(payload) ? payload : { pcm: voice(numberProp(fields.seconds, 3)), sampleRate: 8000 },
          );
          break;
        case 'fax':
          sim.remoteMedia(call.handle, 'G3FAX');
          break;
      }
      msg.call = callRef(call);
      return action;
    }

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      if (closing) {
        done();
        return;
      }
      run(msg)
        .then(
          (action) => {
            node.status(simulateStatus(_, 'done', { action }));
            send(msg);
            done();
          },
          (err: unknown) => {
            if ((err as { hostile?: boolean } | null)?.hostile) {
              const error = err as Error;
              node.status({ fill: 'red', shape: 'ring', text: _(NS.line + 'status.error', { code: 'VALIDATION' }) });
              node.error(error, safeMessage(msg, error));
              done();
              return;
            }
            if (
              (err as { code?: string }).code === 'LINEERR_OPERATIONUNAVAIL' &&
              (err as { operation?: string }).operation === 'simulate'
            ) {
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
      leaveLine(usable, node, done);
    });
  }

  RED.nodes.registerType('tapi-simulate', Simulate);
};
