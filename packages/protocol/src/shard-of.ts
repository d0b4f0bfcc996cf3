// Which shard a run belongs to. Every run of one workflow id is in the same shard (the id's
// current-run compare-and-set is then a single owner's decision), so the shard is a function of
// (namespace, workflow id) alone. The function is part of the stored data's meaning: rows are
// found by the shard this computes, so it must never change for a given shard count.

/** FNV-1a, 32 bits, over the UTF-16 code units of `namespace`, a separator, and `workflowId`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard (0 ≤ shard < shardCount) of every run of `workflowId` in `namespace`. */
export function shardOf(namespace: string, workflowId: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  return fnv1a(`${namespace}\u0000${workflowId}`) % shardCount;
}
