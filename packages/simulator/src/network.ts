// The simulated network between actors (workers, clients) and the engine's endpoints — several
// in a cluster, where nodes also call each other over it. Every call is a message the simulation
// loop delivers when it chooses, so calls interleave in any order; on the way a request can be
// lost, delivered twice or delivered late, and an answer can be lost — the caller then cannot
// know whether its request was applied (an ambiguous failure), and must resend it with the same
// idempotency key. A frozen process (a paused node) neither receives requests nor hears answers
// until it is thawed; they wait in the queue.
import { ApiError } from '@endure/protocol';

export interface NetworkFaults {
  /** Probability that a request never arrives. */
  dropRequest: number;
  /** Probability that a request arrives twice (the copy's answer goes nowhere). */
  duplicate: number;
  /** Probability that an answer is lost after the engine handled the request. */
  dropAnswer: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
type Reply = (outcome: Outcome) => void;

interface Request {
  kind: 'request';
  to: string;
  op: string;
  req: unknown;
  /** The calling process (undefined: an actor, which is never frozen). */
  from: string | undefined;
  reply: Reply | undefined;
  /** The caller gave up (an aborted long-poll): the handler is told, as a closed connection would. */
  signal: AbortSignal | undefined;
}
type Message = Request | { kind: 'answer'; from: string | undefined; outcome: Outcome; epoch: number; to: string; reply: Reply };

interface Endpoint {
  api: object | undefined;
  /** The process serving it: frozen with it. */
  process: string;
  /** Its incarnation: answers of a dead one are lost. */
  epoch: number;
  /** Requests it holds (long-polls, writes waiting for their commit), with their callers. */
  outstanding: Map<Reply, string | undefined>;
}

/**
 * What a caller sees when its request or the answer was lost, or the engine died meanwhile.
 * `ambiguous`: the request may have been applied (an answer lost, a connection broken while
 * held), as the HTTP transport says; a cluster node then does not retry it elsewhere by itself.
 */
export const lostMessage = (op: string, ambiguous = false): ApiError =>
  new ApiError('UNAVAILABLE', `simulated network: no answer to ${op}`, ambiguous ? { retryable: true, ambiguous: true } : { retryable: true });

/** Long-polls that hand out tasks: a result reaching a caller who left is given back (as the HTTP server does). */
const HANDS_OUT_TASKS = new Set(['pollWorkflowTask', 'pollWorkflowTasks', 'pollActivityTask', 'pollActivityTasks']);

function tokensOf(result: unknown): string[] {
  if (!result || typeof result !== 'object') return [];
  const many = (result as { tasks?: { taskToken: string }[] }).tasks;
  return many ? many.map((t) => t.taskToken) : [(result as { taskToken: string }).taskToken];
}

export class Network {
  private queue: Message[] = [];
  private endpoints = new Map<string, Endpoint>();
  private frozen = new Set<string>();
  readonly counts = { requests: 0, droppedRequests: 0, duplicated: 0, droppedAnswers: 0 };

  constructor(
    private readonly random: () => number,
    private readonly faults: NetworkFaults,
  ) {}

  /**
   * `name` is served by `api` from now on (undefined: nobody, a crashed process). What the old
   * incarnation still held is lost: its callers see their connections break.
   */
  attach(name: string, api: object | undefined, process: string = name): void {
    const old = this.endpoints.get(name);
    const epoch = (old?.epoch ?? 0) + 1;
    this.endpoints.set(name, { api, process, epoch, outstanding: new Map() });
    for (const [reply, from] of old?.outstanding ?? []) this.queue.push({ kind: 'answer', from, outcome: { ok: false, error: lostMessage('the request', true) }, epoch, to: name, reply });
  }

  /** The process stops taking messages (and hearing answers) until `thaw`. */
  freeze(process: string): void {
    this.frozen.add(process);
  }

  thaw(process: string): void {
    this.frozen.delete(process);
  }

  /** Messages on their way, whether deliverable now or waiting for a frozen process. */
  get inFlight(): number {
    return this.queue.length;
  }

