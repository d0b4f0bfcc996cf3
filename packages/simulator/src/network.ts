// The simulated network between actors (workers, clients) and the engine. Every call is a
// message the simulation loop delivers when it chooses, so calls interleave in any order; on the
// way a request can be lost, delivered twice or delivered late, and an answer can be lost — the
// caller then cannot know whether its request was applied (an ambiguous failure), and must
// resend it with the same idempotency key.
import { ApiError } from '@endure/protocol';
import type { Engine } from '@endure/engine';

export interface NetworkFaults {
  /** Probability that a request never arrives. */
  dropRequest: number;
  /** Probability that a request arrives twice (the copy's answer goes nowhere). */
  duplicate: number;
  /** Probability that an answer is lost after the engine handled the request. */
  dropAnswer: number;
}

type Message =
  | { kind: 'request'; op: string; req: unknown; reply: ((outcome: Outcome) => void) | undefined }
  | { kind: 'answer'; outcome: Outcome; epoch: number; reply: (outcome: Outcome) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What a caller sees when its request or the answer was lost, or the engine died meanwhile. */
export const lostMessage = (op: string): ApiError => new ApiError('UNAVAILABLE', `simulated network: no answer to ${op}`, { retryable: true });

export class Network {
  private queue: Message[] = [];
  /** The engine instance that answers now, and its incarnation (answers of dead ones are lost). */
  private engine: Engine | undefined;
  private epoch = 0;
  /** Requests the current engine holds (long-polls, writes waiting for their commit). */
  private outstanding = new Set<(outcome: Outcome) => void>();
  readonly counts = { requests: 0, droppedRequests: 0, duplicated: 0, droppedAnswers: 0 };

  constructor(
    private readonly random: () => number,
    private readonly faults: NetworkFaults,
  ) {}

  /** The engine restarted (or stopped: undefined); what the old one still answers is lost. */
  attach(engine: Engine | undefined): void {
    this.engine = engine;
    this.epoch++;
    // The callers of a dead engine's held requests see their connections break.
    for (const reply of this.outstanding) this.queue.push({ kind: 'answer', outcome: { ok: false, error: lostMessage('the request') }, epoch: this.epoch, reply });
    this.outstanding.clear();
  }

  get inFlight(): number {
    return this.queue.length;
  }

  call<T>(op: string, req: unknown): Promise<T> {
    this.counts.requests++;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'request', op, req, reply: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
    });
  }

  /** Delivers one message chosen at random; false if none is in flight. */
  deliverOne(faultsOn: boolean): boolean {
    if (this.queue.length === 0) return false;
    const i = Math.floor(this.random() * this.queue.length);
    const m = this.queue.splice(i, 1)[0]!;
    if (m.kind === 'answer') {
      const lost = m.epoch !== this.epoch || (faultsOn && this.random() < this.faults.dropAnswer);
      if (lost && m.epoch === this.epoch) this.counts.droppedAnswers++;
      m.reply(lost ? { ok: false, error: lostMessage('the request') } : m.outcome);
      return true;
    }
    if (faultsOn && this.random() < this.faults.dropRequest) {
      this.counts.droppedRequests++;
      m.reply?.({ ok: false, error: lostMessage(m.op) });
      return true;
    }
    if (faultsOn && m.reply && this.random() < this.faults.duplicate) {
      this.counts.duplicated++;
      this.queue.push({ kind: 'request', op: m.op, req: structuredClone(m.req), reply: undefined });
    }
    const engine = this.engine;
    const epoch = this.epoch;
    if (!engine) {
      m.reply?.({ ok: false, error: lostMessage(m.op) });
      return true;
    }
    const handler = (engine as unknown as Record<string, (req: unknown) => Promise<unknown>>)[m.op];
    if (!handler) throw new Error(`simulated network: the engine has no operation ${m.op}`);
    const reply = m.reply;
    if (reply) this.outstanding.add(reply);
    const answered = (outcome: Outcome) => {
      if (!reply || epoch !== this.epoch || !this.outstanding.delete(reply)) return;
      this.queue.push({ kind: 'answer', outcome, epoch, reply });
    };
    let p: Promise<unknown>;
    try {
      p = handler.call(engine, structuredClone(m.req));
    } catch (error) {
      answered({ ok: false, error });
      return true;
    }
    p.then(
      (value) => answered({ ok: true, value }),
      (error: unknown) => answered({ ok: false, error }),
    );
    return true;
  }
}
