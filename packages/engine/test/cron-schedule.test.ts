import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CronScheduleError, parseCronSchedule } from '../src/cron/cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

describe('parseCronSchedule', () => {
  // [schedule, after, the next time it fires]
  const cases: [string, string, string][] = [
    ['* * * * *', '2030-01-01T10:07:30Z', '2030-01-01T10:08:00.000Z'],
    ['* * * * *', '2030-01-01T10:07:00Z', '2030-01-01T10:08:00.000Z'], // strictly after
    ['*/15 * * * *', '2030-01-01T10:07:00Z', '2030-01-01T10:15:00.000Z'],
    ['5/20 * * * *', '2030-01-01T10:26:00Z', '2030-01-01T10:45:00.000Z'],
    ['0 9 * * MON-FRI', '2030-01-04T10:00:00Z', '2030-01-07T09:00:00.000Z'], // Friday → Monday
    ['30 2 1,15 * *', '2030-01-02T00:00:00Z', '2030-01-15T02:30:00.000Z'],
    ['0 0 * feb *', '2030-03-01T00:00:00Z', '2031-02-01T00:00:00.000Z'],
    // Day of month and day of week both restricted: either matches (standard cron).
    ['0 0 13 * FRI', '2030-01-01T00:00:00Z', '2030-01-04T00:00:00.000Z'],
    ['0 0 13 * FRI', '2030-01-11T00:00:00Z', '2030-01-13T00:00:00.000Z'],
    // One of them `*`: both must match.
    ['0 0 ? * 1', '2030-01-01T00:00:00Z', '2030-01-07T00:00:00.000Z'],
    ['0 0 29 2 *', '2030-01-01T00:00:00Z', '2032-02-29T00:00:00.000Z'],
    ['@hourly', '2030-01-01T10:07:00Z', '2030-01-01T11:00:00.000Z'],
    ['@daily', '2030-01-01T10:07:00Z', '2030-01-02T00:00:00.000Z'],
    ['@midnight', '2030-01-01T10:07:00Z', '2030-01-02T00:00:00.000Z'],
    ['@weekly', '2030-01-01T10:07:00Z', '2030-01-06T00:00:00.000Z'], // Sunday
    ['@monthly', '2030-01-01T10:07:00Z', '2030-02-01T00:00:00.000Z'],
    ['@yearly', '2030-01-01T10:07:00Z', '2031-01-01T00:00:00.000Z'],
    ['@annually', '2030-06-01T00:00:00Z', '2031-01-01T00:00:00.000Z'],
    ['@every 90m', '2030-01-01T10:07:00.250Z', '2030-01-01T11:37:00.000Z'],
    ['@every 1h30m', '2030-01-01T10:07:00Z', '2030-01-01T11:37:00.000Z'],
  ];
  for (const [schedule, after, next] of cases) {
    it(`'${schedule}' after ${after} fires at ${next}`, () => {
      assert.equal(iso(parseCronSchedule(schedule).next(at(after))), next);
    });
  }

  it('never matching within five years gives no time', () => {
    assert.equal(parseCronSchedule('0 0 30 2 *').next(at('2030-01-01T00:00:00Z')), undefined);
  });

  it('the next run after a close: past the scheduled time and not before the close, skipping missed times', () => {
    const hourly = parseCronSchedule('0 * * * *');
    assert.equal(iso(hourly.following(at('2030-01-01T10:00:00Z'), at('2030-01-01T10:20:00Z'))), '2030-01-01T11:00:00.000Z');
    assert.equal(iso(hourly.following(at('2030-01-01T10:00:00Z'), at('2030-01-01T13:20:00Z'))), '2030-01-01T14:00:00.000Z');
    // A run that closes at the very time it was scheduled is followed by the next time, not the same one.
    assert.equal(iso(hourly.following(at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00Z'))), '2030-01-01T11:00:00.000Z');
    const every = parseCronSchedule('@every 10m');
    assert.equal(iso(every.following(at('2030-01-01T10:03:00Z'), at('2030-01-01T10:03:00Z'))), '2030-01-01T10:13:00.000Z');
    assert.equal(iso(every.following(at('2030-01-01T10:03:00Z'), at('2030-01-01T10:27:00Z'))), '2030-01-01T10:33:00.000Z', 'keeps the rhythm of the scheduled time');
  });

  it('refuses what is not a schedule, saying what is wrong', () => {
    const refused: [string, RegExp][] = [
      ['* * * *', /expected 5 fields .* got 4 fields/],
      ['60 * * * *', /minute field '60': 60 is out of range 0-59/],
      ['* * * * 7', /day of week field '7': 7 is out of range 0-6/],
      ['* * * FOO *', /month field 'FOO': 'FOO' is not a number or a name \(JAN, FEB/],
      ['10-5 * * * *', /the range 10-5 runs backwards/],
      ['*/0 * * * *', /the step '0' must be a positive whole number/],
      ['@often', /unknown descriptor/],
      ['@every soon', /'@every' needs a duration such as 30s/],
      ['CRON_TZ=Europe/Paris 0 9 * * *', /time zones are not supported: schedules are in UTC/],
    ];
    for (const [schedule, message] of refused) {
      assert.throws(() => parseCronSchedule(schedule), (e: unknown) => e instanceof CronScheduleError && e.message.startsWith(`cronSchedule '${schedule}': `) && message.test(e.message), schedule);
    }
  });
});
