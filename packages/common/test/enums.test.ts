import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityCancellationType, ChildWorkflowCancellationType, ParentClosePolicy, RetryState, TimeoutType, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '../src/index.js';

describe("Temporal's enum-like names", () => {
  it('are values whose members are their own names, with the older prefixed spellings as aliases', () => {
    const enums = { ParentClosePolicy, ChildWorkflowCancellationType, ActivityCancellationType, WorkflowIdReusePolicy, WorkflowIdConflictPolicy, TimeoutType, RetryState };
    const prefixes = ['PARENT_CLOSE_POLICY_', 'WORKFLOW_ID_REUSE_POLICY_', 'TIMEOUT_TYPE_', 'RETRY_STATE_'];
    for (const [name, values] of Object.entries(enums)) {
      for (const [key, value] of Object.entries(values)) {
        const prefix = prefixes.find((p) => key.startsWith(p));
        const plain = prefix ? key.slice(prefix.length) : key;
        assert.equal(value, plain === 'UNSPECIFIED' ? undefined : plain, `${name}.${key}`);
      }
    }
  });

  it('are types too: a policy variable takes the value or its string', () => {
    const a: ParentClosePolicy = ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON;
    const b: ParentClosePolicy = 'ABANDON';
    assert.equal(a, b);
    const c: ActivityCancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
    assert.equal(c, 'WAIT_CANCELLATION_COMPLETED');
  });
});
