import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n/i18n';
import { formatTime } from '../../ui/format';

const MyBlocks = graphql(`
  query MyBlocks {
    myQuality {
      blocks {
        reason
        byRule
        projectId
        startsAt
        endsAt
      }
    }
  }
`);

/** The blocks in force on the worker, each with its reason, scope and end. */
export function BlockNotice() {
  const { t, locale } = useI18n();
  const [{ data }] = useQuery({ query: MyBlocks });
  const blocks = data?.myQuality.blocks ?? [];
  if (blocks.length === 0) return null;
  return (
    <section className="notice danger" aria-labelledby="blocks-title">
      <h2 id="blocks-title">{t('blocks.title')}</h2>
      <ul>
        {blocks.map(block => (
          <li key={`${block.projectId ?? 'all'}-${block.startsAt}`}>
            <strong>{t('blocks.reason', { reason: block.reason })}</strong>
            <br />
            {block.projectId
              ? t('blocks.scopeProject', { id: block.projectId })
              : t('blocks.scopeAll')}
            {' · '}
            {block.endsAt
              ? t('blocks.until', { time: formatTime(block.endsAt, locale) })
              : t('blocks.permanent')}
            {' · '}
            {block.byRule ? t('blocks.byRule') : t('blocks.byPerson')}
          </li>
        ))}
      </ul>
    </section>
  );
}
