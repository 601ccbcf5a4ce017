#!/usr/bin/env node
'use strict';
// npm start: runs Node-RED 4 on 127.0.0.1 with this package loaded and example 01 deployed on the simulator,
// in a user directory inside the repo that git ignores (.node-red-user/). It builds nothing: `npm start`
// runs the build first.
//
//   node scripts/start.js [--port 1880] [--user-dir .node-red-user] [--host 127.0.0.1]
//
// PORT in the environment sets the port too (--port wins). The browser tests reuse this script with a free
// port and a throw-away user directory.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const MARKER = '// Written by node-red-contrib-tapi scripts/start.js';

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node scripts/start.js [--port <port>] [--user-dir <dir>] [--host <address>]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    port: process.env.PORT ? Number(process.env.PORT) : 1880,
    userDir: path.join(root, '.node-red-user'),
    host: '127.0.0.1',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq > 0) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) usage(`${name} needs a value`);
      return argv[++i];
    };
    switch (name) {
      case '--port':
      case '-p':
        options.port = Number(value());
        break;
      case '--user-dir':
      case '-u':
        options.userDir = path.resolve(value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown option ${arg}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) usage('--port must be 0..65535');
  return options;
}

function writeSettings(userDir, port, host) {
  const file = path.join(userDir, 'settings.js');
  if (fs.existsSync(file) && !fs.readFileSync(file, 'utf8').startsWith(MARKER)) {
    console.log(`Keeping your own ${file}`);
    return file;
  }
  const text = `${MARKER}; edit freely after removing this line.
module.exports = {
  uiHost: ${JSON.stringify(host)},
  uiPort: process.env.PORT || ${port},
  userDir: ${JSON.stringify(userDir)},
  flowFile: 'flows.json',
  flowFilePretty: true,
  credentialSecret: false,
  editorTheme: { tours: false, projects: { enabled: false } },
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
`;
  fs.writeFileSync(file, text);
  return file;
}

function linkPackage(userDir) {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'node-red-contrib-tapi');
  let existing;
  try {
    existing = fs.lstatSync(link);
  } catch {
    existing = undefined;
  }
  if (existing) {
    if (existing.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(root)) return;
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync(root, link, process.platform === 'win32' ? 'junction' : 'dir');
  // Node-RED lists the modules a user directory uses in its package.json.
  const pkgFile = path.join(userDir, 'package.json');
  let pkg = { name: 'node-red-project', description: 'node-red-contrib-tapi development user directory', version: '0.0.1', private: true, dependencies: {} };
  if (fs.existsSync(pkgFile)) {
    try {
      pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    } catch {
      // rewrite a broken one
    }
  }
  pkg.dependencies = { ...(pkg.dependencies || {}), 'node-red-contrib-tapi': `file:${root}` };
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
}

function seedFlows(userDir) {
  const flows = path.join(userDir, 'flows.json');
  if (!fs.existsSync(flows)) fs.copyFileSync(path.join(root, 'examples', '01-dial-and-monitor.json'), flows);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'make-call.js'))) {
    console.error('dist/ is missing: run `npm run build` (npm start does it for you).');
    process.exit(1);
  }
  const redJs = require.resolve('node-red/red.js', { paths: [root] });
  fs.mkdirSync(options.userDir, { recursive: true });
  const settings = writeSettings(options.userDir, options.port, options.host);
  linkPackage(options.userDir);
  seedFlows(options.userDir);

  const args = [redJs, '--userDir', options.userDir, '--settings', settings, '--port', String(options.port)];
  const child = spawn(process.execPath, args, {
    cwd: options.userDir,
    env: { ...process.env, PORT: String(options.port) },
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let announced = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const text = chunk.toString();
    const m = /Server now running at (\S+)/.exec(text);
    if (m && !announced) {
      announced = true;
      const url = m[1].replace(/\/?$/, '/');
      console.log(`\nNode-RED editor: ${url}\nUser directory: ${options.userDir}\nStop with Ctrl+C.\n`);
    }
  });
  const forward = (signal) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main();
