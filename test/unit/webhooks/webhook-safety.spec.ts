import { createHmac } from 'node:crypto';

import { webhookRetryDelayMs } from '../../../src/modules/webhooks/webhook-retry';
import { signatureHeader, verifySignature } from '../../../src/modules/webhooks/webhook-signature';
import { isPrivateAddress, urlProblem } from '../../../src/modules/webhooks/webhook-url-policy';

const STRICT = { allowHttp: false, allowedHosts: [] };

describe('webhook URL policy', () => {
  it.each([
    ['https://hooks.example.com/q', null],
    ['http://hooks.example.com/q', 'only https URLs'],
    ['ftp://hooks.example.com/q', 'only https URLs'],
    ['https://127.0.0.1/q', '127.0.0.1 is a private or loopback address'],
    ['https://10.0.0.8/q', '10.0.0.8 is a private or loopback address'],
    ['https://169.254.169.254/latest', '169.254.169.254 is a private or loopback address'],
    ['https://[::1]/q', '::1 is a private or loopback address'],
    ['https://[fd00::1]/q', 'fd00::1 is a private or loopback address'],
    ['https://localhost/q', 'localhost is a local host name'],
    ['https://user:pw@hooks.example.com/q', 'no credentials in the URL'],
    ['not a url', 'not a valid URL'],
  ])('%s → %s', (url, problem) => {
    expect(urlProblem(url, STRICT)).toBe(problem);
  });

  it('lets the allow-list and allowHttp through, and nothing else', () => {
    const loopback = { allowHttp: true, allowedHosts: ['127.0.0.1'] };
    expect(urlProblem('http://127.0.0.1:8080/q', loopback)).toBeNull();
    expect(urlProblem('http://127.0.0.2:8080/q', loopback)).toBe(
      '127.0.0.2 is a private or loopback address',
    );
  });

  it('classifies addresses', () => {
    for (const address of [
      '192.168.1.1',
      '172.16.0.1',
      '172.31.255.255',
      '0.0.0.0',
      '::ffff:10.1.1.1',
      '224.0.0.1',
      '100.64.0.1',
    ]) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:1.1.1.1']) {
      expect(isPrivateAddress(address)).toBe(false);
    }
  });

  it('reads private IPv4 addresses through every IPv6 spelling, as URL parsing writes them', () => {
    const config = { allowHttp: false, allowedHosts: [] };
    // URL parsing turns [::ffff:127.0.0.1] into [::ffff:7f00:1]: the dotted check missed it, and
    // a request to an IP literal makes no DNS lookup, so nothing checked it at send either.
    for (const host of [
      '[::ffff:127.0.0.1]',
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '[0:0:0:0:0:ffff:7f00:1]',
      '[::127.0.0.1]',
      '[64:ff9b::10.0.0.1]',
      '[2002:c0a8:101::1]',
      '[0:0:0:0:0:0:0:1]',
    ]) {
      expect([host, urlProblem(`https://${host}/hook`, config)]).toEqual([
        host,
        expect.stringMatching(/private or loopback/),
      ]);
    }
    for (const address of ['::ffff:7f00:1', '64:ff9b::a00:1', '2002:a00:1::', 'fec0::1', 'bogus']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    // Public IPv4 behind the same spellings stays allowed.
    for (const address of ['::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"e1","type":"task.completed"}';

  it('is HMAC-SHA256 of "<t>.<body>" in Stripe\'s t=…,v1=… form', () => {
    const expected = createHmac('sha256', 'whsec_a').update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(body, 1_700_000_000, ['whsec_a'])).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies with any listed secret, within the tolerance, for the exact body only', () => {
    const header = signatureHeader(body, 1_000, ['new', 'old']);
    expect(verifySignature(body, header, 'new', 1_000)).toBe(true);
    expect(verifySignature(body, header, 'old', 1_299)).toBe(true);
    expect(verifySignature(body, header, 'old', 1_301)).toBe(false);
    expect(verifySignature(body, header, 'other', 1_000)).toBe(false);
    expect(verifySignature(`${body} `, header, 'new', 1_000)).toBe(false);
    expect(verifySignature(body, 'v1=abc', 'new', 1_000)).toBe(false);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from 30 s, caps at 6 h, and 14 attempts span more than 24 h', () => {
    expect([1, 2, 3].map(webhookRetryDelayMs)).toEqual([30_000, 60_000, 120_000]);
    expect(webhookRetryDelayMs(40)).toBe(6 * 3_600_000);
    let total = 0;
    for (let attempt = 1; attempt <= 14; attempt += 1) total += webhookRetryDelayMs(attempt);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });
});
