import { ApiKey } from '../modules/auth/api-key.entity';
import { User } from '../modules/auth/user.entity';

/**
 * Every entity, listed explicitly rather than globbed so the same list works under ts-node,
 * jest and the compiled `dist/`.
 */
export const ENTITIES = [User, ApiKey];
