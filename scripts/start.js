#!/usr/bin/env node
'use strict';
// npm start: runs Node-RED 4 on 127.0.0.1 with this package installed (copied, not linked) and example 01 deployed on the simulator,
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

// Node-RED loads the package from <userDir>/node_modules: a copy of what `npm pack` ships (package.json
// "files"), refreshed on every start, so the user directory never contains a link back to the repository.
// Runtime dependencies are linked to the repository's node_modules (they hold no link back either).
function packageFiles() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  // npm's "files" globs: a folder means everything under it, ** any depth, * within one path segment.
  const toRegExp = (pattern) => {
    const glob = pattern.endsWith('/') ? `${pattern}**` : pattern;
    let re = '';
    for (let i = 0; i < glob.length; i++) {
      if (glob.startsWith('**/', i)) {
        re += '(?:.*/)?';
        i += 2;
      } else if (glob.startsWith('**', i)) {
        re += '.*';
        i += 1;
      } else if (glob[i] === '*') {
        re += '[^/]*';
      } else {
        re += glob[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      }
    }
    return new RegExp(`^${re}$`);
  };
  const patterns = pkg.files
    .map((f) => (fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isDirectory() ? f.replace(/\/?$/, '/') : f))
    .map(toRegExp);
  const out = ['package.json', 'README.md', 'LICENSE'];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(file);
      } else if (patterns.some((p) => p.test(file)) && !out.includes(file)) {
        out.push(file);
      }
    }
  };
  walk('');
  return { pkg, files: out };
}

function installPackage(userDir) {
  const modules = path.join(userDir, 'node_modules');
  const target = path.join(modules, 'node-red-contrib-tapi');
  fs.rmSync(target, { recursive: true, force: true }); // also an old symlink from earlier versions of this script
  const { pkg, files } = packageFiles();
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(target, file));
  }
  for (const dep of Object.keys(pkg.dependencies || {})) {
    const link = path.join(target, 'node_modules', dep);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', dep), link, process.platform === 'win32' ? 'junction' : 'dir');
  }
  // Node-RED lists the modules a user directory uses in its package.json.
  const pkgFile = path.join(userDir, 'package.json');
  let project = {
    name: 'node-red-project',
    description: 'node-red-contrib-tapi development user directory',
    version: '0.0.1',
    private: true,
    dependencies: {},
  };
  if (fs.existsSync(pkgFile)) {
    try {
      project = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    } catch {
      // rewrite a broken one
    }
  }
  project.dependencies = { ...(project.dependencies || {}), 'node-red-contrib-tapi': pkg.version };
  fs.writeFileSync(pkgFile, JSON.stringify(project, null, 2) + '\n');
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
  // NODE_RED_PREFIX: a folder whose node_modules holds another Node-RED (CI's Node-RED 5 leg).
  const redJs = require.resolve('node-red/red.js', {
    paths: [process.env.NODE_RED_PREFIX ? path.resolve(process.env.NODE_RED_PREFIX) : root],
  });
  fs.mkdirSync(options.userDir, { recursive: true });
  const settings = writeSettings(options.userDir, options.port, options.host);
  installPackage(options.userDir);
  seedFlows(options.userDir);

  const args = [
    '--require',
    path.join(__dirname, 'node-red-real-version.js'),
    redJs,
    '--userDir',
    options.userDir,
    '--settings',
    settings,
    '--port',
    String(options.port),
  ];
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
