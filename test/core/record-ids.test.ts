// A record's own id becomes the alert's id, a DynamoDB key and every button's value: one that could not serve
// (too long, or not printable ASCII) is replaced by a derived one instead of overflowing Slack's 2,000-character
// button values or DynamoDB's key size.

import { classifySignIn } from '../../bot/core/classify';
import { decodeBytes } from '../../bot/core/decode-input';
import { composeCard } from '../../bot/core/render/response-card';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import { alertFacts, initialResponse } from '../../bot/core/response';
import { fixtureJson } from '../helpers/fixtures';

const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const signInWithId = (eventID: unknown) => {
  const items = decodeBytes(Buffer.from(JSON.stringify({ ...fixtureJson(ROOT), eventID })));
  const item = items[0];
  if (item?.kind !== 'signin') throw new Error(`decoded ${item?.kind}`);
  return item.signIn;
};

describe("a record's id", () => {
  it('is kept when it is a real one', () => {
    expect(signInWithId('3e6a4e5e-8a57-4b71-a1b8-9f24f35e3f06')).toMatchObject({
      eventId: '3e6a4e5e-8a57-4b71-a1b8-9f24f35e3f06',
      eventIdDerived: false,
    });
  });

  it.each([
    ['2,000 characters', 'x'.repeat(1994)],
    ['a space', 'a b'],
    ['a line break', 'a\nb'],
    ['non-ASCII', 'é'],
  ])(
    'is derived from the content when it has %s, and the card buttons stay within Slack’s limit',
    (_, id) => {
      const signIn = signInWithId(id);
      expect(signIn.eventIdDerived).toBe(true);
      expect(signIn.eventId).not.toBe(id);
      expect(signInWithId(id).eventId).toBe(signIn.eventId);
      const card = composeCard(
        renderSignInCard({ ...signIn, severity: classifySignIn(signIn) }, { accountName: null }),
        `signin:${signIn.eventId}`,
        alertFacts({ kind: 'signin', severity: 'critical' }),
        initialResponse(new Date('2026-11-20T09:00:00Z')),
      );
      const values = JSON.stringify(card.blocks).match(/"value":"[^"]*"/g) ?? [];
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(v.length).toBeLessThan(2000);
    },
  );
});
