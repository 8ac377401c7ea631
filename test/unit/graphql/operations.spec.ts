import 'reflect-metadata';
import { Arg, getMetadataStorage, Resolver } from 'type-graphql';
import { RequestContext } from '../../../src/common/request-context';
import { RESOLVERS } from '../../../src/graphql/build-schema';
import { IdArg, OwnerQuery, PublicMutation } from '../../../src/graphql/operations';

interface HandlerMeta {
  target: abstract new (...args: never[]) => unknown;
  methodName: string;
}
interface ParamMeta extends HandlerMeta {
  index: number;
  kind: string;
}
// type-graphql's collected metadata; its shape is not part of the public types.
const storage = getMetadataStorage() as unknown as {
  params: ParamMeta[];
  queries: HandlerMeta[];
  mutations: HandlerMeta[];
  fieldResolvers: HandlerMeta[];
};

function paramsOf(target: HandlerMeta['target'], methodName: string): ParamMeta[] {
  return storage.params
    .filter(p => p.target === target && p.methodName === methodName)
    .sort((a, b) => a.index - b.index);
}

@Resolver()
class ProbeResolver {
  @OwnerQuery(() => String, 'probe')
  probe(@IdArg() id: string, ctx: RequestContext, @Arg('note') note: string): string {
    return `${id}${ctx.requestId}${note}`;
  }

  @PublicMutation(() => String, 'probe')
  open(ctx: RequestContext): string {
    return ctx.requestId;
  }
}

describe('guarded operations', () => {
  it('bind the parameter typed RequestContext to the request context, wherever it stands', () => {
    expect(paramsOf(ProbeResolver, 'probe').map(p => p.kind)).toEqual(['arg', 'context', 'arg']);
    expect(paramsOf(ProbeResolver, 'open').map(p => p.kind)).toEqual(['context']);
  });

  it('leave no parameter of any resolver method unbound (a type-only RequestContext import would)', () => {
    expect(RESOLVERS.length).toBeGreaterThan(0);
    const handlers = [...storage.queries, ...storage.mutations, ...storage.fieldResolvers];
    const unbound = handlers.flatMap(({ target, methodName }) => {
      const declared = (Reflect.getMetadata('design:paramtypes', target.prototype, methodName) ??
        []) as unknown[];
      const bound = new Set(paramsOf(target, methodName).map(p => p.index));
      return declared.flatMap((_, index) =>
        bound.has(index) ? [] : [`${target.name}.${methodName} #${index}`],
      );
    });
    expect(unbound).toEqual([]);
  });
});
