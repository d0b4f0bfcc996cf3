// Validation at the edge for callers in this process: the embedded transport hands its users the
// engine through this, so bad input is refused with INVALID_ARGUMENT naming the field, exactly as
// the HTTP server (the edge for remote callers) refuses it. The engine's methods take requests
// already parsed and validate nothing themselves, so no request is validated twice.
import { parseRequest } from './errors.js';
import { ENGINE_OPERATIONS, Empty, specOf, type EngineApi, type EngineOperation, type RequestOf } from './operations.js';

/** `request` parsed by the operation's schema; INVALID_ARGUMENT naming each bad field. */
export function validateRequest<K extends EngineOperation>(operation: K, request: unknown): RequestOf<K> {
  return parseRequest(specOf(operation).request, request, `${operation} request`) as RequestOf<K>;
}

type AnyCall = (req: unknown, signal?: AbortSignal) => Promise<unknown>;

/** `api` with every request validated before it is called. */
export function validatingApi(api: EngineApi): EngineApi {
  const validated: Partial<Record<EngineOperation, AnyCall>> = {};
  for (const operation of ENGINE_OPERATIONS) {
    const call = (api[operation] as AnyCall).bind(api);
    const schema = specOf(operation).request;
    const what = `${operation} request`;
    // Operations that take nothing may be called with nothing.
    const orNothing = schema === Empty;
    validated[operation] = async (req, signal) => call(parseRequest(schema, orNothing ? (req ?? {}) : req, what), signal);
  }
  return validated as EngineApi;
}
