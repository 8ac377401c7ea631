import { ObjectType } from 'type-graphql';
import { AppEntity } from '../../db/app-entity';
import { Project } from './project.entity';
import { ForeignKey, IdField } from '../../db/columns';

/**
 * Base of the tables whose rows belong to one project and go with it (ON DELETE CASCADE): the
 * `project_id` column, shown to GraphQL as an ID, and the relation to the project.
 */
@ObjectType()
export abstract class ProjectOwnedEntity extends AppEntity {
  @IdField()
  projectId: string;

  @ForeignKey(() => Project, 'CASCADE')
  project?: Project;
}
