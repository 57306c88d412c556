// "Chrome 125 on macOS 10.15.7" from a user agent, with a maintained parser; null when it says nothing.
import { UAParser } from 'ua-parser-js';

export const describeUserAgent = (userAgent: string | null): string | null => {
  if (!userAgent) return null;
  const { browser, os } = new UAParser(userAgent).getResult();
  const b = browser.name ? [browser.name, browser.major].filter(Boolean).join(' ') : null;
  const o = os.name ? [os.name, os.version].filter(Boolean).join(' ') : null;
  if (b && o) return `${b} on ${o}`;
  return b ?? o;
};
