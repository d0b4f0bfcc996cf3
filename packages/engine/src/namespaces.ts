// The namespace registry: loaded once at open, held in memory so every request's check is a
// map lookup, written through to the store (ordered with every other mutation).
import {
  ApiError,
  DEFAULT_CUSTOM_SEARCH_ATTRIBUTES,
  SYSTEM_SEARCH_ATTRIBUTES,
  type NamespaceInfo,
  type RegisterNamespaceRequest,
  type SearchAttributeType,
} from '@endure/protocol';
import type { NamespaceRecord, Store } from '@endure/storage';

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;
/** Bound on a namespace's custom attributes: each one is an index the store maintains. */
export const MAX_CUSTOM_SEARCH_ATTRIBUTES = 200;

export function namespaceInfo(ns: NamespaceRecord): NamespaceInfo {
  return { namespace: ns.name, description: ns.description, retentionMs: ns.retentionMs, createdTime: ns.createdTime, searchAttributes: { ...ns.searchAttributes } };
}

export class Namespaces {
  private readonly byName = new Map<string, NamespaceRecord>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** A failed write leaves memory ahead of disk: the engine must stop. */
    private readonly onWriteFailure: (err: unknown) => void,
  ) {}

  /** Reads every namespace; creates `default` (with Temporal's default custom attributes) if absent. */
  async load(): Promise<void> {
    for (const ns of await this.store.listNamespaces()) this.byName.set(ns.name, ns);
    if (!this.byName.has(DEFAULT_NAMESPACE)) {
      await this.create({ namespace: DEFAULT_NAMESPACE, description: 'the default namespace', retentionMs: DEFAULT_RETENTION_MS });
    }
  }

  /** The namespace, or NOT_FOUND saying how to create it. */
  get(name: string): NamespaceRecord {
    const ns = this.byName.get(name);
    if (!ns) throw new ApiError('NOT_FOUND', `namespace '${name.slice(0, 200)}' is not registered; create it with \`endure namespace create ${name.slice(0, 200)}\` or client.operator.registerNamespace({ namespace: '${name.slice(0, 200)}' })`, { namespace: name });
    return ns;
  }

  all(): NamespaceRecord[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async register(req: RegisterNamespaceRequest): Promise<NamespaceInfo> {
    if (this.byName.has(req.namespace)) {
      // A conflict, like starting a workflow id that is running (HTTP 409 in server mode).
      throw new ApiError('ALREADY_EXISTS', `namespace '${req.namespace}' already exists; see it with \`endure namespace describe ${req.namespace}\``, { namespace: req.namespace });
    }
    return namespaceInfo(await this.create(req));
  }

  private async create(req: RegisterNamespaceRequest): Promise<NamespaceRecord> {
    return this.put({
      name: req.namespace,
      description: req.description ?? '',
      retentionMs: req.retentionMs ?? DEFAULT_RETENTION_MS,
      createdTime: this.now(),
      searchAttributes: { ...DEFAULT_CUSTOM_SEARCH_ATTRIBUTES },
    });
  }

  /**
   * Registers custom attributes, all or none: re-adding a key with its type is a no-op; another
   * type, a system name or going over the bound is refused, naming the key.
   */
  async addSearchAttributes(name: string, attrs: Record<string, SearchAttributeType>): Promise<void> {
    const ns = this.get(name);
    const added: Record<string, SearchAttributeType> = {};
    for (const [key, type] of Object.entries(attrs)) {
      if (Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, key)) {
        throw new ApiError('INVALID_ARGUMENT', `searchAttributes.${key}: '${key}' is a system search attribute (reserved); pick another name for a custom one`);
      }
      const existing = Object.hasOwn(ns.searchAttributes, key) ? ns.searchAttributes[key] : undefined;
      if (existing && existing !== type) {
        throw new ApiError(
          'INVALID_ARGUMENT',
          `searchAttributes.${key}: '${key}' is already registered as ${existing} in namespace '${name}' and cannot become ${type} (runs' values are indexed as ${existing}); register a new name for ${type} values`,
        );
      }
      if (!existing) added[key] = type;
    }
    const total = Object.keys(ns.searchAttributes).length + Object.keys(added).length;
    if (total > MAX_CUSTOM_SEARCH_ATTRIBUTES) {
      throw new ApiError('INVALID_ARGUMENT', `namespace '${name}' would have ${total} custom search attributes, over the limit of ${MAX_CUSTOM_SEARCH_ATTRIBUTES}; reuse existing ones`);
    }
    if (Object.keys(added).length === 0) return;
    await this.put({ ...ns, searchAttributes: { ...ns.searchAttributes, ...added } });
  }

  /** Takes effect in memory at once (so a concurrent request sees it), acknowledged when durable. */
  private async put(ns: NamespaceRecord): Promise<NamespaceRecord> {
    this.byName.set(ns.name, ns);
    try {
      await this.store.putNamespace(ns);
    } catch (err) {
      this.onWriteFailure(err);
      throw err;
    }
    return ns;
  }
}
