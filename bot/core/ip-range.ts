// IP addresses and CIDR ranges, IPv4 and IPv6, with ipaddr.js (a kept parser, not a hand-written one).
// An IPv4-mapped IPv6 address (::ffff:203.0.113.7) is the IPv4 address it carries.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const parseAddress = (text: string): Address | null => {
  const t = text.trim();
  if (!ipaddr.isValid(t)) return null;
  // isValid accepts shorthand IPv4 ("10.1"); only the four-part form is an address here.
  if (!t.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(t)) return null;
  const a = ipaddr.parse(t);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address()
    : a;
};

/** Four decimal octets without leading zeros: already the normal form (most addresses CloudTrail writes). */
const PLAIN_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address in its normal form ("2001:db8::1"), or null when it is not an address. */
export const normalizeIp = (text: string): string | null =>
  PLAIN_IPV4.test(text) ? text : (parseAddress(text)?.toString() ?? null);

/**
 * An address or a CIDR range in normal form: "203.0.113.0/24" (the network address, whatever host part was
 * typed), "2001:db8::/32", or a single address. Null when it is neither.
 */
export const normalizeIpRange = (text: string): string | null => {
  const t = text.trim();
  if (!t.includes('/')) return normalizeIp(t);
  const [addr, bits, ...rest] = t.split('/');
  if (rest.length > 0 || addr === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return null;
  const a = parseAddress(addr);
  if (!a) return null;
  const prefix = Number(bits);
  if (prefix > (a.kind() === 'ipv4' ? 32 : 128)) return null;
  const network =
    a.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${a.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${a.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
};

/** Whether `ip` (an address as recorded) is `range` (an address or CIDR). False for anything unreadable. */
export const ipInRange = (ip: string | null, range: string): boolean => {
  if (ip === null) return false;
  const a = parseAddress(ip);
  if (!a) return false;
  if (!range.includes('/')) {
    const b = parseAddress(range);
    return b !== null && b.kind() === a.kind() && b.toString() === a.toString();
  }
  const normal = normalizeIpRange(range);
  if (!normal) return false;
  const [net, bits] = normal.split('/') as [string, string];
  const n = parseAddress(net);
  if (!n || n.kind() !== a.kind()) return false;
  return a.match(n as never, Number(bits));
};

/**
 * The network a person signs in from, for the baseline: the /24 of an IPv4 address, the /48 of an IPv6 one.
 * Null when the source is not an address (CloudTrail writes service names such as "AWS Internal").
 */
export const networkOf = (ip: string | null): string | null => {
  if (ip === null) return null;
  const a = parseAddress(ip);
  if (!a) return null;
  return normalizeIpRange(`${a.toString()}/${a.kind() === 'ipv4' ? 24 : 48}`);
};
