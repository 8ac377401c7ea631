import { Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { BoolColumn, TimestampColumn, UuidColumn } from '../../db/columns';

/**
 * The firing state (`RuleState` of evaluate-rule.ts) of one rule for one worker: whether the rule
 * is armed and when it last fired. A missing row is `INITIAL_RULE_STATE`. Deleted (reset) when a
 * person lifts what the rule did, so a permanent block can fire again later.
 */
@Entity({ name: 'quality_rule_states' })
@Index('quality_rule_states_rule_worker_key', ['ruleId', 'workerId'], { unique: true })
@Index('quality_rule_states_worker_idx', ['workerId'])
export class QualityRuleState extends AppEntity {
  @UuidColumn()
  ruleId: string;

  @UuidColumn()
  workerId: string;

  @BoolColumn()
  armed: boolean;

  @TimestampColumn({ nullable: true })
  lastFiredAt: Date | null;
}
