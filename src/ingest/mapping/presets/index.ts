// The built-in presets, compiled once, in the order `auto` tries them.
import { compileMapping, type Mapping } from '../mapping.js';
import { AUTH0 } from './auth0.js';
import { AWS_COGNITO } from './aws-cognito.js';
import { CLOUDFLARE_ACCESS } from './cloudflare-access.js';
import { ENTRA } from './entra.js';
import { GOOGLE_WORKSPACE } from './google-workspace.js';
import { KEYCLOAK } from './keycloak.js';
import { M365_AUDIT } from './m365-audit.js';
import { OKTA } from './okta.js';

export const PRESET_FILES = [OKTA, AUTH0, ENTRA, CLOUDFLARE_ACCESS, GOOGLE_WORKSPACE, M365_AUDIT, KEYCLOAK, AWS_COGNITO] as const;

let compiled: Map<string, Mapping> | null = null;

export function presets(): Map<string, Mapping> {
  compiled ??= new Map(PRESET_FILES.map((f) => [f.name, compileMapping(f, `preset ${f.name}`, true)]));
  return compiled;
}

export const PRESET_NAMES = PRESET_FILES.map((f) => f.name);
