import {Flags, type Interfaces} from '../core/oclif.js'
import {CHAT_PARAMS, RESPONSE_FORMATS} from './params.js'

/** `groq chat --help` groups. */
export const HELP_GROUPS = {
  messages: 'MESSAGES',
  model: 'MODEL PARAMETERS',
  output: 'OUTPUT',
  session: 'CONVERSATION',
  tools: 'TOOLS AND FORMAT',
} as const

type ParamFlag =
  | Interfaces.BooleanFlag<boolean | undefined>
  | Interfaces.OptionFlag<string | undefined>
  | Interfaces.OptionFlag<string[] | undefined>

/**
 * The oclif flags of the chat parameters, made from the table in chat/params.ts: enums become `options` (oclif
 * refuses other values), booleans take `--no-…`, repeatable ones are `multiple`, numbers stay text so that
 * chat/request.ts reads them strictly and quotes them in its errors.
 */
export function paramFlags(): Record<string, ParamFlag> {
  const flags: Record<string, ParamFlag> = {}
  for (const {field, flag, help, type} of CHAT_PARAMS) {
    if (flag === undefined || help === undefined) continue
    const common = {description: help.description, helpGroup: HELP_GROUPS[help.group]}
    if (type.kind === 'boolean') {
      flags[flag] = Flags.boolean<boolean>({...common, allowNo: true})
    } else if (help.multiple) {
      flags[flag] = Flags.string({...common, helpValue: help.helpValue, multiple: true, multipleNonGreedy: true})
    } else {
      const options =
        type.kind === 'enum' ? [...type.values] : field === 'response_format' ? [...RESPONSE_FORMATS] : undefined
      flags[flag] = Flags.string({...common, helpValue: help.helpValue, options})
    }
  }
  return flags
}
