import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedLabel, fetchFeed } from './feed-fetch';
import {
  type FeedServer,
  largeBodyResponder,
  startFeedServer,
  statusResponder,
} from './testing/feed-server';

const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';
const fresh = { etag: null, lastModified: null };
const now = new Date('2026-12-01T10:00:00Z');

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

describe('fetchFeed', () => {
  it('reads a feed with its ETag, then asks with If-None-Match and hears "not modified"', async () => {
    server.setFeed('/etag.ics', ICS);
    const first = await fetchFeed(server.url('/etag.ics'), fresh, { now });
    expect(first).toMatchObject({ kind: 'ok', body: ICS, lastModified: null });
    if (first.kind !== 'ok') throw new Error('expected ok');
    expect(first.etag).toMatch(/^".+"$/);

    const second = await fetchFeed(server.url('/etag.ics'), first, { now });
    expect(second).toEqual({ kind: 'not_modified' });
    expect(server.requestCount('/etag.ics')).toBe(2);
    expect(server.lastRequestHeaders('/etag.ics')?.['if-none-match']).toBe(first.etag);

    // The calendar changed: the old ETag no longer matches.
    server.setFeed('/etag.ics', ICS.replace('test', 'changed'));
    const third = await fetchFeed(server.url('/etag.ics'), first, { now });
    expect(third.kind).toBe('ok');
  });

  it('asks with If-Modified-Since when the feed gives only Last-Modified', async () => {
    const lastModified = 'Tue, 01 Dec 2026 08:00:00 GMT';
    server.setFeed('/dated.ics', ICS, { etag: null, lastModified });
    const first = await fetchFeed(server.url('/dated.ics'), fresh, { now });
    expect(first).toEqual({ kind: 'ok', body: ICS, etag: null, lastModified });

    const second = await fetchFeed(server.url('/dated.ics'), { etag: null, lastModified }, { now });
    expect(second).toEqual({ kind: 'not_modified' });
    expect(server.lastRequestHeaders('/dated.ics')?.['if-modified-since']).toBe(lastModified);
  });

  it('hands back an empty body as read, for the caller to judge', async () => {
    server.setFeed('/empty.ics', '', { etag: null });
    expect(await fetchFeed(server.url('/empty.ics'), fresh, { now })).toEqual({
      kind: 'ok',
      body: '',
      etag: null,
      lastModified: null,
    });
  });

  it('follows a redirect to where the feed moved', async () => {
    server.setFeed('/moved.ics', statusResponder(301, { Location: '/etag.ics' }));
    server.setFeed('/etag.ics', ICS);
    const read = await fetchFeed(server.url('/moved.ics'), fresh, { now });
    expect(read).toMatchObject({ kind: 'ok', body: ICS });
  });

  it('reports a server error with no retry time when none is given', async () => {
    server.setFeed('/broken.ics', statusResponder(500));
    const read = await fetchFeed(server.url('/broken.ics'), fresh, { now });
    expect(read).toEqual({
      kind: 'failed',
      error: 'The calendar server had an error (HTTP 500).',
      status: 500,
      retryAt: null,
    });
  });

  it('waits as long as Retry-After says on a 503, in seconds', async () => {
    server.setFeed('/busy.ics', statusResponder(503, { 'Retry-After': '120' }));
    const read = await fetchFeed(server.url('/busy.ics'), fresh, { now });
    expect(read).toMatchObject({ kind: 'failed', status: 503 });
    if (read.kind !== 'failed') throw new Error('expected failed');
    expect(read.retryAt).toEqual(new Date('2026-12-01T10:02:00Z'));
  });

  it('waits until the HTTP date Retry-After gives on a 429', async () => {
    server.setFeed(
      '/throttled.ics',
      statusResponder(429, { 'Retry-After': 'Tue, 01 Dec 2026 11:30:00 GMT' }),
    );
    const read = await fetchFeed(server.url('/throttled.ics'), fresh, { now });
    expect(read).toEqual({
      kind: 'failed',
      error: 'The calendar server asked us to slow down (HTTP 429).',
      status: 429,
      retryAt: new Date('2026-12-01T11:30:00Z'),
    });
  });

  it('waits no more than a day whatever Retry-After asks', async () => {
    server.setFeed('/sulking.ics', statusResponder(429, { 'Retry-After': String(7 * 86_400) }));
    const read = await fetchFeed(server.url('/sulking.ics'), fresh, { now });
    if (read.kind !== 'failed') throw new Error('expected failed');
    expect(read.retryAt).toEqual(new Date('2026-12-02T10:00:00Z'));
  });

  it('says the address is wrong on a 404', async () => {
    const read = await fetchFeed(server.url('/nothing-here.ics'), fresh, { now });
    expect(read).toEqual({
      kind: 'failed',
      error:
        'The calendar server has no feed at this address (HTTP 404). Copy the export link again.',
      status: 404,
      retryAt: null,
    });
  });

  it('gives up on a server that does not answer in time', async () => {
    server.setFeed('/slow.ics', ICS, { delayMs: 5_000 });
    const started = Date.now();
    const read = await fetchFeed(server.url('/slow.ics'), fresh, { now, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(read).toEqual({
      kind: 'failed',
      error: 'The calendar server did not answer within 0.2 seconds.',
      status: null,
      retryAt: null,
    });
  });

  it('refuses a 20 MB body as larger than 5 MB without reading it all', async () => {
    const huge = largeBodyResponder(20 * 1024 * 1024);
    server.setFeed('/huge.ics', huge);
    const read = await fetchFeed(server.url('/huge.ics'), fresh, { now });
    // The client hung up after 5 MB: what the server got out is that plus socket buffers.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(huge.bytesSent()).toBeLessThan(15 * 1024 * 1024);
    expect(read).toEqual({
      kind: 'failed',
      error: 'The feed is larger than 5 MB.',
      status: 200,
      retryAt: null,
    });
  });

  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    server.setFeed('/declared.ics', ICS.repeat(100), { etag: null });
    const read = await fetchFeed(server.url('/declared.ics'), fresh, { now, maxBytes: 1024 });
    expect(read).toMatchObject({ kind: 'failed', error: 'The feed is larger than 1 KB.' });
  });

  it('asks once more when the server drops the connection before answering', async () => {
    let drops = 0;
    server.setFeed('/dropped-once.ics', (req, res) => {
      if (drops === 0) {
        drops++;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/calendar' });
      res.end(ICS);
    });
    const read = await fetchFeed(server.url('/dropped-once.ics'), fresh, { now });
    expect(read).toMatchObject({ kind: 'ok', body: ICS });
    expect(server.requestCount('/dropped-once.ics')).toBe(2);
  });

  it('fails, saying so, when the server drops the connection twice', async () => {
    server.setFeed('/dropped-always.ics', (req) => {
      req.socket.destroy();
    });
    const read = await fetchFeed(server.url('/dropped-always.ics'), fresh, { now });
    expect(read).toMatchObject({
      kind: 'failed',
      error: 'The calendar server closed the connection.',
    });
    expect(server.requestCount('/dropped-always.ics')).toBe(2);
  });

  it('says when nothing listens at the address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const read = await fetchFeed(`http://127.0.0.1:${port}/cal.ics`, fresh, { now });
    expect(read).toEqual({
      kind: 'failed',
      error: 'Could not connect to the calendar server (connection refused).',
      status: null,
      retryAt: null,
    });
  });

  it.each([
    ['a file path', 'file:///etc/passwd'],
    ['an FTP address', 'ftp://example.com/cal.ics'],
    ['text that is no address', 'my airbnb calendar'],
  ])('refuses %s without fetching it', async (_, url) => {
    const read = await fetchFeed(url, fresh, { now });
    expect(read).toEqual({
      kind: 'failed',
      error: 'The feed address must be an http:// or https:// link.',
      status: null,
      retryAt: null,
    });
  });

  it('never repeats the secret token in a feed address', async () => {
    const secret = 'S3CR3T-token-0123456789abcdef';
    server.setFeed('/calendar/ical/123.ics', statusResponder(500));
    const reads = [
      await fetchFeed(server.url(`/calendar/ical/123.ics?s=${secret}`), fresh, { now }),
      await fetchFeed(server.url(`/slow-token.ics?s=${secret}`), fresh, { now, timeoutMs: 1 }),
    ];
    for (const read of reads) expect(JSON.stringify(read)).not.toContain(secret);
  });
});

describe('feedLabel', () => {
  it.each([
    [
      'https://www.airbnb.com/calendar/ical/12345678.ics?s=6f1b0e2c9a7d4b3e8f5a1c2d3e4f5a6b',
      'www.airbnb.com/calendar/ical/12345678.ics',
    ],
    [
      // VRBO's token is the path itself.
      'http://www.vrbo.com/icalendar/3f9a6c1e8b2d4f7a9c0e1b3d5f7a9c2e.ics?nonTentative',
      'www.vrbo.com/icalendar/3f9a…',
    ],
    [
      'https://admin.booking.com/hotel/hoteladmin/ical.html?t=8c7d6e5f-4a3b-2c1d-0e9f',
      'admin.booking.com/hotel/hoteladmin/ical.html',
    ],
    ['https://calendar.example.com/', 'calendar.example.com'],
    ['not a url', 'invalid address'],
  ])('shows %s as %s', (url, label) => {
    expect(feedLabel(url)).toBe(label);
  });
});
