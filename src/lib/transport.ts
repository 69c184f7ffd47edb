import type {Agent} from 'node:http'

/**
 * The HTTP transport handed to groq-sdk. node-fetch@2 sits on node:http, which Node has loaded
 * already; Node 20's global fetch loads its bundled undici on first use, which costs more than
 * the whole request (see README, Performance). Streaming, abort signals, TLS and retries are
 * unchanged: groq-sdk drives them through the fetch interface.
 */

const PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined
}

/** Whether NO_PROXY exempts this host (curl's rules: comma list, `*`, suffix match, optional port). */
export function bypassesProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const noProxy = envValue(env, 'no_proxy')
  if (!noProxy) return false
  if (noProxy.trim() === '*') return true
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      const match = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())
      if (!match) return false
      const [, rawHost, entryPort] = match
      if (entryPort && entryPort !== port) return false
      const suffix = rawHost.replace(/^\*?\./, '')
      return host === suffix || host.endsWith(`.${suffix}`)
    })
}

/** The proxy URL for a request, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY. */
export function proxyFor(target: string, env: NodeJS.ProcessEnv): string | undefined {
  const url = new URL(target)
  if (bypassesProxy(url, env)) return undefined
  const scheme = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy'
  return envValue(env, scheme) ?? envValue(env, 'all_proxy')
}

export type FetchFunction = typeof fetch

export async function createFetch(env: NodeJS.ProcessEnv): Promise<FetchFunction> {
  const {default: nodeFetch} = await import('node-fetch')
  let agent: Agent | undefined
  if (PROXY_VARS.some((name) => env[name])) {
    // proxy-agent (HTTP, HTTPS, SOCKS) is loaded only when a proxy is configured.
    const {ProxyAgent} = await import('proxy-agent')
    agent = new ProxyAgent({getProxyForUrl: (target: string) => proxyFor(target, env) ?? ''})
  }
  const fetchWithAgent = (input: unknown, init?: Record<string, unknown>) =>
    nodeFetch(input as string, {...init, agent} as Parameters<typeof nodeFetch>[1])
  return fetchWithAgent as unknown as FetchFunction
}
