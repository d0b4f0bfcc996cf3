// Security operations of the API: task-token key rotation.
import { z } from 'zod';

/** What `rotateTokenKey` did: tokens are now signed with `keyId`; those signed by `retiredKeyIds` are refused. */
export const RotateTokenKeyResponse = z.object({
  keyId: z.string(),
  /** The keys whose tokens are still accepted: the new one and the one before it. */
  acceptedKeyIds: z.array(z.string()),
  retiredKeyIds: z.array(z.string()),
});
export type RotateTokenKeyResponse = z.infer<typeof RotateTokenKeyResponse>;
