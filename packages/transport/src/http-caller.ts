// One JSON POST to an endure server, over a keep-alive connection pool: timeouts, aborts, and
// errors rebuilt as the ApiError the server reported (or UNAVAILABLE when it cannot be reached).
import { request as httpRequest, type Agent, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, ApiErrorCode, safeToResend } from '@endure/protocol';
import { createAgent, type AgentTls } from './http-agent.js';

export interface HttpOptions {
  /** Sent as `Authorization: Bearer <apiKey>`; a function is called for each request (a key that rotates). */
  apiKey?: string | (() => string);
  /** For https:// addresses: what to trust and present. */
  tls?: AgentTls;
  /** Headers sent with every request (Temporal's gRPC metadata), already checked. */
  headers?: Readonly<Record<string, string>>;
  /** TLS was chosen for the caller because an API key was given (Temporal's rule): said when a handshake fails. */
  tlsImpliedByApiKey?: boolean;
}

/** Thrown (internally) when the caller's AbortSignal ended the request. */
export class CallAborted extends Error {
  override name = 'CallAborted';
}

/** How long to wait past a request's own long-poll timeout before giving up on the server. */
const MARGIN_MS = 10_000;
const DEFAULT_WAIT_MS = 60_000;
/**
 * A reused keep-alive socket the server just closed fails at once; requests that are safe to
 * resend (the operation table's `retry`: reads, and changes carrying an idempotency key) are resent.
 */
const STALE_SOCKET_RETRIES = 3;
/** How soon after sending a stale socket fails (the server closed it before the request came). */
const STALE_SOCKET_MS = 1000;

/** True if a resend of this call cannot apply it twice (a batch: if that holds for each call). */
export function resendable(operation: string, body: unknown): boolean {
  if (operation === 'batch') {
    const calls = (body as { calls?: { operation: string; request: unknown }[] } | undefined)?.calls ?? [];
    return calls.every((c) => resendable(c.operation, c.request));
  }
  return safeToResend(operation, body);
}

/** The ApiError an error body `{ error: { code, message, details? } }` stands for; undefined if it is not one. */
export function apiErrorOf(body: unknown): ApiError | undefined {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (!e || typeof e.message !== 'string') return undefined;
  const code = ApiErrorCode.safeParse(e.code);
  const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
  const c = code.success ? code.data : 'INTERNAL';
  return new ApiError(c, e.message, c === 'UNAVAILABLE' ? { ...details, retryable: true } : details);
}

function problemOf(status: number, text: string, base: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const known = apiErrorOf(body);
  if (known) return known;
  const what = `${base} answered HTTP ${status} without an Endure error (${text.slice(0, 200).trim() || 'empty body'}); is this address an endure server?`;
  return status >= 500 ? new ApiError('UNAVAILABLE', what, { retryable: true }) : new ApiError('INVALID_ARGUMENT', what);
}

/**
 * An unreachable server is `retryable` once this connection has reached it before (a server that
 * went away, restarting, is waited for, but a wrong address or a server never started fails at
 * once), or when a connection was made and then broke. A request that may have reached the server
 * (the connection broke after it was sent) is retryable only if resending it is safe; otherwise
 * the caller is told that its outcome is unknown.
 */
function unreachable(base: string, operation: string, err: NodeJS.ErrnoException, reachedBefore: boolean, safe: boolean, opts: HttpOptions): ApiError {
  const tlsHint = tlsHintOf(err, opts);
  const neverSent = NEVER_SENT.has(err.code ?? '');
  const broke = err.code === 'ECONNRESET' || err.code === 'EPIPE';
  if ((reachedBefore || broke) && !safe && !neverSent) {
    return new ApiError(
      'UNAVAILABLE',
      `the connection to the Endure server at ${base} broke before it answered ${operation} (${reasonOf(err)}): it may or may not have been applied; send a requestId with it to make resending safe`,
      { retryable: false, ambiguous: true },
    );
  }
  return new ApiError('UNAVAILABLE', `cannot reach Endure server at ${base}: ${reasonOf(err)}${tlsHint}; is \`endure server\` running?`, { retryable: reachedBefore || broke });
}

/**
 * The error's text. Trying each address of a name (localhost: 127.0.0.1, then ::1) fails with an
 * AggregateError whose own message is empty: its attempts' messages say what happened.
 */
function reasonOf(err: Error): string {
  if (err.message) return err.message;
  const attempts = err instanceof AggregateError ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))) : [];
  return attempts.length > 0 ? attempts.join('; ') : String((err as NodeJS.ErrnoException).code ?? err.name);
}

