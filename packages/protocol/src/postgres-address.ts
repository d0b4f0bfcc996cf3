// Which connection addresses name a PostgreSQL database: one test, shared by every package that
// must tell them apart (the transport, the embedded engine, the server's options and CLI, the
// worker's messages), so the schemes accepted never differ from one place to another.

/** `postgres://…` or `postgresql://…` (any case), as libpq and PostgreSQL's tools write them. */
export function isPostgresAddress(address: string): boolean {
  return /^postgres(ql)?:\/\//i.test(address);
}
