// What a source address is: a public address is looked up in the data; the ranges that are not on the internet,
// and AWS acting for the user, are named instead and never looked up.
import { flagOf, type GeoData, networkText, placeOf } from '../../bot/core/geo';

/** Records what it was asked: a special address must never reach the data. */
const recordingData = () => {
  const asked: string[] = [];
  const data: GeoData = {
    country: (ip) => {
      asked.push(ip);
      return 'US';
    },
    network: () => ({ asn: 64500, name: 'Example Net' }),
    available: () => true,
  };
  return { data, asked };
};

describe('placeOf', () => {
  it.each([
    ['AWS Internal', 'AWS service'],
    ['AWS Internal/3', 'AWS service'],
    ['signin.amazonaws.com', 'AWS service'],
    ['10.0.0.1', 'private address'],
    ['172.16.5.4', 'private address'],
    ['192.168.1.10', 'private address'],
    ['fd12:3456::1', 'private address'],
    ['100.64.0.1', 'shared address (carrier-grade NAT)'],
    ['127.0.0.1', 'loopback address'],
    ['::1', 'loopback address'],
    ['169.254.169.254', 'link-local address'],
    ['fe80::1', 'link-local address'],
    ['192.0.2.0', 'documentation address'],
    ['198.51.100.1', 'documentation address'],
    ['203.0.113.67', 'documentation address'],
    ['2001:db8::7', 'documentation address'],
    ['3fff::1', 'documentation address'],
    ['224.0.0.1', 'multicast address'],
    ['ff02::1', 'multicast address'],
    ['240.0.0.1', 'reserved address'],
    ['255.255.255.255', 'reserved address'],
    ['0.0.0.0', 'unspecified address'],
    ['::', 'unspecified address'],
    ['::ffff:10.1.2.3', 'private address'],
  ])('names %s a(n) %s without looking it up', (ip, label) => {
    const { data, asked } = recordingData();
    expect(placeOf(ip, data)).toEqual({ kind: 'special', label });
    expect(asked).toEqual([]);
  });

  it('looks up a public address in its normal form, IPv4, IPv6 and IPv4-mapped', () => {
    const { data, asked } = recordingData();
    expect(placeOf('8.8.8.8', data)).toEqual({
      kind: 'public',
      ip: '8.8.8.8',
      geo: { country: 'US', asn: 64500, network: 'Example Net' },
    });
    expect(placeOf('2001:4860:4860:0:0:0:0:8888', data)).toMatchObject({ ip: '2001:4860:4860::8888' });
    expect(placeOf('::ffff:8.8.4.4', data)).toMatchObject({ ip: '8.8.4.4' });
    expect(asked).toEqual(['8.8.8.8', '2001:4860:4860::8888', '8.8.4.4']);
  });

  it('gives a public address with nothing known when there is no data, and no place for non-addresses', () => {
    expect(placeOf('8.8.8.8', null)).toEqual({
      kind: 'public',
      ip: '8.8.8.8',
      geo: { country: null, asn: null, network: null },
    });
    for (const text of [null, 'redacted', '[IP_ADDRESS]', '225.01.00.16', '10.1', ''])
      expect(placeOf(text, recordingData().data)).toEqual({ kind: 'none' });
  });
});

describe('words for a place', () => {
  it('draws a flag from a country code, and nothing from anything else', () => {
    expect(flagOf('JP')).toBe('🇯🇵');
    expect(flagOf('jp')).toBeNull();
    expect(flagOf('<!channel>')).toBeNull();
  });

  it('names a network by number and organisation, whichever is known', () => {
    expect(networkText({ country: null, asn: 15169, network: 'Google LLC' })).toBe('AS15169 Google LLC');
    expect(networkText({ country: null, asn: 15169, network: null })).toBe('AS15169');
    expect(networkText({ country: 'US', asn: null, network: null })).toBeNull();
  });
});
