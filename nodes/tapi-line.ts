// tapi-line: the config node that owns one open TAPI line and shares it with every node that uses it.
import type { LineDevice } from '../lib/tapi';
import type { ExpressLikeRequest, ExpressLikeResponse, NodeAPI, NodeDef } from './lib/node-red';
import { lineConfig, type LineUser, type TapiLineNode } from './lib/line-node';
import type { SipLineCredentials } from './lib/sip-line';
import { SharedLine, type LineStatusEvent } from './lib/shared-line';
import { lineStatus } from './lib/status';
import { acquireTapi } from './lib/tapi-registry';
import { parseLinesQuery, type LinesQuery } from './lib/admin-query';

function describeLine(d: LineDevice) {
  return {
    deviceId: d.deviceId,
    name: d.name,
    apiVersion: d.apiVersion,
    numAddresses: d.numAddresses,
    bearerModes: d.bearerModes,
    mediaModes: d.mediaModes,
    capabilities: d.capabilities,
    providerInfo: d.providerInfo,
    removed: d.removed,
  };
}

export = function (RED: NodeAPI): void {
  const _ = (key: string, subs?: Record<string, unknown>) => RED._(key, subs);

  function TapiLine(this: TapiLineNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.name = typeof def.name === 'string' ? def.name : '';
    // Credentials (SIP user, password, ...) come from Node-RED's credentials store, never from the flow file.
    const config = lineConfig(def, (node as unknown as { credentials?: SipLineCredentials }).credentials);
    node.shared = new SharedLine(config, (message) => node.log(message));
    node.users = {};

    node.shared.on('cleanuperror', (failure: { operation: string; error: Error; attempts: number }) => {
      node.warn(`${failure.operation} failed after ${failure.attempts} attempts: ${failure.error.message}`);
    });

    node.shared.on('status', (event: LineStatusEvent) => {
      for (const user of Object.values(node.users)) pushStatus(user, event);
    });

    node.register = (user: LineUser) => {
      node.users[user.id] = user;
      node.shared.register(user.id, user);
      pushStatus(user, node.shared.status);
    };

    node.deregister = async (user: LineUser, done?: () => void) => {
      delete node.users[user.id];
      try {
        await node.shared.deregister(user.id);
      } finally {
        if (done) done();
      }
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      node.shared.close().then(
        () => done(),
        () => done(),
      );
    });
  }

  function pushStatus(user: LineUser, event: LineStatusEvent): void {
    try {
      if (typeof user.onLineStatus === 'function') user.onLineStatus(event);
      else user.status(lineStatus(_, event));
    } catch (err) {
      RED.log.warn(`tapi-line: status update failed: ${String(err)}`);
    }
  }

  RED.nodes.registerType('tapi-line', TapiLine, {
    credentials: {
      sipUser: { type: 'text' },
      sipAuthUser: { type: 'text' },
      sipPassword: { type: 'password' },
      sipDisplayName: { type: 'text' },
    },
  });

  // GET tapi-line/lines?provider=auto|simulator|win32[&timeScale=1]: the provider's line devices, for the editor's line picker.
  try {
    if (RED.httpAdmin && RED.auth) {
      RED.httpAdmin.get(
        '/tapi-line/lines',
        RED.auth.needsPermission('tapi-line.read'),
        (req: ExpressLikeRequest, res: ExpressLikeResponse) => {
          let query: LinesQuery;
          try {
            query = parseLinesQuery(req.query);
          } catch (err) {
            res.status(400).json({ error: (err as Error).message, code: 'ERR_TAPI_VALIDATION' });
            return;
          }
          const { provider, simulatorTimeScale } = query;
          acquireTapi({ provider, simulatorTimeScale })
            .then(
              async (lease) => {
                try {
                  res.json({ provider: lease.tapi.provider, lines: lease.tapi.lines.map(describeLine) });
                } finally {
                  await lease.release();
                }
              },
              (err: Error & { code?: string }) => {
                res.status(503).json({ provider, error: err.message, code: err.code ?? 'ERR_TAPI_UNAVAILABLE', message: err.message });
              },
            )
            .catch((err: unknown) => {
              RED.log.warn(`tapi-line: listing lines failed: ${String(err)}`);
            });
        },
      );
    }
  } catch (err) {
    RED.log.warn(`tapi-line: admin endpoint not registered: ${String(err)}`);
  }
};
