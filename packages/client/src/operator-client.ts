import type { ApiKeyInfo, ApiKeyRole, CreateApiKeyResponse, DescribeClusterResponse, EngineApi, ListSearchAttributesResponse, NamespaceInfo, RotateTokenKeyResponse, SearchAttributeType } from '@endure/protocol';
import { optionalMs, type Duration } from '@endure/common';
import { serviceCall as call } from './service-call.js';

export interface RegisterNamespaceOptions {
  namespace: string;
  description?: string;
  /** How long closed runs are kept, e.g. '7 days'. Default 3 days; at least one minute. */
  retention?: Duration;
}

/**
 * Administration of namespaces and search attributes (Temporal does these through its raw
 * OperatorService/WorkflowService gRPC calls; Endure offers them as methods).
 */
export class OperatorClient {
  constructor(
    private readonly engine: EngineApi,
    /** The client's namespace: the default for the search-attribute methods. */
    private readonly namespace: string,
  ) {}

  /** Creates a namespace; rejects with a ServiceError if it already exists. */
  async registerNamespace(opts: RegisterNamespaceOptions): Promise<NamespaceInfo> {
    if (!opts || typeof opts.namespace !== 'string') throw new TypeError('operator.registerNamespace: options.namespace (the new namespace name) is required');
    const retentionMs = optionalMs(opts.retention, 'retention');
    return call(() => this.engine.registerNamespace({ namespace: opts.namespace, description: opts.description, retentionMs }));
  }

  describeNamespace(namespace: string = this.namespace): Promise<NamespaceInfo> {
    return call(() => this.engine.describeNamespace({ namespace }));
  }

  async listNamespaces(): Promise<NamespaceInfo[]> {
    return (await call(() => this.engine.listNamespaces({}))).namespaces;
  }

  /** Registers custom search-attribute keys with their types, e.g. `{ CustomerId: 'Keyword' }`. */
  addSearchAttributes(searchAttributes: Record<string, SearchAttributeType>, namespace: string = this.namespace): Promise<void> {
    return call(() => this.engine.addSearchAttributes({ namespace, searchAttributes }));
  }

  /** The built-in (`system`) and registered (`custom`) search attributes and their types. */
  listSearchAttributes(namespace: string = this.namespace): Promise<ListSearchAttributesResponse> {
    return call(() => this.engine.listSearchAttributes({ namespace }));
  }

  /**
   * Makes a new task-token signing key. Tokens of tasks already handed out stay valid until the
   * next rotation; rotating twice refuses every token signed before the first.
   */
  rotateTokenKey(): Promise<RotateTokenKeyResponse> {
    return call(() => this.engine.rotateTokenKey({}));
  }

  /**
   * Makes an API key for an `endure server`: `role` in `namespaces` (['*'] for all). The answer's
   * `key` is the secret, shown this once: only its hash is stored.
   */
  createApiKey(opts: { role: ApiKeyRole; namespaces: string[]; description?: string }): Promise<CreateApiKeyResponse> {
    if (!opts || !Array.isArray(opts.namespaces)) throw new TypeError("operator.createApiKey: options.namespaces (the key's namespaces, or ['*']) is required");
    return call(() => this.engine.createApiKey({ role: opts.role, namespaces: opts.namespaces, description: opts.description }));
  }

  /** The API keys, without their secrets. */
  async listApiKeys(): Promise<ApiKeyInfo[]> {
    return (await call(() => this.engine.listApiKeys({}))).keys;
  }

  /** Revokes an API key by its id: requests carrying it are refused from now on. */
  revokeApiKey(keyId: string): Promise<void> {
    return call(() => this.engine.revokeApiKey({ keyId }));
  }

  /** The cluster's nodes and shard leases as the database records them (a single engine: mode 'single'). */
  describeCluster(): Promise<DescribeClusterResponse> {
    return call(() => this.engine.describeCluster({}));
  }
}
