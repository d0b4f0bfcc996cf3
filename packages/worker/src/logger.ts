export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const ORDER: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface Logger {
  log(level: LogLevel, message: string, meta?: Record<string, unknown>): void;
  trace(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  meta?: Record<string, unknown>;
  timestampMs: number;
}

/** Writes lines at or above `level` to stderr, or hands entries to `sink`. */
export class DefaultLogger implements Logger {
  constructor(
    readonly level: LogLevel = 'INFO',
    private readonly sink: (e: LogEntry) => void = (e) => {
      const meta = e.meta && Object.keys(e.meta).length ? ` ${JSON.stringify(e.meta)}` : '';
      process.stderr.write(`${new Date(e.timestampMs).toISOString()} [${e.level}] ${e.message}${meta}\n`);
    },
  ) {}

  log(level: LogLevel, message: string, meta?: Record<string, unknown>): void {
    if (ORDER.indexOf(level) < ORDER.indexOf(this.level)) return;
    this.sink({ level, message, meta, timestampMs: Date.now() });
  }
  trace(m: string, meta?: Record<string, unknown>): void { this.log('TRACE', m, meta); }
  debug(m: string, meta?: Record<string, unknown>): void { this.log('DEBUG', m, meta); }
  info(m: string, meta?: Record<string, unknown>): void { this.log('INFO', m, meta); }
  warn(m: string, meta?: Record<string, unknown>): void { this.log('WARN', m, meta); }
  error(m: string, meta?: Record<string, unknown>): void { this.log('ERROR', m, meta); }
}

/** Process-wide settings (Temporal's Runtime): the logger workers use unless given their own. */
export class Runtime {
  private static current: Runtime | undefined;
  private constructor(readonly logger: Logger) {}

  static install(opts: { logger?: Logger } = {}): Runtime {
    Runtime.current = new Runtime(opts.logger ?? new DefaultLogger('INFO'));
    return Runtime.current;
  }

  static instance(): Runtime {
    return (Runtime.current ??= new Runtime(new DefaultLogger(process.env['ENDURE_LOG_LEVEL'] as LogLevel | undefined ?? 'WARN')));
  }
}
