import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { User, UserKind } from './user.entity';

/**
 * Creates the MODEL annotator account of a pre-label model version, inside the caller's
 * transaction: no password, no roles, an address that can never receive mail. Auth owns the
 * `users` table, so pre-labeling creates its annotators through this function.
 */
export function createModelAnnotator(
  db: TransactionalConnection,
  tx: RequestContext,
  displayName: string,
): Promise<User> {
  return db.repo(tx, User).save({
    email: `model-${randomUUID()}@models.quorum.invalid`,
    displayName: displayName.slice(0, 200),
    passwordHash: null,
    roles: [],
    kind: UserKind.MODEL,
  });
}
