import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import { layersRule } from './layers.mjs';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });
const at = (path: string): string => `${process.cwd()}/${path}`;

tester.run('hearth/layers', layersRule, {
  valid: [
    { filename: at('src/main/commands/x.ts'), code: "import { a } from '../inference/engine';" },
    { filename: at('src/main/thermal/x.ts'), code: "import { a } from '../contracts/thermal';" },
    { filename: at('src/main/thermal/x.ts'), code: "import { a } from './monitor';" },
    { filename: at('src/renderer/src/x.ts'), code: "import { a } from '../../shared/api';" },
    { filename: at('src/main/runtime/x.ts'), code: "import { a } from '../server';" },
    { filename: at('src/main/thermal/x.test.ts'), code: "import { a } from '../../testing/m';" },
    {
      filename: at('src/main/commands/x.test.ts'),
      code: "import { a } from '../runtime/compose';",
    },
    { filename: at('src/main/inference/x.ts'), code: "import { a } from 'node-llama-cpp';" },
  ],
  invalid: [
    {
      // A lower layer reaching up: thermal into inference.
      filename: at('src/main/thermal/x.ts'),
      code: "import { a } from '../inference/physicalCores';",
      errors: [{ message: /src\/main\/thermal may not import src\/main\/inference/ }],
    },
    {
      filename: at('src/main/inference/x.ts'),
      code: "import { a } from '../rpc/dispatch';",
      errors: [{ message: /may not import src\/main\/rpc/ }],
    },
    {
      filename: at('src/main/electron/x.ts'),
      code: "import { a } from '../../preload/channels';",
      errors: [{ message: /may not import src\/preload/ }],
    },
    {
      filename: at('src/renderer/src/x.ts'),
      code: "import { a } from '../../main/config/config';",
      errors: [{ message: /src\/renderer may not import src\/main/ }],
    },
    {
      filename: at('src/main/thermal/monitor.ts'),
      code: "import { a } from '../../testing/manualScheduler';",
      errors: [{ message: /Production code may not import test helpers/ }],
    },
    {
      filename: at('src/main/thermal/monitor.ts'),
      code: "export { median } from '../../../bench/median';",
      errors: [{ message: /may not import benchmark code/ }],
    },
    {
      filename: at('src/shared/x.ts'),
      code: "const m = import('../main/base/log');",
      errors: [{ message: /src\/shared may not import src\/main/ }],
    },
  ],
});
