// Who may call what, where: the vocabulary of the route table's `access` entries, and the check
// every request (each call of a batch too) passes before it reaches the engine.
import { ALL_NAMESPACES, ApiError, type ApiKeyRole } from '@endure/protocol';
import { taskTokenNamespace } from './task-token-claims.js';

/**
 * Where an operation acts, for the namespace check:
 * - 'request': the request's `namespace`;
 * - 'taskToken': the namespace its task token names (the engine checks the token's signature,
 *   so a token altered to name another namespace is refused there);
 * - 'listed': the answer lists namespaces; it is cut to those the key may see;
 * - 'global': the operation acts on every namespace (keys, token keys): it needs a key for all;
 * - 'none': the operation reads nothing of any namespace (the cluster's nodes and shards).
 */
export type NamespaceSource = 'request' | 'taskToken' | 'listed' | 'global' | 'none';

export interface Access {
  /** The roles that may call the operation. */
  roles: readonly ApiKeyRole[];
  namespace: NamespaceSource;
}

// The role groups the route table uses (admin is in each: it may do everything).
export const READERS: readonly ApiKeyRole[] = ['reader', 'writer', 'admin'];
/** Reads a worker needs too (the namespace at start, history to replay a run it has not cached). */
export const READERS_AND_WORKERS: readonly ApiKeyRole[] = ['reader', 'writer', 'worker', 'admin'];
export const WRITERS: readonly ApiKeyRole[] = ['writer', 'admin'];
export const WORKERS: readonly ApiKeyRole[] = ['worker', 'admin'];
/** Completing an activity by its token: its worker, or a writer completing it asynchronously. */
export const ACTIVITY_COMPLETERS: readonly ApiKeyRole[] = ['writer', 'worker', 'admin'];
export const ADMINS: readonly ApiKeyRole[] = ['admin'];
/** Every key: what the clients and workers of a cluster read to send each request to the right node. */
export const EVERY_ROLE: readonly ApiKeyRole[] = ['reader', 'writer', 'worker', 'admin'];

/** Who a request acts as. */
export interface Principal {
  /** For messages, e.g. "API key 'a1b2c3d4e5f6'". */
  name: string;
  /** The stored key's id (absent for the server's own keys and for open access). */
  keyId?: string;
  role: ApiKeyRole;
  /** The namespaces it may act in; ['*'] for all. */
  namespaces: readonly string[];
  /** Another node of this server's cluster (its peer credential checked): may call node-to-node operations and have requests served locally. */
  peer?: true;
}

/** What a server without required keys grants a caller who sends none (today's behaviour: everything). */
export const OPEN_ACCESS: Principal = { name: 'a caller without an API key', role: 'admin', namespaces: [ALL_NAMESPACES] };

export function mayActIn(p: Principal, namespace: string): boolean {
  return p.namespaces.includes(ALL_NAMESPACES) || p.namespaces.includes(namespace);
}

function scope(p: Principal): string {
  return p.namespaces.includes(ALL_NAMESPACES) ? 'all namespaces' : `namespace${p.namespaces.length > 1 ? 's' : ''} ${p.namespaces.join(', ')}`;
}

function denied(p: Principal, operation: string, message: string, namespace?: string): ApiError {
  return new ApiError('PERMISSION_DENIED', message, {
    operation,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(p.keyId ? { keyId: p.keyId } : {}),
    role: p.role,
    namespaces: [...p.namespaces],
  });
}

/** Throws PERMISSION_DENIED unless `p` may call `operation` with `request` (already validated). */
export function authorize(p: Principal, operation: string, access: Access, request: unknown): void {
  if (!access.roles.includes(p.role)) {
    const needs = access.roles.join(' or ');
    throw denied(p, operation, `${p.name} (role ${p.role}) may not call ${operation}: that needs role ${needs}`);
  }
  if (access.namespace === 'global') {
    if (!p.namespaces.includes(ALL_NAMESPACES)) {
      throw denied(p, operation, `${p.name} (role ${p.role}, ${scope(p)}) may not call ${operation}: it acts on every namespace, so it needs a key for all namespaces ('${ALL_NAMESPACES}')`);
    }
    return;
  }
  // A key for every namespace may act in any: no need to find out which (a task token's claim
  // is a base64 JSON decode, on every completion).
  if (p.namespaces.includes(ALL_NAMESPACES) || access.namespace === 'none') return;
  const req = request as { namespace?: unknown; taskToken?: unknown };
  const namespace =
    access.namespace === 'request' ? req.namespace : access.namespace === 'taskToken' && typeof req.taskToken === 'string' ? taskTokenNamespace(req.taskToken) : undefined;
  // No readable namespace in a task token: the engine refuses the token itself.
  if (typeof namespace !== 'string' || mayActIn(p, namespace)) return;
  const name = namespace.slice(0, 200);
  throw denied(p, operation, `${p.name} (role ${p.role}) may not act in namespace '${name}': it is scoped to ${scope(p)}; use a key for '${name}'`, name);
}

/** The part of a listNamespaces answer `p` may see. */
export function visibleNamespaces<T extends { namespaces: { namespace: string }[] }>(p: Principal, answer: T): T {
  return { ...answer, namespaces: answer.namespaces.filter((n) => mayActIn(p, n.namespace)) };
}
