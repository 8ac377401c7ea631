import { addMessages } from '../../i18n/i18n';
import en from '../../i18n/console-kinds.en.json';
import zhCN from '../../i18n/console-kinds.zh-CN.json';

// The task-kind screens' strings load with the console's chunk, not with the first screen.
addMessages({ en, 'zh-CN': zhCN });
