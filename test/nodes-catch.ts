// The code of an error as a Catch node received it. Node-RED >= 4 copies err.code into msg.error; 3.1 passes
// only the message (err.toString()), which names the code of every TapiError and the name of a validation error.
export function codeOf(error: { code?: string; message?: string } | undefined): string | undefined {
  if (!error) return undefined;
  if (typeof error.code === 'string') return error.code;
  const message = String(error.message ?? '');
  const lineErr = /LINEERR_[A-Z0-9_]+/.exec(message);
  if (lineErr) return lineErr[0];
  return /TapiValidationError/.test(message) ? 'ERR_TAPI_VALIDATION' : undefined;
}
