// The options of Client, WorkflowClient and AsyncCompletionClient as Temporal names them: each
// option either does what Temporal's does or is refused by name (see @endure/common options.ts),
// at compile time where the type allows (`?: never`) and always at run time.
import { hostname } from 'node:os';
import type { EngineApi } from '@endure/protocol';
import { checkOptions, defaultPayloadConverter, optionTable, type PayloadConverter } from '@endure/common';
import { Connection } from './connection.js';
import { scopedEngine } from './call-context.js';
import { QueryRejectCondition } from './query-reject.js';

const CLIENT_TEST = 'packages/integration/test/client-options.test.ts';

/** How payloads are converted. Endure's client takes the converter object itself. */
export interface DataConverter {
  /** Converts values to payloads and back (default: JSON, with undefined and binary data). */
  payloadConverter?: PayloadConverter;
  /** Not supported by the client: import the module and pass its `payloadConverter` (Worker.create takes a path). */
  payloadConverterPath?: never;
  /** Not supported: failures are converted by Endure's own failure converter. */
  failureConverterPath?: never;
  /** Not supported: payloads are stored as converted, without codecs (encryption, compression). */
  payloadCodecs?: never;
}

export interface BaseClientOptions {
  /** The engine to talk to: `await Connection.connect({ address })`. Default, as Temporal's: `Connection.lazy()` (ENDURE_ADDRESS, else localhost:7233, opened on the first call). */
  connection?: Connection;
  /** Default `'default'`. */
  namespace?: string;
  dataConverter?: DataConverter;
  /** Reported to the engine with each change (history shows who signalled, cancelled…). Default `${pid}@${hostname}`. */
  identity?: string;
  /** Not supported: payloads are not cached by the client. */
  payloadCache?: never;
}

export interface ClientOptions extends BaseClientOptions {
  /** Not supported: Endure has no client interceptors. */
  interceptors?: never;
  /** Not supported: Endure has no client plugins. */
  plugins?: never;
  workflow?: {
    /** Refuse queries to closed runs (NOT_OPEN) or to runs that did not complete (NOT_COMPLETED_CLEANLY). Default: none refused. */
    queryRejectCondition?: QueryRejectCondition;
  };
}

export interface WorkflowClientOptions extends BaseClientOptions {
  /** Not supported: Endure has no client interceptors. */
  interceptors?: never;
  queryRejectCondition?: QueryRejectCondition;
}

export type AsyncCompletionClientOptions = BaseClientOptions;

const NO_INTERCEPTORS = 'Endure has no client interceptors; wrap the calls in your own functions instead';
const base = {
  connection: { honoured: CLIENT_TEST },
  namespace: { honoured: CLIENT_TEST },
  dataConverter: { honoured: CLIENT_TEST },
  identity: { honoured: CLIENT_TEST },
  payloadCache: { refused: 'the client caches no payloads; remove the option' },
} as const;

export const CLIENT_OPTIONS = optionTable<ClientOptions>('ClientOptions', 'new Client', {
  ...base,
  interceptors: { refused: NO_INTERCEPTORS },
  plugins: { refused: 'Endure has no client plugins; configure the client directly' },
  workflow: { honoured: CLIENT_TEST },
});

export const CLIENT_WORKFLOW_OPTIONS = optionTable<NonNullable<ClientOptions['workflow']>>('ClientOptions.workflow', 'new Client', {
  queryRejectCondition: { honoured: CLIENT_TEST },
});

export const WORKFLOW_CLIENT_OPTIONS = optionTable<WorkflowClientOptions>('WorkflowClientOptions', 'new WorkflowClient', {
  ...base,
  interceptors: { refused: NO_INTERCEPTORS },
  queryRejectCondition: { honoured: CLIENT_TEST },
});

export const ASYNC_COMPLETION_CLIENT_OPTIONS = optionTable<AsyncCompletionClientOptions>('AsyncCompletionClientOptions', 'new AsyncCompletionClient', base);

export const DATA_CONVERTER_OPTIONS = optionTable<DataConverter>('DataConverter', 'new Client', {
  payloadConverter: { honoured: CLIENT_TEST },
  payloadConverterPath: { refused: "the client takes the converter itself: import the module and pass { payloadConverter } (Worker.create's dataConverter takes payloadConverterPath)" },
  failureConverterPath: { refused: 'failures are converted by Endure’s failure converter; a custom one is not supported' },
  payloadCodecs: { refused: 'payload codecs (encryption, compression) are not supported; payloads are stored as the converter makes them' },
});

/** What a client of any kind works with, once its options are checked and defaulted. */
export interface ClientDeps {
  connection: Connection;
  engine: EngineApi;
  namespace: string;
  identity: string;
  converter: PayloadConverter;
  dataConverter: DataConverter;
}

/** Checks a client's options (the `table` of its type) and applies Temporal's defaults. */
export function loadClientOptions(where: string, type: string, options: BaseClientOptions | undefined, table: Parameters<typeof checkOptions>[3]): ClientDeps {
  options ??= {};
  checkOptions(where, type, options, table);
  checkOptions(`${where}: dataConverter`, 'DataConverter', options.dataConverter, DATA_CONVERTER_OPTIONS);
  if (options.namespace !== undefined && (typeof options.namespace !== 'string' || !options.namespace)) throw new TypeError(`${where}: namespace must be a non-empty string`);
  const dataConverter = options.dataConverter ?? {};
  // No connection: Temporal's default, a lazy one to ENDURE_ADDRESS or localhost:7233.
  const connection = options.connection ?? Connection.lazy();
  return {
    connection,
    // Every call goes through the withDeadline / withAbortSignal scope it is made in.
    engine: scopedEngine(connection.engine),
    namespace: options.namespace ?? 'default',
    identity: options.identity ?? `${process.pid}@${hostname()}`,
    converter: dataConverter.payloadConverter ?? defaultPayloadConverter,
    dataConverter,
  };
}

export function checkQueryRejectCondition(where: string, c: unknown): QueryRejectCondition {
  if (c === undefined || c === 'NONE' || c === 'NOT_OPEN' || c === 'NOT_COMPLETED_CLEANLY') return c;
  throw new TypeError(`${where}: queryRejectCondition must be one of ${Object.keys(QueryRejectCondition).filter((k) => !k.includes('_CONDITION_')).join(', ')}; got ${String(c)}`);
}
