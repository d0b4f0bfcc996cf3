import type { Command, HistoryEvent } from '@endure/protocol';

/** Short human form of a command: `ScheduleActivity(seq 3, activity 'charge')`. */
export function describeCommand(c: Command): string {
  switch (c.type) {
    case 'ScheduleActivity':
      return `ScheduleActivity(seq ${c.seq}, activity '${c.activityType}')`;
    case 'RecordPatchMarker':
      return `RecordPatchMarker('${c.patchId}')`;
    case 'ScheduleLocalActivity':
    case 'RecordLocalActivityMarker':
      return `${c.type}(seq ${c.seq}, activity '${c.activityType}')`;
    case 'StartChildWorkflow':
      return `StartChildWorkflow(seq ${c.seq}, workflow '${c.workflowType}')`;
    case 'RequestExternal':
      return `RequestExternal(seq ${c.seq}, ${c.kind} '${c.workflowId}')`;
    case 'AcceptUpdate':
    case 'RejectUpdate':
    case 'CompleteUpdate':
      return `${c.type}('${c.updateId}')`;
    case 'RequestCancelActivity':
    case 'StartTimer':
    case 'CancelTimer':
      return `${c.type}(seq ${c.seq})`;
    default:
      return c.type;
  }
}

/** Short human form of a command event: `ActivityTaskScheduled(seq 3, activity 'charge')`. */
export function describeEvent(e: HistoryEvent): string {
  if (e.type === 'MarkerRecorded') return `MarkerRecorded(patch '${e.attributes.patchId}')`;
  if (e.type === 'LocalActivityMarkerRecorded') return `LocalActivityMarkerRecorded(seq ${e.attributes.seq}, activity '${e.attributes.activityType}')`;
  const a = e.attributes as { seq?: number; activityType?: string };
  const parts: string[] = [];
  if (a.seq !== undefined) parts.push(`seq ${a.seq}`);
  if (a.activityType !== undefined) parts.push(`activity '${a.activityType}'`);
  return parts.length ? `${e.type}(${parts.join(', ')})` : e.type;
}

/**
 * Replayed code did something other than what history recorded. The workflow task fails and
 * is retried; the run itself is untouched and continues once compatible code is deployed.
 */
export class NondeterminismError extends Error {
  override name = 'NondeterminismError';
  constructor(
    readonly eventId: number,
    readonly recorded: string,
    readonly issued: string,
  ) {
    super(
      `nondeterminism at event ${eventId}: history recorded ${recorded}, but the workflow code now ${issued}. ` +
        `The code changed incompatibly for runs already in flight: restore the old code path, or guard the change with patched().`,
    );
  }
}
