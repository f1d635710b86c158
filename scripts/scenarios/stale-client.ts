import { ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z

type Row = [dt: number, event: string, sub: string, app: string, outcome?: string];

/** Use and refresh events (no tokens needed: the check reads app_version). */
function events(rows: Row[]): string {
  return ndjson(rows.map(([dt, event, sub, app_version, outcome]) =>
    ({ ts: T0 + dt, event, sub, client_id: /^[a-z]/.test(app_version) ? app_version.split('-')[0] : 'acme-app', app_version, ip: '81.2.69.142', outcome })));
}

const MIXED: Row[] = [
  [60, 'refresh', 'alice', '4.10.0', 'success'],
  [120, 'use', 'alice', '4.10.0', 'success'],
  [180, 'use', 'bob', '4.9.1', 'success'],
  [240, 'refresh', 'carol', '4.9.1', 'failure'],
  [300, 'refresh', 'dave', '4.9.2-beta.1', 'failure'],
  [360, 'use', 'erin', '4.9.2', 'success'],
  [420, 'issue', 'frank', '3.0.0', 'success'],
  [480, 'use', 'gus', '4.9.2+build.7', 'success'],
];

export async function scenario(_kit: Kit): Promise<Scenario[]> {
  return [
    {
      id: 'stale-client',
      description: 'min_app_version 4.9.2: a 4.9.1 client accepted (two users), a 4.9.2 pre-release refused; 4.10.0 is newer.',
      checks: ['stale-client'],
      policy: { min_app_version: '4.9.2' },
      files: { 'events.ndjson': events(MIXED) },
      expected: [
        { check: 'stale-client', severity: 'medium', sub: null },
        { check: 'stale-client', severity: 'info', sub: 'dave' },
      ],
      near_misses: [
        'alice: 4.10.0 is newer than 4.9.2 although "4.10.0" < "4.9.2" as strings',
        'erin and gus: exactly the minimum, and the minimum with build metadata, are allowed',
        'frank: an issue event (a login) from 3.0.0 is neither a use nor a refresh',
      ],
    },
    {
      id: 'stale-client-named',
      description: 'Per-app minimums "ios-5.4.0, android-5.4.0": an old iOS build refreshing; Android 5.10.0 and the web app are fine.',
      checks: ['stale-client'],
      policy: { min_app_version: 'ios-5.4.0, android-5.4.0' },
      files: {
        'events.ndjson': events([
          [60, 'refresh', 'u-1', 'ios-5.3.9'],
          [120, 'refresh', 'u-2', 'android-5.10.0', 'success'],
          [180, 'use', 'u-3', 'web-1.0.0', 'success'],
          [240, 'use', 'u-4', 'ios-5.4', 'success'],
        ]),
      },
      expected: [{ check: 'stale-client', severity: 'low', sub: 'u-1' }],
      near_misses: [
        'android-5.10.0 is newer than android-5.4.0 (numeric, not string, comparison)',
        'web-1.0.0 has no minimum of its own and there is no unnamed rule: not judged',
        'ios-5.4 equals ios-5.4.0',
      ],
    },
    {
      id: 'stale-client-grace',
      description: 'min_app_version 4.9.2 from 10:05 (a deadline announced ahead): 4.9.1 still accepted after it; older builds seen only in their grace period, or refused after it.',
      checks: ['stale-client'],
      policy: { min_app_version: { version: '4.9.2', from: new Date((T0 + 300) * 1000).toISOString() } },
      files: {
        'events.ndjson': events([
          [60, 'use', 'bob', '4.9.1', 'success'],
          [120, 'refresh', 'carol', '4.9.0', 'success'],
          [180, 'use', 'dave', '4.8.0', 'success'],
          [240, 'use', 'carol', '4.9.0', 'success'],
          [360, 'use', 'bob', '4.9.1', 'success'],
          [420, 'refresh', 'dave', '4.8.0', 'failure'],
          [480, 'use', 'erin', '4.9.2', 'success'],
        ]),
      },
      expected: [
        { check: 'stale-client', severity: 'medium', sub: 'bob' },
        { check: 'stale-client', severity: 'info', sub: 'carol' },
        { check: 'stale-client', severity: 'info', sub: 'dave' },
      ],
      near_misses: [
        'carol: 4.9.0 accepted only before the deadline (its grace period): info, not medium',
        'dave: 4.8.0 accepted in its grace period, refused after the deadline: the minimum is enforced (info)',
        'erin: exactly the minimum after the deadline',
      ],
    },
    {
      id: 'stale-client-off',
      description: 'No min_app_version (the default): old versions raise nothing.',
      checks: ['stale-client'],
      files: { 'events.ndjson': events(MIXED) },
      expected: [],
      near_misses: ['min_app_version null: the check is off'],
    },
  ];
}
