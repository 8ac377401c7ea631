import { Field, ID, ObjectType } from 'type-graphql';
import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Project } from './project.entity';

/**
 * Base of the tables whose rows belong to one project and go with it (ON DELETE CASCADE): the
 * `project_id` column, shown to GraphQL as an ID, and the relation to the project.
 */
@ObjectType()
export abstract class ProjectOwnedEntity extends AppEntity {
  @Field(() => ID)
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;
}
