// The built-in presets, compiled once, in the order `auto` tries them.
import { compileMapping, type Mapping } from '../mapping.js';
import { AUTH0 } from './auth0.js';
import { CLOUDFLARE_ACCESS } from './cloudflare-access.js';
import { ENTRA } from './entra.js';
import { OKTA } from './okta.js';

export const PRESET_FILES = [OKTA, AUTH0, ENTRA, CLOUDFLARE_ACCESS] as const;

let compiled: Map<string, Mapping> | null = null;

export function presets(): Map<string, Mapping> {
  compiled ??= new Map(PRESET_FILES.map((f) => [f.name, compileMapping(f, `preset ${f.name}`, true)]));
  return compiled;
}

export const PRESET_NAMES = PRESET_FILES.map((f) => f.name);
