// API-key authentication: `Authorization: Bearer <key>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './http-errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function unauthenticated(message: string): HttpProblem {
  return new HttpProblem(401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer realm="endure"' });
}

/** Checks requests against the configured keys; with no keys, every request passes. */
export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    // Hashing first makes every comparison the same length, so timing reveals nothing of a key.
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Whether the request may make API calls (carries one of the keys, or no keys are configured). */
  passes(req: IncomingMessage): boolean {
    try {
      this.check(req);
      return true;
    } catch {
      return false;
    }
  }

  /** Throws UNAUTHENTICATED unless the request carries one of the keys. */
  check(req: IncomingMessage): void {
    if (!this.enabled) return;
    const header = req.headers.authorization;
    if (header === undefined) {
      throw unauthenticated("this server requires an API key: send the header 'Authorization: Bearer <key>' (the client's apiKey option, or --api-key)");
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthenticated("the Authorization header must be 'Bearer <key>'");
    const given = digest(m[1]!);
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(given, d) || ok; // no early exit
    if (!ok) throw unauthenticated('the API key is not valid for this server');
  }
}
