import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import type { QualificationService } from './qualification.service';
import { MyQualification } from './qualification.types';

/** A worker's view of their own qualification on a project. */
@Resolver()
export class QualificationResolver {
  constructor(private readonly qualifications: QualificationService) {}

  @Authorized(Role.WORKER)
  @Query(() => MyQualification, {
    description:
      'Your qualification on a project: status, training answers so far, required, retry time.',
  })
  myQualification(
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MyQualification> {
    return this.qualifications.myQualification(ctx, projectId);
  }
}
