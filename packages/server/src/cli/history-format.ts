// History events as one line each, for `workflow show`: payloads decoded, long values cut.
import type { HistoryEvent } from '@endure/protocol';
import { defaultPayloadConverter } from '@endure/common';
import { inline, isoTime } from './output.js';

// Fields that say nothing to a person reading a history.
const HIDDEN = new Set(['randomnessSeed', 'firstRunId', 'retryPolicy', 'timeouts']);

function isPayload(v: unknown): v is { metadata: Record<string, string>; data: string } {
  return typeof v === 'object' && v !== null && 'metadata' in v && 'data' in v && typeof (v as { data: unknown }).data === 'string';
}

/** Replaces payloads by their values (JSON) and failures by their messages, recursively. */
export function readable(v: unknown): unknown {
  if (isPayload(v)) {
    try {
      return defaultPayloadConverter.fromPayload(v);
    } catch {
      return `<${v.metadata['encoding'] ?? 'binary'} payload>`;
    }
  }
  if (Array.isArray(v)) return v.map(readable);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o['message'] === 'string' && 'info' in o) return `failure: ${o['message']}`;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, readable(x)]));
  }
  return v;
}

/** `  3  2025-01-01T10:00:00.000Z  ActivityTaskScheduled  activityType=charge input=["42"]` */
export function formatEvent(e: HistoryEvent, idWidth: number): string {
  const attrs = Object.entries(e.attributes as Record<string, unknown>)
    .filter(([k, v]) => v !== undefined && !HIDDEN.has(k))
    // Decoded payloads are shown as JSON (so "42" and 42 differ); plain fields as they are.
    .map(([k, v]) => `${k}=${inline(typeof v === 'object' ? JSON.stringify(readable(v)) : v, 80)}`)
    .join(' ');
  return `${String(e.eventId).padStart(idWidth)}  ${isoTime(e.eventTime)}  ${e.type}${attrs ? `  ${attrs}` : ''}`;
}
