import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { QualificationService } from './qualification.service';
import { MyQualification } from './qualification.types';
import { IdArg, WorkerQuery } from '../../graphql/operations';

/** A worker's view of their own qualification on a project. */
@Resolver()
export class QualificationResolver {
  constructor(private readonly qualifications: QualificationService) {}

  @WorkerQuery(
    () => MyQualification,
    'Your qualification on a project: status, training answers so far, required, retry time.',
  )
  myQualification(
    @IdArg('projectId') projectId: string,
    ctx: RequestContext,
  ): Promise<MyQualification> {
    return this.qualifications.myQualification(ctx, projectId);
  }
}
