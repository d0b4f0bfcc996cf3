// Serves one HTTP request: routing, authentication, the body, validation (the only one: the engine
// it calls takes parsed requests), the engine call, the reply.
// Also tracks requests in flight, so shutdown can end long-polls and wait for the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { END_POLLS, EndPollsRequest, FORWARDED_POLL_HEADER, POLL_SCOPE_HEADER, parseRequest, peerOperationOf, PEER_OPERATIONS, type EngineApi, type EngineOperation, type ListNamespacesResponse, type PeerApi } from '@endure/protocol';
import type { EngineHealth } from '@endure/embedded';
import type { ApiKeyCheck } from './auth.js';
import { authorize, visibleNamespaces, type Principal } from './access.js';
import { readJsonBody } from './body.js';
import { runBatch } from './batch.js';
import { errorReply, HttpProblem } from './http-errors.js';
import { answerProbe, probeOf } from './health.js';
import { openApiDocument } from './openapi.js';
import type { ResolvedOptions } from './options.js';
import { routeOf, type Route } from './routes.js';
import { FORWARDED_HEADER } from '../cluster/peer-links.js';

interface InFlight {
  /**
   * Only for long-polls (made when one starts; most requests never need it): aborted when the
   * server shuts down or the client's connection closes before its answer was sent.
   */
  stop?: AbortController;
  res: ServerResponse;
  /** A poll another node of the cluster forwarded, by the name it gave it (it may end it by name). */
  pollId?: string;
}

/** Polls ended by name before they arrived (the end overtook the poll): remembered this long. */
const ENDED_POLL_MEMORY_MS = 120_000;

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const all: Record<string, string> = { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) };
  if (headers) Object.assign(all, headers);
  res.writeHead(status, all);
  res.end(text);
}

/** What the server adds to every answer while it shuts down. */
const CLOSE = { connection: 'close' };

const onAbort = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

export class ApiHandler {
  private closing = false;
  private readonly inFlight = new Set<InFlight>();
  /** Forwarded polls waiting here, by name; and names ended before their poll came, until when. */
  private readonly forwardedPolls = new Map<string, AbortController>();
  private readonly endedPolls = new Map<string, number>();
  /** Set while shutdown waits for the requests in flight to end. */
  private drained: (() => void) | undefined;

