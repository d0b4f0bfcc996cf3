import { EngineConnection, type ConnectOptions } from '@endure/transport';

export type { ConnectOptions as ConnectionOptions };

/** The client's connection to an engine (Temporal's Connection); only the address picks the deployment. */
export class Connection extends EngineConnection {}
