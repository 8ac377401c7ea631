import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { DATABASE_RETRY_AFTER_SECONDS } from './format-error';

/**
 * HTTP statuses that agree with the error codes, whichever layer raised them: UNAUTHENTICATED
 * and TOKEN_EXPIRED are 401 with `WWW-Authenticate: Bearer` (the same as a bad token refused
 * before GraphQL runs), SERVICE_UNAVAILABLE is 503 with `Retry-After`, so proxies and client
 * libraries retry it. Other errors keep GraphQL's usual 200.
 */
export const errorStatusPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const codes = new Set(
          (response.body.singleResult.errors ?? []).map(error => error.extensions?.code),
        );
        if (codes.has(ErrorCode.SERVICE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        } else if (codes.has(ErrorCode.UNAUTHENTICATED) || codes.has(ErrorCode.TOKEN_EXPIRED)) {
          response.http.status = 401;
          response.http.headers.set('www-authenticate', 'Bearer');
        }
      },
    };
  },
};
