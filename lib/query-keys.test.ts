import { describe, expect, it } from 'vitest';
import { arrivalsUrl, frontDeskUrl, locksListUrl, reservationsListUrl } from './query-keys';

// The live lists put their state in the address; defaults stay out so `/locks` is `/locks`.
describe('list addresses', () => {
  it.each([
    [locksListUrl({}), ''],
    [locksListUrl({ search: '', show: 'all', page: 1 }), ''],
    [locksListUrl({ search: '301', show: 'offline', page: 2 }), '?search=301&show=offline&page=2'],
    [locksListUrl({ page: '3' }), '?page=3'],
    [reservationsListUrl({ filter: 'current', page: 1 }), ''],
    [
      reservationsListUrl({ search: 'Noor Haddad', filter: 'past' }),
      '?search=Noor+Haddad&filter=past',
    ],
    [arrivalsUrl({ page: 1 }), ''],
    [arrivalsUrl({ verdict: 'at_risk', page: 2 }), '?verdict=at_risk&page=2'],
    [frontDeskUrl({}), ''],
    [frontDeskUrl({ q: 'Room 201' }), '?q=Room+201'],
  ])('%s is %s', (url, expected) => {
    expect(url).toBe(expected);
  });
});
