// "Chrome 125 on macOS 10.15.7" from a user agent, with a maintained parser; null when it says nothing.
import { UAParser } from 'ua-parser-js';

interface ParsedAgent {
  readonly browser: string | undefined;
  readonly major: string | undefined;
  readonly os: string | undefined;
  readonly osVersion: string | undefined;
}

/**
 * Parsing a user agent runs hundreds of regular expressions, and a team's sign-ins come from a few browsers:
 * answers are kept for the most recent distinct agents. The bound keeps a storm of random agents (an attacker
 * writes them) from growing it; when full it starts again.
 */
const PARSED_KEPT = 1_000;
const parsed = new Map<string, ParsedAgent>();

const parse = (userAgent: string): ParsedAgent => {
  const known = parsed.get(userAgent);
  if (known) return known;
  const { browser, os } = new UAParser(userAgent).getResult();
  const result = { browser: browser.name, major: browser.major, os: os.name, osVersion: os.version };
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(userAgent, result);
  return result;
};

export const describeUserAgent = (userAgent: string | null): string | null => {
  if (!userAgent) return null;
  const agent = parse(userAgent);
  const b = agent.browser ? [agent.browser, agent.major].filter(Boolean).join(' ') : null;
  const o = agent.os ? [agent.os, agent.osVersion].filter(Boolean).join(' ') : null;
  if (b && o) return `${b} on ${o}`;
  return b ?? o;
};

/** The browser's family ("Chrome"), without its version; undefined when the agent does not say. */
export const browserFamily = (userAgent: string): string | undefined => parse(userAgent).browser;
