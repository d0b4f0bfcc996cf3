import { describe, expect, it } from '@jest/globals';
import { MockActivityEnvironment } from '@endure/testing';
import * as activities from '../activities';

describe('activities', () => {
  it('greets', async () => {
    const env = new MockActivityEnvironment();
    expect(await env.run(activities.greet, 'ada')).toBe('Hello, ada!');
  });

  it('heartbeats the day it reminds on', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await env.run(activities.remind, 'ada', 3)).toBe('reminded ada on day 3');
    expect(beats).toEqual([3]);
  });
});
