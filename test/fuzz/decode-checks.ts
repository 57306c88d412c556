// What must hold for any decoder output, whatever went in: each item is one of the five kinds with a place
// in the input, a rejection or skip says why in one printable line, and every sign-in can be classified.
import { classifyAlarm, classifySignIn, classifyTrailChange } from '../../bot/core/classify';
import type { DecodedItem } from '../../bot/core/decode-input';
import { SEVERITIES } from '../../bot/core/sign-in';

const KINDS = new Set(['signin', 'trail-change', 'alarm', 'rejected', 'skipped']);
// What `printable` escapes: controls, format characters (bidi), lone surrogates, line separators.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const severities: ReadonlySet<string> = new Set(SEVERITIES);

/** Every problem with one decoder output, as readable strings (empty when it is fine). */
export const decodeProblems = (items: readonly DecodedItem[]): string[] => {
  const found: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) found.push(what);
  };
  check(Array.isArray(items), 'not an array');
  items.forEach((item, i) => {
    const at = `item ${i} (${item.kind})`;
    check(KINDS.has(item.kind), `${at}: unknown kind`);
    check(typeof item.position === 'string', `${at}: no position`);
    // A lone item may stand for the whole input (position ''); two or more must say where each came from.
    if (items.length > 1) check(item.position !== '', `${at}: empty position among ${items.length} items`);
    switch (item.kind) {
      case 'rejected':
        check(item.message.length > 0 && !UNPRINTABLE.test(item.message), `${at}: message not printable`);
        break;
      case 'skipped':
        check(item.reason.length > 0 && !UNPRINTABLE.test(item.reason), `${at}: reason not printable`);
        break;
      case 'signin':
        check(typeof item.signIn.eventId === 'string' && item.signIn.eventId !== '', `${at}: no eventId`);
        check(severities.has(classifySignIn(item.signIn)), `${at}: unclassified`);
        break;
      case 'alarm':
        check(severities.has(classifyAlarm(item.alarm)), `${at}: unclassified`);
        break;
      case 'trail-change':
        check(severities.has(classifyTrailChange(item.change)), `${at}: unclassified`);
        break;
    }
  });
  return found;
};
