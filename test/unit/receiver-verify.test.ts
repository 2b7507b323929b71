import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationErrorCode } from '../../src/receiver';

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2025-11-30T03:18:13.233Z', data: { invoiceId: 'inv_42', amount: 1200 } });
const minutesFromNow = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);

/** A request signed by the standardwebhooks package: an implementation that is not ours. */
function signedByStandardWebhooks(secret: string, options: { id?: string; at?: Date; payload?: string } = {}): Record<string, string> {
  const at = options.at ?? new Date();
  const id = options.id ?? 'msg_1';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new StandardWebhook(secret).sign(id, at, options.payload ?? body),
  };
}

function refusalCode(run: () => unknown): WebhookVerificationErrorCode {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, `expected a WebhookVerificationError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('the webhook was accepted');
}

describe('receiver: verifyWebhook', () => {
  test('accepts a webhook signed by the standardwebhooks package and returns its id, timestamp and parsed payload', () => {
    const secret = newSecret();
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const verified = verifyWebhook(Buffer.from(body), signedByStandardWebhooks(secret, { id: 'msg_42', at }), secret);
    assert.deepEqual(verified, { id: 'msg_42', timestamp: at, payload: JSON.parse(body) });
  });

  test('accepts a webhook signed by Svix, under its svix-* header names', () => {
    const secret = newSecret();
    const at = new Date();
    const headers = {
      'svix-id': 'msg_svix',
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new SvixWebhook(secret).sign('msg_svix', at, body),
    };
    assert.equal(verifyWebhook(body, headers, secret).id, 'msg_svix');
  });

  test('what signWebhook signs, the standardwebhooks and svix packages accept', () => {
    const secret = newSecret();
    const headers = signWebhook({ secret, id: 'msg_ours', body });
    assert.deepEqual(new StandardWebhook(secret).verify(body, { ...headers }), JSON.parse(body));
    assert.deepEqual(new SvixWebhook(secret).verify(body, { ...headers }), JSON.parse(body));
    assert.equal(verifyWebhook(body, headers, secret).id, 'msg_ours');
  });

  test('refuses forged, tampered, re-serialised, stale, future-dated and unsigned webhooks, as standardwebhooks and svix do', () => {
    const secret = newSecret();
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    const cases: { name: string; payload: string; headers: Record<string, string>; code: WebhookVerificationErrorCode }[] = [
      { name: 'signed with another secret', payload: body, headers: signedByStandardWebhooks(newSecret()), code: 'bad_signature' },
      { name: 'body changed after signing', payload: body.replace('1200', '9999'), headers: signedByStandardWebhooks(secret), code: 'bad_signature' },
      { name: 'same JSON value, other bytes', payload: reserialised, headers: signedByStandardWebhooks(secret), code: 'bad_signature' },
      { name: 'webhook-id swapped', payload: body, headers: { ...signedByStandardWebhooks(secret), 'webhook-id': 'msg_other' }, code: 'bad_signature' },
      { name: 'signed 10 minutes ago', payload: body, headers: signedByStandardWebhooks(secret, { at: minutesFromNow(-10) }), code: 'timestamp_too_old' },
      { name: 'dated 10 minutes ahead', payload: body, headers: signedByStandardWebhooks(secret, { at: minutesFromNow(10) }), code: 'timestamp_in_future' },
      { name: 'no signature header', payload: body, headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) }, code: 'missing_headers' },
      { name: 'timestamp not in seconds', payload: body, headers: { ...signedByStandardWebhooks(secret), 'webhook-timestamp': 'yesterday' }, code: 'missing_headers' },
    ];
    for (const { name, payload, headers, code } of cases) {
      assert.equal(refusalCode(() => verifyWebhook(Buffer.from(payload), headers, secret)), code, name);
      assert.throws(() => new StandardWebhook(secret).verify(payload, headers), `standardwebhooks accepted: ${name}`);
      assert.throws(() => new SvixWebhook(secret).verify(payload, headers), `svix accepted: ${name}`);
    }
  });

  test('refusals carry the HTTP status the adapters answer: 401 for a bad signature, 400 otherwise', () => {
    const secret = newSecret();
    const statusOf = (run: () => unknown): number => {
      try {
        run();
      } catch (error) {
        if (error instanceof WebhookVerificationError) return error.httpStatus;
      }
      return 0;
    };
    assert.equal(statusOf(() => verifyWebhook(body, signedByStandardWebhooks(newSecret()), secret)), 401);
    assert.equal(statusOf(() => verifyWebhook(body, signedByStandardWebhooks(secret, { at: minutesFromNow(-10) }), secret)), 400);
    assert.equal(statusOf(() => verifyWebhook(body, signedByStandardWebhooks(secret, { at: minutesFromNow(10) }), secret)), 400);
    assert.equal(statusOf(() => verifyWebhook(body, {}, secret)), 400);
  });

  test('accepts clock skew within the tolerance in both directions, and honours a custom tolerance', () => {
    const secret = newSecret();
    const fourMinutesOld = signedByStandardWebhooks(secret, { at: minutesFromNow(-4) });
    const fourMinutesAhead = signedByStandardWebhooks(secret, { at: minutesFromNow(4) });
    assert.doesNotThrow(() => verifyWebhook(body, fourMinutesOld, secret));
    assert.doesNotThrow(() => verifyWebhook(body, fourMinutesAhead, secret));
    assert.equal(refusalCode(() => verifyWebhook(body, fourMinutesOld, secret, { toleranceSeconds: 60 })), 'timestamp_too_old');
    assert.equal(refusalCode(() => verifyWebhook(body, fourMinutesAhead, secret, { toleranceSeconds: 60 })), 'timestamp_in_future');
  });

  test('checks the signature before the timestamp, so a stale forgery is reported as forged', () => {
    const staleForgery = signedByStandardWebhooks(newSecret(), { at: minutesFromNow(-30) });
    assert.equal(refusalCode(() => verifyWebhook(body, staleForgery, newSecret())), 'bad_signature');
  });

  test('during a secret rotation, accepts a signature made with any of the secrets', () => {
    const [oldSecret, newOne, unrelated] = [newSecret(), newSecret(), newSecret()];
    const byOld = signedByStandardWebhooks(oldSecret);
    assert.equal(verifyWebhook(body, byOld, [newOne, oldSecret]).id, 'msg_1');
    assert.equal(refusalCode(() => verifyWebhook(body, byOld, [newOne, unrelated])), 'bad_signature');

    // A sender mid-rotation signs with both secrets; either secret alone verifies it.
    const byBoth = { ...byOld, 'webhook-signature': `${signedByStandardWebhooks(newOne)['webhook-signature']} ${byOld['webhook-signature']}` };
    assert.doesNotThrow(() => verifyWebhook(body, byBoth, newOne));
    assert.doesNotThrow(() => verifyWebhook(body, byBoth, oldSecret));
  });

  test('skips signatures of other versions and malformed entries instead of failing on them', () => {
    const secret = newSecret();
    const headers = signedByStandardWebhooks(secret);
    const valid = headers['webhook-signature'];
    const withOthers = { ...headers, 'webhook-signature': `v1a,${randomBytes(64).toString('base64')} v1,short v1, ${valid}` };
    assert.doesNotThrow(() => verifyWebhook(body, withOthers, secret));

    const sameMacOtherVersion = { ...headers, 'webhook-signature': valid.replace(/^v1,/, 'v2,') };
    assert.equal(refusalCode(() => verifyWebhook(body, sameMacOtherVersion, secret)), 'bad_signature');
    // A truncated signature must be refused, not crash the equal-length compare.
    assert.equal(refusalCode(() => verifyWebhook(body, { ...headers, 'webhook-signature': valid.slice(0, 20) }, secret)), 'bad_signature');
  });

  test('reads fetch Headers, header names in any case, and secrets without the whsec_ prefix', () => {
    const secret = newSecret();
    const headers = signedByStandardWebhooks(secret);
    assert.doesNotThrow(() => verifyWebhook(body, new Headers(headers), secret));
    const shouting = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    assert.doesNotThrow(() => verifyWebhook(body, shouting, secret.slice('whsec_'.length)));
  });

  test('an authentic body that is not JSON is refused as invalid_payload', () => {
    const secret = newSecret();
    const notJson = 'amount=1200';
    assert.equal(refusalCode(() => verifyWebhook(notJson, signedByStandardWebhooks(secret, { payload: notJson }), secret)), 'invalid_payload');
  });

  test('set-up mistakes throw TypeError at once: a secret that is not base64, no secret, a parsed body', () => {
    const headers = signedByStandardWebhooks(newSecret());
    assert.throws(() => verifyWebhook(body, headers, 'whsec_not base64!'), TypeError);
    assert.throws(() => verifyWebhook(body, headers, []), TypeError);
    const parsed = JSON.parse(body) as unknown as string;
    assert.throws(() => verifyWebhook(parsed, headers, newSecret()), /raw request body|exactly as received/);
  });
});
