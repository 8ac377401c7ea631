import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';

/**
 * The firing state (`RuleState` of evaluate-rule.ts) of one rule for one worker: whether the rule
 * is armed and when it last fired. A missing row is `INITIAL_RULE_STATE`. Deleted (reset) when a
 * person lifts what the rule did, so a permanent block can fire again later.
 */
@Entity({ name: 'quality_rule_states' })
@Index('quality_rule_states_rule_worker_key', ['ruleId', 'workerId'], { unique: true })
@Index('quality_rule_states_worker_idx', ['workerId'])
export class QualityRuleState extends AppEntity {
  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId: string;

  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @Column({ type: 'boolean' })
  armed: boolean;

  @Column({ name: 'last_fired_at', type: 'timestamptz', precision: 3, nullable: true })
  lastFiredAt: Date | null;
}
