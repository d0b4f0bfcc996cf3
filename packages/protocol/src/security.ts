// Security operations of the API: task-token key rotation and namespace-scoped API keys.
import { z } from 'zod';

/** What `rotateTokenKey` did: tokens are now signed with `keyId`; those signed by `retiredKeyIds` are refused. */
export const RotateTokenKeyResponse = z.object({
  keyId: z.string(),
  /** The keys whose tokens are still accepted: the new one and the one before it. */
  acceptedKeyIds: z.array(z.string()),
  retiredKeyIds: z.array(z.string()),
});
export type RotateTokenKeyResponse = z.infer<typeof RotateTokenKeyResponse>;

/**
 * What an API key may do (server mode). reader: describe, list, count, history, results,
 * queries. writer: a reader that also starts, signals, updates, cancels and terminates
 * workflows and completes activities asynchronously. worker: polls and completes tasks, answers
 * queries, and reads what a worker needs. admin: everything, including namespaces, search
 * attributes, task-token keys and API keys. Each operation's roles are in the server's route table.
 */
export const ApiKeyRole = z.enum(['reader', 'writer', 'worker', 'admin']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

/** In an API key's namespaces: every namespace, present and future. */
export const ALL_NAMESPACES = '*';

const namespaceOrAll = z
  .string()
  .max(200, 'a namespace is at most 200 characters')
  .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]*)$/, "each namespace is a namespace name, or '*' for all namespaces");

export const CreateApiKeyRequest = z.object({
  /** The namespaces the key may act in, or ['*'] for all. */
  namespaces: z.array(namespaceOrAll).min(1, "namespaces must name at least one namespace (or '*' for all)").max(100, 'namespaces lists at most 100'),
  role: ApiKeyRole,
  description: z.string().max(1000, 'description must be at most 1000 characters').optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** An API key as listed: never its secret. */
export const ApiKeyInfo = z.object({
  keyId: z.string(),
  role: ApiKeyRole,
  namespaces: z.array(z.string()),
  description: z.string(),
  createdTime: z.number(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** The new key: `key` is shown this once (only its hash is stored). */
export const CreateApiKeyResponse = ApiKeyInfo.extend({ key: z.string() });
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponse>;

export const ListApiKeysResponse = z.object({ keys: z.array(ApiKeyInfo) });
export type ListApiKeysResponse = z.infer<typeof ListApiKeysResponse>;

export const RevokeApiKeyRequest = z.object({ keyId: z.string().min(1, 'keyId must not be empty').max(100, 'keyId must be at most 100 characters') });
export type RevokeApiKeyRequest = z.infer<typeof RevokeApiKeyRequest>;
