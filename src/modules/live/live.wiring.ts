import type { WiringContext } from '../../wiring-context';
import { WorkerCatalogueService } from '../workers/worker-catalogue.service';
import { LiveChannel } from './live-channel';
import { LiveUpdates } from './live-updates.service';
import { LiveResolver } from './live.resolver';

/**
 * Live updates (subscriptions): committed domain events go out on PostgreSQL NOTIFY, and this
 * process's subscribers hear them through LISTEN once `createApp` calls `live.start()`.
 */
export function wireLive(app: WiringContext): { live: LiveUpdates } {
  const channel = new LiveChannel(app.db.dataSource, app.config.database.url ?? null, app.logger);
  const live = new LiveUpdates(
    app.db,
    channel,
    new WorkerCatalogueService(app.db),
    app.clock,
    app.logger,
  );
  live.forwardEvents(app.events);
  app.resolvers.register(LiveResolver, new LiveResolver());
  return { live };
}
