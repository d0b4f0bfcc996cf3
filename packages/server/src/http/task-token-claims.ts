// What a task token claims, readable without the engine's key. Tokens are opaque to workers and
// clients; an authorizing gateway (the server's API-key check) reads the namespace a token names
// to decide whether the caller may act there. The claim is trusted only because the engine
// checks the token's signature when it is used: a token altered to claim another namespace is
// refused there (engine/src/task-token.ts defines the format: <keyId>.<payload>.<signature>,
// the payload a base64url JSON array whose second element is the namespace).

/** The namespace a task token names, or undefined if it has no readable claim (the engine refuses such tokens). */
export function taskTokenNamespace(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return Array.isArray(fields) && typeof fields[1] === 'string' ? fields[1] : undefined;
  } catch {
    return undefined;
  }
}
