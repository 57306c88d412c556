import { accountName, routeFor } from '../../bot/core/routing';
import { DEFAULT_ROUTING, describeRoutingError, routingSchema } from '../../shared/routing';

const routing = routingSchema.parse({
  post: ['critical', 'high', 'medium'],
  channels: { critical: 'C-PAGE' },
  accounts: { '444455556666': { name: 'prod', channel: 'C-PROD', channels: { critical: 'C-PROD-PAGE' } } },
});

describe('routing', () => {
  it('posts configured severities to the severity channel, else the default', () => {
    expect(routeFor(routing, 'C-DEFAULT', 'critical', '111122223333')).toEqual({
      post: true,
      channel: 'C-PAGE',
    });
    expect(routeFor(routing, 'C-DEFAULT', 'high', '111122223333')).toEqual({
      post: true,
      channel: 'C-DEFAULT',
    });
    expect(routeFor(routing, 'C-DEFAULT', 'low', '111122223333')).toEqual({ post: false });
  });

  it('lets an account override the channels and carry a display name', () => {
    expect(routeFor(routing, 'C-DEFAULT', 'critical', '444455556666')).toEqual({
      post: true,
      channel: 'C-PROD-PAGE',
    });
    expect(routeFor(routing, 'C-DEFAULT', 'medium', '444455556666')).toEqual({
      post: true,
      channel: 'C-PROD',
    });
    expect(accountName(routing, '444455556666')).toBe('prod');
  });

  it('routes a sign-in without an account id by the global rules', () => {
    expect(routeFor(routing, 'C-DEFAULT', 'critical', null)).toEqual({ post: true, channel: 'C-PAGE' });
    expect(accountName(routing, null)).toBeNull();
  });

  // A record's account id is attacker-controlled text: it must never reach Object.prototype.
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'routes an account id spelled %s like any unknown account',
    (id) => {
      for (const r of [routing, DEFAULT_ROUTING]) {
        for (const sev of ['critical', 'high', 'medium', 'low', 'info'] as const) {
          expect(routeFor(r, 'C-DEFAULT', sev, id)).toEqual(routeFor(r, 'C-DEFAULT', sev, '999999999999'));
        }
        expect(accountName(r, id)).toBeNull();
      }
    },
  );

  it('reads severity channels from own properties only', () => {
    // A routing document built by hand (not parsed) whose channel table inherits a value.
    const inherited = Object.create({ critical: 'C-INHERITED' }) as Record<string, string>;
    const handMade = { ...DEFAULT_ROUTING, channels: inherited };
    expect(routeFor(handMade, 'C-DEFAULT', 'critical', null)).toEqual({ post: true, channel: 'C-DEFAULT' });
  });
});

describe('the routing document', () => {
  it('rejects a bad severity or account id, naming where', () => {
    const badSeverity = routingSchema.safeParse({ post: ['urgent'] });
    expect(badSeverity.success).toBe(false);
    if (!badSeverity.success) expect(describeRoutingError(badSeverity.error)).toMatch(/^at post\.0: /);
    const badAccount = routingSchema.safeParse({ accounts: { prod: {} } });
    expect(badAccount.success).toBe(false);
    if (!badAccount.success)
      expect(describeRoutingError(badAccount.error)).toBe('at accounts.prod: account ids are 12 digits');
  });

  it('never lets a __proto__ or constructor account key configure anything', () => {
    // zod drops a "__proto__" key (JSON.parse makes it an own property) rather than assigning it.
    const parsed = routingSchema.parse(JSON.parse('{"accounts":{"__proto__":{"name":"x","post":[]}}}'));
    expect(Object.getPrototypeOf(parsed.accounts)).toBe(Object.prototype);
    expect(Object.keys(parsed.accounts)).toEqual([]);
    expect(accountName(parsed, '__proto__')).toBeNull();
    expect(routingSchema.safeParse({ accounts: { constructor: { name: 'x' } } }).success).toBe(false);
  });

  it('posts critical to low by default', () => {
    expect(DEFAULT_ROUTING).toEqual({
      post: ['critical', 'high', 'medium', 'low'],
      channels: {},
      accounts: {},
    });
  });
});

describe('layering', () => {
  it('keeps the bot core out of infra: no construct imports bot/core', () => {
    const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { join } = jest.requireActual<typeof import('node:path')>('node:path');
    const infra = join(__dirname, '..', '..', 'infra');
    const files = readdirSync(infra).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('signin-alerts.ts');
    for (const file of files) {
      expect({
        file,
        imports: readFileSync(join(infra, file), 'utf8').match(/from '\.\.\/bot\/core\/[^']+'/g),
      }).toEqual({
        file,
        imports: null,
      });
    }
  });
});
