// The refresh family CTE and the --jti selection built on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTimeline } from '../../src/timeline/build.js';
import { refreshFamily } from '../../src/timeline/select.js';
import { buildStory, type Story } from './story.js';

let story: Story;
beforeAll(async () => {
  story = await buildStory();
});
afterAll(() => story.store.close());

describe('refreshFamily', () => {
  it('follows parents and children from the middle of a three-generation chain', async () => {
    const family = await refreshFamily(story.store, 'r2');
    expect(Object.fromEntries(family.generations)).toEqual({ r1: -1, r2: 0, r3: 1, r3b: 1 });
  });

  it('follows children recursively from the root, and parents from a leaf', async () => {
    expect(Object.fromEntries((await refreshFamily(story.store, 'r1')).generations)).toEqual({ r1: 0, r2: 1, r3: 2, r3b: 2 });
    expect(Object.fromEntries((await refreshFamily(story.store, 'r3b')).generations)).toEqual({ r1: -2, r2: -1, r3b: 0 });
  });

  it('stays out of other chains and ends on a cyclic log', async () => {
    expect([...(await refreshFamily(story.store, 'r10')).generations.keys()].sort()).toEqual(['r10', 'r9']);
    expect([...(await refreshFamily(story.store, 'x1')).generations.keys()].sort()).toEqual(['x1', 'x2']);
    expect([...(await refreshFamily(story.store, 'nobody')).generations.keys()]).toEqual(['nobody']);
  });
});

describe('timeline --jti', () => {
  it('tells the whole family and its session in time order, and nothing of other sessions', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    const jtis = new Set(t.events.map((e) => e.jti));
    for (const j of ['r1', 'a1', 'r2', 'a2', 'r3', 'r3b', 'a3b']) expect(jtis.has(j)).toBe(true);
    expect(jtis.has('r9') || jtis.has('r10') || jtis.has('x1')).toBe(false);
    const times = t.events.map((e) => Date.parse(e.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('links the generations by parent_jti and says which token became which', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    const refreshes = t.events.filter((e) => e.event === 'refresh');
    expect(refreshes.map((e) => [e.parent_jti, e.jti])).toEqual([['r1', 'r2'], ['r2', 'r3'], ['r2', 'r3b']]);
    expect(refreshes[0]!.note).toMatch(/refreshed from r1 into r2, signed by rsa-1; the queried token/);
    expect(refreshes[2]!.note).toMatch(/family generation \+1/);
    expect(t.events.find((e) => e.jti === 'r1')!.note).toMatch(/issued, signed by rsa-1; family generation -1/);
  });

  it('adds the revocation, the capture and the signing key retirement that concern it', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    const kinds = t.events.map((e) => `${e.kind}:${e.event}`);
    expect(kinds).toContain('revocation:revocation');
    expect(kinds).toContain('capture:capture');
    expect(kinds).toContain('key:retired');
    expect(kinds).not.toContain('key:created');
    expect(t.events.at(-1)).toMatchObject({ kind: 'key', event: 'retired', note: 'key rsa-1 retired by ops' });
  });

  it('takes in a session only the log names (no sid claim, no refresh)', async () => {
    const t = await buildTimeline(story.store, { jti: 'solo' });
    expect(t.events.filter((e) => e.kind === 'event').map((e) => e.jti)).toEqual(['solo', 'mate']);
  });

  it('carries fingerprints, never raw tokens', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    const text = JSON.stringify(t);
    for (const tok of story.tokens.values()) expect(text.includes(tok)).toBe(false);
    expect(t.events.filter((e) => e.token !== null).every((e) => /^[0-9a-f]{12}$/.test(e.token!))).toBe(true);
  });
});
