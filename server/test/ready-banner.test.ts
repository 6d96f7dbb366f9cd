import { describe, expect, it } from 'vitest';
import { logFormatFrom } from '../http/logging.ts';
import { readyBanner } from '../ready-banner.ts';

describe('npm start ready line', () => {
  it('points at the control room first, with the demo login, then the LAN and the API docs', () => {
    const text = readyBanner({ seconds: 4.21, port: 3000, host: '0.0.0.0', demoLogin: 'manager / demo1234',
      lanAddresses: ['10.0.0.7'] });
    const lines = text.split('\n').filter(Boolean);
    expect(lines[0]).toBe('WETMS ready in 4.2 s');
    expect(lines[1]).toMatch(/Control room\s+http:\/\/localhost:3000\/\s+\(log in as manager \/ demo1234\)/);
    expect(lines[2]).toMatch(/On your LAN\s+http:\/\/10\.0\.0\.7:3000\//);
    expect(lines[3]).toMatch(/API docs\s+http:\/\/localhost:3000\/api\/docs/);
  });

  it('names the bound host when it is not a wildcard, and no login without a demo', () => {
    const text = readyBanner({ seconds: 1, port: 8080, host: '127.0.0.1' });
    expect(text).toContain('http://127.0.0.1:8080/');
    expect(text).not.toContain('log in');
    expect(text).not.toContain('LAN');
  });
});

describe('log format', () => {
  it('is pretty at a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(logFormatFrom({}, true)).toBe('pretty');
    expect(logFormatFrom({}, false)).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'PRETTY' }, false)).toBe('pretty');
    expect(() => logFormatFrom({ LOG_FORMAT: 'xml' }, true)).toThrow(/LOG_FORMAT must be pretty or json/);
  });
});
