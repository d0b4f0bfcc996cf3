// Reading a request's JSON body: bounded in size (checked while it streams in), in nesting depth,
// and with errors that say what is wrong with it.
import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './http-errors.js';

/** Deeper than any real request; stops hostile nesting before validation recurses into it. */
export const MAX_JSON_DEPTH = 64;
/** How much of a refused body is read and dropped before the connection is cut. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(
    413,
    'PAYLOAD_TOO_LARGE',
    `request body is over the server's ${sizeText(limit)} limit (server option maxBodyBytes); pass large data by reference (a URL or a key) instead`,
  );
}

function checkContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined) return; // lenient for hand-written requests: the body must still be JSON
  const media = type.split(';')[0]!.trim().toLowerCase();
  if (media === 'application/json' || media.endsWith('+json')) return;
  throw new HttpProblem(415, 'INVALID_ARGUMENT', `content-type '${type.slice(0, 100)}' is not supported: send the body as JSON with 'Content-Type: application/json'`);
}

/** Reads and parses the body; an empty body is `{}`. Never holds more than `limit` bytes of it. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  checkContentType(req);
  const text = (await collect(req, limit)).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(400, 'INVALID_ARGUMENT', `request body is not valid JSON: ${(err as Error).message}`);
  }
  checkShape(value);
  return value;
}

/**
 * Collects the body. One over the limit is read to its end and dropped as it streams (the
 * refusal is sent once the client finished sending: answering earlier makes Node close the
 * connection under the client's unsent data, which then never sees the answer). Past the
 * discard bound the connection is cut instead.
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  const discardLimit = Math.max(DISCARD_LIMIT, 2 * limit);
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? NaN) > discardLimit) {
      reject(tooLarge(limit));
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks = [];
      if (size > discardLimit) {
        reject(tooLarge(limit));
        req.socket.destroy();
      }
    });
    req.on('end', () => (size > limit ? reject(tooLarge(limit)) : resolve(Buffer.concat(chunks, size))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new HttpProblem(400, 'INVALID_ARGUMENT', 'the request body ended early (connection closed)'));
    });
  });
}

/** Rejects nesting deeper than MAX_JSON_DEPTH and `__proto__` keys, without recursion. */
function checkShape(root: unknown): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new HttpProblem(400, 'INVALID_ARGUMENT', `request body is nested deeper than ${MAX_JSON_DEPTH} levels; no valid request is`);
    }
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw new HttpProblem(400, 'INVALID_ARGUMENT', `request body has a '__proto__' key, which no request uses`);
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
}