  call<T>(to: string, op: string, req: unknown, from?: string, signal?: AbortSignal): Promise<T> {
    this.counts.requests++;
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(lostMessage(op));
      let done = false;
      const reply: Reply = (o) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', abort);
        if (o.ok) resolve(o.value as T);
        else reject(o.error);
      };
      // The caller hangs up: it hears no more, and a request not yet delivered is never sent.
      const abort = () => {
        const i = this.queue.indexOf(request);
        if (i >= 0) this.queue.splice(i, 1);
        reply({ ok: false, error: lostMessage(op) });
      };
      const request: Request = { kind: 'request', to, op, req, from, reply, signal };
      signal?.addEventListener('abort', abort, { once: true });
      this.queue.push(request);
    });
  }

  /** Delivers one deliverable message chosen at random (to `process` only, if given); false if none can be delivered now. */
  deliverOne(faultsOn: boolean, process?: string): boolean {
    const ready: number[] = [];
    for (let i = 0; i < this.queue.length; i++) {
      const m = this.queue[i]!;
      const waitsFor = m.kind === 'answer' ? m.from : this.endpoints.get(m.to)?.process;
      if ((waitsFor === undefined || !this.frozen.has(waitsFor)) && (process === undefined || waitsFor === process)) ready.push(i);
    }
    if (ready.length === 0) return false;
    const m = this.queue.splice(ready[Math.floor(this.random() * ready.length)]!, 1)[0]!;
    if (m.kind === 'answer') {
      const lost = m.epoch !== this.endpoints.get(m.to)?.epoch || (faultsOn && this.random() < this.faults.dropAnswer);
      if (lost && m.epoch === this.endpoints.get(m.to)?.epoch) this.counts.droppedAnswers++;
      m.reply(lost ? { ok: false, error: lostMessage('the request', true) } : m.outcome);
      return true;
    }
    this.handle(m, faultsOn);
    return true;
  }

  private handle(m: Request, faultsOn: boolean): void {
    if (faultsOn && this.random() < this.faults.dropRequest) {
      this.counts.droppedRequests++;
      m.reply?.({ ok: false, error: lostMessage(m.op) });
      return;
    }
    if (faultsOn && m.reply && this.random() < this.faults.duplicate) {
      this.counts.duplicated++;
      this.queue.push({ ...m, req: structuredClone(m.req), reply: undefined, signal: undefined });
    }
    const endpoint = this.endpoints.get(m.to);
    const api = endpoint?.api;
    if (!endpoint || !api) {
      m.reply?.({ ok: false, error: lostMessage(m.op) });
      return;
    }
    const handler = (api as Record<string, ((req: unknown, signal?: AbortSignal) => Promise<unknown>) | undefined>)[m.op];
    if (typeof handler !== 'function') throw new Error(`simulated network: ${m.to} has no operation ${m.op}`);
    const { reply, epoch } = { reply: m.reply, epoch: endpoint.epoch };
    if (reply) endpoint.outstanding.set(reply, m.from);
    // The caller hanging up ends the handler's wait, as a closed connection ends a long-poll.
    const hangUp = m.signal && new AbortController();
    if (hangUp && m.signal?.aborted) hangUp.abort();
    else if (hangUp) m.signal?.addEventListener('abort', () => hangUp.abort(), { once: true });
    const answered = (outcome: Outcome) => {
      if (outcome.ok && hangUp?.signal.aborted && HANDS_OUT_TASKS.has(m.op)) {
        for (const taskToken of tokensOf(outcome.value)) void (api as { releaseTask(r: unknown): Promise<unknown> }).releaseTask({ taskToken }).catch(() => {});
      }
      if (!reply || epoch !== endpoint.epoch || !endpoint.outstanding.delete(reply) || this.endpoints.get(m.to) !== endpoint) return;
      this.queue.push({ kind: 'answer', from: m.from, outcome, epoch, to: m.to, reply });
    };
    let p: Promise<unknown>;
    try {
      p = handler.call(api, structuredClone(m.req), hangUp?.signal);
    } catch (error) {
      answered({ ok: false, error });
      return;
    }
    p.then(
      (value) => answered({ ok: true, value }),
      (error: unknown) => answered({ ok: false, error }),
    );
  }
}
