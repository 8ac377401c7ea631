// Used only by the TypeORM CLI (`npm run migration:generate -- migrations/Name`).
import 'reflect-metadata';
import { loadConfig } from './src/config/load-config';
import { createDataSource } from './src/db/data-source';

export default createDataSource(loadConfig(process.env).database);
