// Authentication: `Authorization: Bearer <key>`. A key is one of the server's own (--api-key:
// admin in every namespace, compared in constant time) or an API key stored in the database
// (`endure operator api-key create`: a role in some namespaces). access.ts decides what it may do.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ALL_NAMESPACES, type ApiKeyInfo } from '@endure/protocol';
import { isPeerCredentialShaped } from '@endure/engine';
import { HttpProblem } from './http-errors.js';
import { OPEN_ACCESS, type Principal } from './access.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function unauthenticated(message: string): HttpProblem {
  return new HttpProblem(401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer realm="endure"' });
}

const SERVER_KEY: Principal = { name: "the server's API key", role: 'admin', namespaces: [ALL_NAMESPACES] };
const PEER: Principal = { name: 'another node of this cluster', role: 'admin', namespaces: [ALL_NAMESPACES], peer: true };

/** Finds a stored API key by what a request presents (the engine's, in memory). */
export type StoredKeyLookup = (presented: string) => ApiKeyInfo | undefined;

export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(
    keys: readonly string[],
    private readonly stored: StoredKeyLookup = () => undefined,
    /** In a cluster: whether a credential is another node's (cluster/peer-credential in the engine). */
    private readonly peer?: (presented: string) => boolean,
  ) {
    // Hashing first makes every comparison the same length, so timing reveals nothing of a key.
    this.digests = keys.map(digest);
  }

  /** Whether every request must carry a key: when the server was given keys of its own. */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Whether the request may make API calls (carries a valid key, or none is required and none is sent). */
  passes(req: IncomingMessage): boolean {
    try {
      this.check(req);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Who the request acts as. Without a key: UNAUTHENTICATED if keys are required, else open
   * access (today's loopback behaviour). A key that is sent is always checked, even where none is
   * required, so a scoped key is never silently ignored.
   */
  check(req: IncomingMessage): Principal {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (!this.enabled) return OPEN_ACCESS;
      throw unauthenticated("this server requires an API key: send the header 'Authorization: Bearer <key>' (the client's apiKey option, or --api-key)");
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthenticated("the Authorization header must be 'Bearer <key>'");
    if (this.peer && isPeerCredentialShaped(m[1]!)) {
      if (this.peer(m[1]!)) return PEER;
      throw unauthenticated('the peer credential is not valid for this cluster (its task-token keys were rotated a moment ago? the next round of the nodes reads them again)');
    }
    const given = digest(m[1]!);
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(given, d) || ok; // no early exit
    if (ok) return SERVER_KEY;
    const key = this.stored(m[1]!);
    if (key) return { name: `API key '${key.keyId}'`, keyId: key.keyId, role: key.role, namespaces: key.namespaces };
    throw unauthenticated('the API key is not valid for this server (wrong, or revoked)');
  }
}
