import { describe, expect, it } from 'vitest';
import { pageFor } from './routes.ts';

describe('client routes', () => {
  it('shows the control room at / only', () => {
    expect(pageFor('/')).toBe('controlRoom');
    expect(pageFor('')).toBe('controlRoom');
    expect(pageFor('/index.html')).toBe('controlRoom');
  });

  it('answers not found for pages that do not exist yet and for typos', () => {
    for (const path of ['/dashboard', '/planner', '/pda', '/pda/', '/control-room', '/x/y', '/dashboard/']) {
      expect(pageFor(path), path).toBe('notFound');
    }
  });

  it('tolerates a trailing slash on a real route', () => {
    expect(pageFor('//')).toBe('controlRoom');
    expect(pageFor('/index.html/')).toBe('controlRoom');
  });
});
