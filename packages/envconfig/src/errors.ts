/** Where a setting came from, for messages: a file's key, or an environment variable. */
export interface Origin {
  /** The file's path, or `the configSource data`. */
  file?: string;
  profile?: string;
  /** The TOML key (`tls.server_name`) or the environment variable (`ENDURE_TLS`). */
  key?: string;
  /** True when `key` is an environment variable. */
  env?: boolean;
}

export function describeOrigin(o: Origin): string {
  if (o.env) return `environment variable ${o.key}`;
  const parts = [o.file, o.profile !== undefined ? `profile '${o.profile}'` : undefined, o.key !== undefined ? `key '${o.key}'` : undefined];
  return parts.filter((p) => p !== undefined).join(': ');
}

/** A configuration file or variable that cannot be used; the message names the file, profile and key. */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
  readonly file: string | undefined;
  readonly profile: string | undefined;
  readonly key: string | undefined;
  constructor(
    readonly origin: Origin,
    /** What is wrong, without where. */
    readonly problem: string,
  ) {
    const where = describeOrigin(origin);
    super(where ? `${where}: ${problem}` : problem);
    this.file = origin.file;
    this.profile = origin.profile;
    this.key = origin.key;
  }
}
