// Issue 21 pattern 11. Builds in their grace period: the deployment announced a minimum app version (5.2.0) that
// takes effect on Thursday 00:00 UTC. Until then phone users who have not yet received 5.2.1 (app stores roll a
// release out over days: the App Store's phased release spreads automatic updates over 7 days) keep using 5.1.x
// builds, which the API still accepts. From Thursday every one of them is on 5.2.1 (the background traffic).
import { DAY, HOUR, T0, type Device, type World } from '../world.js';

const PATTERN = 'app-grace';

/** The floor and its effective date, merged into the deployment's policy.json by make-benign. */
export const MIN_APP_VERSION = { version: '5.2.0', from: '2026-03-12T00:00:00Z' };
const FROM = Date.parse(MIN_APP_VERSION.from) / 1000;

/** A phone device still on an older build: same app, same platform, older version in its UA and app_version. */
const older = (device: Device, version: string): Device => ({
  ...device,
  ua: device.ua.replace(/^AcmeApp\/[0-9.]+/, `AcmeApp/${version}`),
  app_version: version,
});

export async function plant(w: World): Promise<void> {
  const phones = w.users.filter((u) => u.devices[1]).slice(-18);
  for (const [i, user] of phones.entries()) {
    const device = older(user.devices[1]!, w.pick(['5.1.4', '5.1.4', '5.1.2', '5.0.9']));
    // one to three evenings before the deadline, Monday to Wednesday
    const evenings = w.int(1, 3);
    for (let k = 0; k < evenings; k++) {
      const day = (i + k) % 3;
      const start = T0 + day * DAY + 19 * HOUR + w.int(0, 2 * HOUR);
      const s = await w.session(user, start, w.int(5 * 60, 25 * 60), { device, pattern: PATTERN });
      if (s.end >= FROM) throw new Error('app-grace: a grace-period session ran past the deadline');
    }
  }
}
