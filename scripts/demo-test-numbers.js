#!/usr/bin/env node
'use strict';
// Places a call to every simulator test number using only the library's public surface, and prints
// what happened as JSON. `--provider win32 --library <path to a Tapi32>` runs the same on the win32
// provider (the tests point it at the fake Tapi32). Build first: npm run build.
const { openTapi, TapiError } = require('..');

const TEST_NUMBERS = ['5550100', '5550101', '5550102', '5550103', '5550104', '5550105', '5550106', '5550107'];
const ENDS = ['connected', 'disconnected'];

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function refusal(promise) {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof TapiError ? error.code : String(error);
  }
}

async function main() {
  const provider = option('--provider', 'simulator');
  const tapi = await openTapi({
    provider,
    libraryPath: option('--library'),
    simulator: { timeScale: Number(option('--time-scale', '0')) },
  });
  const report = { provider, lines: tapi.lines.map((l) => l.name), calls: {}, refusals: {} };
  const line = await tapi.openLine(0, { dialPolicy: { deny: ['1900.'] } });
  for (const number of TEST_NUMBERS) {
    const call = await line.makeCall(number);
    // 5550106 connects first and is hung up by the far end: wait for its end.
    await call.waitFor(number === '5550106' ? ['disconnected'] : ENDS, 60000);
    await call.release();
    report.calls[number] = call.history.map((e) => (e.mode ? `${e.state}(${e.mode})` : e.state));
  }
  const analog = await tapi.openLine(1);
  report.refusals['12?3'] = await refusal(line.makeCall('12?3'));
  report.refusals['5551234$99 on line 1'] = await refusal(analog.makeCall('5551234$99'));
  report.refusals['19005550100 (denied)'] = await refusal(line.makeCall('19005550100'));
  await tapi.shutdown();
  report.afterShutdown = { pendingRequests: tapi.pendingRequests, calls: tapi.callCount, openLines: tapi.openLineCount };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
