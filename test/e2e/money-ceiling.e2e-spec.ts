import { randomUUID } from 'node:crypto';
import { MAX_MINOR_AMOUNT } from '../../src/modules/ledger/math/money';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';
import { signInNewAdmin } from '../helpers/admin-client';

const FUND = /* GraphQL */ `
  mutation ($input: RecordManualFundingInput!) {
    recordManualFunding(input: $input) {
      id
    }
  }
`;

/**
 * The money ceiling: no amount and no balance beyond MAX_MINOR_AMOUNT, so an append-only ledger
 * never holds a total it cannot add up (two fundings of 2^53 − 1 used to break trialBalance,
 * myBalances and myLedgerEntries for good).
 */
describe('money ceiling (e2e)', () => {
  const server = useTestServer();
  let admin: GraphQLClient;

  beforeAll(async () => {
    admin = await signInNewAdmin(server);
  });

  it('refuses amounts and balances beyond the ceiling, and the books stay readable', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const fund = (amount: number) =>
      admin.query(FUND, {
        input: {
          requesterId: requester.userId,
          amount,
          currency: 'usd',
          reference: 'wire',
          idempotencyKey: randomUUID(),
        },
      });

    for (const amount of [Number.MAX_SAFE_INTEGER, MAX_MINOR_AMOUNT + 1]) {
      const refused = await fund(amount);
      expect({ amount, code: errorCode(refused) }).toEqual({ amount, code: 'BAD_USER_INPUT' });
    }
    expect((await fund(MAX_MINOR_AMOUNT)).errors).toBeUndefined();
    const beyond = await fund(1);
    expect(errorCode(beyond)).toBe('BALANCE_LIMIT_EXCEEDED');
    expect(beyond.errors?.[0]?.extensions?.limit).toBe(MAX_MINOR_AMOUNT);

    const trial = await admin.ok(`{ trialBalance { balanced currencies { currency total } } }`);
    expect(trial.trialBalance.balanced).toBe(true);
    const mine = await requester.client.ok(
      `{ myBalances { currency available } myLedgerEntries(first: 100) { totalCount } }`,
    );
    expect(mine.myBalances).toEqual([{ currency: 'usd', available: MAX_MINOR_AMOUNT }]);
    expect(mine.myLedgerEntries.totalCount).toBe(1);
  });
});