/** What to do about a failed TLS handshake, in Temporal's option names. */
function tlsHintOf(err: NodeJS.ErrnoException, opts: HttpOptions): string {
  const code = err.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? " (the server's certificate is for another name: connect by that name, or pass tls: { serverNameOverride })"
      : ' (to trust a self-signed or private certificate, pass tls: { serverRootCACertificate })';
  }
  if (opts.tlsImpliedByApiKey && (code === 'EPROTO' || /SSL|TLS/.test(code) || code === 'ECONNRESET')) {
    return ' (TLS is on because an API key is set, as in Temporal; for a server without TLS, such as a plain `endure server start-dev`, pass tls: false)';
  }
  return '';
}

/** One server of the connection's address: its keep-alive pool and its URL's parts, parsed once. */
class Endpoint {
  readonly agent: Agent;
  readonly secure: boolean;
  readonly target: { protocol: string; hostname: string; port: string; pathPrefix: string };

  constructor(
    readonly baseUrl: string,
    tls: AgentTls | undefined,
  ) {
    this.secure = baseUrl.startsWith('https:');
    this.agent = createAgent(this.secure, tls);
    const url = new URL(baseUrl);
    this.target = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals without brackets
      port: url.port || (this.secure ? '443' : '80'),
      pathPrefix: `${url.pathname.replace(/\/+$/, '')}/v1/`,
    };
  }
}

/**
 * Calls the servers of an address. With several (a cluster's nodes), calls go to one until it
 * cannot be reached, then to the next: a request that never left moves on at once, one that may
 * have arrived only if resending it is safe (RETRY_SAFETY), and so does one a node answered
 * UNAVAILABLE (shutting down, or cut off from its database) — another node can serve it.
 */
export class HttpCaller {
  private readonly endpoints: Endpoint[];
  /** The server calls go to first: the last one that answered. */
  private current = 0;
  private closed = false;
  /** Some request got an HTTP answer: the address is right, so later outages are transient. */
  private reachedBefore = false;
  /** Requests sent and not yet answered (ended at close). */
  private readonly sent = new Set<ClientRequest>();

  constructor(
    baseUrls: readonly string[],
    private readonly opts: HttpOptions = {},
  ) {
    if (baseUrls.length === 0) throw new TypeError('HttpCaller needs at least one server address');
    this.endpoints = baseUrls.map((u) => new Endpoint(u, opts.tls));
  }

  private get addressText(): string {
    return this.endpoints.map((e) => e.baseUrl).join(',');
  }

  /** POSTs `body` to /v1/<operation>; resolves with the parsed answer. */
  async call(operation: string, body: unknown, signal?: AbortSignal, headers?: Readonly<Record<string, string>>): Promise<unknown> {
    if (this.closed) throw new ApiError('UNAVAILABLE', `the connection to ${this.addressText} is closed`);
    if (signal?.aborted) throw new CallAborted();
    const text = JSON.stringify(body ?? {});
    const wait = (body as { timeoutMs?: unknown } | undefined)?.timeoutMs;
    const timeoutMs = (typeof wait === 'number' && wait >= 0 ? wait : DEFAULT_WAIT_MS) + MARGIN_MS;
    const safe = resendable(operation, body);
    const first = this.current;
    const failures: { endpoint: Endpoint; err: NodeJS.ErrnoException }[] = [];
    for (let tried = 0; tried < this.endpoints.length; tried++) {
      const index = (first + tried) % this.endpoints.length;
      const endpoint = this.endpoints[index]!;
      const last = tried === this.endpoints.length - 1;
      try {
        const answer = await this.withStaleRetries(endpoint, operation, text, timeoutMs, safe, signal, headers);
        this.current = index;
        return answer;
      } catch (err) {
        if (err instanceof Unreachable) {
          const neverSent = NEVER_SENT.has(err.cause.code ?? '');
          if (last || this.closed || !(neverSent || safe)) throw this.unreachableError(failures, endpoint, operation, err.cause, safe);
          failures.push({ endpoint, err: err.cause });
          continue;
        }
        if (!last && safe && err instanceof ApiError && err.code === 'UNAVAILABLE' && err.details['retryable'] === true) continue;
        throw err;
      }
    }
    throw new Error('unreachable: the loop returns or throws on its last server');
  }