  constructor(
    private readonly api: EngineApi,
    private readonly opts: ResolvedOptions,
    private readonly auth: ApiKeyCheck,
    /** The engine's state, for the health probes. */
    private readonly engineHealth: () => EngineHealth,
    /**
     * A cluster node's own engine: what other nodes' forwarded requests and node-to-node
     * operations are served by (`api` routes every other request to the node owning it).
     */
    private readonly local?: EngineApi & PeerApi,
    /** A cluster node's API whose polls wait on this node's tasks alone (POLL_SCOPE_HEADER). */
    private readonly nodeScoped?: EngineApi,
  ) {}

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    const call: InFlight = { res };
    this.inFlight.add(call);
    this.serve(req, call)
      .then((result) => send(res, 200, result === undefined ? {} : result, this.closing ? CLOSE : undefined))
      .catch((err: unknown) => {
        const reply = errorReply(err);
        if (reply.internal) this.opts.log({ level: 'error', message: `${req.method} ${req.url?.slice(0, 200)} failed: ${(err as Error)?.stack ?? String(err)}` });
        send(res, reply.status, reply.body, this.closing ? { ...reply.headers, ...CLOSE } : reply.headers);
      })
      .finally(() => {
        this.inFlight.delete(call);
        if (this.inFlight.size === 0) this.drained?.();
      });
  };

  private async serve(req: IncomingMessage, call: InFlight): Promise<unknown> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const probe = probeOf(path);
    if (probe) {
      // Open to all (probes rarely carry keys), and answered while shutting down too.
      if (method !== 'GET' && method !== 'HEAD') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use GET ${path}`, { allow: 'GET' });
      return answerProbe(probe, { engine: this.engineHealth(), shuttingDown: this.closing, showCause: this.auth.passes(req) });
    }
    if (this.closing) throw new HttpProblem(503, 'UNAVAILABLE', 'the server is shutting down; retry once it (or its replacement) is up', { connection: 'close' });
    const principal = this.auth.check(req);
    // Another node asking on a client's behalf: served here, never routed again.
    const forwarded = principal.peer === true && this.local !== undefined && req.headers[FORWARDED_HEADER] === '1';
    const api = forwarded ? this.local! : this.pollScope(req) === 'node' && this.nodeScoped ? this.nodeScoped : this.api;
    const pollId = req.headers[FORWARDED_POLL_HEADER];
    if (forwarded && typeof pollId === 'string') call.pollId = pollId;
    if (path.startsWith('/v1/peer/')) return this.servePeer(req, path, principal.peer === true);
    if (path === '/v1/openapi.json') {
      if (method !== 'GET') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use GET ${path}`, { allow: 'GET' });
      return openApiDocument();
    }
    const operation = /^\/v1\/([A-Za-z]{1,64})$/.exec(path)?.[1];
    if (operation === 'batch') {
      if (method !== 'POST') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use POST /v1/batch with a JSON body (not ${method})`, { allow: 'POST' });
      // Each call is authorized on its own, as if it came alone.
      const callOne = (op: EngineOperation, route: Route, request: unknown) => this.authorized(principal, op, route, request, () => this.invoke(api, op, route, request, call));
      return runBatch(await readJsonBody(req, this.opts.maxBodyBytes), callOne, (err, op) =>
        this.opts.log({ level: 'error', message: `POST /v1/batch (${op.slice(0, 64)}) failed: ${(err as Error)?.stack ?? String(err)}` }),
      );
    }
    const route = operation === undefined ? undefined : routeOf(operation);
    if (!route) {
      throw new HttpProblem(404, 'NOT_FOUND', `no such endpoint: ${method} ${path.slice(0, 200)}. Operations are POST /v1/<operation>; GET /v1/openapi.json lists them`);
    }
    if (method !== 'POST') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use POST /v1/${operation} with a JSON body (not ${method})`, { allow: 'POST' });
    const body = await readJsonBody(req, this.opts.maxBodyBytes);
    const request = parseRequest(route.request, body, `${operation} request`);
    return this.authorized(principal, operation as EngineOperation, route, request, () => this.invoke(api, operation as EngineOperation, route, request, call));
  }

  /**
   * What a poll's POLL_SCOPE_HEADER asks for. 'node': this node's tasks only (a server that is no
   * cluster's node holds every task, so it serves the poll as it is). Anything else is refused.
   */
  private pollScope(req: IncomingMessage): 'node' | undefined {
    const scope = req.headers[POLL_SCOPE_HEADER];
    if (scope === undefined || scope === 'node') return scope;
    throw new HttpProblem(400, 'INVALID_ARGUMENT', `header ${POLL_SCOPE_HEADER}: '${String(scope).slice(0, 40)}' is not a poll scope; send 'node' (poll this node's tasks only) or leave the header out`);
  }

  /** A node-to-node operation (protocol's PEER_OPERATIONS): only for the other nodes of this cluster. */
  private async servePeer(req: IncomingMessage, path: string, fromPeer: boolean): Promise<unknown> {
    const asked = path.slice('/v1/peer/'.length);
    if (this.local && fromPeer && asked === END_POLLS && req.method === 'POST') return this.endPolls(parseRequest(EndPollsRequest, await readJsonBody(req, this.opts.maxBodyBytes), `${END_POLLS} request`).pollIds);
    const name = peerOperationOf(asked);
    if (!this.local || !name) throw new HttpProblem(404, 'NOT_FOUND', `no such endpoint: ${path.slice(0, 200)} (node-to-node operations exist only on a cluster node)`);
    if (!fromPeer) throw new HttpProblem(403, 'PERMISSION_DENIED', `${path.slice(0, 200)} is for the nodes of the cluster only (they present a peer credential)`);
    if (req.method !== 'POST') throw new HttpProblem(405, 'INVALID_ARGUMENT', `use POST ${path.slice(0, 200)}`, { allow: 'POST' });
    const schema: z.ZodType = PEER_OPERATIONS[name].request;
    const request = parseRequest(schema, await readJsonBody(req, this.opts.maxBodyBytes), `${name} request`);
    const local = this.local;
    return (local[name] as (r: unknown) => Promise<unknown>).call(local, request);
  }

  /** Checks the caller may make the call (before it reaches the engine), makes it, and cuts a namespace listing to what the caller may see. */
  private async authorized(principal: Principal, operation: EngineOperation, route: Route, request: unknown, call: () => Promise<unknown>): Promise<unknown> {
    authorize(principal, operation, route.access, request);
    const result = await call();
    return route.access.namespace === 'listed' ? visibleNamespaces(principal, result as ListNamespacesResponse) : result;
  }

  private async invoke(api: EngineApi, operation: EngineOperation, route: Route, request: unknown, call: InFlight): Promise<unknown> {
    const fn = (api[operation] as (req: unknown, signal?: AbortSignal) => Promise<unknown>).bind(api);
    const wait = route.wait;
    // A call that only its timeout ends (a query) is waited for like any other.
    if (!wait || wait.ends === 'timeout') return fn(request);
    const stop = this.longPollStop(call, wait.ends === 'signal');
    if (wait.ends === 'asking-again') {
      // Cannot be interrupted: at shutdown, answer with what is there now.
      return Promise.race([fn(request), onAbort(stop.signal).then(() => fn(wait.now(request)))]);
    }
    const result = await fn(request, stop.signal);
    if (wait.handsOutTasks && result && stop.signal.aborted) {
      // Handed out to a poller that is gone (or about to be refused): offer them again now, not after a timeout.
      const many = (result as { tasks?: { taskToken: string }[] }).tasks;
      const tasks = many ?? [result as { taskToken: string }];
      await Promise.all(tasks.map((t) => api.releaseTask({ taskToken: t.taskToken }).catch(() => {})));
      return many ? { tasks: [] } : null;
    }
    return result;
  }

  /** Ends forwarded polls by name: each answers now with what it has (tasks handed out at that instant are released here). */
  private endPolls(ids: string[]): Record<string, never> {
    const now = Date.now();
    for (const [id, until] of this.endedPolls) if (until < now) this.endedPolls.delete(id);
    for (const id of ids) {
      const stop = this.forwardedPolls.get(id);
      if (stop) stop.abort();
      else if (this.endedPolls.size < 100_000) this.endedPolls.set(id, now + ENDED_POLL_MEMORY_MS);
    }
    return {};
  }

  /** The long-poll's stop signal: aborted at shutdown, and (`clientGone`) when the client's connection closes first. */
  private longPollStop(call: InFlight, clientGone: boolean): AbortController {
    const stop = (call.stop = new AbortController());
    const res = call.res;
    const pollId = call.pollId;
    if (pollId !== undefined) {
      // Ended before it came, or ended by name while it waits (endPolls).
      if (this.endedPolls.delete(pollId)) stop.abort();
      this.forwardedPolls.set(pollId, stop);
      res.once('close', () => this.forwardedPolls.get(pollId) === stop && this.forwardedPolls.delete(pollId));
    }
    if (this.closing) stop.abort();
    else if (clientGone && (res.destroyed || res.socket?.destroyed)) stop.abort();
    else if (clientGone) res.once('close', () => res.writableFinished || stop.abort());
    return stop;
  }

  /** Stops taking requests, ends long-polls, and waits (up to the grace time) for the rest. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const call of this.inFlight) call.stop?.abort();
    const all = this.inFlight.size === 0 ? Promise.resolve() : new Promise<void>((r) => (this.drained = r));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, this.opts.shutdownGraceMs)));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    for (const call of this.inFlight) {
      send(call.res, 503, { error: { code: 'UNAVAILABLE', message: 'the server shut down before this request finished; retry it' } }, { connection: 'close' });
    }
  }
}
