import {RuleTester} from 'eslint'
import {join} from 'node:path'
import tseslint from 'typescript-eslint'
import {describe, it} from 'vitest'

import layers from '../../eslint/layers.js'
import {ROOT} from '../helpers/run.js'

RuleTester.describe = describe
RuleTester.it = it

const tester = new RuleTester({languageOptions: {parser: tseslint.parser}})
const at = (path: string) => join(ROOT, 'src', path)

tester.run('local/layers (eslint/layers.js)', layers.rules.layers, {
  valid: [
    {code: "import {x} from '../lib/core/io.js'", filename: at('commands/chat.ts')},
    {code: "import {x} from '../../lib/chat/request.js'", filename: at('commands/conversations/list.ts')},
    {code: "import {x} from '../core/errors.js'", filename: at('lib/chat/request.ts')},
    {code: "import {x} from '../http/client.js'", filename: at('lib/chat/turn.ts')},
    {code: "import {x} from '../output/format.js'", filename: at('lib/core/base-command.ts')},
    {code: "import {x} from '../boot/bundle.js'", filename: at('lib/http/client.ts')},
    {code: "import {x} from './bundle.js'", filename: at('lib/boot/command-order.ts')},
    {code: "import {x} from '../types.js'", filename: at('lib/output/columns/models.ts')},
    {code: "import {x} from 'node:fs'", filename: at('lib/boot/bundle.ts')},
    {code: "import {x} from '../chat/conversations.js'", filename: at('lib/files/upload.ts')},
    {code: "import {x} from '../ux/progress.js'", filename: at('lib/core/base-command.ts')},
    {code: "import {x} from '../ux/progress.js'", filename: at('lib/transfer/upload.ts')},
  ],
  invalid: [
    {code: "import {x} from '../core/io.js'", filename: at('lib/boot/bundle.ts'), errors: [{messageId: 'up'}]},
    {code: "import {x} from '../chat/types.js'", filename: at('lib/core/io.ts'), errors: [{messageId: 'up'}]},
    {
      code: "import {x} from '../../chat/types.js'",
      filename: at('lib/output/columns/x.ts'),
      errors: [{messageId: 'up'}],
    },
    {code: "const m = import('../chat/repl.js')", filename: at('lib/http/client.ts'), errors: [{messageId: 'up'}]},
    {code: "export * from '../chat/types.js'", filename: at('lib/core/io.ts'), errors: [{messageId: 'up'}]},
    {code: "import {x} from '../transfer/upload.js'", filename: at('lib/ux/progress.ts'), errors: [{messageId: 'up'}]},
    {
      code: "import Chat from '../../commands/chat.js'",
      filename: at('lib/chat/session.ts'),
      errors: [{messageId: 'command'}],
    },
  ],
})