  private async withStaleRetries(endpoint: Endpoint, operation: string, text: string, timeoutMs: number, safe: boolean, signal?: AbortSignal, headers?: Readonly<Record<string, string>>): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(endpoint, operation, text, timeoutMs, signal, headers);
      } catch (err) {
        if (!(err instanceof StaleSocket)) throw err;
        // Closing the connection resets its sockets too: that is no stale socket to send again on.
        if (this.closed || attempt >= STALE_SOCKET_RETRIES || !safe) throw new Unreachable(err.cause);
      }
    }
  }

  /** The error for a call no server took: for one server as before, for several naming each one's reason. */
  private unreachableError(failures: { endpoint: Endpoint; err: NodeJS.ErrnoException }[], endpoint: Endpoint, operation: string, err: NodeJS.ErrnoException, safe: boolean): ApiError {
    const error = unreachable(endpoint.baseUrl, operation, err, this.reachedBefore, safe, this.opts);
    if (failures.length === 0) return error;
    const reasons = [...failures, { endpoint, err }].map((f) => `${f.endpoint.baseUrl}: ${reasonOf(f.err)}`).join('; ');
    if (error.details['ambiguous'] === true) return error;
    return new ApiError('UNAVAILABLE', `cannot reach any Endure server of ${this.addressText} (${reasons}); is \`endure server\` running?`, error.details);
  }

  private once(endpoint: Endpoint, operation: string, text: string, timeoutMs: number, signal?: AbortSignal, extraHeaders?: Readonly<Record<string, string>>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...this.opts.headers, ...extraHeaders, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), accept: 'application/json' };
      const apiKey = typeof this.opts.apiKey === 'function' ? this.opts.apiKey() : this.opts.apiKey;
      if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
      const send = endpoint.secure ? httpsRequest : httpRequest;
      let outcome: 'aborted' | 'timeout' | undefined;
      const fail = (err: NodeJS.ErrnoException) => {
        cleanup();
        if (outcome === 'aborted') reject(new CallAborted());
        else if (outcome === 'timeout') reject(new ApiError('DEADLINE_EXCEEDED', `no answer from the Endure server at ${endpoint.baseUrl} to ${operation} within ${timeoutMs} ms`));
        // Only at once: a long-poll whose server died after waiting a while is not a stale
        // socket, and sending it again would wait its whole time again past the caller's deadline.
        else if (req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && Date.now() - sentAt < STALE_SOCKET_MS) reject(new StaleSocket(err));
        else reject(new Unreachable(err));
      };
      let answered = false;
      const sentAt = Date.now();
      const t = endpoint.target;
      const options = { protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.pathPrefix + operation, method: 'POST', agent: endpoint.agent, headers };
      const req: ClientRequest = send(options, (res) => {
        answered = true;
        this.reachedBefore = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          cleanup();
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(problemOf(res.statusCode ?? 0, body, endpoint.baseUrl));
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new ApiError('INTERNAL', `the Endure server at ${endpoint.baseUrl} sent a reply that is not JSON: ${body.slice(0, 200)}`));
          }
        });
      });
      const timer = setTimeout(() => {
        outcome = 'timeout';
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        outcome = 'aborted';
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.sent.delete(req);
      };
      this.sent.add(req);
      req.on('error', fail);
      // A server whose host is gone (not just its port closed) never refuses: give up connecting
      // after a while, as "never sent", so another server of the address can take the call.
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => req.destroy(Object.assign(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ECONNTIMEOUT' })), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('close', () => clearTimeout(connectTimer));
      });
      req.end(text);
    });
  }

  close(): void {
    this.closed = true;
    // Requests on their way fail now, as a broken connection (the agent's destroy leaves them
    // waiting out their timeouts): a long-poll's caller hears at once.
    for (const req of this.sent) req.destroy(Object.assign(new Error('the connection was closed'), { code: 'ECONNRESET' }));
    for (const e of this.endpoints) e.agent.destroy();
  }
}

/** Errors of a request that never reached the server: safe to send to another one. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ECONNTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How long connecting to a server may take before the request counts as never sent. */
const CONNECT_TIMEOUT_MS = 10_000;

/** (Internal) the request failed at the network level; `call` decides whether another server gets it. */
class Unreachable extends Error {
  constructor(override readonly cause: NodeJS.ErrnoException) {
    super(cause.message);
  }
}

class StaleSocket extends Error {
  constructor(override readonly cause: NodeJS.ErrnoException) {
    super(cause.message);
  }
}
