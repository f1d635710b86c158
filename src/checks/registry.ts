// Every check, listed explicitly: ids are stable (reports and CI gates name them) and never reused.
// Adding a check: one new file named after its id, plus one import and one entry here.
import type { Check } from './check.js';
import { algNone } from './alg-none.js';
// imports: signature and header checks
import { algConfusion } from './alg-confusion.js';
import { algNotAllowed } from './alg-not-allowed.js';
import { headerInjection } from './header-injection.js';
import { badSignature } from './bad-signature.js';
import { undecodableToken } from './undecodable-token.js';
import { nonCanonicalEncoding } from './non-canonical-encoding.js';
import { unknownKey } from './unknown-key.js';
import { weakSecret } from './weak-secret.js';
import { retiredKey } from './retired-key.js';
import { revokedKey } from './revoked-key.js';
// imports: use and time checks
import { expiredUse } from './expired-use.js';
import { notYetValid } from './not-yet-valid.js';
import { lifetimeExcessive } from './lifetime-excessive.js';
import { revokedUse } from './revoked-use.js';
import { refreshReuse } from './refresh-reuse.js';
import { audienceMismatch } from './audience-mismatch.js';
import { jtiCollision } from './jti-collision.js';
import { staleClient } from './stale-client.js';
// imports: behaviour checks
import { deviceChange } from './device-change.js';
import { failureBurst } from './failure-burst.js';
import { impossibleTravel } from './impossible-travel.js';
import { providerSignal } from './provider-signal.js';
import { harTokenReplay } from './har-token-replay.js';
// imports: key audit
import { keyRotationGap } from './key-rotation-gap.js';
import { kidReuse } from './kid-reuse.js';
import { unusedKey } from './unused-key.js';
import { weakKey } from './weak-key.js';

export const CHECKS: readonly Check[] = [
  algNone,
  // signature and header checks
  algConfusion,
  algNotAllowed,
  headerInjection,
  badSignature,
  undecodableToken,
  nonCanonicalEncoding,
  unknownKey,
  weakSecret,
  retiredKey,
  revokedKey,
  // use and time checks
  expiredUse,
  notYetValid,
  lifetimeExcessive,
  revokedUse,
  refreshReuse,
  audienceMismatch,
  jtiCollision,
  staleClient,
  // behaviour checks
  deviceChange,
  failureBurst,
  impossibleTravel,
  providerSignal,
  harTokenReplay,
  // key audit
  keyRotationGap,
  weakKey,
  kidReuse,
  unusedKey,
];

// Detection checks about keys that the key audit (`check-keys`) runs too.
const KEY_DETECTIONS = ['unknown-key', 'retired-key', 'revoked-key'];

export function checksFor(scope: Check['scope'], only?: readonly string[]): Check[] {
  const inScope = CHECKS.filter((c) => c.scope === scope || (scope === 'keys' && KEY_DETECTIONS.includes(c.id)));
  if (!only?.length) return inScope;
  const unknown = only.filter((id) => !CHECKS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown check id(s): ${unknown.join(', ')}`);
  return inScope.filter((c) => only.includes(c.id));
}
