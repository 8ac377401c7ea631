import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import { ApiKey } from './api-key.entity';
import {
  AuthPayload,
  CreateApiKeyInput,
  CreatedApiKey,
  LogInInput,
  SignUpInput,
} from './auth.inputs';
import { AuthService } from './auth.service';
import { User } from './user.entity';
import {
  IdArg,
  InputArg,
  PublicMutation,
  SignedInMutation,
  SignedInQuery,
} from '../../graphql/operations';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @PublicMutation(() => AuthPayload, 'Creates a requester and/or worker account.')
  signUp(@InputArg() input: SignUpInput, ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.signUp(ctx, input);
  }

  @PublicMutation(() => AuthPayload, 'Exchanges email and password for a bearer token.')
  logIn(@InputArg() input: LogInInput, ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.logIn(ctx, input);
  }

  @SignedInQuery(() => User, 'The calling user.')
  me(ctx: RequestContext): Promise<User> {
    return this.auth.me(ctx);
  }

  @SignedInQuery(() => [ApiKey], 'Your API keys (never their secrets).')
  apiKeys(ctx: RequestContext): Promise<ApiKey[]> {
    return this.auth.listApiKeys(ctx);
  }

  @SignedInMutation(() => CreatedApiKey, 'Creates an API key; its secret is shown once.')
  createApiKey(@InputArg() input: CreateApiKeyInput, ctx: RequestContext): Promise<CreatedApiKey> {
    return this.auth.createApiKey(ctx, input);
  }

  @SignedInMutation(() => ApiKey, 'Revokes one of your API keys, effective immediately.')
  revokeApiKey(@IdArg() id: string, ctx: RequestContext): Promise<ApiKey> {
    return this.auth.revokeApiKey(ctx, id);
  }
}
