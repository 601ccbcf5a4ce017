// Deliberate error paths emit process warnings; a test captures and asserts them instead of letting Node
// print them into the test output: Node's own printer (the default 'warning' listener) is detached while
// `fn` runs and until the warnings it emitted (delivered on a later tick) have arrived.
export async function captureWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: Error[] }> {
  const printers = process.listeners('warning');
  const warnings: Error[] = [];
  const capture = (w: Error) => warnings.push(w);
  for (const l of printers) process.off('warning', l);
  process.on('warning', capture);
  try {
    const result = await fn();
    await new Promise((r) => setImmediate(r));
    return { result, warnings };
  } finally {
    process.off('warning', capture);
    for (const l of printers) process.on('warning', l);
  }
}
