// One runner process a crash test launches (a script from src/), the protocol messages it prints,
// and the set of those still alive, so that none outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';

/** One `<prefix><json>` line of a runner's stdout. */
export type Message = { type: string; [k: string]: unknown };
export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** How long a process may take to report ready / started / results before the test gives up. */
export const STEP_TIMEOUT_MS = 30_000;

export interface RunnerProcessOptions {
  script: string;
  args: string[];
  /** Marks the stdout lines that carry protocol messages. */
  protocolPrefix: string;
  /** What the test calls one process in its messages ('child', 'launch'), and which one it is. */
  label: string;
  index: number;
}

const live = new Set<RunnerProcess>();

export class RunnerProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly label: string;
  readonly index: number;
  readonly spawnedAt = Date.now();
  killedAt: number | undefined;
  /** How long the test let it run before the kill. */
  killDelay: number | undefined;
  readonly messages: Message[] = [];
  stderr = '';
  stdoutOther = '';
  readonly exited: Promise<Exit>;
  exitInfo: Exit | undefined;
  private waiters: (() => void)[] = [];

  constructor({ script, args, protocolPrefix, label, index }: RunnerProcessOptions) {
    this.label = label;
    this.index = index;
    this.proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.proc.pid === undefined) throw new Error(`could not spawn ${this.title} (${script})`);
    this.pid = this.proc.pid;
    live.add(this);
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(protocolPrefix)) this.messages.push(JSON.parse(line.slice(protocolPrefix.length)) as Message);
        else this.stdoutOther += `${line}\n`;
        this.wake();
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  /** 'child #3': how assertion messages name it. */
  get title(): string {
    return `${this.label} #${this.index}`;
  }

  describe(): string {
    const errors = this.messages.filter((m) => m.type === 'error').map((m) => String(m.message));
    return [
      `${this.title} (pid ${this.pid}) exit=${JSON.stringify(this.exitInfo ?? 'running')}`,
      ...errors.map((e) => `  reported error: ${e}`),
      this.stderr ? `  stderr:\n${this.stderr.slice(-4000)}` : '  stderr: (empty)',
      this.stdoutOther ? `  other stdout:\n${this.stdoutOther.slice(-2000)}` : '',
    ].join('\n');
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when a message arrives or the process exits, or after `ms`. */
  private nextWake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The first message matching `pred` at index `from` or later; undefined after `timeoutMs` or once the process exits. */
  async nextMessage(pred: (m: Message) => boolean, from: number, timeoutMs: number): Promise<Message | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.slice(from).find(pred);
      if (m || this.exitInfo) return m;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.nextWake(left);
    }
  }

  /** Resolves with the first message of `type`; rejects if the process exits or reports an error first. */
  async waitFor(type: string, timeoutMs = STEP_TIMEOUT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => x.type === type);
      if (m) return m;
      if (this.messages.some((x) => x.type === 'error') || this.exitInfo) throw new Error(`waiting for '${type}': ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for '${type}': ${this.describe()}`);
      await this.nextWake(Math.min(left, 1000));
    }
  }

  async kill(): Promise<Exit> {
    if (!this.exitInfo) {
      this.killedAt ??= Date.now();
      this.proc.kill('SIGKILL');
    }
    return this.exited;
  }
}

/** Kills every live process and waits until all have exited. */
export async function killLive(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

/** Synchronous, so it also works from 'exit' and signal handlers. */
export function killLiveNow(): void {
  for (const p of live) {
    try {
      p.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
