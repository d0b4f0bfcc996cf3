// How the nodes of a cluster recognise each other's requests without a secret to configure: they
// share the database, and with it the task-token key ring, so a node proves it is one of them
// with an HMAC under the ring's current key. A rotation (on any node) changes it; a node that
// does not yet know the new key reads the ring again (Engine.refreshSharedState) and retries.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenKeyRing } from '../token-keys.js';

const LABEL = 'endure cluster peer v1';
const PREFIX = 'endure-peer.';

export function peerCredential(keys: TokenKeyRing): string {
  const key = keys.signing();
  return `${PREFIX}${key.keyId}.${createHmac('sha256', key.secret).update(LABEL).digest('base64url')}`;
}

/** Whether `presented` looks like a peer credential at all (then it is checked, never taken for an API key). */
export function isPeerCredentialShaped(presented: string): boolean {
  return presented.startsWith(PREFIX);
}

/** True if `presented` was made with a key of the ring (the current one or the previous one). */
export function verifyPeerCredential(keys: TokenKeyRing, presented: string): boolean {
  if (!presented.startsWith(PREFIX)) return false;
  const [keyId, mac] = presented.slice(PREFIX.length).split('.');
  const secret = keyId === undefined ? undefined : keys.secretOf(keyId);
  if (!secret || mac === undefined) return false;
  const expected = createHmac('sha256', secret).update(LABEL).digest();
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
