import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
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
import { IdArg, SignedInMutation, SignedInQuery } from '../../graphql/operations';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, { description: 'Creates a requester and/or worker account.' })
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.signUp(ctx, input);
  }

  @Mutation(() => AuthPayload, { description: 'Exchanges email and password for a bearer token.' })
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.logIn(ctx, input);
  }

  @SignedInQuery(() => User, 'The calling user.')
  me(@Ctx() ctx: RequestContext): Promise<User> {
    return this.auth.me(ctx);
  }

  @SignedInQuery(() => [ApiKey], 'Your API keys (never their secrets).')
  apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    return this.auth.listApiKeys(ctx);
  }

  @SignedInMutation(() => CreatedApiKey, 'Creates an API key; its secret is shown once.')
  createApiKey(
    @Arg('input') input: CreateApiKeyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedApiKey> {
    return this.auth.createApiKey(ctx, input);
  }

  @SignedInMutation(() => ApiKey, 'Revokes one of your API keys, effective immediately.')
  revokeApiKey(@IdArg() id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return this.auth.revokeApiKey(ctx, id);
  }
}
