// Activities for the bench: plain functions that do nothing, so the numbers measure Endure itself.

/** A no-op activity. */
export async function noop(): Promise<void> {}
