// Serves one HTTP request: routing, authentication, the body, validation, the engine call, the reply.
// Also tracks requests in flight, so shutdown can end long-polls and wait for the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRequest, type EngineApi, type EngineOperation } from '@endure/protocol';
import type { ApiKeyCheck } from './auth.js';
import { readJsonBody } from './body.js';
import { errorReply, HttpProblem } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import type { ResolvedOptions } from './options.js';
import { routeOf, type Route } from './routes.js';

interface InFlight {
  /** Aborted when the server shuts down: long-polls return their empty answer. */
  shutdown: AbortController;
  /** Aborted when the client's connection closes before its answer was sent. */
  clientGone: AbortController;
  res: ServerResponse;
  done: Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const onAbort = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

export class ApiHandler {
  private closing = false;
  private readonly inFlight = new Set<InFlight>();

  constructor(
    private readonly api: EngineApi,
    private readonly opts: ResolvedOptions,
    private readonly auth: ApiKeyCheck,
  ) {}

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    let finish!: () => void;
    const call: InFlight = { shutdown: new AbortController(), clientGone: new AbortController(), res, done: new Promise<void>((r) => (finish = r)) };
    res.once('close', () => {
      if (!res.writableFinished) call.clientGone.abort();
    });
    this.inFlight.add(call);
    this.serve(req, call)
      .then((result) => send(res, 200, result === undefined ? {} : result, this.closing ? { connection: 'close' } : {}))
      .catch((err: unknown) => {
        const reply = errorReply(err);
        if (reply.internal) this.opts.log({ level: 'error', message: `${req.method} ${req.url?.slice(0, 200)} failed: ${(err as Error)?.stack ?? String(err)}` });
        send(res, reply.status, reply.body, { ...reply.headers, ...(this.closing ? { connection: 'close' } : {}) });
      })
      .finally(() => {
        this.inFlight.delete(call);
        finish();
      });
  };

  private async serve(req: IncomingMessage, call: InFlight): Promise<unknown> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    if (path === '/v1/health') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use GET ${path}`, { allow: 'GET' });
      if (this.closing) throw new HttpProblem(503, 'UNAVAILABLE', 'the server is shutting down');
      return { status: 'ok' };
    }
    if (this.closing) throw new HttpProblem(503, 'UNAVAILABLE', 'the server is shutting down; retry once it (or its replacement) is up', { connection: 'close' });
    this.auth.check(req);
    if (path === '/v1/openapi.json') {
      if (method !== 'GET') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use GET ${path}`, { allow: 'GET' });
      return openApiDocument();
    }
    const operation = /^\/v1\/([A-Za-z]{1,64})$/.exec(path)?.[1];
    const route = operation === undefined ? undefined : routeOf(operation);
    if (!route) {
      throw new HttpProblem(404, 'NOT_FOUND', `no such endpoint: ${method} ${path.slice(0, 200)}. Operations are POST /v1/<operation>; GET /v1/openapi.json lists them`);
    }
    if (method !== 'POST') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use POST /v1/${operation} with a JSON body (not ${method})`, { allow: 'POST' });
    const body = await readJsonBody(req, this.opts.maxBodyBytes);
    const request = parseRequest(route.request, body, `${operation} request`);
    return this.invoke(operation as EngineOperation, route, request, call);
  }

  private async invoke(operation: EngineOperation, route: Route, request: unknown, call: InFlight): Promise<unknown> {
    const fn = (this.api[operation] as (req: unknown, signal?: AbortSignal) => Promise<unknown>).bind(this.api);
    if (!route.wait) return fn(request);
    if (route.wait !== 'signal') {
      // Cannot be interrupted: at shutdown, answer with what is there now.
      const immediate = route.wait as (api: EngineApi, req: unknown) => Promise<unknown>;
      return Promise.race([fn(request), onAbort(call.shutdown.signal).then(() => immediate(this.api, request))]);
    }
    const signal = AbortSignal.any([call.clientGone.signal, call.shutdown.signal]);
    const result = await fn(request, signal);
    if (route.handsOutTask && result && signal.aborted) {
      // Handed out to a poller that is gone (or about to be refused): offer it again now, not after a timeout.
      await this.api.releaseTask({ taskToken: (result as { taskToken: string }).taskToken }).catch(() => {});
      return null;
    }
    return result;
  }

  /** Stops taking requests, ends long-polls, and waits (up to the grace time) for the rest. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const call of this.inFlight) call.shutdown.abort();
    const all = Promise.all([...this.inFlight].map((c) => c.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, this.opts.shutdownGraceMs)));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    for (const call of this.inFlight) {
      send(call.res, 503, { error: { code: 'UNAVAILABLE', message: 'the server shut down before this request finished; retry it' } }, { connection: 'close' });
    }
  }
}
