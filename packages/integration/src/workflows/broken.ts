// A workflow with a bug: its task fails at every attempt (failing-task-log.test.ts).
export async function alwaysBroken(): Promise<void> {
  throw new Error('bug: order total is NaN');
}
